// What the incident commands read from a workspace: its settings (severity policy, post-mortem due
// hours, redaction patterns, as the editor reads them) and its incidents, read-only.
import * as path from 'node:path';
import { type IncidentEntry, MAX_TIMELINE_BYTES, loadIncident, scanIncidentsFolder } from '../core/incidents/incidentLoader';
import { starredRefs } from '../core/incidents/keyMoments';
import { normalizeDueHours } from '../core/postmortem/due';
import { buildPolicy, type SeverityPolicy } from '../core/severity/policy';
import type { TimelineEvent } from '../core/timeline/events';
import { LINE_REF_PREFIX } from '../core/timeline/eventRef';
import { TIMELINE_FILE, parseTimelineWithRefs } from '../core/timeline/timelineFile';
import { readFileNoFollow } from '../core/util/fsSafe';
import { isoNow } from '../core/util/time';
import { readWorkspaceSettings } from './workspaceSettings';

export const INCIDENTS_FOLDER = 'incidents';

export interface IncidentWorkspace {
  root: string;
  incidentsDir: string;
  policy: SeverityPolicy;
  /** incidentDesk.postmortem.dueHours, or the default. */
  dueHours: number;
  /** incidentDesk.redact.patterns, for redactText. */
  redactPatterns: string[];
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
    redactPatterns: Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === 'string' && p !== '') : [],
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

/**
 * The events with each one's ref, for key moments. A star of an old event without an id names it
 * by a hash of its line, which only the raw file gives; the file is read again only then.
 */
export async function eventsWithRefs(dir: string, events: TimelineEvent[]): Promise<{ events: TimelineEvent[]; refs?: string[] }> {
  if (![...starredRefs(events)].some((r) => r.startsWith(LINE_REF_PREFIX))) return { events };
  const buf = await readFileNoFollow(path.join(dir, TIMELINE_FILE), MAX_TIMELINE_BYTES);
  if (!buf) return { events };
  const parsed = parseTimelineWithRefs(buf);
  return { events: parsed.events, refs: parsed.refs };
}

/** A path for messages: relative to the working directory when under it, else absolute. */
export function shown(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
