import { formatDuration } from '../util/time';
import { ROLE_LABELS, STATUS_LABELS, type Incident, type IncidentStatus } from './model';
import type { TimelineEvent } from '../timeline/events';
import type { EventType } from '../timeline/eventTypes';
import { SYSTEM_ACTOR } from '../timeline/events';
import type { EscalationStep } from '../severity/policy';
import { applyEvent } from './replay';

/**
 * One thing that happened: the event to append, and how it changes the record. `apply` runs on the
 * record as it is on disk at write time (it may have changed since the command read it), so it
 * must only set what this event is about.
 */
export interface Change {
  event: TimelineEvent;
  apply(current: Incident | undefined): Incident | undefined;
}

/** A command that does not apply to the incident as it is, with a reason to branch on. */
export class ActionError extends Error {
  constructor(readonly reason: 'alreadyAcknowledged' | 'alreadyResolved' | 'notResolved' | 'sameValue', message: string) {
    super(message);
    this.name = 'ActionError';
  }
  static is(e: unknown, reason?: ActionError['reason']): e is ActionError {
    return e instanceof ActionError && (reason === undefined || e.reason === reason);
  }
}

function event(ts: string, type: EventType, actor: string, text: string, data?: Record<string, unknown>): TimelineEvent {
  return data ? { ts, type, actor, text, data } : { ts, type, actor, text };
}

/**
 * The change an event makes, by the same rule used to replay the timeline onto the record after a
 * crash or a merge (replay.ts), so a change made now and one replayed later cannot differ.
 */
export function changeOf(id: string, ev: TimelineEvent): Change {
  return { event: ev, apply: (cur) => applyEvent(cur, ev, id) };
}

export interface DeclareInput {
  id: string;
  title: string;
  severity: string;
  service: string;
  summary?: string;
}

export function declare(input: DeclareInput, actor: string, ts: string): Change {
  const incident: Incident = {
    version: 1, id: input.id, title: input.title.trim(), severity: input.severity, status: 'investigating',
    service: input.service.trim(), summary: (input.summary ?? '').trim(), roles: {}, declaredAt: ts, declaredBy: actor,
    acknowledgedAt: null, mitigatedAt: null, resolvedAt: null, lastUpdateAt: null, escalationsReached: [],
  };
  const where = incident.service ? ` on ${incident.service}` : '';
  return changeOf(input.id, event(ts, 'declared', actor, `Declared ${input.severity} incident${where}: ${incident.title}`,
    { title: incident.title, severity: input.severity, service: incident.service, ...(incident.summary ? { summary: incident.summary } : {}) }));
}

export function acknowledge(incident: Incident, actor: string, ts: string): Change {
  if (incident.status === 'resolved') throw new ActionError('alreadyResolved', `"${incident.title}" is resolved; reopen it first.`);
  if (incident.acknowledgedAt) throw new ActionError('alreadyAcknowledged', `"${incident.title}" was already acknowledged at ${incident.acknowledgedAt}.`);
  const after = Date.parse(ts) - Date.parse(incident.declaredAt);
  return changeOf(incident.id, event(ts, 'acknowledged', actor, `Acknowledged by ${actor} (${formatDuration(after)} after declaration)`, { afterMs: after }));
}

export function setStatus(incident: Incident, status: IncidentStatus, actor: string, ts: string, note = ''): Change {
  if (incident.status === 'resolved') throw new ActionError('alreadyResolved', `"${incident.title}" is resolved; reopen it first.`);
  if (status === 'resolved') return resolve(incident, actor, ts, note);
  if (incident.status === status) throw new ActionError('sameValue', `"${incident.title}" is already ${STATUS_LABELS[status]}.`);
  const text = `Status: ${STATUS_LABELS[incident.status]} → ${STATUS_LABELS[status]}${note.trim() ? ` (${note.trim()})` : ''}`;
  return changeOf(incident.id, event(ts, 'status_changed', actor, text, { from: incident.status, to: status, ...(note.trim() ? { note: note.trim() } : {}) }));
}

export function resolve(incident: Incident, actor: string, ts: string, note = ''): Change {
  if (incident.status === 'resolved') throw new ActionError('alreadyResolved', `"${incident.title}" is already resolved.`);
  const duration = formatDuration(Date.parse(ts) - Date.parse(incident.declaredAt));
  return changeOf(incident.id, event(ts, 'resolved', actor, `Resolved after ${duration}${note.trim() ? `: ${note.trim()}` : ''}`,
    { from: incident.status, durationMs: Date.parse(ts) - Date.parse(incident.declaredAt), ...(note.trim() ? { note: note.trim() } : {}) }));
}

export function reopen(incident: Incident, actor: string, ts: string, reason = ''): Change {
  if (incident.status !== 'resolved') throw new ActionError('notResolved', `"${incident.title}" is not resolved.`);
  return changeOf(incident.id, event(ts, 'reopened', actor, `Reopened${reason.trim() ? `: ${reason.trim()}` : ''}`, reason.trim() ? { reason: reason.trim() } : undefined));
}

export function changeSeverity(incident: Incident, severity: string, actor: string, ts: string, reason = ''): Change {
  if (incident.severity === severity) throw new ActionError('sameValue', `"${incident.title}" is already ${severity}.`);
  return changeOf(incident.id, event(ts, 'severity_changed', actor, `Severity: ${incident.severity} → ${severity}${reason.trim() ? ` (${reason.trim()})` : ''}`,
    { from: incident.severity, to: severity, ...(reason.trim() ? { reason: reason.trim() } : {}) }));
}

export function assignRole(incident: Incident, role: string, person: string, actor: string, ts: string): Change {
  const label = ROLE_LABELS[role] ?? role;
  if (incident.roles[role] === person) throw new ActionError('sameValue', `${person} is already ${label}.`);
  const previous = incident.roles[role];
  return changeOf(incident.id, event(ts, 'role_assigned', actor, `${person} is now ${label}${previous ? ` (was ${previous})` : ''}`,
    { role, person, ...(previous ? { previous } : {}) }));
}

/** `occurredAt`: the earlier moment the note tells of (ISO); `ts` stays the time it is written. */
export function addNote(incident: Incident, text: string, actor: string, ts: string, occurredAt?: string): Change {
  return changeOf(incident.id, event(ts, 'note', actor, text.trim(), occurredAt ? { occurredAt } : undefined));
}

export function statusUpdatePosted(incident: Incident, kind: string, message: string, actor: string, ts: string): Change {
  return changeOf(incident.id, event(ts, 'status_update', actor, `Status update (${kind}) copied for posting`, { kind, message }));
}

export function escalate(incident: Incident, index: number, step: EscalationStep, ts: string): Change {
  const minutes = Math.round((Date.parse(ts) - Date.parse(incident.declaredAt)) / 60_000);
  return changeOf(incident.id, event(ts, 'escalation', SYSTEM_ACTOR, `Escalation: bring in ${step.notify} (${minutes} min without mitigation, ${incident.severity})`,
    { step: index, notify: step.notify, afterMinutes: step.afterMinutes, severity: incident.severity }));
}

/** For events that only add to the timeline: the record stays as it is. */
export function timelineOnly(): Change['apply'] {
  return (cur) => cur;
}
