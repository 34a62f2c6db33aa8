import { formatDuration } from '../util/time';
import { ROLE_LABELS, STATUS_LABELS, type Incident, type IncidentStatus } from './model';
import type { TimelineEvent } from '../timeline/events';
import { SYSTEM_ACTOR } from '../timeline/events';
import type { EscalationStep } from '../severity/policy';

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

function event(ts: string, type: string, actor: string, text: string, data?: Record<string, unknown>): TimelineEvent {
  return data ? { ts, type, actor, text, data } : { ts, type, actor, text };
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
  return {
    event: event(ts, 'declared', actor, `Declared ${input.severity} incident${where}: ${incident.title}`,
      { title: incident.title, severity: input.severity, service: incident.service }),
    apply: (current) => current ?? incident,
  };
}

export function acknowledge(incident: Incident, actor: string, ts: string): Change {
  if (incident.status === 'resolved') throw new ActionError('alreadyResolved', `"${incident.title}" is resolved; reopen it first.`);
  if (incident.acknowledgedAt) throw new ActionError('alreadyAcknowledged', `"${incident.title}" was already acknowledged at ${incident.acknowledgedAt}.`);
  const after = Date.parse(ts) - Date.parse(incident.declaredAt);
  return {
    event: event(ts, 'acknowledged', actor, `Acknowledged by ${actor} (${formatDuration(after)} after declaration)`, { afterMs: after }),
    apply: (cur) => cur && (cur.acknowledgedAt ? cur : { ...cur, acknowledgedAt: ts }),
  };
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

export function setStatus(incident: Incident, status: IncidentStatus, actor: string, ts: string, note = ''): Change {
  if (incident.status === 'resolved') throw new ActionError('alreadyResolved', `"${incident.title}" is resolved; reopen it first.`);
  if (status === 'resolved') return resolve(incident, actor, ts, note);
  if (incident.status === status) throw new ActionError('sameValue', `"${incident.title}" is already ${STATUS_LABELS[status]}.`);
  const text = `Status: ${STATUS_LABELS[incident.status]} → ${STATUS_LABELS[status]}${note.trim() ? ` (${note.trim()})` : ''}`;
  return {
    event: event(ts, 'status_changed', actor, text, { from: incident.status, to: status, ...(note.trim() ? { note: note.trim() } : {}) }),
    apply: (cur) => cur && withStatus(cur, status, ts),
  };
}

export function resolve(incident: Incident, actor: string, ts: string, note = ''): Change {
  if (incident.status === 'resolved') throw new ActionError('alreadyResolved', `"${incident.title}" is already resolved.`);
  const duration = formatDuration(Date.parse(ts) - Date.parse(incident.declaredAt));
  return {
    event: event(ts, 'resolved', actor, `Resolved after ${duration}${note.trim() ? `: ${note.trim()}` : ''}`,
      { from: incident.status, durationMs: Date.parse(ts) - Date.parse(incident.declaredAt), ...(note.trim() ? { note: note.trim() } : {}) }),
    apply: (cur) => cur && (cur.status === 'resolved' ? cur : withStatus(cur, 'resolved', ts)),
  };
}

export function reopen(incident: Incident, actor: string, ts: string, reason = ''): Change {
  if (incident.status !== 'resolved') throw new ActionError('notResolved', `"${incident.title}" is not resolved.`);
  return {
    event: event(ts, 'reopened', actor, `Reopened${reason.trim() ? `: ${reason.trim()}` : ''}`, reason.trim() ? { reason: reason.trim() } : undefined),
    apply: (cur) => cur && { ...cur, status: 'investigating', resolvedAt: null, mitigatedAt: null, lastUpdateAt: ts },
  };
}

export function changeSeverity(incident: Incident, severity: string, actor: string, ts: string, reason = ''): Change {
  if (incident.severity === severity) throw new ActionError('sameValue', `"${incident.title}" is already ${severity}.`);
  return {
    event: event(ts, 'severity_changed', actor, `Severity: ${incident.severity} → ${severity}${reason.trim() ? ` (${reason.trim()})` : ''}`,
      { from: incident.severity, to: severity, ...(reason.trim() ? { reason: reason.trim() } : {}) }),
    apply: (cur) => cur && { ...cur, severity },
  };
}

export function assignRole(incident: Incident, role: string, person: string, actor: string, ts: string): Change {
  const label = ROLE_LABELS[role] ?? role;
  if (incident.roles[role] === person) throw new ActionError('sameValue', `${person} is already ${label}.`);
  const previous = incident.roles[role];
  return {
    event: event(ts, 'role_assigned', actor, `${person} is now ${label}${previous ? ` (was ${previous})` : ''}`,
      { role, person, ...(previous ? { previous } : {}) }),
    apply: (cur) => cur && { ...cur, roles: { ...cur.roles, [role]: person } },
  };
}

export function addNote(_incident: Incident, text: string, actor: string, ts: string): Change {
  return { event: event(ts, 'note', actor, text.trim()), apply: (cur) => cur };
}

export function statusUpdatePosted(_incident: Incident, kind: string, message: string, actor: string, ts: string): Change {
  return {
    event: event(ts, 'status_update', actor, `Status update (${kind}) copied for posting`, { kind, message }),
    apply: (cur) => cur && { ...cur, lastUpdateAt: ts },
  };
}

export function escalate(incident: Incident, index: number, step: EscalationStep, ts: string): Change {
  const minutes = Math.round((Date.parse(ts) - Date.parse(incident.declaredAt)) / 60_000);
  return {
    event: event(ts, 'escalation', SYSTEM_ACTOR, `Escalation: bring in ${step.notify} (${minutes} min without mitigation, ${incident.severity})`,
      { step: index, notify: step.notify, afterMinutes: step.afterMinutes, severity: incident.severity }),
    apply: (cur) => cur && (cur.escalationsReached.includes(index) ? cur : { ...cur, escalationsReached: [...cur.escalationsReached, index].sort((a, b) => a - b) }),
  };
}

/** For events that only add to the timeline: the record stays as it is. */
export function timelineOnly(): Change['apply'] {
  return (cur) => cur;
}
