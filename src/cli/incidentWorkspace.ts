// What the incident commands read from a workspace: its settings (severity policy, post-mortem due
// hours, redaction patterns, as the editor reads them) and its incidents, read-only.
import * as path from 'node:path';
import { type IncidentEntry, MAX_TIMELINE_BYTES, loadIncident, scanIncidentsFolder } from '../core/incidents/incidentLoader';
import { starredRefs } from '../core/incidents/keyMoments';
import { normalizeDueHours } from '../core/postmortem/due';
import { buildPolicy, type SeverityPolicy } from '../core/severity/policy';
import type { TimelineEvent } from '../core/timeline/events';
import { LINE_REF_PREFIX, lineRef } from '../core/timeline/eventRef';
import { TIMELINE_FILE, serializeEvent } from '../core/timeline/timelineFile';
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

/**
 * A line whose last member is a non-empty string `id` (how serializeEvent writes every event since
 * ids exist): its event is referenced by that id, never by a hash of the line, so it is not hashed.
 * An unescaped `"` cannot occur inside a JSON string, so the match is the object's own last member.
 */
const ENDS_WITH_ID = /"id":"[^"\\]+"}$/;

/**
 * Each event's ref, for key moments: its id, or, for an old event without one that a star names
 * by a hash of its line (`h:`), that hash. Only the raw file has the line, so it is read again
 * then; lines are hashed, not parsed again, and only a line a star names is parsed, to find its
 * event. Refs of events nobody starred by line are left empty.
 */
export async function eventsWithRefs(dir: string, events: TimelineEvent[]): Promise<{ events: TimelineEvent[]; refs?: string[] }> {
  const wanted = new Set([...starredRefs(events)].filter((r) => r.startsWith(LINE_REF_PREFIX)));
  if (wanted.size === 0) return { events };
  const buf = await readFileNoFollow(path.join(dir, TIMELINE_FILE), MAX_TIMELINE_BYTES);
  if (!buf) return { events };
  const refs = events.map((e) => (typeof e.id === 'string' ? e.id : ''));
  for (let line of buf.toString('utf8').split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (!line.trim() || ENDS_WITH_ID.test(line)) continue;
    const ref = lineRef(line);
    if (!wanted.has(ref)) continue;
    try {
      // The same event, read from the same line (the first with that serialisation and no ref yet).
      const read = JSON.parse(line) as TimelineEvent;
      const key = serializeEvent(read);
      const i = events.findIndex((e, j) => !refs[j] && e.ts === read.ts && serializeEvent(e) === key);
      if (i >= 0) refs[i] = ref;
    } catch {
      // a damaged line is not an event: nothing to star
    }
  }
  return { events, refs };
}

/** A path for messages: relative to the working directory when under it, else absolute. */
export function shown(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
