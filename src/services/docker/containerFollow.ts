// Following one container's logs within a follow: attach, re-attach after a restart or a broken
// stream, reconnect with backoff after the daemon or the connection went away, resume from the last
// timestamp without duplicates, notice a gap (log rotated meanwhile) and a removal. LogFollower
// (logFollower.ts) runs one of these per container of the target.
import type { Readable } from 'node:stream';
import type { DockerClient, DockerContainerDetails, DockerLogRequest } from './dockerClient';
import { DockerError } from './dockerError';
import type { ContainerSummary } from './containers';
import type { ContainerRef, FollowEndReason, FollowEvent, FollowEventKind, FollowOptions } from './followTypes';
import { DockerLogError } from './logs/logErrors';
import { LogPipeline } from './logs/logPipeline';
import { toDockerSince } from './logs/timestamps';

/** What a ContainerFollow needs from the follow that owns it. */
export interface FollowHost {
  readonly client: DockerClient;
  readonly options: FollowOptions;
  readonly showTimestamps: boolean;
  readonly signal: AbortSignal;
  readonly isStopped: boolean;
  emit(member: ContainerFollow | undefined, event: FollowEvent): void;
  sleep(ms: number): Promise<void>;
}

export const DEFAULTS = { tail: 200, reconnectInitialMs: 500, reconnectMaxMs: 10_000, pollMinMs: 250, pollMaxMs: 2000, rescanMs: 3000 } as const;

export function marker(text: string): string {
  return `── ${text} ──`;
}

/**
 * `40 ms`, `1.8 s`, `12 s`, `3 min 5 s`: how long a connection was lost. Not core/util/time's
 * formatDuration, which rounds to the SLA clock's seconds and minutes.
 */
function formatDowntime(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** `since` for the API from a Date, to the millisecond. */
function sinceFromDate(date: Date): string {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return `${seconds}.${String((ms - seconds * 1000) * 1_000_000).padStart(9, '0')}`;
}

function jittered(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

/** The reconnect delay: doubles after each failure up to a bound, ±20 % jitter when waited, reset by a success. */
export class Backoff {
  private ms: number;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(options: FollowOptions, private readonly sleep: (ms: number) => Promise<void>) {
    this.initialMs = options.reconnect?.initialMs ?? DEFAULTS.reconnectInitialMs;
    this.maxMs = options.reconnect?.maxMs ?? DEFAULTS.reconnectMaxMs;
    this.ms = this.initialMs;
  }

  /** Waits the current delay, then doubles it for next time. */
  wait(): Promise<void> {
    const ms = this.ms;
    this.ms = Math.min(this.ms * 2, this.maxMs);
    return this.sleep(jittered(ms));
  }

  reset(): void {
    this.ms = this.initialMs;
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function asError(e: unknown): Error | undefined {
  return e instanceof Error ? e : undefined;
}

export class ContainerFollow {
  pipeline: LogPipeline | undefined;
  summary: ContainerSummary | undefined;
  private stream: Readable | undefined;
  /** The run we attached to last (the daemon's StartedAt), to tell a restart from a dropped stream. */
  private seenStartedAt: string | undefined;
  private attachedOnce = false;
  /** When the connection was lost (ms), until we are attached again. */
  private lostAt: number | undefined;
  private lastStreamEnd: number | undefined;
  private firstAttachAt: Date | undefined;
  /** The last stream broke off (or the daemon went away): attach once more even if the container is stopped, to catch up. */
  private brokeOff = false;
  /** Set at a re-attach: checked against the first new lines (see checkGap). */
  private gapCheck: { from: string; expected: number; skippedBefore: number } | undefined;
  /** We had a stream while the container ran (else it was only the tail of a stopped one). */
  private streamedWhileRunning = false;

  constructor(
    private readonly follow: FollowHost,
    public ref: ContainerRef,
    public prefix: string,
    private readonly tail: number | 'all',
    private readonly since: Date | undefined,
  ) {}

  dispose(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.pipeline?.dispose();
  }

  /** Delivers the lines parsed so far now (they otherwise go at the end of this microtask turn), so a marker lands after them. */
  deliverPending(): void {
    this.pipeline?.deliverNow();
  }

  emitOwn(kind: FollowEventKind, text: string, extra: Partial<FollowEvent> = {}): void {
    const named = this.prefix === '' ? text : `${this.ref.name}: ${text}`;
    this.follow.emit(this, { kind, text: marker(named), container: this.ref, prefix: this.prefix, ...extra });
  }

  async run(): Promise<FollowEndReason> {
    const opts = this.follow.options;
    const backoff = new Backoff(opts, (ms) => this.follow.sleep(ms));
    const pollMin = opts.poll?.minMs ?? DEFAULTS.pollMinMs;
    const pollMax = opts.poll?.maxMs ?? DEFAULTS.pollMaxMs;
    let poll = pollMin;
    let waiting = false; // announced that we wait for the container to start
    for (;;) {
      if (this.follow.isStopped) return 'stopped';
      let info: DockerContainerDetails;
      try {
        info = await this.follow.client.inspectContainer(this.ref.id, { signal: this.follow.signal });
      } catch (e) {
        const next = this.onError(e);
        if (next !== 'retry') return next;
        await backoff.wait();
        continue;
      }
      backoff.reset();
      this.ref = { id: info.id, name: info.name };
      if (!this.pipeline) this.createPipeline(info.tty);
      const restarted = this.seenStartedAt !== undefined && info.startedAt !== this.seenStartedAt;
      // A stopped container is attached again only for a new run, or to catch up after a stream
      // that broke off (its last lines may not have come); otherwise we wait for it to start.
      if (this.attachedOnce && !info.running && !restarted && !this.brokeOff) {
        // Being removed: the next look finds it gone; saying "waiting for it to start" would be wrong.
        if (!waiting && info.status !== 'removing') {
          waiting = true;
          const how = info.status === 'exited' ? `exited with code ${info.exitCode}` : info.status || 'not running';
          if (this.streamedWhileRunning) this.emitOwn('stopped', `container stopped (${how}); waiting for it to start again`);
          else this.emitOwn('notRunning', `container is not running (${how}); waiting for it to start`);
        }
        await this.follow.sleep(poll);
        poll = Math.min(poll * 2, pollMax);
        continue;
      }
      let stream: Readable;
      try {
        stream = await this.follow.client.containerLogs(this.ref.id, this.request(), { signal: this.follow.signal });
      } catch (e) {
        const next = this.onError(e);
        if (next !== 'retry') return next;
        await backoff.wait();
        continue;
      }
      if (this.follow.isStopped) {
        stream.destroy();
        return 'stopped';
      }
      const pipeline = this.pipeline as LogPipeline;
      if (this.attachedOnce) {
        pipeline.reattach();
        const point = pipeline.resumePoint;
        this.gapCheck = point ? { from: point.timestamp, expected: point.count, skippedBefore: pipeline.counters.skipped } : undefined;
        const wasLost = this.lostAt !== undefined;
        if (wasLost) this.reconnected();
        if (restarted) this.emitOwn('restarted', 'container restarted: re-attached');
        else if (!wasLost && info.running) this.emitOwn('reattached', 'log stream ended while the container runs: re-attached');
      } else {
        this.firstAttachAt = new Date();
      }
      this.attachedOnce = true;
      this.seenStartedAt = info.startedAt;
      if (info.running) this.streamedWhileRunning = true;
      waiting = false;
      poll = pollMin;
      const how = await this.pump(stream, pipeline);
      this.lastStreamEnd = Date.now();
      if (this.follow.isStopped) return 'stopped';
      if (how === 'failed') return 'failed';
      this.brokeOff = how === 'error';
      if (this.brokeOff) this.lost();
      // Then inspect decides: a new run, a stopped container, a removed one, or a daemon away.
    }
  }

  private createPipeline(tty: boolean): void {
    const opts = this.follow.options;
    const pipeline = new LogPipeline({ tty, timestamps: true, maxLineLength: opts.maxLineLength, capacity: opts.capacity });
    pipeline.onLines((batch) => {
      if (this.follow.isStopped) return;
      if (this.gapCheck && batch.lines.length > 0) this.checkGap(this.gapCheck);
      opts.onBatch({ container: this.ref, prefix: this.prefix, lines: batch.lines, dropped: batch.dropped, timestamps: this.follow.showTimestamps });
    });
    this.pipeline = pipeline;
  }

  /**
   * The daemon sends again the lines at the resume time (`since` is inclusive) and the pipeline
   * skips them. When fewer came than were shown, the log no longer reaches back that far (the
   * log driver rotated it while we were away): the lines written in between may be lost, and the
   * view says so before the first new line.
   */
  private checkGap(check: { from: string; expected: number; skippedBefore: number }): void {
    this.gapCheck = undefined;
    const skipped = (this.pipeline?.counters.skipped ?? 0) - check.skippedBefore;
    if (skipped >= check.expected) return;
    const named = this.prefix === '' ? '' : `${this.ref.name}: `;
    this.follow.emit(undefined, {
      kind: 'gap',
      text: marker(`${named}gap: the daemon's log no longer reaches back to ${check.from} (rotated); lines written meanwhile may be missing`),
      container: this.ref,
      prefix: this.prefix,
      resumedFrom: check.from,
    });
  }

  private request(): DockerLogRequest {
    const base = { follow: true, stdout: true, stderr: true, timestamps: true } as const;
    if (!this.attachedOnce) {
      return { ...base, tail: this.tail, ...(this.since ? { since: sinceFromDate(this.since) } : {}) };
    }
    // Everything since the last line shown: the pipeline skips the ones at that exact time it
    // already delivered. With no line shown yet every line now in the log is new, except when the
    // first attach asked for none of the old ones (tail 0): then from when we attached.
    const point = this.pipeline?.resumePoint;
    if (point) return { ...base, tail: 'all', since: toDockerSince(point.timestamp) };
    if (this.tail === 0 && this.firstAttachAt) return { ...base, tail: 'all', since: sinceFromDate(this.firstAttachAt) };
    return { ...base, tail: 'all', ...(this.since ? { since: sinceFromDate(this.since) } : {}) };
  }

  /** Reads `stream` into the pipeline until it ends; 'error' when it broke off, 'failed' when its bytes were not a log stream. */
  private pump(stream: Readable, pipeline: LogPipeline): Promise<'end' | 'error' | 'failed'> {
    this.stream = stream;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (how: 'end' | 'error' | 'failed'): void => {
        if (settled) return;
        settled = true;
        stream.off('data', onData);
        if (this.stream === stream) this.stream = undefined;
        resolve(how);
      };
      const onData = (chunk: Buffer): void => {
        if (this.follow.isStopped) return;
        try {
          pipeline.write(chunk);
        } catch (e) {
          stream.destroy();
          this.emitOwn('failed', `the log stream could not be read: ${errorText(e)}`, { error: asError(e) });
          finish('failed');
        }
      };
      stream.on('data', onData);
      stream.once('end', () => finish('end'));
      // Kept for the stream's life: an 'error' with no listener would be thrown.
      stream.on('error', () => finish('error'));
      // Closed without 'end': the connection broke off (some transports close without an error).
      stream.once('close', () => finish(stream.readableEnded ? 'end' : 'error'));
    });
  }

  /** What to do after a failed call: retry (unreachable), or end the follow with a marker. */
  private onError(e: unknown): 'retry' | FollowEndReason {
    if (this.follow.isStopped) return 'stopped';
    if (DockerError.is(e, 'unreachable')) {
      this.lost();
      return 'retry';
    }
    if (DockerError.is(e, 'notFound')) {
      if (!this.attachedOnce) {
        this.emitOwn('notFound', `no such container: ${this.ref.name}`, { error: e });
        return 'notFound';
      }
      this.end();
      this.emitOwn('removed', 'container removed: end of logs', { error: new DockerError('removed', `Container ${this.ref.name} was removed.`, 404, { cause: e }) });
      return 'removed';
    }
    this.emitOwn('failed', `cannot follow the logs: ${errorText(e)}`, { error: asError(e) });
    return 'failed';
  }

  /** The last, unfinished line of a container that is gone. */
  private end(): void {
    try {
      this.pipeline?.end();
    } catch (e) {
      // Cut mid-frame: the lines before the cut were delivered; nothing more will come.
      if (!DockerLogError.is(e)) throw e;
    }
  }

  private lost(): void {
    if (this.lostAt !== undefined) return;
    // The stream ended cleanly just before the daemon stopped answering: count from that end.
    const recentEnd = this.lastStreamEnd !== undefined && Date.now() - this.lastStreamEnd < 5000 ? this.lastStreamEnd : undefined;
    this.lostAt = recentEnd ?? Date.now();
    this.brokeOff = true;
    this.emitOwn('disconnected', `connection to Docker (${this.follow.client.label}) lost; reconnecting`);
  }

  private reconnected(): void {
    if (this.lostAt === undefined) return;
    const downtimeMs = Date.now() - this.lostAt;
    this.lostAt = undefined;
    const from = this.pipeline?.lastTimestamp;
    const text = from
      ? `reconnected after ${formatDowntime(downtimeMs)}; lines written meanwhile are shown (from ${from})`
      : `reconnected after ${formatDowntime(downtimeMs)}`;
    this.emitOwn('reconnected', text, { downtimeMs, ...(from ? { resumedFrom: from } : {}) });
  }
}
