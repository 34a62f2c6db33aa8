import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Document } from 'yaml';
import { FileTooLargeError, UnsafePathError, assertNoSymlink, readFileNoFollow } from '../util/fsSafe';
import { DAMAGED_FILE, TIMELINE_FILE, keepAside, parseTimeline } from '../timeline/timelineFile';
import type { TimelineEvent, TimelineProblem } from '../timeline/events';
import { MAX_RECORD_BYTES, RECORD_FILE, RecordError, parseRecord } from './record';
import { isIncidentId } from './slug';
import { catchUp } from './replay';
import type { Incident } from './model';

/** Timelines are text a team writes by hand over days; anything this big is not one. */
export const MAX_TIMELINE_BYTES = 64 * 1024 * 1024;

export interface LoadedIncident {
  kind: 'incident';
  id: string;
  dir: string;
  incident: Incident;
  events: TimelineEvent[];
  /** Lines of timeline.jsonl that could not be read (kept in timeline.damaged.jsonl). */
  problems: TimelineProblem[];
  doc: Document;
  /**
   * Timeline events incident.yaml does not reflect yet (a crash between the append and the record
   * write, or a git merge): already applied to `incident`, written to the file with the next change.
   */
  recordBehind: number;
  /** The exact text read, to detect an external edit before a rewrite. */
  recordText: string;
}

export interface BrokenIncident {
  kind: 'broken';
  id: string;
  dir: string;
  /** The file at fault, with 1-based line and column where known. */
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export type IncidentEntry = LoadedIncident | BrokenIncident;

function broken(id: string, dir: string, file: string, message: string, line?: number, column?: number): BrokenIncident {
  return { kind: 'broken', id, dir, file, message, line, column };
}

/**
 * Reads one incident folder. Never throws for a bad record: the result is a broken entry naming the
 * file and the problem, so one bad folder cannot hide the others. Returns undefined for a folder
 * that holds no incident at all. `keepDamaged: false` reads only (for `incident-desk check` in CI):
 * unreadable timeline lines are reported, not copied aside.
 */
export async function loadIncident(incidentsDir: string, id: string, now: string, onKeepAsideError?: (e: unknown) => void, keepDamaged = true): Promise<IncidentEntry | undefined> {
  const dir = path.join(incidentsDir, id);
  const recordFile = path.join(dir, RECORD_FILE);
  const timelineFile = path.join(dir, TIMELINE_FILE);
  try {
    await assertNoSymlink(dir, 'dir');
    const recordBuf = await readFileNoFollow(recordFile, MAX_RECORD_BYTES);
    const timelineBuf = await readFileNoFollow(timelineFile, MAX_TIMELINE_BYTES);
    if (!recordBuf) {
      if (!timelineBuf) return undefined;
      return broken(id, dir, recordFile, 'incident.yaml is missing (was the declaration interrupted?); the timeline next to it is kept');
    }
    if (!isIncidentId(id)) return broken(id, dir, recordFile, 'the folder name is not an incident id (YYYY-MM-DD-slug, lowercase letters, digits and dashes)');
    const recordText = recordBuf.toString('utf8');
    const { incident: written, doc, marker } = parseRecord(recordText, id);
    const { events, problems } = timelineBuf ? parseTimeline(timelineBuf) : { events: [], problems: [] };
    const { incident, applied } = catchUp(written, marker, events);
    if (problems.length && keepDamaged) {
      // Copy unreadable lines aside before anything else can happen to the file.
      await keepAside(path.join(dir, DAMAGED_FILE), problems, now).catch((e) => onKeepAsideError?.(e));
    }
    return { kind: 'incident', id, dir, incident, events, problems, doc, recordBehind: applied.length, recordText };
  } catch (e) {
    if (e instanceof RecordError) return broken(id, dir, recordFile, e.message, e.line, e.column);
    if (e instanceof UnsafePathError) return broken(id, dir, e.target, e.message);
    if (e instanceof FileTooLargeError) return broken(id, dir, e.file, e.message);
    const err = e as NodeJS.ErrnoException;
    return broken(id, dir, err.path ?? dir, `cannot be read: ${err.code ?? ''} ${err.message}`.trim());
  }
}

export interface FolderScan {
  ids: string[];
  /** incidents/ itself is unusable (a symbolic link, a file); nothing is read or written there. */
  error?: string;
}

/** Lists candidate incident folders in incidents/ (post-mortem .md files and dotfiles are not incidents). */
export async function scanIncidentsFolder(incidentsDir: string): Promise<FolderScan> {
  try {
    if (!(await assertNoSymlink(incidentsDir, 'dir'))) return { ids: [] };
  } catch (e) {
    if (e instanceof UnsafePathError) return { ids: [], error: e.message };
    throw e;
  }
  const entries = await fsp.readdir(incidentsDir, { withFileTypes: true });
  const ids = entries
    .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  return { ids };
}
