import { constants as C, promises as fsp } from 'node:fs';
import { eventRef } from './eventRef';
import { isTimelineEvent, type TimelineEvent } from './events';

export interface TailEvent {
  event: TimelineEvent;
  ref: string;
  /** Line number in the file (1-based): file order. */
  seq: number;
}

export interface TailDamage {
  line: number;
  seq: number;
  message: string;
  raw: string;
}

export interface TailRead {
  /** True when everything was read again (first read, or the file was replaced or rewritten: a git pull). */
  reset: boolean;
  events: TailEvent[];
  damaged: TailDamage[];
}

const NEWLINE = 0x0a;
/** Bytes before the read position compared on every read: an append leaves them as they were. */
const GUARD = 512;

/**
 * Reads a timeline.jsonl incrementally for a live view: only the bytes appended since the last read,
 * up to the last complete line (a line still being written is read next time). When the file was
 * replaced (another inode), shrank, or its bytes before the read position changed (a git merge
 * inserted lines), it reads everything again and says so. Never follows a symbolic link.
 */
export class TimelineTail {
  private offset = 0;
  private line = 0;
  private ino = -1;
  private guard = Buffer.alloc(0);

  constructor(private readonly file: string, private readonly maxBytes = 64 * 1024 * 1024) {}

  async read(): Promise<TailRead> {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(this.file, C.O_RDONLY | C.O_NOFOLLOW);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const reset = this.offset > 0 || this.ino === -1;
      this.restart(-1);
      return { reset, events: [], damaged: [] };
    }
    try {
      const st = await fh.stat();
      if (st.size > this.maxBytes) throw new Error(`${this.file} is larger than ${this.maxBytes} bytes`);
      let reset = this.ino !== st.ino || st.size < this.offset;
      if (!reset && this.guard.length) {
        const now = Buffer.alloc(this.guard.length);
        await fh.read(now, 0, now.length, this.offset - this.guard.length);
        reset = !now.equals(this.guard);
      }
      if (reset) this.restart(st.ino);
      if (st.size === this.offset) return { reset, events: [], damaged: [] };
      const buf = Buffer.alloc(st.size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      const chunk = buf.subarray(0, bytesRead);
      const end = chunk.lastIndexOf(NEWLINE) + 1;
      const parsed = this.parse(chunk.subarray(0, end), this.offset === 0);
      this.offset += end;
      const from = Math.max(0, this.offset - GUARD);
      this.guard = Buffer.alloc(this.offset - from);
      if (this.guard.length) await fh.read(this.guard, 0, this.guard.length, from);
      return { reset, ...parsed };
    } finally {
      await fh.close();
    }
  }

  private restart(ino: number): void {
    this.offset = 0;
    this.line = 0;
    this.ino = ino;
    this.guard = Buffer.alloc(0);
  }

  private parse(buf: Buffer, atStart: boolean): { events: TailEvent[]; damaged: TailDamage[] } {
    const events: TailEvent[] = [];
    const damaged: TailDamage[] = [];
    let start = atStart && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    while (start < buf.length) {
      const end = buf.indexOf(NEWLINE, start);
      const stop = end < 0 ? buf.length : end;
      this.line++;
      let text = buf.toString('utf8', start, stop);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      start = stop + 1;
      if (text.trim() === '') continue;
      let value: unknown;
      let problem: string | undefined;
      try {
        value = JSON.parse(text);
        if (!isTimelineEvent(value)) problem = 'not a timeline event: needs string fields ts, type, actor and text';
      } catch (e) {
        problem = /^(<{7}|={7}|>{7})/.test(text) ? 'unresolved git merge conflict marker' : `invalid JSON (${e instanceof Error ? e.message : String(e)})`;
      }
      if (problem === undefined) events.push({ event: value as TimelineEvent, ref: eventRef(value as TimelineEvent, text), seq: this.line });
      else damaged.push({ line: this.line, seq: this.line, message: problem, raw: text.length > 4096 ? `${text.slice(0, 4096)}…` : text });
    }
    return { events, damaged };
  }
}
