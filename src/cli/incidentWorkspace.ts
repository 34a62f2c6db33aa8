// What the incident commands read from a workspace: its settings (severity policy, post-mortem due
// hours, redaction patterns, as the editor reads them) and its incidents, read-only.
import * as path from 'node:path';
import { type IncidentEntry, loadIncident, scanIncidentsFolder } from '../core/incidents/incidentLoader';
import { normalizeDueHours } from '../core/postmortem/due';
import { buildPolicy, type SeverityPolicy } from '../core/severity/policy';
import { isoNow } from '../core/util/time';
import { readWorkspaceSettings } from './workspaceSettings';

export const INCIDENTS_FOLDER = 'incidents';

export interface IncidentWorkspace {
  root: string;
  incidentsDir: string;
  policy: SeverityPolicy;
  /** incidentDesk.postmortem.dueHours, or the default. */
  dueHours: number;
  /** incidentDesk.redact.patterns as written, for redactText (which names an invalid one). */
  redactPatterns: readonly unknown[];
}

/** Reads the workspace's settings; throws SettingsFileError for a malformed settings file. */
export async function openWorkspace(root: string): Promise<IncidentWorkspace> {
  const get = await readWorkspaceSettings(root);
  const patterns = get('redact.patterns');
  return {
    root,
    incidentsDir: path.join(root, INCIDENTS_FOLDER),
    policy: buildPolicy(get('severityScale'), get('severities')),
    dueHours: normalizeDueHours(get('postmortem.dueHours')),
    redactPatterns: patterns === undefined ? [] : Array.isArray(patterns) ? patterns : [patterns],
  };
}

/** Every incident folder, read without writing anything (damaged lines are reported, not kept aside). */
export async function loadAll(incidentsDir: string, now: number): Promise<{ entries: IncidentEntry[]; error?: string }> {
  const scan = await scanIncidentsFolder(incidentsDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return { ids: [] as string[], error: undefined };
    throw e;
  });
  if (scan.error) return { entries: [], error: scan.error };
  const entries: IncidentEntry[] = [];
  for (const id of scan.ids) {
    const entry = await loadIncident(incidentsDir, id, isoNow(now), undefined, false);
    if (entry) entries.push(entry);
  }
  return { entries };
}

export function loadOne(incidentsDir: string, id: string, now: number): Promise<IncidentEntry | undefined> {
  return loadIncident(incidentsDir, id, isoNow(now), undefined, false);
}

/** A path for messages: relative to the working directory when under it, else absolute. */
export function shown(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
