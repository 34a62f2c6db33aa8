// `incident-desk report [--since 90d] [--json] [<workspace>]`: how fast incidents were acknowledged,
// mitigated and resolved, by severity and by service.
import * as path from 'node:path';
import type { Incident } from '../core/incidents/model';
import { computeMetrics, formatMetrics } from '../core/postmortem/metrics';
import { utcMinute } from '../core/util/time';
import type { IncidentCliCommand } from './incidentArgs';
import { loadAll, openWorkspace, shown } from './incidentWorkspace';
import type { IncidentIo } from './postmortemCommand';

type ReportCommand = Extract<IncidentCliCommand, { kind: 'report' }>;

export async function reportCommand(command: ReportCommand, io: IncidentIo): Promise<number> {
  const root = path.resolve(io.cwd, command.workspace ?? '.');
  const ws = await openWorkspace(root);
  const { entries, error } = await loadAll(ws.incidentsDir, io.now);
  if (error) {
    io.err(`incident-desk: ${error}`);
    return 1;
  }
  const from = command.since ? (command.since.kind === 'date' ? command.since.ms : io.now - command.since.ms) : undefined;
  const incidents: Incident[] = [];
  let broken = 0;
  for (const e of entries) {
    if (e.kind === 'broken') {
      broken++;
      io.err(`${shown(io.cwd, e.file)}:${e.line ?? 1}:${e.column ?? 1}: ${e.message} (left out of the report)`);
      continue;
    }
    if (from === undefined || Date.parse(e.incident.declaredAt) >= from) incidents.push(e.incident);
  }
  const report = computeMetrics(incidents, ws.policy, io.now);
  if (command.json) io.out(JSON.stringify(report, null, 2));
  else {
    const since = from === undefined ? '' : ` declared since ${utcMinute(new Date(from).toISOString())}`;
    io.out(`${incidents.length} incident(s)${since}; means in minutes over the incidents that reached each milestone.\n\n${formatMetrics(report)}`);
  }
  return broken ? 1 : 0;
}
