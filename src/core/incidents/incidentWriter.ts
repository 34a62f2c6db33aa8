import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { assertNoSymlink, joinInside, mkdirDurable, readFileNoFollow, writeFileAtomic } from '../util/fsSafe';
import { TIMELINE_FILE, appendEvents, parseTimeline } from '../timeline/timelineFile';
import type { TimelineEvent } from '../timeline/events';
import { MAX_TIMELINE_BYTES } from './incidentLoader';
import type { Incident } from './model';
import { applyEvent, catchUp, eventKey, markerFor, type AppliedMarker } from './replay';
import { MAX_RECORD_BYTES, RECORD_FILE, RecordError, parseRecord, stringifyRecord } from './record';
import type { Change } from './actions';
import { StoreError } from './storeErrors';
import { withRecordLock } from './recordLock';

/** Lets two people's timeline appends merge in git without conflicts (see README). */
export const GITATTRIBUTES = '# Incident Desk: timelines are append-only, so a union merge keeps every line of both sides.\n*/timeline.jsonl merge=union\n*/timeline.damaged.jsonl merge=union\n';

/** A change waiting to reach the disk, in order per incident. */
export interface PendingOp {
  id: string;
  change: Change;
  /** The event is fsynced; only the record rewrite is left. */
  eventWritten: boolean;
  /** Declaration: the folder may not exist yet. */
  create: boolean;
  /** Kept from an earlier session: the event may already be on the timeline (checked before appending). */
  restored?: boolean;
  /** The last failure, for display. */
  lastError?: string;
  /** The last failure itself, so the caller gets its typed reason. */
  failure?: unknown;
}

/** Keeps the lock and temp files of a write in progress out of commits. */
export const GITIGNORE = '# Incident Desk: a write in progress leaves these for milliseconds.\n.*.lock\n.*.lock.stale-*\n.*.tmp\n';

/**
 * Creates incidents/ when needed, and adds the .gitattributes (union merge of timelines) and
 * .gitignore (lock and temp files) when they are missing, also in a folder that predates them.
 */
async function ensureIncidentsFolder(incidentsDir: string): Promise<void> {
  if (!(await assertNoSymlink(incidentsDir, 'dir'))) await mkdirDurable(incidentsDir);
  for (const [name, text] of [['.gitattributes', GITATTRIBUTES], ['.gitignore', GITIGNORE]]) {
    await fsp.writeFile(path.join(incidentsDir, name), text, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}

/** A free id for a declaration, checked against the disk (another window may have taken it). */
export async function folderIsFree(incidentsDir: string, id: string): Promise<boolean> {
  try {
    await fsp.lstat(joinInside(incidentsDir, id));
    return false;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

/**
 * Writes one pending change: the event first (appended and fsynced), then the record, rewritten
 * atomically from what is on disk now. If someone else rewrote the record between our read and our
 * rename, we read again and re-apply, so their edit is never overwritten blindly.
 */
export async function writeOp(incidentsDir: string, op: PendingOp, hooks?: WriteHooks): Promise<void> {
  const dir = joinInside(incidentsDir, op.id);
  if (op.create) {
    await ensureIncidentsFolder(incidentsDir);
    if (!(await mkdirDurable(dir)) && !op.eventWritten) await assertNotTaken(dir, op);
  } else {
    await assertNoSymlink(incidentsDir, 'dir');
  }
  if (!(await assertNoSymlink(dir, 'dir'))) throw new StoreError('notFound', `The incident folder ${op.id} no longer exists.`, { file: dir });
  const recordFile = path.join(dir, RECORD_FILE);
  if (!op.eventWritten) {
    const timelineFile = path.join(dir, TIMELINE_FILE);
    // A window closed between our append and noting it: the line is there already, once is enough.
    if (!op.restored || !(await timelineHolds(timelineFile, op.change.event))) await appendEvents(timelineFile, [op.change.event]);
    op.eventWritten = true;
  }
  await hooks?.afterAppend?.(op);
  await withRecordLock(dir, () => rewriteRecord(recordFile, path.join(dir, TIMELINE_FILE), op));
}

/**
 * A declaration retried later (or restored in a later session) finds its folder already there: if
 * it holds another incident (a git pull, another window), the declaration must not be written into it.
 */
async function assertNotTaken(dir: string, op: PendingOp): Promise<void> {
  const timelineFile = path.join(dir, TIMELINE_FILE);
  const timeline = await readFileNoFollow(timelineFile, MAX_TIMELINE_BYTES);
  const events = timeline ? parseTimeline(timeline).events : [];
  const ours = eventKey(op.change.event);
  if (events.some((e) => eventKey(e) === ours)) return;
  const record = await readFileNoFollow(path.join(dir, RECORD_FILE), MAX_RECORD_BYTES);
  if (record || events.length) {
    throw new StoreError('writeFailed', `${dir} now holds another incident (created by another window or a git pull); this declaration is kept and not written into it.`, { file: dir });
  }
}

async function timelineHolds(timelineFile: string, event: TimelineEvent): Promise<boolean> {
  const buf = await readFileNoFollow(timelineFile, MAX_TIMELINE_BYTES);
  if (!buf) return false;
  const key = eventKey(event);
  return parseTimeline(buf).events.some((e) => e.ts === event.ts && eventKey(e) === key);
}

export interface WriteHooks {
  /** Test hook: runs after the event is on the timeline, before the record is rewritten (a crash there). */
  afterAppend?: (op: PendingOp) => Promise<void>;
}

/**
 * The record as it should be: the one on disk brought up to date with every timeline event it has
 * not seen (ours, and any a crashed or merged writer left unapplied), marked with the last one.
 */
function nextRecord(current: Incident | undefined, marker: AppliedMarker | undefined, events: TimelineEvent[], op: PendingOp): Incident | undefined {
  if (!current) {
    // A declaration: the record is built from the timeline (normally just the declared event).
    const built = events.reduce<Incident | undefined>((cur, e) => applyEvent(cur, e, op.id), undefined);
    return built ?? op.change.apply(undefined);
  }
  // A record written before markers existed has seen everything up to now: only this change is new.
  if (!marker) return op.change.apply(current);
  return catchUp(current, marker, events).incident;
}

async function rewriteRecord(recordFile: string, timelineFile: string, op: PendingOp): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    // Read under the lock: every window appends before taking it, so this holds all events so far.
    const timeline = await readFileNoFollow(timelineFile, MAX_TIMELINE_BYTES);
    const events = timeline ? parseTimeline(timeline).events : [];
    const before = await readFileNoFollow(recordFile, MAX_RECORD_BYTES);
    const beforeText = before?.toString('utf8');
    let parsed;
    try {
      parsed = beforeText === undefined ? undefined : parseRecord(beforeText, op.id);
    } catch (e) {
      if (e instanceof RecordError) {
        throw new StoreError('recordInvalid', `incident.yaml has a problem at line ${e.line}, column ${e.column}: ${e.message}. Fix it, then retry; the event is already on the timeline.`,
          { file: recordFile, line: e.line, column: e.column });
      }
      throw e;
    }
    if (!parsed && !op.create) throw new StoreError('notFound', `${recordFile} is missing.`, { file: recordFile });
    const next = nextRecord(parsed?.incident, parsed?.marker, events, op);
    if (!next) return;
    const text = stringifyRecord(next, parsed?.doc, markerFor(events));
    if (text === beforeText) return;
    const unchanged = async () => (await readFileNoFollow(recordFile, MAX_RECORD_BYTES))?.toString('utf8') === beforeText;
    if (await writeFileAtomic(recordFile, text, unchanged)) return;
    // changed under us (git pull, another window, a person): read again and re-apply
  }
  throw new StoreError('writeFailed', `${recordFile} kept changing while saving; retry.`, { file: recordFile });
}
