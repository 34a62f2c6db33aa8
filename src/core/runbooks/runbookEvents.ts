import { type Change, timelineOnly } from '../incidents/actions';
import type { TimelineEvent } from '../timeline/events';
import type { OutputTail } from './outputTail';

/** Where a step is: enough to find it again and to read the timeline without the runbook at hand. */
export interface StepRef {
  /** Runbook path, relative to the workspace (or `extension:` + path for the shipped ones). */
  runbook: string;
  runbookTitle: string;
  section: string;
  step: string;
  line: number;
}

/** Identity of a step or checklist item for done-marks: stable while the runbook's text is edited elsewhere. */
export function stepKey(ref: Pick<StepRef, 'runbook' | 'section' | 'step'>): string {
  return `${ref.runbook}#${ref.section}#${ref.step}`;
}

export function stepMarked(ref: StepRef, done: boolean, actor: string, ts: string): Change {
  return {
    event: { ts, type: 'runbook_step_done', actor, text: `${done ? 'Done' : 'Not done'}: ${ref.step} (${ref.runbookTitle} › ${ref.section})`, data: { ...ref, key: stepKey(ref), done } },
    apply: timelineOnly(),
  };
}

export interface RunRecord {
  /** The command exactly as sent, placeholders filled. */
  command: string;
  /** `local` or a host profile name. */
  target: string;
  /** Unique per run, to pair the start with its result. */
  runId: string;
}

export function stepStarted(ref: StepRef, run: RunRecord, actor: string, ts: string): Change {
  return {
    event: { ts, type: 'runbook_step_started', actor, text: `Ran "${ref.step}" on ${run.target}: ${firstLine(run.command)}`, data: { ...ref, key: stepKey(ref), ...run } },
    apply: timelineOnly(),
  };
}

/** Whether a step's `expect` was seen in its output; `met` null when the output could not be read. */
export interface ExpectOutcome {
  pattern: string;
  met: boolean | null;
}

/**
 * `exitCode` undefined: the outcome is unknown (no shell integration, or the connection dropped).
 * `output`: the end of what the command printed (outputTail: bounded, plain, redacted).
 */
export function stepFinished(ref: StepRef, run: RunRecord, exitCode: number | undefined, actor: string, ts: string, expect?: ExpectOutcome, unknownReason?: string, output?: OutputTail): Change {
  let outcome = exitCode === undefined ? `outcome unknown${unknownReason ? ` (${unknownReason})` : ''}` : exitCode === 0 ? 'exit 0' : `failed, exit ${exitCode}`;
  if (expect) outcome += expect.met === null ? `; "${expect.pattern}" could not be checked` : expect.met ? `; saw "${expect.pattern}"` : `; did NOT see "${expect.pattern}"`;
  return {
    event: { ts, type: 'runbook_step_finished', actor, text: `"${ref.step}" on ${run.target}: ${outcome}`, data: { ...ref, key: stepKey(ref), ...run, exitCode: exitCode ?? null, ...(expect ? { expect } : {}), ...(exitCode === undefined && unknownReason ? { unknown: unknownReason } : {}), ...(output ? { output } : {}) } },
    apply: timelineOnly(),
  };
}

function firstLine(command: string): string {
  const [first, ...rest] = command.split('\n');
  return rest.length ? `${first} …` : first;
}

/**
 * Done-marks from a timeline: the last mark or run of each key wins. A run's commands go in order
 * and stop at the first failure or unknown outcome, so its last finished command says how it went:
 * exit 0 (and its expect, if any, seen) is done; a failure or an unknown outcome is not.
 */
export function doneKeys(events: readonly TimelineEvent[]): Set<string> {
  const state = new Map<string, boolean>();
  for (const e of events) {
    const key = typeof e.data?.key === 'string' ? e.data.key : undefined;
    if (!key) continue;
    if (e.type === 'runbook_step_done') state.set(key, e.data?.done === true);
    else if (e.type === 'runbook_step_finished') state.set(key, e.data?.exitCode === 0 && (e.data?.expect as ExpectOutcome | undefined)?.met !== false);
  }
  return new Set([...state].filter(([, done]) => done).map(([k]) => k));
}
