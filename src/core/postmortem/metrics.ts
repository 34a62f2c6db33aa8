// Response metrics across incidents for `incident-desk report`: count and mean time to
// acknowledge, mitigate and resolve, by severity and by service. Pure.
import { computeMilestones } from '../incidents/milestones';
import type { Incident } from '../incidents/model';
import { type SeverityPolicy, findLevel, severityRank } from '../severity/policy';

export interface GroupMetrics {
  count: number;
  /** Mean minutes over the incidents that reached the milestone (rounded to 0.1); null when none did. */
  mttaMinutes: number | null;
  mttmMinutes: number | null;
  mttrMinutes: number | null;
}

export interface MetricsReport {
  bySeverity: Record<string, GroupMetrics>;
  byService: Record<string, GroupMetrics>;
}

/** The key for incidents without a service. */
export const NO_SERVICE = '(no service)';

function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length / 60_000) * 10) / 10;
}

interface Acc {
  count: number;
  tta: number[];
  ttm: number[];
  ttr: number[];
}

/**
 * The report over `incidents` (already filtered by date). Severities come in the policy's order
 * (unknown ids after, by name), services by name. Active incidents count, and add the milestones
 * they reached.
 */
export function computeMetrics(incidents: readonly Incident[], policy: SeverityPolicy, now: number): MetricsReport {
  const bySeverity = new Map<string, Acc>();
  const byService = new Map<string, Acc>();
  const add = (map: Map<string, Acc>, key: string, m: ReturnType<typeof computeMilestones>) => {
    const acc = map.get(key) ?? { count: 0, tta: [], ttm: [], ttr: [] };
    acc.count++;
    if (m.toAcknowledgeMs !== null) acc.tta.push(m.toAcknowledgeMs);
    if (m.toMitigateMs !== null) acc.ttm.push(m.toMitigateMs);
    if (m.toResolveMs !== null) acc.ttr.push(m.toResolveMs);
    map.set(key, acc);
  };
  for (const incident of incidents) {
    const m = computeMilestones(incident, [], findLevel(policy, incident.severity), now);
    add(bySeverity, incident.severity, m);
    add(byService, incident.service.trim() || NO_SERVICE, m);
  }
  const out = (map: Map<string, Acc>, order: (a: string, b: string) => number): Record<string, GroupMetrics> =>
    Object.fromEntries([...map.keys()].sort(order).map((k) => {
      const a = map.get(k)!;
      return [k, { count: a.count, mttaMinutes: mean(a.tta), mttmMinutes: mean(a.ttm), mttrMinutes: mean(a.ttr) }];
    }));
  return {
    bySeverity: out(bySeverity, (a, b) => severityRank(policy, a) - severityRank(policy, b) || a.localeCompare(b)),
    byService: out(byService, (a, b) => a.localeCompare(b)),
  };
}

/** The report as aligned text tables, for a terminal. */
export function formatMetrics(report: MetricsReport): string {
  const fmt = (v: number | null) => (v === null ? '-' : `${v} min`);
  const table = (title: string, rows: Record<string, GroupMetrics>): string[] => {
    const cells = [[title, 'Count', 'MTTA', 'MTTM', 'MTTR'], ...Object.entries(rows).map(([k, g]) => [k, String(g.count), fmt(g.mttaMinutes), fmt(g.mttmMinutes), fmt(g.mttrMinutes)])];
    const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  };
  return [...table('Severity', report.bySeverity), '', ...table('Service', report.byService)].join('\n');
}
