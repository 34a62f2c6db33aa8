import { Emitter } from '../../../core/util/emitter';
import { DockerLogDemuxer } from './demux';
import type { LogStream } from './demux';
import { LineSplitter } from './lineSplitter';
import { DockerLogError } from './logErrors';
import { RingBuffer } from './ringBuffer';
import { sanitize } from './sanitize';
import { compareTimestampKeys, timestampKey } from './timestamps';
import type { TimestampKey } from './timestamps';

export interface LogLine {
  readonly stream: LogStream;
  /** Sanitised text: colours kept, every other control sequence removed; cut lines end with a marker. */
  readonly text: string;
  /** The line's RFC 3339 timestamp, when the stream has timestamps. */
  readonly timestamp?: string;
}

/** One delivery to listeners: the lines that arrived since the previous one. */
export interface LogBatch {
  readonly lines: readonly LogLine[];
  /** Lines lost since the previous batch: evicted from the buffer before they were delivered. */
  readonly dropped: number;
}

/** Where a stream left off: the last delivered timestamp and how many delivered lines carried it. */
export interface ResumePoint {
  readonly timestamp: string;
  readonly count: number;
}

export interface LogPipelineCounters {
  /** Lines produced (not counting duplicates skipped on resume). */
  readonly lines: number;
  /** Bytes written in, headers included. */
  readonly bytes: number;
  /** Lines evicted from the buffer before delivery (more than its capacity parsed in one turn). */
  readonly dropped: number;
  /** Lines cut at maxLineLength. */
  readonly cut: number;
  /** Lines skipped as already delivered before a reconnect. */
  readonly skipped: number;
}

export interface LogPipelineOptions {
  /** The container has a TTY: its stream is raw, not multiplexed, and all of it is stdout. */
  readonly tty: boolean;
  /** Lines start with timestamps (`timestamps=true` on the logs request); needed for resume. */
  readonly timestamps?: boolean;
  /** Longest line text kept; default 16 KiB. */
  readonly maxLineLength?: number;
  /**
   * Bounds of the lines parsed and not yet delivered (line size: its text length plus its
   * timestamp's); default 10,000 lines, 8 MiB. Delivered lines are not held: the consumer keeps its
   * own history.
   */
  readonly capacity?: { readonly lines: number; readonly bytes: number };
}

const DEFAULT_CAPACITY = { lines: 10_000, bytes: 8 * 1024 * 1024 };

function lineSize(line: LogLine): number {
  return line.text.length + (line.timestamp === undefined ? 0 : line.timestamp.length);
}

/**
 * Bytes from the Docker daemon's logs endpoint in, batches of lines a view can show out:
 * demultiplex → split into lines (UTF-8 safe, long lines cut) → sanitise → bounded view buffer.
 *
 * Lines go into the bounded buffer as they are parsed; listeners get them in one batch per turn of
 * the event loop's microtask queue (a daemon flushes every log entry, so one socket read carries
 * hundreds of one-line chunks: they become one batch, not hundreds of calls), and the buffer lets
 * go of them. What the pipeline holds is bounded by its capacity whatever the input and whenever
 * GC runs: more lines than that in one turn drop the oldest, counted in the batch.
 */
export class LogPipeline {
  private readonly demuxer: DockerLogDemuxer;
  private readonly splitters: Record<LogStream, LineSplitter>;
  private readonly timestamps: boolean;
  private readonly ring: RingBuffer<LogLine>;
  private readonly linesListeners = new Emitter<LogBatch>();
  private deliveryQueued = false;
  private disposed = false;
  private ended = false;
  private failure: DockerLogError | undefined;
  private lineCount = 0;
  private byteCount = 0;
  private cutCount = 0;
  private skippedCount = 0;
  private lastTs: string | undefined;
  private countAtLastTs = 0;
  private skipKey: TimestampKey | undefined;
  private skipAtKey = 0;

  /** New lines, in batches (see the class comment); never one call per line. */
  readonly onLines = this.linesListeners.event;

  constructor(options: LogPipelineOptions) {
    this.timestamps = options.timestamps ?? false;
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.ring = new RingBuffer<LogLine>({ maxItems: capacity.lines, maxBytes: capacity.bytes, sizeOf: lineSize });
    const splitterOptions = { maxLineLength: options.maxLineLength, timestamps: this.timestamps, transform: sanitize };
    this.splitters = {
      stdout: new LineSplitter(splitterOptions, (text, ts, cut) => this.accept('stdout', text, ts, cut)),
      stderr: new LineSplitter(splitterOptions, (text, ts, cut) => this.accept('stderr', text, ts, cut)),
    };
    this.demuxer = new DockerLogDemuxer(options.tty, (stream, data, start, end) => this.splitters[stream].push(data, start, end));
  }

  /**
   * Feeds one chunk from the source. Throws a DockerLogError when the stream is not a valid log
   * stream, after delivering the lines before the fault, and on every write after that.
   */
  write(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (this.ended) throw new DockerLogError('writeAfterEnd', 'The log stream has ended.');
    this.byteCount += chunk.length;
    try {
      this.demuxer.push(chunk);
    } catch (e) {
      if (!DockerLogError.is(e)) throw e;
      this.failure = e;
      this.deliver();
      throw e;
    }
    if (this.ring.pending > 0 && !this.deliveryQueued) {
      this.deliveryQueued = true;
      queueMicrotask(this.deliverQueued);
    }
  }

  /** Delivers the lines parsed so far now, instead of at the end of this microtask turn (so that what the caller says next comes after them). */
  deliverNow(): void {
    this.deliver();
  }

  /**
   * The source ended: delivers the unfinished last lines and everything pending, now. Throws
   * 'truncatedFrame' (after delivering) when the stream stopped inside a frame; a connection that
   * dropped should use `reattach()` instead, so the half-received line comes again whole.
   */
  end(): void {
    if (this.ended || this.failure) return;
    this.ended = true;
    this.splitters.stdout.flush();
    this.splitters.stderr.flush();
    this.deliver();
    if (this.demuxer.midFrame) {
      this.failure = new DockerLogError('truncatedFrame', 'The log stream ended in the middle of a frame.');
      throw this.failure;
    }
  }

  /**
   * The source was reconnected, with `since` set to `toDockerSince(resumePoint.timestamp)`: drops
   * the unfinished lines of the old connection (the daemon sends them again, whole) and skips the
   * lines already delivered.
   */
  reattach(): void {
    this.demuxer.reset();
    this.splitters.stdout.reset();
    this.splitters.stderr.reset();
    const point = this.resumePoint;
    if (point) this.skipUntil(point);
  }

  /**
   * Drops lines up to `point`: every line timestamped before it, and the first `point.count` lines
   * at exactly its time (equal timestamps are common: the daemon's clock and fast writers); lines
   * after those are new. Needs timestamps.
   */
  skipUntil(point: ResumePoint): void {
    if (!this.timestamps) throw new DockerLogError('needsTimestamps', 'Resuming without duplicates needs a log stream with timestamps.');
    const key = timestampKey(point.timestamp);
    if (!key) throw new DockerLogError('badTimestamp', `Not an RFC 3339 timestamp: ${point.timestamp}`);
    this.skipKey = key;
    this.skipAtKey = Math.max(0, point.count);
    this.lastTs = point.timestamp;
    this.countAtLastTs = Math.max(0, point.count);
  }

  get counters(): LogPipelineCounters {
    return { lines: this.lineCount, bytes: this.byteCount, dropped: this.ring.dropped, cut: this.cutCount, skipped: this.skippedCount };
  }

  /** Timestamp of the last line accepted (delivered or pending), to reconnect with `since`. */
  get lastTimestamp(): string | undefined {
    return this.lastTs;
  }

  /** What `skipUntil` needs after a reconnect; undefined before the first timestamped line. */
  get resumePoint(): ResumePoint | undefined {
    return this.lastTs === undefined ? undefined : { timestamp: this.lastTs, count: this.countAtLastTs };
  }

  /** Stops all delivery; pending lines are not delivered, and let go of. */
  dispose(): void {
    this.disposed = true;
    this.linesListeners.dispose();
    this.ring.clear();
  }

  private accept(stream: LogStream, text: string, timestamp: string | undefined, cut: boolean): void {
    if (timestamp !== undefined) {
      if (this.skipKey !== undefined && this.isDuplicate(timestamp)) {
        this.skippedCount++;
        return;
      }
      if (timestamp === this.lastTs) {
        this.countAtLastTs++;
      } else {
        this.lastTs = timestamp;
        this.countAtLastTs = 1;
      }
    }
    if (cut) this.cutCount++;
    this.lineCount++;
    this.ring.push({ stream, text, timestamp });
  }

  private isDuplicate(timestamp: string): boolean {
    const key = timestampKey(timestamp);
    // A line whose timestamp cannot be read cannot be judged: it is shown.
    if (!key || !this.skipKey) return false;
    const order = compareTimestampKeys(key, this.skipKey);
    if (order < 0) return true;
    if (order === 0 && this.skipAtKey > 0) {
      this.skipAtKey--;
      return true;
    }
    // Past the resume point: nothing older can follow.
    this.skipKey = undefined;
    // The count at the resume time continues from the lines the consumer already had.
    if (order === 0) this.lastTs = timestamp;
    return false;
  }

  private readonly deliverQueued = (): void => {
    this.deliveryQueued = false;
    this.deliver();
  };

  private deliver(): void {
    if (this.disposed) return;
    if (this.ring.pending === 0 && this.ring.droppedSinceTake === 0) return;
    const { items, dropped } = this.ring.take();
    this.linesListeners.fire({ lines: items, dropped });
  }
}
