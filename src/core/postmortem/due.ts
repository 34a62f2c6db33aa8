// When a post-mortem is due: within `incidentDesk.postmortem.dueHours` of resolution, for the two
// most severe levels of the severity policy. Pure; the tree, Follow-ups and `check` share it.
import type { Incident } from '../incidents/model';
import type { SeverityPolicy } from '../severity/policy';

export const DEFAULT_DUE_HOURS = 48;
/** How many of the policy's levels, from the most severe, need a post-mortem. */
export const POSTMORTEM_LEVELS = 2;

/** Whether an incident of `severity` needs a post-mortem under `policy`. */
export function requiresPostmortem(policy: SeverityPolicy, severity: string): boolean {
  return policy.levels.slice(0, POSTMORTEM_LEVELS).some((l) => l.id === severity);
}

export interface PostmortemDue {
  /** ISO-8601 UTC: resolution plus the due hours. */
  dueAt: string;
  dueAtMs: number;
  overdue: boolean;
  /** Until due (negative once overdue). */
  remainingMs: number;
}

/** A valid due-hours setting (a number above 0), else the default. */
export function normalizeDueHours(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_DUE_HOURS;
}

/**
 * The due time of an incident's post-mortem; undefined when none is owed (not resolved, or not at
 * one of the two most severe levels). Whether the file already exists is the caller's to check.
 */
export function postmortemDue(incident: Pick<Incident, 'status' | 'resolvedAt' | 'severity'>, policy: SeverityPolicy, dueHours: number, now: number): PostmortemDue | undefined {
  if (incident.status !== 'resolved' || !incident.resolvedAt || !requiresPostmortem(policy, incident.severity)) return undefined;
  const dueAtMs = Date.parse(incident.resolvedAt) + dueHours * 3_600_000;
  if (!Number.isFinite(dueAtMs)) return undefined;
  return { dueAt: new Date(dueAtMs).toISOString(), dueAtMs, overdue: now > dueAtMs, remainingMs: dueAtMs - now };
}
