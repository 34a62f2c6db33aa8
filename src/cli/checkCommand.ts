// `incident-desk check [--due 48h] [<workspace>]`: what CI holds a team to. Every incident record
// and timeline readable; every resolved incident at the two most severe levels has a post-mortem
// once it is due; every action item has an owner and a due date. One `file:line:col: message` per
// problem, exit 1 on any. Reads only: nothing in the checkout is written.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseActionItems } from '../core/postmortem/actionItems';
import { postmortemFileName } from '../core/postmortem/draft';
import { postmortemDue } from '../core/postmortem/due';
import { findRegions } from '../core/postmortem/regions';
import { findLevel } from '../core/severity/policy';
import { TIMELINE_FILE } from '../core/timeline/timelineFile';
import { readFileNoFollow } from '../core/util/fsSafe';
import type { IncidentCliCommand } from './incidentArgs';
import { loadAll, openWorkspace, shown } from './incidentWorkspace';
import type { IncidentIo } from './postmortemCommand';

type CheckCommand = Extract<IncidentCliCommand, { kind: 'check' }>;

const MAX_POSTMORTEM_BYTES = 4 * 1024 * 1024;

interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export async function checkCommand(command: CheckCommand, io: IncidentIo): Promise<number> {
  const root = path.resolve(io.cwd, command.workspace ?? '.');
  const ws = await openWorkspace(root);
  const dueHours = command.dueHours ?? ws.dueHours;
  const problems: Problem[] = [];
  const settingsFile = path.join(root, '.vscode', 'settings.json');
  for (const e of ws.policy.errors) io.err(`${shown(io.cwd, settingsFile)}: warning: ${e}`);

  const { entries, error } = await loadAll(ws.incidentsDir, io.now);
  if (error) {
    io.out(`${shown(io.cwd, ws.incidentsDir)}:1:1: ${error}`);
    return 1;
  }
  const postmortems = new Set((await fsp.readdir(ws.incidentsDir).catch(() => [] as string[])).filter((f) => f.endsWith('.md')));
  let incidents = 0;
  for (const entry of entries) {
    if (entry.kind === 'broken') {
      problems.push({ file: entry.file, line: entry.line ?? 1, column: entry.column ?? 1, message: entry.message });
      continue;
    }
    incidents++;
    const recordFile = path.join(entry.dir, 'incident.yaml');
    for (const p of entry.problems) problems.push({ file: path.join(entry.dir, TIMELINE_FILE), line: p.line, column: p.column, message: p.message });
    const { incident } = entry;
    if (!findLevel(ws.policy, incident.severity)) {
      problems.push({ file: recordFile, line: lineOf(entry.recordText, 'severity'), column: 1, message: `severity ${JSON.stringify(incident.severity)} is not in the severity policy (${ws.policy.levels.map((l) => l.id).join(', ')})` });
    }
    const due = postmortemDue(incident, ws.policy, dueHours, io.now);
    const name = postmortemFileName(incident);
    if (due?.overdue && !postmortems.has(name)) {
      problems.push({ file: recordFile, line: lineOf(entry.recordText, 'resolvedAt'), column: 1,
        message: `${incident.severity} incident resolved ${incident.resolvedAt} has no post-mortem ${INCIDENTS}/${name}: it was due ${dueHours}h after resolution, at ${due.dueAt}` });
    }
  }
  for (const name of [...postmortems].sort()) {
    const file = path.join(ws.incidentsDir, name);
    const buf = await readFileNoFollow(file, MAX_POSTMORTEM_BYTES).catch((e: Error) => {
      problems.push({ file, line: 1, column: 1, message: `cannot be read: ${e.message}` });
      return undefined;
    });
    if (!buf) continue;
    const text = buf.toString('utf8');
    for (const item of parseActionItems(text)) {
      for (const p of item.problems) problems.push({ file, line: item.line, column: p.column, message: p.message });
    }
    for (const p of findRegions(text).problems) problems.push({ file, line: p.line, column: p.column, message: p.message });
  }
  for (const p of problems) io.out(`${shown(io.cwd, p.file)}:${p.line}:${p.column}: ${p.message}`);
  io.err(`${incidents} incident(s), ${postmortems.size} post-mortem(s): ${problems.length ? `${problems.length} problem(s)` : 'no problems'}`);
  return problems.length ? 1 : 0;
}

const INCIDENTS = 'incidents';

/** 1-based line of a top-level `key:` in a record, 1 when not found. */
function lineOf(recordText: string, key: string): number {
  const i = recordText.split('\n').findIndex((l) => l.startsWith(`${key}:`));
  return i < 0 ? 1 : i + 1;
}
