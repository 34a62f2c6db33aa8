import { MAX_TIMESTAMP_LENGTH, leadingTimestampLength } from './timestamps';

export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024;

/** Receives one line: its text (cut lines end with the marker), its timestamp if parsed, whether it was cut. */
export type LineSink = (text: string, timestamp: string | undefined, cut: boolean) => void;

export interface LineSplitterOptions {
  /** Longest line text kept, in UTF-16 code units (the timestamp is not counted); default 16 KiB. */
  readonly maxLineLength?: number;
  /** Lines start with an RFC 3339 timestamp and a space (`docker logs --timestamps`). */
  readonly timestamps?: boolean;
  /**
   * Applied to each line's text before a cut marker is appended (the pipeline sanitises here, so an
   * unterminated escape sequence in a cut line cannot swallow the marker).
   */
  readonly transform?: (text: string) => string;
}

/** What a cut line ends with: the UTF-8 byte count of the text left out (invalid bytes may count as their U+FFFD). */
export function cutMarker(droppedBytes: number): string {
  return ` … [line cut: ${droppedBytes} more bytes]`;
}

const NEWLINE = 10;
const CR = 13;

/**
 * Turns the bytes of one stream into lines: UTF-8 decoded safely across chunk boundaries (invalid
 * bytes become U+FFFD, the same whatever the chunking), split on \n with a trailing \r removed, the
 * unfinished last line kept until more data or `flush()`. A line longer than `maxLineLength` is cut
 * with a marker; while waiting for the newline of such a line only its head is held, the rest is
 * counted, not stored.
 *
 * Work is per chunk: one native decode, then indexOf and slices per line.
 */
export class LineSplitter {
  private readonly maxLineLength: number;
  private readonly timestamps: boolean;
  private readonly transform: ((text: string) => string) | undefined;
  /** A partial line longer than this is cut without waiting for its newline. */
  private readonly holdLimit: number;
  /** The first bytes of a character the chunk ended inside, for the next chunk to complete. */
  private carry: Buffer | undefined;
  private partial = '';
  // While cutting a line whose newline has not come yet: its kept head and the bytes seen so far.
  private cutting = false;
  private cutHead = '';
  private cutTimestamp: string | undefined;
  private cutHeadBytes = 0;
  private cutLineBytes = 0;
  private lastByteWasCR = false;

  constructor(
    options: LineSplitterOptions,
    private readonly sink: LineSink,
  ) {
    this.maxLineLength = Math.max(1, Math.floor(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH));
    this.timestamps = options.timestamps ?? false;
    this.transform = options.transform;
    // +1 for a \r that the newline would strip, and room for the timestamp prefix.
    this.holdLimit = this.maxLineLength + 1 + (this.timestamps ? MAX_TIMESTAMP_LENGTH + 1 : 0);
  }

  /** UTF-16 code units held for the unfinished line (bounded by about maxLineLength). */
  get bufferedLength(): number {
    return this.cutting ? this.cutHead.length : this.partial.length;
  }

  /** Takes the bytes `data[start, end)`; the buffer is not kept. */
  push(data: Buffer, start = 0, end = data.length): void {
    let buf = data;
    if (start >= end) return;
    if (this.cutting) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl < 0 || nl >= end) {
        this.cutLineBytes += end - start;
        this.lastByteWasCR = buf[end - 1] === CR;
        return;
      }
      const cr = nl > start ? buf[nl - 1] === CR : this.lastByteWasCR;
      this.finishCut(this.cutLineBytes + (nl - start) - (cr ? 1 : 0));
      start = nl + 1;
      if (start >= end) return;
    }
    if (this.carry !== undefined) {
      // Rare (a character split between chunks): decode the carried bytes together with these.
      buf = Buffer.concat([this.carry, buf.subarray(start, end)]);
      start = 0;
      end = buf.length;
      this.carry = undefined;
    }
    const incomplete = incompleteTail(buf, start, end);
    if (incomplete > 0) {
      this.carry = Buffer.from(buf.subarray(end - incomplete, end));
      end -= incomplete;
    }
    const text = start < end ? buf.toString('utf8', start, end) : '';
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.partial = this.partial.length > 0 ? this.partial + text : text;
    } else {
      if (this.partial.length > 0) {
        const first = this.partial + text.slice(0, nl);
        this.partial = '';
        this.line(first, 0, first.length);
      } else {
        this.line(text, 0, nl);
      }
      let from = nl + 1;
      while ((nl = text.indexOf('\n', from)) >= 0) {
        this.line(text, from, nl);
        from = nl + 1;
      }
      this.partial = from < text.length ? text.slice(from) : '';
    }
    if (this.partial.length > this.holdLimit) this.startCut(incomplete === 0 && buf[end - 1] === CR);
  }

  /** Emits the unfinished line, if any (end of stream). */
  flush(): void {
    if (this.cutting) {
      this.finishCut(this.cutLineBytes - (this.lastByteWasCR ? 1 : 0));
      return;
    }
    const rest = this.carry === undefined ? this.partial : this.partial + this.carry.toString('utf8');
    this.carry = undefined;
    this.partial = '';
    if (rest.length > 0) this.line(rest, 0, rest.length);
  }

  /** Drops the unfinished line and any half-received character (the source reconnected). */
  reset(): void {
    this.carry = undefined;
    this.partial = '';
    this.cutting = false;
    this.cutHead = '';
    this.cutTimestamp = undefined;
  }

  /** One complete line: `src[start, end)`, without its \n. Slices only what it emits. */
  private line(src: string, start: number, end: number): void {
    if (end > start && src.charCodeAt(end - 1) === CR) end--;
    let timestamp: string | undefined;
    if (this.timestamps) {
      const tsLength = leadingTimestampLength(src, start, end);
      if (tsLength > 0) {
        timestamp = src.slice(start, start + tsLength);
        start += tsLength + 1;
      }
    }
    if (end - start <= this.maxLineLength) {
      const text = src.slice(start, end);
      this.sink(this.transform ? this.transform(text) : text, timestamp, false);
      return;
    }
    const text = src.slice(start, end);
    const head = headOf(text, this.maxLineLength);
    const dropped = Buffer.byteLength(text, 'utf8') - Buffer.byteLength(head, 'utf8');
    this.sink((this.transform ? this.transform(head) : head) + cutMarker(dropped), timestamp, true);
  }

  private startCut(lastByteWasCR: boolean): void {
    let text = this.partial;
    this.cutTimestamp = undefined;
    // Bytes of the line so far: its text, and a character begun at the chunk's end.
    this.cutLineBytes = Buffer.byteLength(text, 'utf8') + (this.carry?.length ?? 0);
    let prefixBytes = 0;
    if (this.timestamps) {
      const tsLength = leadingTimestampLength(text);
      if (tsLength > 0) {
        this.cutTimestamp = text.slice(0, tsLength);
        text = text.slice(tsLength + 1);
        prefixBytes = tsLength + 1; // a timestamp is ASCII
      }
    }
    // A copy, so the head does not keep the whole partial line's string alive.
    this.cutHead = copyString(headOf(text, this.maxLineLength));
    this.cutHeadBytes = prefixBytes + Buffer.byteLength(this.cutHead, 'utf8');
    this.lastByteWasCR = lastByteWasCR;
    this.cutting = true;
    this.partial = '';
    this.carry = undefined;
  }

  private finishCut(lineBytes: number): void {
    const head = this.cutHead;
    const timestamp = this.cutTimestamp;
    this.cutting = false;
    this.cutHead = '';
    this.cutTimestamp = undefined;
    this.sink((this.transform ? this.transform(head) : head) + cutMarker(lineBytes - this.cutHeadBytes), timestamp, true);
  }
}

/** The first `max` UTF-16 code units, one fewer when that would split a surrogate pair. */
function headOf(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function copyString(s: string): string {
  // A round trip through a Buffer makes a flat string that references nothing else.
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * How many bytes at the end of `buf[start, end)` begin a UTF-8 character that is not complete
 * yet (0–3). Bytes that cannot begin a character are left to the decoder, which replaces them.
 */
export function incompleteTail(buf: Buffer, start: number, end: number): number {
  for (let back = 1; back <= 3 && end - back >= start; back++) {
    const b = buf[end - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: the lead is further back
    const length = b >= 0xf0 ? (b <= 0xf4 ? 4 : 0) : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    return length > back ? back : 0;
  }
  return 0;
}
