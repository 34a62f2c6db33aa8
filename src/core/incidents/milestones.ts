// The milestones of an incident (declared, acknowledged, mitigated, resolved), the durations
// between them and how the severity's targets went: the numbers a post-mortem, the timeline view
// and `incident-desk report` show. Pure: no vscode, no file system.
import type { EscalationStep, SeverityLevel } from '../severity/policy';
import type { TimelineEvent } from '../timeline/events';
import type { Incident } from './model';

/** The event types that count as a status update for the update cadence (they set `lastUpdateAt`, see replay.ts). */
const UPDATE_EVENTS = new Set(['status_update', 'status_changed', 'resolved', 'reopened']);

export type MilestoneKind = 'declared' | 'acknowledged' | 'mitigated' | 'resolved';

export interface Milestone {
  kind: MilestoneKind;
  /** ISO-8601 UTC. */
  at: string;
  /** Since declaration. */
  afterMs: number;
}

/** A target met, missed, or still open (an active incident whose deadline has not passed). */
export type TargetState = 'met' | 'missed' | 'pending';

export interface AcknowledgementOutcome {
  targetMinutes: number;
  state: TargetState;
  /** Time to acknowledge, when acknowledged. */
  afterMs: number | null;
}

export interface CadenceGap {
  /** Start of the gap: declaration or a status update (ISO). */
  from: string;
  /** The next update, or the end of the active period (resolution or now) when none came (ISO). */
  to: string;
  gapMs: number;
}

export interface CadenceOutcome {
  targetMinutes: number;
  state: TargetState;
  /** Status updates and status changes while active (declaration to resolution). */
  updates: number;
  /** The longest stretch without one. */
  longestGapMs: number;
  /** Every stretch longer than the target. */
  missed: CadenceGap[];
}

export interface EscalationReached {
  /** Index in the policy's escalation chain. */
  step: number;
  notify: string;
  afterMinutes: number;
  /** When the step was recorded on the timeline; null when the record lists it without an event. */
  at: string | null;
}

export interface Milestones {
  declaredAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  /** The milestones reached, in time order. */
  reached: Milestone[];
  /** Declaration to acknowledgement / mitigation / resolution, null until reached. */
  toAcknowledgeMs: number | null;
  toMitigateMs: number | null;
  toResolveMs: number | null;
  /** Declaration to resolution, or to `now` while active. */
  durationMs: number;
  /** Undefined when the severity is not in the policy. */
  acknowledgement?: AcknowledgementOutcome;
  updateCadence?: CadenceOutcome;
  escalations: EscalationReached[];
}

function since(declared: number, iso: string | null): number | null {
  return iso === null ? null : Math.max(0, Date.parse(iso) - declared);
}

/**
 * The milestones follow the record's own rule (replay.ts `withStatus`), so the numbers match
 * incident.yaml, the tree and the SLA clock:
 * - acknowledged: the `acknowledged` event, or the first status change (working on it acknowledges it);
 * - mitigated: the first move to `monitoring` or to resolved; this is also where escalation stops
 *   (sla.ts `dueEscalations` escalates only while investigating or identified). A reopening
 *   clears it, so after a reopen it is the first mitigation since;
 * - resolved: the resolution (cleared by a reopening).
 * A hand-written record with `resolvedAt` but no `mitigatedAt` is taken as mitigated at resolution.
 * `now` (epoch ms) ends the duration of an active incident and decides whether open targets are missed.
 */
export function computeMilestones(incident: Incident, events: readonly TimelineEvent[], level: SeverityLevel | undefined, now: number): Milestones {
  const declared = Date.parse(incident.declaredAt);
  const acknowledgedAt = incident.acknowledgedAt;
  const resolvedAt = incident.status === 'resolved' ? incident.resolvedAt : null;
  const mitigatedAt = incident.mitigatedAt ?? resolvedAt;
  const end = resolvedAt ? Date.parse(resolvedAt) : now;
  const reached: Milestone[] = [{ kind: 'declared', at: incident.declaredAt, afterMs: 0 }];
  const add = (kind: MilestoneKind, at: string | null) => { if (at) reached.push({ kind, at, afterMs: since(declared, at)! }); };
  add('acknowledged', acknowledgedAt);
  add('mitigated', mitigatedAt);
  add('resolved', resolvedAt);
  reached.sort((a, b) => a.afterMs - b.afterMs);
  const m: Milestones = {
    declaredAt: incident.declaredAt, acknowledgedAt, mitigatedAt, resolvedAt, reached,
    toAcknowledgeMs: since(declared, acknowledgedAt),
    toMitigateMs: since(declared, mitigatedAt),
    toResolveMs: since(declared, resolvedAt),
    durationMs: Math.max(0, end - declared),
    escalations: escalationsReached(incident, events, level?.escalation ?? []),
  };
  if (level) {
    m.acknowledgement = acknowledgementOutcome(declared, m.toAcknowledgeMs, level.responseMinutes, now);
    m.updateCadence = cadenceOutcome(incident, events, level.updateMinutes, end, resolvedAt !== null);
  }
  return m;
}

function acknowledgementOutcome(declared: number, afterMs: number | null, targetMinutes: number, now: number): AcknowledgementOutcome {
  const target = targetMinutes * 60_000;
  // The same comparison as sla.ts computeSla: on time up to and including the target.
  const state: TargetState = afterMs !== null ? (afterMs <= target ? 'met' : 'missed') : now - declared > target ? 'missed' : 'pending';
  return { targetMinutes, state, afterMs };
}

/**
 * Status updates against the cadence while the incident was active: every stretch from the
 * declaration to the first update, between updates, and from the last update to the resolution
 * (itself an update) or to now, longer than the target, is a miss. An open last stretch still
 * within the target leaves the cadence pending rather than met.
 */
function cadenceOutcome(incident: Incident, events: readonly TimelineEvent[], targetMinutes: number, end: number, closed: boolean): CadenceOutcome {
  const target = targetMinutes * 60_000;
  const declared = Date.parse(incident.declaredAt);
  const updates = events
    .filter((e) => UPDATE_EVENTS.has(e.type))
    .map((e) => ({ t: Date.parse(e.ts), type: e.type }))
    .filter((u) => Number.isFinite(u.t) && u.t > declared && u.t <= end)
    .sort((a, b) => a.t - b.t);
  const missed: CadenceGap[] = [];
  let longest = 0;
  let from = declared;
  let active = true;
  let count = 0;
  const gap = (to: number) => {
    const ms = to - from;
    longest = Math.max(longest, ms);
    if (ms > target) missed.push({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), gapMs: ms });
  };
  for (const u of updates) {
    // Between a resolution and a reopening nobody owes an update.
    if (active) { gap(u.t); count++; }
    else if (u.type === 'reopened') count++;
    from = u.t;
    if (u.type === 'resolved') active = false;
    else if (u.type === 'reopened') active = true;
  }
  if (active && end > from) gap(end);
  const state: TargetState = missed.length ? 'missed' : closed ? 'met' : 'pending';
  return { targetMinutes, state, updates: count, longestGapMs: longest, missed };
}

/** Steps the record lists as reached, with the time their `escalation` event was written. */
function escalationsReached(incident: Incident, events: readonly TimelineEvent[], chain: readonly EscalationStep[]): EscalationReached[] {
  const at = new Map<number, { ts: string; notify?: string; afterMinutes?: number }>();
  for (const e of events) {
    if (e.type !== 'escalation') continue;
    const step = e.data?.step;
    if (typeof step !== 'number' || at.has(step)) continue;
    at.set(step, { ts: e.ts, notify: typeof e.data?.notify === 'string' ? e.data.notify : undefined, afterMinutes: typeof e.data?.afterMinutes === 'number' ? e.data.afterMinutes : undefined });
  }
  const steps = new Set([...incident.escalationsReached, ...at.keys()]);
  return [...steps].sort((a, b) => a - b).map((step) => {
    const ev = at.get(step);
    // The event says who was brought in at the time; the policy may have changed since.
    return { step, notify: ev?.notify ?? chain[step]?.notify ?? `step ${step + 1}`, afterMinutes: ev?.afterMinutes ?? chain[step]?.afterMinutes ?? 0, at: ev?.ts ?? null };
  });
}
