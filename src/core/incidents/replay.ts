import { createHash } from 'node:crypto';
import type { TimelineEvent } from '../timeline/events';
import { serializeEvent } from '../timeline/timelineFile';
import { isStatus, type Incident, type IncidentStatus } from './model';

/** The event types that change the record; the others (notes, runbook steps, terminals) only add to the timeline. */
const STATE_EVENTS = new Set(['declared', 'acknowledged', 'status_changed', 'resolved', 'reopened', 'severity_changed', 'role_assigned', 'status_update', 'escalation']);

export function changesRecord(event: TimelineEvent): boolean {
  return STATE_EVENTS.has(event.type);
}

/**
 * Which state-changing timeline events incident.yaml already reflects, written with every record write. The
 * timeline is appended (and fsynced) before the record is rewritten, so a crash between the two
 * leaves the record behind its events; so does a git union merge, which brings in the other side's
 * events but keeps one side's record. On load the events the record has not seen are applied.
 */
export interface AppliedMarker {
  /** The latest state-changing event applied: its time and a hash of its line, `2026-11-22T14:07:00.000Z 3f9a1c2b4d5e`. */
  lastEvent: string;
  /** How many state-changing events (in time order) were applied… */
  events: number;
  /** …and a digest of exactly that set (order-independent), to tell a plain catch-up from a merge. */
  digest: string;
}

const MOD = 2 ** 48;

function hash48(event: TimelineEvent): string {
  return createHash('sha256').update(serializeEvent(event)).digest('hex').slice(0, 12);
}

/** Identifies an event across reads: its time and a hash of its line. */
export function eventKey(event: TimelineEvent): string {
  return `${event.ts} ${hash48(event)}`;
}

/** Sum of the events' 48-bit hashes: independent of order, and a line present twice counts twice. */
export function digestOf(events: readonly TimelineEvent[]): string {
  let sum = 0;
  for (const e of events) sum = (sum + parseInt(hash48(e), 16)) % MOD;
  return sum.toString(16).padStart(12, '0');
}

/** The marker for a record that reflects all of `timeline` (in time order, as parseTimeline gives it). */
export function markerFor(timeline: readonly TimelineEvent[]): AppliedMarker | undefined {
  const events = timeline.filter(changesRecord);
  if (events.length === 0) return undefined;
  return { lastEvent: eventKey(events[events.length - 1]), events: events.length, digest: digestOf(events) };
}

function withStatus(cur: Incident, status: IncidentStatus, ts: string): Incident {
  return {
    ...cur,
    status,
    acknowledgedAt: cur.acknowledgedAt ?? ts,
    mitigatedAt: status === 'monitoring' || status === 'resolved' ? (cur.mitigatedAt ?? ts) : cur.mitigatedAt,
    resolvedAt: status === 'resolved' ? ts : null,
    lastUpdateAt: ts,
  };
}

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/**
 * How one event changes the record: the one rule for a change made now (actions.ts), a change
 * replayed after a crash or a merge, and a change restored from the extension's storage. Events
 * that only add to the timeline (notes, runbook steps, terminals) leave the record as it is.
 * `id` is the incident's folder name, for a declaration that has no record yet.
 */
export function applyEvent(cur: Incident | undefined, event: TimelineEvent, id: string): Incident | undefined {
  const { ts } = event;
  const data = event.data ?? {};
  if (event.type === 'declared') {
    if (cur) return cur;
    return {
      version: 1, id, title: text(data.title, event.text), severity: String(data.severity ?? ''), status: 'investigating',
      service: text(data.service), summary: text(data.summary), roles: {}, declaredAt: ts, declaredBy: event.actor,
      acknowledgedAt: null, mitigatedAt: null, resolvedAt: null, lastUpdateAt: null, escalationsReached: [],
    };
  }
  if (!cur) return cur;
  switch (event.type) {
    case 'acknowledged':
      return cur.acknowledgedAt ? cur : { ...cur, acknowledgedAt: ts };
    case 'status_changed':
      return isStatus(data.to) ? withStatus(cur, data.to, ts) : cur;
    case 'resolved':
      return cur.status === 'resolved' ? cur : withStatus(cur, 'resolved', ts);
    case 'reopened':
      return { ...cur, status: 'investigating', resolvedAt: null, mitigatedAt: null, lastUpdateAt: ts };
    case 'severity_changed':
      return typeof data.to === 'string' || typeof data.to === 'number' ? { ...cur, severity: String(data.to) } : cur;
    case 'role_assigned':
      return typeof data.role === 'string' && typeof data.person === 'string' ? { ...cur, roles: { ...cur.roles, [data.role]: data.person } } : cur;
    case 'status_update':
      return { ...cur, lastUpdateAt: ts };
    case 'escalation': {
      const step = data.step;
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || cur.escalationsReached.includes(step)) return cur;
      return { ...cur, escalationsReached: [...cur.escalationsReached, step].sort((a, b) => a - b) };
    }
    default:
      return cur;
  }
}

export interface CatchUp {
  incident: Incident;
  /** State-changing events the record had not seen, now applied (empty when it was up to date). */
  applied: TimelineEvent[];
  /** The record's marker did not match the timeline's history (a merge): its state fields were rebuilt from the whole timeline. */
  rebuilt: boolean;
}

/**
 * Brings a record up to date with its timeline (events in time order). The timeline is the source
 * of truth for state changes, the record for hand edits (title, summary, service, comments, fields
 * we do not know): only the fields events set are touched.
 * - No marker (a record written before markers existed): taken as up to date.
 * Only state-changing events count (notes and the like do not rewrite the record).
 * - The first `marker.events` events are exactly the set the record saw (same digest): the events
 *   after them are applied. This is the crash between append and record write, and a merge whose
 *   other side's events all came later.
 * - Otherwise (a union merge interleaved the other side's events with the ones the record saw, or
 *   lines were removed by hand): the state fields are rebuilt by replaying the whole timeline from
 *   its declaration, so neither side's changes are lost.
 */
export function catchUp(record: Incident, marker: AppliedMarker | undefined, timeline: readonly TimelineEvent[]): CatchUp {
  const same = { incident: record, applied: [], rebuilt: false };
  if (!marker) return same;
  const events = timeline.filter(changesRecord);
  if (events.length === 0) return same;
  const n = events.length;
  if (marker.events === n && eventKey(events[n - 1]) === marker.lastEvent) return same;
  if (marker.events <= n && digestOf(events.slice(0, marker.events)) === marker.digest) {
    const rest = events.slice(marker.events);
    return { incident: rest.reduce<Incident>((cur, e) => applyEvent(cur, e, record.id) ?? cur, record), applied: rest, rebuilt: false };
  }
  const declared = events.find((e) => e.type === 'declared');
  if (!declared) return same;
  const base: Incident = {
    ...record,
    severity: String(declared.data?.severity ?? record.severity),
    // Roles and escalations reached start from the record's: one added by hand has no event.
    status: 'investigating', acknowledgedAt: null, mitigatedAt: null, resolvedAt: null, lastUpdateAt: null,
  };
  const incident = events.reduce<Incident>((cur, e) => applyEvent(cur, e, record.id) ?? cur, base);
  return { incident, applied: [...events], rebuilt: true };
}
