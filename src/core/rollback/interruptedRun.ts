// After a window reload or a crash mid-rollback, the timeline says how far the rollback got: a
// `rollback_started` with no `rollback_verified`, `rollback_failed` or `rollback_unknown` after it
// is a rollback whose outcome nobody knows yet. Pure: the wizard shows it ("step 2 of 3 started,
// outcome unknown") and offers to verify, resume (follow the command by its run id, then run the
// ones after it) or abandon.
import type { TimelineEvent } from '../timeline/events';

export interface InterruptedRollback {
  readonly host: string;
  readonly from: string;
  readonly to: string;
  readonly strategy: string;
  readonly commands: readonly string[];
  readonly cwd?: string;
  readonly startedAt: string;
  /** The last command that started (1-based), 0 when none did. */
  readonly step: number;
  /** Whether that command's end was recorded (then the next one never started). */
  readonly stepFinished: boolean;
  /** The exit status recorded for it, when it was. */
  readonly exitCode?: number;
  /** The detached run on the host, to follow again. */
  readonly runId?: string;
  readonly command?: string;
}

const END = new Set(['rollback_verified', 'rollback_failed', 'rollback_unknown']);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The newest rollback on `host` (or any host) started and not ended, in timeline order; undefined when every one ended. */
export function interruptedRollback(events: readonly TimelineEvent[], host?: string): InterruptedRollback | undefined {
  type Open = { -readonly [K in keyof InterruptedRollback]: InterruptedRollback[K] };
  // One open rollback per host (one lock per host): a later start on the same host replaces it.
  const open = new Map<string, Open>();
  for (const e of events) {
    if (!e.type.startsWith('rollback_')) continue;
    const d = (e.data ?? {}) as Record<string, unknown>;
    const h = str(d.host);
    if (!h || (host !== undefined && h !== host)) continue;
    if (e.type === 'rollback_started') {
      open.delete(h);
      open.set(h, {
        host: h, from: str(d.from) ?? '', to: str(d.to) ?? '', strategy: str(d.strategy) ?? '',
        commands: Array.isArray(d.commands) ? d.commands.filter((c): c is string => typeof c === 'string') : [],
        ...(str(d.cwd) !== undefined ? { cwd: str(d.cwd) } : {}), startedAt: e.ts, step: 0, stepFinished: false,
      });
      continue;
    }
    const o = open.get(h);
    if (!o) continue;
    if (END.has(e.type)) {
      open.delete(h);
    } else if (e.type === 'rollback_command_started') {
      o.step = typeof d.index === 'number' ? d.index + 1 : o.step + 1;
      o.stepFinished = false;
      o.runId = str(d.runId);
      o.command = str(d.command);
      delete o.exitCode;
    } else if (e.type === 'rollback_command_finished') {
      o.stepFinished = true;
      if (typeof d.exitCode === 'number') o.exitCode = d.exitCode;
    }
  }
  return [...open.values()].pop();
}

/** "step 2 of 3 started, outcome unknown", as the wizard says it. */
export function describeInterrupted(r: InterruptedRollback): string {
  const of = r.commands.length;
  if (r.step === 0) return `the rollback of ${r.host} started (lock taken) but no command was recorded as started, outcome unknown`;
  if (r.stepFinished) return `step ${r.step} of ${of} ended${r.exitCode !== undefined ? ` with exit status ${r.exitCode}` : ''}, and what came after it is unknown`;
  return `step ${r.step} of ${of} started, outcome unknown`;
}

/** A detached run's id as detachedCommand.ts accepts it. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Where Resume carries the run on: the command that started and was not seen to end (followed by
 * its run id), then the ones after it. Undefined when no command is known to be on the host: none
 * started, or the last one's end was recorded (whether the next had started is then not known, so
 * it is never started a second time; Verify or Abandon settle those).
 */
export function resumePoint(r: InterruptedRollback): { index: number; runId: string } | undefined {
  if (r.step < 1 || r.step > r.commands.length || r.stepFinished || !r.runId || !RUN_ID.test(r.runId) || r.runId.includes('..')) return undefined;
  return { index: r.step - 1, runId: r.runId };
}

/**
 * Whether the host's rollback lock is this incident's own (the interrupted run's, taken by a window
 * of the same incident): only then may Resume adopt it or Abandon release it without asking. A lock
 * without an incident is nobody's own.
 */
export function isOwnLock(holder: { readonly incidentId?: string } | undefined, incidentId: string | undefined): boolean {
  return !!incidentId && holder?.incidentId === incidentId;
}
