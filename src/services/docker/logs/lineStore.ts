import type { LogLine } from './logPipeline';

export interface LineStoreOptions {
  /** Most lines kept; at least 1. */
  readonly maxLines: number;
  /** Most bytes of UTF-8 text (timestamps included) kept; at least 64 KiB. The buffer grows to it as needed. */
  readonly maxBytes: number;
}

const MIN_BYTES = 64 * 1024;
const INITIAL_BYTES = 256 * 1024;
const STDERR = 1;

/**
 * A log view's history: the newest lines, bounded in count and in bytes, stored as UTF-8 in one
 * byte ring instead of one object and two strings per line.
 *
 * Why: a view keeps its last N lines for as long as N newer lines take to arrive, long enough for
 * every line object to be promoted to V8's old generation and die there. In a burst that is
 * hundreds of MB of old-generation garbage before a full collection; here a line's strings die young
 * (they live from the socket to `push`), and the history is a buffer whose size does not change
 * after it has grown to its bound. Lines are decoded again only when read (pause, filter, pin).
 *
 * Lines are numbered from 0 in arrival order; `first` and `end` bound the numbers still kept.
 */
export class LineStore {
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private buf: Buffer;
  private readonly offsets: Int32Array;
  private readonly textBytes: Int32Array;
  private readonly tsBytes: Uint8Array;
  private readonly flags: Uint8Array;
  /** Slot of the oldest line. */
  private head = 0;
  private count = 0;
  /** Where the next line's bytes go. */
  private writeAt = 0;
  private pushed = 0;
  private evictedTotal = 0;

  constructor(options: LineStoreOptions) {
    this.maxLines = Math.max(1, Math.floor(options.maxLines));
    this.maxBytes = Math.max(MIN_BYTES, Math.floor(options.maxBytes));
    this.buf = Buffer.allocUnsafe(Math.min(INITIAL_BYTES, this.maxBytes));
    this.offsets = new Int32Array(this.maxLines);
    this.textBytes = new Int32Array(this.maxLines);
    this.tsBytes = new Uint8Array(this.maxLines);
    this.flags = new Uint8Array(this.maxLines);
  }

  /** Lines kept. */
  get length(): number {
    return this.count;
  }

  /** Number of the oldest line kept (= `end` when empty). */
  get first(): number {
    return this.pushed - this.count;
  }

  /** One past the number of the newest line: how many were ever pushed. */
  get end(): number {
    return this.pushed;
  }

  /** Lines let go (the oldest first) to stay within the bounds. */
  get evicted(): number {
    return this.evictedTotal;
  }

  /** Bytes the ring holds now (it grows up to maxBytes). */
  get capacityBytes(): number {
    return this.buf.length;
  }

  /** Keeps `line` (its timestamp must be ASCII, as RFC 3339 is; a longer one than 255 bytes is dropped). */
  push(line: LogLine): void {
    const ts = line.timestamp !== undefined && line.timestamp.length <= 255 ? line.timestamp : '';
    // UTF-8 needs at most 3 bytes per UTF-16 unit; the exact count is what write() returns.
    // At least one byte a line, so every line has a place in the ring that the next ones can pass.
    const worst = Math.max(1, ts.length + line.text.length * 3);
    if (worst > this.maxBytes) {
      // Only a line longer than the whole store: keep what fits of it (lines are cut upstream long before this).
      this.push({ ...line, text: line.text.slice(0, Math.floor((this.maxBytes - ts.length) / 3)) });
      return;
    }
    if (this.count === this.maxLines) this.evictOldest();
    this.makeRoom(worst);
    const slot = (this.head + this.count) % this.maxLines;
    const at = this.writeAt;
    const tsLen = ts.length ? this.buf.write(ts, at, 'latin1') : 0;
    const textLen = line.text.length ? this.buf.write(line.text, at + tsLen, 'utf8') : 0;
    this.offsets[slot] = at;
    this.tsBytes[slot] = tsLen;
    this.textBytes[slot] = textLen;
    this.flags[slot] = line.stream === 'stderr' ? STDERR : 0;
    this.writeAt = at + Math.max(1, tsLen + textLen);
    this.count++;
    this.pushed++;
  }

  /** Line number `n`, decoded; undefined when it is no longer (or not yet) kept. */
  at(n: number): LogLine | undefined {
    if (n < this.first || n >= this.end) return undefined;
    const slot = (this.head + (n - this.first)) % this.maxLines;
    const off = this.offsets[slot];
    const tsLen = this.tsBytes[slot];
    const text = this.buf.toString('utf8', off + tsLen, off + tsLen + this.textBytes[slot]);
    const stream = this.flags[slot] & STDERR ? 'stderr' : 'stdout';
    return tsLen ? { stream, text, timestamp: this.buf.toString('latin1', off, off + tsLen) } : { stream, text };
  }

  /** Lines `from` (clamped to `first`) up to `end`, oldest first. */
  range(from: number, to = this.end): LogLine[] {
    const out: LogLine[] = [];
    for (let n = Math.max(from, this.first); n < Math.min(to, this.end); n++) out.push(this.at(n) as LogLine);
    return out;
  }

  clear(): void {
    this.evictedTotal += this.count;
    this.head = 0;
    this.count = 0;
    this.writeAt = 0;
  }

  /** Ensures `need` bytes at `writeAt` (wrapping to the start, or growing the buffer), evicting the lines there. */
  private makeRoom(need: number): void {
    if (this.writeAt + need > this.buf.length && this.buf.length < this.maxBytes && this.wrapsNothing()) {
      this.grow(this.writeAt + need);
    }
    if (this.writeAt + need > this.buf.length) this.writeAt = 0;
    // Lines are laid out in arrival order from each wrap; the oldest are the ones ahead of writeAt.
    while (this.count > 0) {
      const slot = this.head;
      const start = this.offsets[slot];
      const end = start + Math.max(1, this.tsBytes[slot] + this.textBytes[slot]);
      const overlaps = start < this.writeAt + need && end > this.writeAt;
      if (!overlaps) break;
      this.evictOldest();
    }
  }

  /** True while the ring has not wrapped: every kept line lies before writeAt, so the buffer can grow in place. */
  private wrapsNothing(): boolean {
    return this.count === 0 || this.offsets[this.head] < this.writeAt;
  }

  private grow(atLeast: number): void {
    let size = this.buf.length;
    while (size < atLeast) size *= 2;
    const next = Buffer.allocUnsafe(Math.min(size, this.maxBytes));
    this.buf.copy(next, 0, 0, this.writeAt);
    this.buf = next;
  }

  private evictOldest(): void {
    this.head = (this.head + 1) % this.maxLines;
    this.count--;
    this.evictedTotal++;
    if (this.count === 0) this.writeAt = 0;
  }
}
