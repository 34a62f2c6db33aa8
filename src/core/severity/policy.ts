export interface EscalationStep {
  /** Minutes since declaration after which this step is due. */
  afterMinutes: number;
  /** Who to bring in, e.g. "Engineering manager". */
  notify: string;
}

export interface SeverityLevel {
  id: string;
  label: string;
  description?: string;
  /** Acknowledge within this many minutes of declaration. */
  responseMinutes: number;
  /** While active, a status update at least this often. */
  updateMinutes: number;
  /** Ordered by `afterMinutes`. */
  escalation: EscalationStep[];
}

export type SeverityScale = 'P1-P4' | 'P0-P3';

function chain(...steps: Array<[number, string]>): EscalationStep[] {
  return steps.map(([afterMinutes, notify]) => ({ afterMinutes, notify }));
}

const CRITICAL = { label: 'Critical', description: 'Complete outage or data loss', responseMinutes: 15, updateMinutes: 30,
  escalation: chain([0, 'On-call engineer'], [15, 'Team lead'], [30, 'Engineering manager'], [60, 'CTO']) };
const HIGH = { label: 'High', description: 'Major feature broken or badly degraded', responseMinutes: 60, updateMinutes: 60,
  escalation: chain([0, 'On-call engineer'], [60, 'Team lead'], [120, 'Engineering manager']) };
const MEDIUM = { label: 'Medium', description: 'Partial impairment, workaround available', responseMinutes: 240, updateMinutes: 240,
  escalation: chain([0, 'On-call engineer'], [480, 'Team lead']) };
const LOW = { label: 'Low', description: 'Minor or cosmetic issue', responseMinutes: 1440, updateMinutes: 1440,
  escalation: chain([0, 'On-call engineer']) };

/** The two scales teams use: P1 (most severe) to P4, and P0 to P3. Same targets, shifted ids. */
export const PRESETS: Record<SeverityScale, readonly SeverityLevel[]> = {
  'P1-P4': [{ id: 'P1', ...CRITICAL }, { id: 'P2', ...HIGH }, { id: 'P3', ...MEDIUM }, { id: 'P4', ...LOW }],
  'P0-P3': [{ id: 'P0', ...CRITICAL }, { id: 'P1', ...HIGH }, { id: 'P2', ...MEDIUM }, { id: 'P3', ...LOW }],
};

export interface SeverityPolicy {
  levels: readonly SeverityLevel[];
  /** Problems found in the configured policy, each naming the entry and field. */
  errors: string[];
}

export function findLevel(policy: SeverityPolicy, id: string): SeverityLevel | undefined {
  return policy.levels.find((l) => l.id === id);
}

/** Rank for sorting: 0 is most severe; unknown ids sort after every known one. */
export function severityRank(policy: SeverityPolicy, id: string): number {
  const i = policy.levels.findIndex((l) => l.id === id);
  return i < 0 ? policy.levels.length : i;
}

const LEVEL_FIELDS = new Set(['id', 'label', 'description', 'responseMinutes', 'updateMinutes', 'escalation']);
const STEP_FIELDS = new Set(['afterMinutes', 'notify']);

function isPositive(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/**
 * Builds the policy from settings: the custom `severities` list when it is not empty, else the
 * preset `scale`. Invalid entries are left out and reported; when none is left, the preset is used
 * so the SLA clock never stops for a typo.
 */
export function buildPolicy(scale: unknown, custom: unknown): SeverityPolicy {
  const errors: string[] = [];
  let preset: SeverityScale = 'P1-P4';
  if (scale === 'P1-P4' || scale === 'P0-P3') preset = scale;
  else if (scale !== undefined) errors.push(`incidentDesk.severityScale: unknown scale ${JSON.stringify(scale)}; using P1-P4.`);

  if (custom === undefined || custom === null || (Array.isArray(custom) && custom.length === 0)) {
    return { levels: PRESETS[preset], errors };
  }
  if (!Array.isArray(custom)) {
    errors.push('incidentDesk.severities must be a list of severity levels; using the preset scale.');
    return { levels: PRESETS[preset], errors };
  }
  const levels: SeverityLevel[] = [];
  const seen = new Set<string>();
  custom.forEach((raw: unknown, i) => {
    const where = `incidentDesk.severities[${i}]`;
    if (!raw || typeof raw !== 'object') { errors.push(`${where}: must be an object with id, label and responseMinutes.`); return; }
    const r = raw as Record<string, unknown>;
    if (typeof r.id !== 'string' || !/^[A-Za-z0-9_-]{1,16}$/.test(r.id)) { errors.push(`${where}.id: must be 1-16 letters, digits, '-' or '_'.`); return; }
    if (seen.has(r.id)) { errors.push(`${where}.id: ${r.id} is listed twice; the first one is used.`); return; }
    if (!isPositive(r.responseMinutes)) { errors.push(`${where}.responseMinutes: must be a number of minutes above 0.`); return; }
    if (r.updateMinutes !== undefined && !isPositive(r.updateMinutes)) { errors.push(`${where}.updateMinutes: must be a number of minutes above 0.`); return; }
    // A misspelt optional field (`updateMinute`) would otherwise be dropped without a word.
    for (const key of Object.keys(r)) if (!LEVEL_FIELDS.has(key)) errors.push(`${where}.${key}: unknown field, ignored.`);
    const escalation: EscalationStep[] = [];
    if (r.escalation !== undefined) {
      if (!Array.isArray(r.escalation)) { errors.push(`${where}.escalation: must be a list of { afterMinutes, notify }.`); return; }
      for (const [j, s] of r.escalation.entries()) {
        const step = s as Record<string, unknown> | null;
        if (!step || typeof step.afterMinutes !== 'number' || !(step.afterMinutes >= 0) || typeof step.notify !== 'string' || !step.notify.trim()) {
          errors.push(`${where}.escalation[${j}]: needs afterMinutes (0 or more) and notify (who to bring in).`);
          return;
        }
        for (const key of Object.keys(step)) if (!STEP_FIELDS.has(key)) errors.push(`${where}.escalation[${j}].${key}: unknown field, ignored.`);
        escalation.push({ afterMinutes: step.afterMinutes, notify: step.notify.trim() });
      }
    }
    escalation.sort((a, b) => a.afterMinutes - b.afterMinutes);
    seen.add(r.id);
    levels.push({
      id: r.id,
      label: typeof r.label === 'string' && r.label.trim() ? r.label.trim() : r.id,
      description: typeof r.description === 'string' ? r.description : undefined,
      responseMinutes: r.responseMinutes,
      updateMinutes: isPositive(r.updateMinutes) ? r.updateMinutes : r.responseMinutes,
      escalation,
    });
  });
  if (levels.length === 0) {
    errors.push(`No valid entry in incidentDesk.severities; using the ${preset} scale.`);
    return { levels: PRESETS[preset], errors };
  }
  return { levels, errors };
}
