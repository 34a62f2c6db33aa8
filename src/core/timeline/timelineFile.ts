import { closeSync, constants as C, fstatSync, fsync, open, promises as fsp, readSync, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { eventRef } from './eventRef';
import { isTimelineEvent, type TimelineEvent, type TimelineProblem } from './events';

export const TIMELINE_FILE = 'timeline.jsonl';
/** Lines that could not be read are copied here, once each, so nothing is silently lost. */
export const DAMAGED_FILE = 'timeline.damaged.jsonl';

const NEWLINE = 0x0a;
const NEWLINE_BUFFER = Buffer.from([NEWLINE]);

/** Serialises one event as a single line (JSON escapes every newline inside strings). The id goes last: lines still read as time, type, actor, text. */
export function serializeEvent(event: TimelineEvent): string {
  const { id, ts, type, actor, text, data } = event;
  const line: TimelineEvent = data === undefined ? { ts, type, actor, text } : { ts, type, actor, text, data };
  if (typeof id === 'string') line.id = id;
  return JSON.stringify(line);
}

const openFile = promisify(open);
const writeAsync = promisify(write);
const fsyncFile = promisify(fsync);
/** Larger batches (an import, a replay) are written from the thread pool, not on the caller's thread. */
const SYNC_WRITE_MAX = 64 * 1024;

/**
 * Appends events as whole lines and returns after fsync, so a caller may show them as saved.
 * One write() with O_APPEND keeps lines from two windows whole; if the file does not end in a
 * newline (a torn write from a crash), the new lines start on a fresh line instead of gluing onto it.
 * Refuses to follow a symbolic link.
 */
export async function appendEvents(file: string, events: readonly TimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  const buf = Buffer.from(events.map(serializeEvent).join('\n') + '\n', 'utf8');
  // One read-write O_APPEND descriptor: writes always go to the end, and the same fd can read the last byte.
  const fd = await openFile(file, C.O_RDWR | C.O_APPEND | C.O_CREAT | C.O_NOFOLLOW, 0o644);
  try {
    // Only the open (a path lookup) and the fsync (the disk) can take long: they go to the thread
    // pool. The torn-line probe, the write of a few hundred bytes into the page cache and the close
    // cost microseconds; each extra trip through the thread pool would cost more than the call itself
    // (npm run bench -- append: ours against open + appendFile + fsync + close, p50 and p99).
    // The whole batch is still one write() call: a short write only happens on a full disk.
    const { size } = fstatSync(fd);
    let data = buf;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== NEWLINE) data = Buffer.concat([NEWLINE_BUFFER, buf]);
    }
    let off = 0;
    while (off < data.length) {
      off += data.length <= SYNC_WRITE_MAX ? writeSync(fd, data, off, data.length - off) : (await writeAsync(fd, data, off, data.length - off)).bytesWritten;
    }
    await fsyncFile(fd);
  } finally {
    closeSync(fd);
  }
}

export interface ParsedTimeline {
  events: TimelineEvent[];
  problems: TimelineProblem[];
}

function jsonErrorColumn(e: unknown): number {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  return m ? Number(m[1]) + 1 : 1;
}

/**
 * Reads every line; lines that are not events are reported with line and column, never dropped
 * from the file. A last line without a newline that does not parse is a torn write.
 */
export function parseTimeline(buf: Buffer): ParsedTimeline {
  return scanTimeline(buf, false);
}

export interface ParsedTimelineWithRefs extends ParsedTimeline {
  /** `refs[i]` is how other events (a star) reference `events[i]`: its id, or a hash of its line (eventRef). */
  refs: string[];
}

/** parseTimeline, plus each event's reference (hashing the lines of events without an id costs a little). */
export function parseTimelineWithRefs(buf: Buffer): ParsedTimelineWithRefs {
  return scanTimeline(buf, true) as ParsedTimelineWithRefs;
}

function scanTimeline(buf: Buffer, withRefs: boolean): ParsedTimeline & { refs?: string[] } {
  let events: TimelineEvent[] = [];
  let refs: string[] | undefined = withRefs ? [] : undefined;
  const problems: TimelineProblem[] = [];
  let start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let line = 0;
  while (start < buf.length) {
    line++;
    let end = buf.indexOf(NEWLINE, start);
    const complete = end >= 0;
    if (!complete) end = buf.length;
    let text = buf.toString('utf8', start, end);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() !== '') {
      let value: unknown;
      let problem: string | undefined;
      let column = 1;
      try {
        value = JSON.parse(text);
        if (!isTimelineEvent(value)) problem = 'not a timeline event: needs string fields ts, type, actor and text';
      } catch (e) {
        problem = /^(<{7}|={7}|>{7})/.test(text) ? 'unresolved git merge conflict marker' : `invalid JSON (${e instanceof Error ? e.message : String(e)})`;
        column = jsonErrorColumn(e);
      }
      if (problem === undefined) {
        events.push(value as TimelineEvent);
        refs?.push(eventRef(value as TimelineEvent, text));
      } else {
        problems.push({ line, column, message: complete ? problem : `torn last line (a write was cut short): ${problem}`, torn: !complete, raw: text, offset: start });
      }
    }
    start = end + 1;
  }
  // Union merges of two people's appends interleave by file position; show them in time order.
  if (events.some((e, i) => i > 0 && e.ts < events[i - 1].ts)) {
    const order = events.map((_, i) => i).sort((a, b) => (events[a].ts < events[b].ts ? -1 : events[a].ts > events[b].ts ? 1 : 0));
    const r = refs;
    events = order.map((i) => events[i]);
    refs = r && order.map((i) => r[i]);
  }
  return refs ? { events, problems, refs } : { events, problems };
}

export async function readTimeline(file: string): Promise<ParsedTimeline> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], problems: [] };
    throw e;
  }
  return parseTimeline(buf);
}

/**
 * Copies unreadable lines to the damaged-lines file (each once, keyed by offset and text) and
 * returns the ones newly kept. The timeline itself is never rewritten: it is append-only.
 */
export async function keepAside(damagedFile: string, problems: readonly TimelineProblem[], now: string): Promise<TimelineProblem[]> {
  if (problems.length === 0) return [];
  const known = new Set<string>();
  try {
    const existing = parseTimelineLoose(await fsp.readFile(damagedFile, 'utf8'));
    for (const k of existing) known.add(k);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const fresh = problems.filter((p) => !known.has(`${p.offset}:${p.raw}`));
  if (fresh.length === 0) return [];
  const lines = fresh.map((p) => JSON.stringify({ keptAt: now, line: p.line, offset: p.offset, torn: p.torn, message: p.message, raw: p.raw }));
  const fh = await fsp.open(damagedFile, C.O_WRONLY | C.O_APPEND | C.O_CREAT | C.O_NOFOLLOW, 0o644);
  try {
    await fh.write(lines.join('\n') + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return fresh;
}

function parseTimelineLoose(text: string): string[] {
  const keys: string[] = [];
  for (const l of text.split('\n')) {
    try {
      const v = JSON.parse(l) as { offset?: number; raw?: string };
      if (typeof v.offset === 'number' && typeof v.raw === 'string') keys.push(`${v.offset}:${v.raw}`);
    } catch {
      // a damaged line in the damaged-lines file is itself ignored: it only dedupes
    }
  }
  return keys;
}
