import type { Incident } from '../incidents/model';
import type { SeverityLevel } from './policy';

/** Share of a target's time after which it shows as a warning. */
export const WARNING_RATIO = 0.75;

export type SlaLevel = 'ok' | 'warning' | 'breached';

export interface SlaItem {
  kind: 'acknowledge' | 'update';
  /** Epoch ms when it is due. */
  dueAt: number;
  state: SlaLevel;
}

export interface SlaState {
  /** Since declaration; frozen at resolution. */
  elapsedMs: number;
  /** Items still to do, soonest first (empty once resolved or when the severity is unknown). */
  pending: SlaItem[];
  /** The worst state among pending items. */
  worst: SlaLevel;
  /** How the response target went, once acknowledged: met or missed (by how much). */
  acknowledged?: { met: boolean; afterMs: number };
}

function itemState(startMs: number, dueMs: number, now: number): SlaLevel {
  if (now > dueMs) return 'breached';
  if (now >= startMs + (dueMs - startMs) * WARNING_RATIO) return 'warning';
  return 'ok';
}

const ORDER: Record<SlaLevel, number> = { ok: 0, warning: 1, breached: 2 };

export function computeSla(incident: Incident, level: SeverityLevel | undefined, now: number): SlaState {
  const declared = Date.parse(incident.declaredAt);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
  const state: SlaState = { elapsedMs: Math.max(0, end - declared), pending: [], worst: 'ok' };
  if (level && incident.acknowledgedAt) {
    const afterMs = Date.parse(incident.acknowledgedAt) - declared;
    state.acknowledged = { met: afterMs <= level.responseMinutes * 60_000, afterMs };
  }
  if (!level || incident.status === 'resolved') return state;

  if (!incident.acknowledgedAt) {
    const due = declared + level.responseMinutes * 60_000;
    state.pending.push({ kind: 'acknowledge', dueAt: due, state: itemState(declared, due, now) });
  }
  const last = incident.lastUpdateAt ? Date.parse(incident.lastUpdateAt) : declared;
  const updateDue = last + level.updateMinutes * 60_000;
  state.pending.push({ kind: 'update', dueAt: updateDue, state: itemState(last, updateDue, now) });

  state.pending.sort((a, b) => a.dueAt - b.dueAt);
  state.worst = state.pending.reduce<SlaLevel>((w, i) => (ORDER[i.state] > ORDER[w] ? i.state : w), 'ok');
  return state;
}

/**
 * Escalation steps due now and not yet recorded, by index in `level.escalation`. Escalation runs
 * while the incident is unmitigated (investigating or identified); a mitigated incident stops it.
 */
export function dueEscalations(incident: Incident, level: SeverityLevel | undefined, now: number): number[] {
  if (!level || (incident.status !== 'investigating' && incident.status !== 'identified')) return [];
  const elapsedMin = (now - Date.parse(incident.declaredAt)) / 60_000;
  const due: number[] = [];
  level.escalation.forEach((step, i) => {
    if (elapsedMin >= step.afterMinutes && !incident.escalationsReached.includes(i)) due.push(i);
  });
  return due;
}

/** Epoch ms of the next moment something changes (a state flips or a step falls due), for timers. */
export function nextChangeAt(incident: Incident, level: SeverityLevel | undefined, now: number): number | undefined {
  if (!level || incident.status === 'resolved') return undefined;
  const declared = Date.parse(incident.declaredAt);
  const candidates: number[] = [];
  for (const item of computeSla(incident, level, now).pending) {
    const start = item.kind === 'acknowledge' ? declared : (incident.lastUpdateAt ? Date.parse(incident.lastUpdateAt) : declared);
    candidates.push(start + (item.dueAt - start) * WARNING_RATIO, item.dueAt + 1);
  }
  if (incident.status === 'investigating' || incident.status === 'identified') {
    level.escalation.forEach((s, i) => { if (!incident.escalationsReached.includes(i)) candidates.push(declared + s.afterMinutes * 60_000); });
  }
  const future = candidates.filter((t) => t > now);
  return future.length ? Math.min(...future) : undefined;
}
