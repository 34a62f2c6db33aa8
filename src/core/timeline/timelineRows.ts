// The timeline view's rows, built from the events as read (pure: the host builds them, the webview
// orders and filters them with timelineView.ts). Every string in a row is untrusted text from the
// file: the webview renders it as text only.
import type { MilestoneKind, Milestones } from '../incidents/milestones';
import type { TimelineEvent } from './events';

/** One labelled piece of an event's evidence or detail. */
export interface RowDetail {
  label: string;
  text: string;
  /** Shown in the editor's font, as is (commands, log lines, output, fingerprints). */
  mono: boolean;
}

export interface TimelineRow {
  /** The event's ref (eventRef: id or line hash); `damaged:<line>` for a line that could not be read. */
  key: string;
  /** Position in the file (order of equal times, and of damaged lines). */
  seq: number;
  kind: 'event' | 'damaged';
  /** When it was written (ISO); for a damaged line the time of the event before it, or ''. */
  ts: string;
  /** Where the view places it: `data.occurredAt` for a backdated note, else `ts`. */
  at: string;
  type: string;
  actor: string;
  text: string;
  backdated: boolean;
  starred: boolean;
  /** Stars and unstars (and damaged lines) cannot themselves be starred. */
  starrable: boolean;
  milestone: MilestoneKind | null;
  details: RowDetail[];
  /** Opens the runbook at the step's line (runbook steps only). */
  runbook: { path: string; line: number } | null;
}

const MAX_DETAIL = 64 * 1024;

/** Any value from the file as text (bounded: one row cannot carry megabytes to the webview). */
export function asText(v: unknown): string {
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? '' : JSON.stringify(v);
  return s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL)}…` : s;
}

function d(label: string, v: unknown, mono = false): RowDetail[] {
  const text = asText(v);
  return text === '' ? [] : [{ label, text, mono }];
}

type DetailFn = (data: Record<string, unknown>, byRef: (ref: string) => TimelineEvent | undefined) => RowDetail[];

function exitStatus(data: Record<string, unknown>): string {
  if (data.exitCode === null || data.exitCode === undefined) return `unknown${typeof data.unknown === 'string' ? ` (${data.unknown})` : ''}`;
  return data.exitCode === 0 ? 'exit 0 (success)' : `exit ${asText(data.exitCode)} (failed)`;
}

function step(data: Record<string, unknown>): RowDetail[] {
  return [...d('Runbook', [data.runbookTitle, data.section, data.step].filter((x) => typeof x === 'string').join(' › ')), ...d('Target', data.target), ...d('Command', data.command, true)];
}

function starTarget(data: Record<string, unknown>, byRef: (ref: string) => TimelineEvent | undefined): RowDetail[] {
  const ref = asText(data.ref);
  const target = byRef(ref);
  return target ? d('Event', `${target.text} (${target.actor}, ${target.ts})`) : d('Event', `${ref} (not on this timeline)`);
}

/** Evidence and details per event type: a map keyed by type, never a switch over file strings. */
const DETAILS: Record<string, DetailFn> = {
  declared: (x) => [...d('Severity', x.severity), ...d('Service', x.service), ...d('Summary', x.summary)],
  acknowledged: () => [],
  status_changed: (x) => [...d('From', x.from), ...d('To', x.to), ...d('Note', x.note)],
  severity_changed: (x) => [...d('From', x.from), ...d('To', x.to), ...d('Reason', x.reason)],
  role_assigned: (x) => [...d('Role', x.role), ...d('Person', x.person), ...d('Previously', x.previous)],
  note: (x) => d('Occurred at', x.occurredAt),
  status_update: (x) => [...d('Kind', x.kind), ...d('Message', x.message)],
  resolved: (x) => d('Note', x.note),
  reopened: (x) => d('Reason', x.reason),
  escalation: (x) => [...d('Notify', x.notify), ...d('After minutes', x.afterMinutes), ...d('Severity', x.severity)],
  runbook_step_started: (x) => step(x),
  runbook_step_finished: (x) => [...step(x), ...d('Exit status', exitStatus(x)), ...d('Expected', x.expect), ...d('Output (tail)', x.output, true)],
  runbook_step_done: (x) => [...d('Runbook', [x.runbookTitle, x.section, x.step].filter((v) => typeof v === 'string').join(' › ')), ...d('Done', x.done)],
  ssh_terminal_opened: (x) => [...d('Host', x.host), ...d('Address', x.address), ...d('Host key', x.hostKey, true)],
  ssh_terminal_closed: (x) => [...d('Host', x.host), ...d('How', x.how), ...d('Detail', x.detail)],
  evidence: (x) => [
    ...d('Host', x.host), ...d('Source', x.source),
    ...(Array.isArray(x.lines) ? d('Log lines', x.lines.map(asText).join('\n'), true) : []),
    ...d('Lines left out', x.omitted),
    ...(Array.isArray(x.rows) ? d('Containers', x.rows.map(asText).join('\n'), true) : []),
  ],
  container_restarted: (x) => [...d('Host', x.host), ...d('Container', x.container), ...d('Outcome', x.outcome), ...d('Detail', x.detail)],
  starred: starTarget,
  unstarred: starTarget,
  rollback_started: (x) => [...d('Host', x.host), ...d('From', x.from, true), ...d('To', x.to, true), ...d('Strategy', x.strategy), ...d('Work dir', x.cwd, true), ...(Array.isArray(x.commands) ? d('Commands', x.commands.map(asText).join('\n'), true) : [])],
  rollback_command_started: (x) => [...d('Host', x.host), ...d('Command', x.command, true), ...d('Run', x.runId, true)],
  rollback_command_finished: (x) => [...d('Host', x.host), ...d('Command', x.command, true), ...d('Exit status', exitStatus(x)), ...d('Signal', x.signal), ...d('Cancelled', x.cancelled ? 'yes' : '')],
  rollback_verified: (x) => [...d('Host', x.host), ...d('To', x.to, true), ...rollbackChecks(x)],
  rollback_failed: (x) => [...d('Host', x.host), ...d('Stage', x.stage), ...d('Command', x.command, true), ...d('Exit status', x.exitCode), ...d('Reason', x.reason), ...rollbackChecks(x)],
  rollback_unknown: (x) => [...d('Host', x.host), ...d('Command', x.command, true), ...d('Why', x.message ?? x.reason), ...rollbackChecks(x)],
};

/** A rollback's checks, one line each: `✓ health: …` / `✗ …` / `? …` / `– …` (skipped). */
function rollbackChecks(x: Record<string, unknown>): RowDetail[] {
  if (!Array.isArray(x.checks)) return [];
  const mark: Record<string, string> = { passed: '✓', failed: '✗', unknown: '?', skipped: '–' };
  const lines = x.checks.map((c: unknown) => {
    const o = c && typeof c === 'object' ? (c as Record<string, unknown>) : {};
    const status = asText(o.status);
    return `${Object.hasOwn(mark, status) ? mark[status] : '•'} ${asText(o.name)}: ${asText(o.detail)}`;
  });
  return d('Checks', lines.join('\n'));
}

function otherDetails(data: Record<string, unknown>): RowDetail[] {
  return Object.entries(data).flatMap(([k, v]) => d(k, v, typeof v === 'object'));
}

const MILESTONE_TYPES: Record<MilestoneKind, ReadonlySet<string>> = {
  declared: new Set(['declared']),
  acknowledged: new Set(['acknowledged', 'status_changed']),
  mitigated: new Set(['status_changed', 'resolved']),
  resolved: new Set(['resolved']),
};

function isIso(v: unknown): v is string {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

export interface RowInput {
  events: readonly TimelineEvent[];
  /** refs[i] belongs to events[i]. */
  refs: readonly string[];
  /** File order of events[i] (defaults to i). */
  seqs?: readonly number[];
  damaged: readonly { line: number; message: string; raw: string; seq: number }[];
  starred: ReadonlySet<string>;
  milestones: Pick<Milestones, 'reached'> | undefined;
}

/**
 * The rows of a timeline, built one at a time: index `i < events.length` is events[i], the rest are
 * the damaged lines. The cheap parts (keys, time order, which event marks which milestone, stars)
 * are worked out for all rows up front; a row's text and details only when it is asked for, so the
 * view can send the first screenful before it builds the other thousands.
 */
export interface RowSet {
  readonly size: number;
  /** The key of row i (without building it). */
  key(i: number): string;
  /** What can change in a row already sent: its star and its milestone. */
  sig(i: number): string;
  row(i: number): TimelineRow;
  /** Every row index in the view's order (compareRows: where each row is placed, then file order). */
  order(): number[];
}

export function rowSet(input: RowInput): RowSet {
  const n = input.events.length;
  const byRefIndex = new Map<string, number>();
  input.refs.forEach((r, i) => byRefIndex.set(r, i));
  const byRef = (ref: string) => {
    const i = byRefIndex.get(ref);
    return i === undefined ? undefined : input.events[i];
  };
  // Which event marks which milestone: the first of its types, in the order given, at the milestone's time.
  const milestoneAt = new Map<string, MilestoneKind>();
  for (const m of input.milestones?.reached ?? []) milestoneAt.set(`${m.kind}@${Date.parse(m.at)}`, m.kind);
  const milestones = new Map<number, MilestoneKind>();
  const taken = new Set<MilestoneKind>();
  if (milestoneAt.size) {
    input.events.forEach((e, i) => {
      for (const kind of ['declared', 'acknowledged', 'mitigated', 'resolved'] as const) {
        if (!taken.has(kind) && MILESTONE_TYPES[kind].has(e.type) && milestoneAt.has(`${kind}@${Date.parse(e.ts)}`)) {
          milestones.set(i, kind);
          taken.add(kind);
          break;
        }
      }
    });
  }
  const seq = (i: number) => (i < n ? input.seqs?.[i] ?? i : input.damaged[i - n].seq);
  const occurredOf = (e: TimelineEvent) => (e.type === 'note' && isIso(e.data?.occurredAt) ? (e.data.occurredAt as string) : undefined);
  // A damaged line has no time: it is shown after the event written before it in the file.
  let befores: string[] | undefined;
  const before = (k: number): string => {
    if (!befores) {
      const bySeq = input.events.map((e, i) => ({ seq: seq(i), ts: e.ts })).sort((a, b) => a.seq - b.seq);
      befores = input.damaged.map((p) => {
        let b = '';
        for (const r of bySeq) {
          if (r.seq > p.seq) break;
          b = r.ts;
        }
        return b;
      });
    }
    return befores[k];
  };
  const at = (i: number) => (i < n ? occurredOf(input.events[i]) ?? input.events[i].ts : before(i - n));
  const size = n + input.damaged.length;
  const key = (i: number) => (i < n ? input.refs[i] : `damaged:${input.damaged[i - n].line}`);
  return {
    size,
    key,
    sig: (i) => (i < n ? `${input.starred.has(input.refs[i]) ? 1 : 0}${milestones.get(i) ?? ''}` : '0'),
    row: (i) => (i < n ? eventRow(input, i, occurredOf(input.events[i]), milestones.get(i) ?? null, byRef) : damagedRow(input.damaged[i - n], before(i - n))),
    order: () => {
      const ats = Array.from({ length: size }, (_, i) => at(i));
      const seqs = Array.from({ length: size }, (_, i) => seq(i));
      return Array.from({ length: size }, (_, i) => i).sort((a, b) => (ats[a] < ats[b] ? -1 : ats[a] > ats[b] ? 1 : seqs[a] - seqs[b]));
    },
  };
}

function eventRow(input: RowInput, i: number, occurred: string | undefined, milestone: MilestoneKind | null, byRef: (ref: string) => TimelineEvent | undefined): TimelineRow {
  const e = input.events[i];
  const data = e.data ?? {};
  const fn = Object.hasOwn(DETAILS, e.type) ? DETAILS[e.type] : otherDetails;
  const isStep = (e.type === 'runbook_step_started' || e.type === 'runbook_step_finished' || e.type === 'runbook_step_done') && typeof data.runbook === 'string';
  return {
    key: input.refs[i],
    seq: input.seqs?.[i] ?? i,
    kind: 'event',
    ts: e.ts,
    at: occurred ?? e.ts,
    type: e.type,
    actor: e.actor,
    text: e.text,
    backdated: occurred !== undefined && occurred !== e.ts,
    starred: input.starred.has(input.refs[i]),
    starrable: e.type !== 'starred' && e.type !== 'unstarred',
    milestone,
    details: fn(data, byRef),
    runbook: isStep ? { path: data.runbook as string, line: typeof data.line === 'number' && data.line > 0 ? Math.floor(data.line) : 1 } : null,
  };
}

function damagedRow(p: RowInput['damaged'][number], before: string): TimelineRow {
  return {
    key: `damaged:${p.line}`, seq: p.seq, kind: 'damaged', ts: before, at: before, type: 'damaged', actor: '', text: `Line ${p.line} could not be read: ${p.message}`,
    backdated: false, starred: false, starrable: false, milestone: null, details: d('Line as written', p.raw, true), runbook: null,
  };
}

/** Builds every row (events in the order given, then damaged lines); which event marks which milestone is decided by type and time. */
export function buildRows(input: RowInput): TimelineRow[] {
  const set = rowSet(input);
  return Array.from({ length: set.size }, (_, i) => set.row(i));
}
