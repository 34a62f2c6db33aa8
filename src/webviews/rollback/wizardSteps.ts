// The wizard's step machine, shared by the host (which enforces it) and the app (which shows why a
// step is not reachable yet). Pure: no 'vscode', no DOM.
import { AVAILABLE_STEPS, STEPS, STEP_LABELS, type PreviewData, type Step } from './protocol';

export function hasMigration(p: PreviewData | undefined): boolean {
  return !!p && p.risks.some((r) => r.kind === 'migration');
}

/**
 * Why the wizard cannot move from `from` to `to`, or undefined when it can. Back is always
 * allowed; Preview needs a target (checked by the host with the repository); past the preview
 * only from it, with a migration in the range acknowledged; and only to a step that is built.
 */
export function refuseMove(from: Step, to: Step, preview: PreviewData | undefined, acknowledged: boolean): string | undefined {
  if (STEPS.indexOf(to) > STEPS.indexOf('preview')) {
    if (from !== 'preview' || !preview) return 'Preview the rollback first.';
    if (hasMigration(preview) && !acknowledged) return 'Tick the acknowledgement first: the database is not rolled back with the code.';
  }
  if (!AVAILABLE_STEPS.includes(to)) {
    return to === 'strategy' ? 'The strategies (redeploy on the host, the team\'s own command, revert in git) come with the next part of this wizard.'
      : `The ${STEP_LABELS[to]} step comes with the next part of this wizard.`;
  }
  return undefined;
}
