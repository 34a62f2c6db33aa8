// `incident-desk stable [--repo DIR] [--incident incidents/<id> | --before ISO] [--service S] [--json]`:
// the last stable commit from evidence, with the next candidates and the risks of rolling back.
import * as path from 'node:path';
import { stableRequest } from '../core/rollback/stableRequest';
import type { IncidentFact } from '../core/rollback/stable';
import { formatDuration, isoNow, utcMinute } from '../core/util/time';
import { GitError } from '../services/git/gitErrors';
import { openRepository } from '../services/git/gitRepository';
import { type StableReport, lastStableReport } from '../services/git/lastStable';
import type { DeployCliCommand } from './deployArgs';
import { INCIDENTS_FOLDER, loadAll, loadOne, shown } from './incidentWorkspace';
import type { IncidentIo } from './postmortemCommand';
import { readWorkspaceSettings } from './workspaceSettings';

type StableCommand = Extract<DeployCliCommand, { kind: 'stable' }>;

export async function stableCommand(command: StableCommand, io: IncidentIo): Promise<number> {
  let root = io.cwd;
  let incidentsDir = path.join(root, INCIDENTS_FOLDER);
  let incident: { id: string; service: string; declaredAt: string } | undefined;
  if (command.incident !== undefined) {
    const dir = path.resolve(io.cwd, command.incident);
    incidentsDir = path.dirname(dir);
    root = path.dirname(incidentsDir);
    const entry = await loadOne(incidentsDir, path.basename(dir), io.now);
    if (!entry) {
      io.err(`incident-desk: ${shown(io.cwd, dir)}: no incident here (no incident.yaml)`);
      return 1;
    }
    if (entry.kind === 'broken') {
      io.err(`${shown(io.cwd, entry.file)}:${entry.line ?? 1}:${entry.column ?? 1}: ${entry.message}`);
      return 1;
    }
    incident = entry.incident;
  }
  const get = await readWorkspaceSettings(root);
  const incidents: IncidentFact[] = [];
  const { entries, error } = await loadAll(incidentsDir, io.now);
  if (error) io.err(`incident-desk: ${error} (incidents left out of the evidence)`);
  for (const e of entries) {
    if (e.kind === 'broken') io.err(`${shown(io.cwd, e.file)}:${e.line ?? 1}:${e.column ?? 1}: ${e.message} (left out of the evidence)`);
    else incidents.push({ id: e.incident.id, service: e.incident.service, declaredAt: Date.parse(e.incident.declaredAt) });
  }
  const request = stableRequest({
    incident, before: command.before ? Date.parse(command.before) : undefined, service: command.service, env: command.env,
    incidents, setting: get, now: io.now, fetch: command.fetch,
  });
  const { before, stableMinutes, service } = request;
  let report: StableReport;
  try {
    const repo = await openRepository(path.resolve(io.cwd, command.repo ?? (command.incident !== undefined ? root : '.')));
    report = await lastStableReport(repo, request);
  } catch (e) {
    if (!GitError.is(e)) throw e;
    io.err(`incident-desk: ${e.message}`);
    return 1;
  }
  for (const p of report.ledger.problems) io.err(`${LEDGER_LABEL} ${p.note.slice(0, 12)} line ${p.line}: ${p.message} (left out)`);
  const query = { before: isoNow(before), incident: incident?.id, service, env: command.env, stableMinutes };
  if (command.json) io.out(JSON.stringify({ ...report, query }, null, 2));
  else io.out(formatReport(report, query.env, service, stableMinutes));
  return report.stable ? 0 : 1;
}

const LEDGER_LABEL = 'refs/notes/deploys:';

function formatReport(r: StableReport, env: string, service: string | undefined, stableMinutes: number): string {
  const out: string[] = [];
  const scope = `${env}${service ? `, ${service}` : ''}`;
  const list = (items: readonly string[]) => items.map((e) => `    - ${e}`);
  if (r.live) out.push(`Live (${scope}): ${r.live.sha.slice(0, 12)}`, ...list(r.live.evidence));
  else out.push(`Live (${scope}): unknown (no deploy record or deploy tag)`);
  if (r.stable) {
    out.push('', `Last stable${r.thin ? ' (thin evidence)' : ''}: ${r.stable.sha.slice(0, 12)}  deployed ${utcMinute(r.stable.deployedAt)}`, ...list(r.stable.evidence));
  } else out.push('', `Last stable: none. ${r.reason ?? ''}`.trimEnd());
  if (r.candidates.length) {
    out.push('', 'Next candidates:');
    for (const c of r.candidates) out.push(`  ${c.sha.slice(0, 12)}  deployed ${utcMinute(c.deployedAt)}`, ...list(c.evidence));
  }
  if (r.rejected.length) {
    out.push('', `Passed over (stable means live ${formatDuration(stableMinutes * 60_000)} with no incident and no rollback away):`);
    for (const c of r.rejected) out.push(`  ${c.sha.slice(0, 12)}  deployed ${utcMinute(c.deployedAt)}`, ...list(c.reasons));
  }
  if (r.stable && r.live) {
    out.push('', r.risks.length ? `Risks of rolling back ${r.live.sha.slice(0, 12)} to ${r.stable.sha.slice(0, 12)}:` : 'Risks: none found in the range.');
    for (const k of r.risks) out.push(`  [${k.kind}] ${k.detail}`);
  }
  out.push('', `Ledger: ${r.ledger.entries} record(s)${r.ledger.fetched ? ', the remote\'s merged in' : `; ${r.ledger.fetchReason}`}.`);
  for (const n of r.notes) out.push(`Note: ${n}.`);
  return out.join('\n');
}
