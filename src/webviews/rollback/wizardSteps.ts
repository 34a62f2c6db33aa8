// The wizard's step machine, shared by the host (which enforces it) and the app (which shows why a
// step is not reachable yet). Pure: no 'vscode', no DOM.
import { STEPS, STEP_LABELS, type PreviewData, type Step } from './protocol';

export function hasMigration(p: PreviewData | undefined): boolean {
  return !!p && p.risks.some((r) => r.kind === 'migration');
}

/** What the host knows of the run: one in progress, or one that has ended (ran) in this wizard. */
export interface RunFacts {
  readonly running: boolean;
  readonly ran: boolean;
}

const idx = (s: Step) => STEPS.indexOf(s);

/**
 * Why the wizard cannot move from `from` to `to`, or undefined when it can. Nothing moves while a
 * run is in progress. Before a run: back is always allowed; Preview needs a target (checked by the
 * host with the repository); Strategy only from the preview, with a migration in the range
 * acknowledged; Run only from Strategy. After a run: forward to Verify and Record, or back to
 * Target to start over (a new rollback), never to the steps that planned the run that happened.
 */
export function refuseMove(from: Step, to: Step, preview: PreviewData | undefined, acknowledged: boolean, run: RunFacts = { running: false, ran: false }): string | undefined {
  if (run.running) return 'Wait for the rollback to end, or Cancel it.';
  if (run.ran) {
    if (to === 'target') return undefined;
    if (to === 'verify' || to === 'record' || to === from) return undefined;
    return idx(to) < idx('run') ? 'This rollback has run: start over from the Target step for a new one.' : undefined;
  }
  if (to === 'verify' || to === 'record') return `Run the rollback first: the ${STEP_LABELS[to]} step shows its outcome.`;
  if (to === 'run' && from !== 'strategy' && from !== 'run') return 'Choose a strategy first.';
  if (to === 'strategy' && from === 'run') return undefined;
  if (idx(to) > idx('preview') && from !== 'strategy' && from !== 'run') {
    if (from !== 'preview' || !preview) return 'Preview the rollback first.';
    if (hasMigration(preview) && !acknowledged) return 'Tick the acknowledgement first: the database is not rolled back with the code.';
  }
  return undefined;
}
