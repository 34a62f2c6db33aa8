import { DockerLogError } from './logErrors';

export type LogStream = 'stdout' | 'stderr';

/**
 * Receives demultiplexed payload bytes, in stream order: `data[start, end)`. `data` may be the
 * pushed chunk itself (ranges save a Buffer object per frame), valid during the call only.
 */
export type StreamSink = (stream: LogStream, data: Buffer, start: number, end: number) => void;

const HEADER_LENGTH = 8;
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const SYSTEM_ERROR = 3;
/** A daemon error message longer than this is kept only up to here: it is shown, not stored. */
const MAX_DAEMON_ERROR_BYTES = 64 * 1024;

/**
 * Incremental demuxer for the Docker logs/attach stream format: frames of an 8-byte header (stream
 * type, three zero bytes, uint32 BE payload length) and the payload. Chunk boundaries may fall
 * anywhere. Consecutive payload bytes of one stream within a pushed chunk reach the sink in one
 * call, so the next stage decodes once per chunk and stream rather than once per frame.
 *
 * TTY containers send raw bytes without frames: with `tty`, everything is stdout as it comes.
 */
export class DockerLogDemuxer {
  private readonly header = Buffer.alloc(HEADER_LENGTH);
  private headerFill = 0;
  /** Payload bytes of the current frame still to come. */
  private remaining = 0;
  private frameType = STDOUT;
  private daemonError: Buffer[] = [];
  private daemonErrorBytes = 0;
  private failure: DockerLogError | undefined;

  // The run of same-stream payload pieces gathered from the chunk being pushed (start/end offsets).
  private runType = -1;
  private runStarts: number[] = [];
  private runEnds: number[] = [];
  private runPieces = 0;

  constructor(
    readonly tty: boolean,
    private readonly sink: StreamSink,
  ) {}

  /** True when the bytes pushed so far stop inside a frame (its header or payload is incomplete). */
  get midFrame(): boolean {
    return this.headerFill > 0 || this.remaining > 0;
  }

  /**
   * Feeds one chunk. Payload seen before a malformed header still reaches the sink; then this
   * throws a DockerLogError ('badFrameHeader' or 'daemonError'), and so does every later push.
   */
  push(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (this.tty) {
      if (chunk.length > 0) this.sink('stdout', chunk, 0, chunk.length);
      return;
    }
    const end = chunk.length;
    let pos = 0;
    try {
      while (pos < end) {
        if (this.remaining > 0) {
          const take = Math.min(this.remaining, end - pos);
          this.payload(chunk, pos, pos + take);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0 && this.frameType === SYSTEM_ERROR) this.failDaemonError();
          continue;
        }
        if (this.headerFill === 0 && end - pos >= HEADER_LENGTH) {
          this.startFrame(chunk, pos);
          pos += HEADER_LENGTH;
          continue;
        }
        const take = Math.min(HEADER_LENGTH - this.headerFill, end - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + take);
        this.headerFill += take;
        pos += take;
        if (this.headerFill === HEADER_LENGTH) {
          this.headerFill = 0;
          this.startFrame(this.header, 0);
        }
      }
    } finally {
      this.flushRun(chunk);
    }
  }

  /** Forgets any partial frame, for a new connection; a failed demuxer stays failed. */
  reset(): void {
    this.headerFill = 0;
    this.remaining = 0;
    this.daemonError = [];
    this.daemonErrorBytes = 0;
  }

  private startFrame(buf: Buffer, at: number): void {
    const type = buf[at];
    if ((type !== STDIN && type !== STDOUT && type !== STDERR && type !== SYSTEM_ERROR) || buf[at + 1] !== 0 || buf[at + 2] !== 0 || buf[at + 3] !== 0) {
      const hex = buf.subarray(at, at + HEADER_LENGTH).toString('hex');
      this.failure = new DockerLogError('badFrameHeader', `Not a multiplexed Docker log stream: frame header ${hex} (is the container a TTY?)`);
      throw this.failure;
    }
    // stdin frames do not occur in logs; Docker's own stdcopy writes them to stdout, and so do we.
    this.frameType = type === STDIN ? STDOUT : type;
    this.remaining = buf.readUInt32BE(at + 4);
    if (this.remaining === 0 && type === SYSTEM_ERROR) this.failDaemonError();
  }

  private payload(chunk: Buffer, start: number, stop: number): void {
    if (this.frameType === SYSTEM_ERROR) {
      const keep = Math.min(stop - start, MAX_DAEMON_ERROR_BYTES - this.daemonErrorBytes);
      if (keep > 0) {
        this.daemonError.push(Buffer.from(chunk.subarray(start, start + keep)));
        this.daemonErrorBytes += keep;
      }
      return;
    }
    if (this.runType !== this.frameType) {
      this.flushRun(chunk);
      this.runType = this.frameType;
    }
    // Adjacent pieces (a frame continuing a run without a header between) merge into one.
    if (this.runPieces > 0 && this.runEnds[this.runPieces - 1] === start) {
      this.runEnds[this.runPieces - 1] = stop;
    } else {
      this.runStarts[this.runPieces] = start;
      this.runEnds[this.runPieces] = stop;
      this.runPieces++;
    }
  }

  private flushRun(chunk: Buffer): void {
    if (this.runPieces === 0) return;
    const stream: LogStream = this.runType === STDERR ? 'stderr' : 'stdout';
    const pieces = this.runPieces;
    this.runPieces = 0;
    this.runType = -1;
    if (pieces === 1) {
      this.sink(stream, chunk, this.runStarts[0], this.runEnds[0]);
      return;
    }
    // One copy of the run's span, then the payloads moved together over the headers between them
    // (copyWithin allocates nothing): cheaper than one decode per frame, as frames are usually one
    // short line each.
    const first = this.runStarts[0];
    const data = Buffer.allocUnsafe(this.runEnds[pieces - 1] - first);
    chunk.copy(data, 0, first, this.runEnds[pieces - 1]);
    let at = this.runEnds[0] - first;
    for (let i = 1; i < pieces; i++) {
      data.copyWithin(at, this.runStarts[i] - first, this.runEnds[i] - first);
      at += this.runEnds[i] - this.runStarts[i];
    }
    this.sink(stream, data, 0, at);
  }

  private failDaemonError(): never {
    const message = Buffer.concat(this.daemonError).toString('utf8').trim();
    this.daemonError = [];
    this.failure = new DockerLogError('daemonError', `The Docker daemon reported an error in the log stream: ${message || '(no message)'}`);
    throw this.failure;
  }
}
