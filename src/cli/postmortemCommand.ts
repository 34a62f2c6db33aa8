// `incident-desk postmortem incidents/<id> [--write | --refresh]`: the draft on stdout, a new
// post-mortem file beside the incident's folder, or its generated regions refreshed in place.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { refreshRedacted } from '../core/postmortem/refresh';
import { postmortemFileName, renderDraft } from '../core/postmortem/draft';
import { redactText } from '../core/redaction/redact';
import { findLevel } from '../core/severity/policy';
import { createFileAtomic, readFileNoFollow, writeFileAtomic } from '../core/util/fsSafe';
import { eventsWithRefs } from '../core/timeline/eventsWithRefs';
import { loadOne, openWorkspace, shown } from './incidentWorkspace';
import type { IncidentCliCommand } from './incidentArgs';

/** Larger than any post-mortem a team writes by hand. */
const MAX_POSTMORTEM_BYTES = 4 * 1024 * 1024;

export interface IncidentIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Epoch ms; a test may fix it. */
  now: number;
}

type PostmortemCommand = Extract<IncidentCliCommand, { kind: 'postmortem' }>;

export async function postmortemCommand(command: PostmortemCommand, io: IncidentIo): Promise<number> {
  const dir = path.resolve(io.cwd, command.incident);
  const incidentsDir = path.dirname(dir);
  const id = path.basename(dir);
  const ws = await openWorkspace(path.dirname(incidentsDir));
  const entry = await loadOne(incidentsDir, id, io.now);
  if (!entry) {
    io.err(`incident-desk: ${shown(io.cwd, dir)}: no incident here (no incident.yaml)`);
    return 1;
  }
  if (entry.kind === 'broken') {
    io.err(`${shown(io.cwd, entry.file)}:${entry.line ?? 1}:${entry.column ?? 1}: ${entry.message}`);
    return 1;
  }
  const { events, refs } = await eventsWithRefs(entry.dir, entry.events);
  const options = { level: findLevel(ws.policy, entry.incident.severity), now: io.now, refs };
  const redact = async (text: string) => (await redactText(text, { patterns: ws.redactPatterns })).text;
  const file = path.join(incidentsDir, postmortemFileName(entry.incident));

  if (command.refresh) {
    const buf = await readFileNoFollow(file, MAX_POSTMORTEM_BYTES);
    if (!buf) {
      io.err(`incident-desk: ${shown(io.cwd, file)} does not exist; create it with --write`);
      return 1;
    }
    const before = buf.toString('utf8');
    const result = await refreshRedacted(before, entry.incident, events, options, { patterns: ws.redactPatterns });
    for (const p of result.problems) io.err(`${shown(io.cwd, file)}:${p.line}:${p.column}: ${p.message}`);
    if (result.replaced.length > 0) {
      const written = await writeFileAtomic(file, result.text, async () => (await fsp.readFile(file, 'utf8')) === before);
      if (!written) {
        io.err(`incident-desk: ${shown(io.cwd, file)} changed while it was being refreshed; nothing written, run again`);
        return 1;
      }
    }
    if (result.replaced.length) io.out(`${shown(io.cwd, file)}: refreshed ${result.replaced.join(', ')}`);
    else if (!result.problems.length) io.out(`${shown(io.cwd, file)}: already up to date`);
    return result.problems.length ? 1 : 0;
  }

  const draft = await redact(renderDraft(entry.incident, events, options));
  if (!command.write) {
    io.out(draft.replace(/\n$/, ''));
    return 0;
  }
  if (!(await createFileAtomic(file, draft))) {
    io.err(`incident-desk: ${shown(io.cwd, file)} already exists; not replaced (use --refresh to update its generated parts)`);
    return 1;
  }
  io.out(shown(io.cwd, file));
  return 0;
}
