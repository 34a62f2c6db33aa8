/**
 * Every event type the product writes to `timeline.jsonl`: one closed list. A writer may only
 * append these (the store refuses anything else); a reader still keeps a line of a type it does not
 * know (written by a newer version) as it is. README's "Timeline events" table lists the same.
 */
export const EVENT_TYPES = [
  /** The incident was declared: `data` { title, severity, service, summary? }. Always the first. */
  'declared',
  /** Someone took it: `data` { afterMs } since declaration. */
  'acknowledged',
  /** Investigating → identified → monitoring: `data` { from, to, note? }. */
  'status_changed',
  /** `data` { from, to, reason? }. */
  'severity_changed',
  /** A role (commander, comms, scribe, …) given to a person: `data` { role, person, previous? }. */
  'role_assigned',
  /** Free text; `data.occurredAt` (ISO) when it tells of an earlier moment than `ts`. */
  'note',
  /** A status update was copied for posting: `data` { kind, message }. */
  'status_update',
  /** `data` { from, durationMs, note? }. */
  'resolved',
  /** `data` { reason? }. */
  'reopened',
  /** The severity policy's escalation step was reached (actor `incident-desk`): `data` { step, notify, afterMinutes, severity }. */
  'escalation',
  /** A runbook step was sent to a terminal: `data` { runbook, section, step, key, target, command, … }. */
  'runbook_step_started',
  /** …and ended: the same plus { exitCode, expect?, unknown?, output? } (`output`: the redacted tail of what it printed). */
  'runbook_step_finished',
  /** A step was marked done or not done by hand: `data` { runbook, section, step, key, done }. */
  'runbook_step_done',
  /** `data` { host, address, hostKey? }. */
  'ssh_terminal_opened',
  /** `data` { host, how, detail? }. */
  'ssh_terminal_closed',
  /** Something kept as proof: `data.kind` `docker_logs` { host, source, lines, omitted? } or `docker_stats` { host, rows }. */
  'evidence',
  /** `data` { host, container, outcome: restarted | failed, detail? }. */
  'container_restarted',
  /** A rollback began on a host (its lock held): `data` { host, from, to, strategy, commands: string[], cwd?, tookOverFrom? }. */
  'rollback_started',
  /**
   * One of its host commands started (detached on the host): `data` { host, index, command, runId }.
   * Every rollback_* event of a run resumed after a reload also has `resumed: true`; its first command
   * event says whose lock it carries on: `adoptedLock` (this incident's, from the interrupted run) or
   * `tookOverFrom` (a stale one the user confirmed), each { who, at, incidentId }.
   */
  'rollback_command_started',
  /** …and ended with an exit status: `data` { host, index, command, runId, exitCode, signal?, cancelled }. */
  'rollback_command_finished',
  /** Every check passed after the commands: `data` { host, to, checks: [{ name, status, detail }] }. */
  'rollback_verified',
  /** A command could not start (`stage: 'start'`), failed or was cancelled (`stage: 'command'`), the lock was taken over meanwhile (`stage: 'lock'`), or a check failed (`stage: 'verify'`, with `checks`). */
  'rollback_failed',
  /**
   * Not known, never counted as success: whether a command started or finished (connection lost, status gone; `data` { host, index, runId, reason }), or, the commands done, whether the host is healthy (`stage: 'verify'`, with `checks`).
   * An interrupted run settled after a reload ends here (`stage: 'abandoned'`, with `reason`) or in
   * rollback_verified/failed/unknown (`stage: 'verify'`, `resumed: true`); both carry `lock`: what
   * became of the host's rollback lock (absent, released, other: not this incident's and left alone,
   * running: its command still runs, untouched, failed).
   */
  'rollback_unknown',
  /** An earlier event marked as a key moment: `data` { ref } (see eventRef.ts). */
  'starred',
  /** …and unmarked: `data` { ref }. The last star/unstar of a ref wins. */
  'unstarred',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(type: string): type is EventType {
  return KNOWN.has(type);
}
