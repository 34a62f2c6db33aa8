/** The lifecycle an incident moves through; `resolved` ends it (Reopen puts it back to investigating). */
export const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** Roles teams assign during an incident; any other `[a-z_]` key is kept as written. */
export const KNOWN_ROLES = ['commander', 'tech_lead', 'comms_lead', 'scribe'] as const;
export const ROLE_LABELS: Record<string, string> = {
  commander: 'Incident Commander',
  tech_lead: 'Technical Lead',
  comms_lead: 'Communications Lead',
  scribe: 'Scribe',
};

/** The snapshot kept in `incidents/<id>/incident.yaml`. Times are ISO-8601 UTC strings. */
export interface Incident {
  /** Folder name, `YYYY-MM-DD-<slug>`; also the id used on the timeline and in commands. */
  id: string;
  title: string;
  /** A severity id from the policy (`P1`…); an id the policy does not know is kept and flagged. */
  severity: string;
  status: IncidentStatus;
  service: string;
  /** Role key → person. */
  roles: Record<string, string>;
  declaredAt: string;
  acknowledgedAt: string | null;
  /** First time the incident reached `monitoring` (impact stopped). */
  mitigatedAt: string | null;
  resolvedAt: string | null;
  /** Who declared it. */
  declaredBy: string;
  /** Last time a status update went out (copied) or the status changed; drives the update cadence. */
  lastUpdateAt: string | null;
  /** Short summary of the impact, filled into status updates. */
  summary: string;
  /** Escalation steps already reached, by their index in the policy at the time (dedupes notifications). */
  escalationsReached: number[];
  /** Schema version of this file. */
  version: 1;
}

export function isActive(incident: Pick<Incident, 'status'>): boolean {
  return incident.status !== 'resolved';
}

export function isStatus(value: unknown): value is IncidentStatus {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}
