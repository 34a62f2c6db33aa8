// Following a container's or a compose service's logs live, through the real faults: the container
// restarting (its log stream ends; we wait for the next run and re-attach), the daemon restarting
// or the connection dropping (reconnect with backoff), the container removed (a clear end). Every
// re-attach asks the daemon for the lines since the last timestamp shown and the pipeline drops
// the ones already shown, so nothing is shown twice and nothing written meanwhile is missed.
import type { Readable } from 'node:stream';
import type { DockerClient, DockerContainerDetails, DockerLogRequest } from './dockerClient';
import { DockerError } from './dockerError';
import { COMPOSE_ONEOFF_LABEL, COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL, resolveComposeService, withPrefixes } from './containers';
import type { ContainerSummary } from './containers';
import { DockerLogError } from './logs/logErrors';
import { LogPipeline } from './logs/logPipeline';
import type { LogLine, LogPipelineCounters } from './logs/logPipeline';
import { compareTimestampKeys, timestampKey, toDockerSince } from './logs/timestamps';

export type FollowTarget =
  | { readonly kind: 'container'; readonly id: string }
  /** All containers of a compose service (replicas), matched by the compose labels, as `docker compose logs -f <service>`. */
  | { readonly kind: 'service'; readonly project: string; readonly service: string };

export interface ContainerRef {
  readonly id: string;
  readonly name: string;
}

/** Lines from one container, as the pipeline delivered them. */
export interface FollowBatch {
  readonly container: ContainerRef;
  /** What goes before each line: '' for a single container, `backend-1 | ` for a service's containers. */
  readonly prefix: string;
  readonly lines: readonly LogLine[];
  /** Lines of this container lost since its previous batch (the view's buffer was full). */
  readonly dropped: number;
  /** The user asked to see timestamps (every line carries one either way). */
  readonly timestamps: boolean;
}

export type FollowEventKind =
  | 'attached' // a service's containers, when the follow starts
  | 'joined' // a service got a new container (scaled up, recreated)
  | 'notRunning' // the container was not running when the follow started: waiting for it
  | 'stopped' // the container stopped: waiting for it to start again
  | 'restarted' // a new run of the container: re-attached
  | 'disconnected' // the daemon became unreachable or the connection dropped: reconnecting
  | 'reconnected' // back, resumed from the last timestamp shown
  | 'reattached' // the log stream ended while the container kept running: re-attached
  | 'removed' // the container is gone: no more lines from it
  | 'notFound' // nothing to follow
  | 'gap' // after a re-attach, the daemon's log no longer held the last lines shown (rotated): lines in between may be missing
  | 'failed'; // an error that retrying would not fix

/** A marker for the view to print between lines, in order with them. */
export interface FollowEvent {
  readonly kind: FollowEventKind;
  /** What the view prints, e.g. `── container restarted: re-attached ──`. */
  readonly text: string;
  readonly container?: ContainerRef;
  readonly prefix: string;
  /** For 'reconnected': how long the connection was lost. */
  readonly downtimeMs?: number;
  /** For 'reconnected': the timestamp the lines were resumed from. */
  readonly resumedFrom?: string;
  readonly error?: Error;
}

export interface FollowOptions {
  /** Lines from the end to start with; default 200. */
  readonly tail?: number | 'all';
  /** Only lines written at or after this time. */
  readonly since?: Date;
  /** Show timestamps (passed on in each batch). */
  readonly timestamps?: boolean;
  readonly onBatch: (batch: FollowBatch) => void;
  readonly onEvent?: (event: FollowEvent) => void;
  /** Each container's view buffer (the pipeline's capacity). */
  readonly capacity?: { readonly lines: number; readonly bytes: number };
  readonly maxLineLength?: number;
  /** Reconnect backoff: starts at initialMs (0.5 s), doubles up to maxMs (10 s), ±20 % jitter. */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** How often a stopped container is checked for a new run: starts at minMs (250 ms), doubles up to maxMs (2 s). */
  readonly poll?: { readonly minMs?: number; readonly maxMs?: number };
  /** How often a service is checked for new containers; default 3 s. */
  readonly rescanMs?: number;
}

export type FollowEndReason = 'stopped' | 'removed' | 'notFound' | 'failed';

/** A line with where it came from, for "Pin to Timeline". */
export interface FollowedLine {
  readonly container: ContainerRef;
  readonly prefix: string;
  readonly line: LogLine;
}

export interface LogFollower {
  /** Ends the follow: streams destroyed, requests aborted, timers cleared, no callback after this. */
  stop(): void;
  /** Settles once, with why the follow ended; never rejects. */
  readonly done: Promise<FollowEndReason>;
  /**
   * The view stops taking lines: they wait in each container's bounded buffer (the oldest dropped
   * and counted when full) and the HTTP stream is paused once the buffer is half full.
   */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Summed over the containers followed. */
  readonly counters: LogPipelineCounters;
  /** The newest lines held, oldest first, across the containers in timestamp order. */
  snapshot(lastN?: number): FollowedLine[];
}

/** The line as the view shows it: prefix, the timestamp when asked for, the text. */
export function formatLogLine(batch: Pick<FollowBatch, 'prefix' | 'timestamps'>, line: LogLine): string {
  return batch.timestamps && line.timestamp !== undefined ? `${batch.prefix}${line.timestamp} ${line.text}` : `${batch.prefix}${line.text}`;
}

/** Starts following `target` on `client`; lines and markers arrive through the callbacks. */
export function followLogs(client: DockerClient, target: FollowTarget, options: FollowOptions): LogFollower {
  const follow = new Follow(client, options);
  follow.start(target);
  return follow;
}

const DEFAULTS = { tail: 200, reconnectInitialMs: 500, reconnectMaxMs: 10_000, pollMinMs: 250, pollMaxMs: 2000, rescanMs: 3000 } as const;

function marker(text: string): string {
  return `── ${text} ──`;
}

/** `40 ms`, `1.8 s`, `12 s`, `3 min 5 s`. */
export function formatDuration(ms: number): string {
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

class Follow implements LogFollower {
  readonly done: Promise<FollowEndReason>;
  private settle!: (reason: FollowEndReason) => void;
  private settled = false;
  private stopped = false;
  private isPaused = false;
  private readonly abort = new AbortController();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private resumeWaiters: (() => void)[] = [];
  /** Markers that came while paused, shown on resume after the lines before them. */
  private queued: { member: Member | undefined; event: FollowEvent }[] = [];
  private readonly members = new Map<string, Member>();
  readonly showTimestamps: boolean;

  constructor(
    readonly client: DockerClient,
    readonly options: FollowOptions,
  ) {
    this.showTimestamps = options.timestamps ?? false;
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  start(target: FollowTarget): void {
    const run = target.kind === 'container' ? this.runContainer(target.id) : this.runService(target.project, target.service);
    run.then(
      (reason) => this.finish(reason),
      // run* handle their errors; anything else is a bug here, still reported as a marker.
      (e: unknown) => {
        this.emit(undefined, { kind: 'failed', text: marker(`log follow failed: ${errorText(e)}`), prefix: '', error: asError(e) });
        this.finish('failed');
      },
    );
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    for (const member of this.members.values()) member.dispose();
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    this.wakeResumeWaiters();
    this.queued = [];
    this.finish('stopped');
  }

  pause(): void {
    if (this.isPaused || this.stopped) return;
    this.isPaused = true;
    for (const member of this.members.values()) member.pipeline?.pause();
  }

  resume(): void {
    if (!this.isPaused || this.stopped) return;
    this.isPaused = false;
    // Each container's pending lines first (resume delivers them now), then the markers that
    // followed them, then the waiting re-attaches go on.
    for (const member of this.members.values()) member.pipeline?.resume();
    const queued = this.queued;
    this.queued = [];
    for (const { member, event } of queued) this.emit(member, event);
    this.wakeResumeWaiters();
  }

  get counters(): LogPipelineCounters {
    const sum = { lines: 0, bytes: 0, dropped: 0, cut: 0, skipped: 0 };
    for (const member of this.members.values()) {
      const c = member.pipeline?.counters;
      if (!c) continue;
      sum.lines += c.lines;
      sum.bytes += c.bytes;
      sum.dropped += c.dropped;
      sum.cut += c.cut;
      sum.skipped += c.skipped;
    }
    return sum;
  }

  snapshot(lastN?: number): FollowedLine[] {
    const all: FollowedLine[] = [];
    for (const member of this.members.values()) {
      for (const line of member.pipeline?.snapshot(lastN) ?? []) all.push({ container: member.ref, prefix: member.prefix, line });
    }
    if (this.members.size > 1) all.sort(byTimestamp);
    return lastN === undefined ? all : all.slice(Math.max(0, all.length - lastN));
  }

  /** Hands a marker to the view after the lines before it, or keeps it for resume() while paused. */
  emit(member: Member | undefined, event: FollowEvent): void {
    if (this.stopped) return;
    if (this.isPaused) {
      this.queued.push({ member, event });
      return;
    }
    member?.deliverPending();
    this.options.onEvent?.(event);
  }

  /** Sleeps `ms`, or less when stopped; the timer is cleared by stop(). */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Resolves when the view is not paused (at once when it is not, or when stopped). */
  untilResumed(): Promise<void> {
    if (!this.isPaused || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.resumeWaiters.push(resolve));
  }

  private wakeResumeWaiters(): void {
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const wake of waiters) wake();
  }

  private finish(reason: FollowEndReason): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(reason);
  }

  private async runContainer(id: string): Promise<FollowEndReason> {
    const member = new Member(this, { id, name: id }, '', this.options.tail ?? DEFAULTS.tail, this.options.since);
    this.members.set(id, member);
    return member.run();
  }

  private async runService(project: string, service: string): Promise<FollowEndReason> {
    const running = new Map<string, Promise<FollowEndReason>>();
    const ended = new Map<string, FollowEndReason>();
    let first = true;
    let backoff = this.options.reconnect?.initialMs ?? DEFAULTS.reconnectInitialMs;
    const label = `service ${service} of project ${project}`;
    for (;;) {
      if (this.stopped) return 'stopped';
      let found: ContainerSummary[] | undefined;
      try {
        // One cheap list per round; the full resolve (an inspect per container) only when a container is new.
        const ids = first
          ? undefined
          : (await this.client.listContainers({ all: true, labels: [`${COMPOSE_PROJECT_LABEL}=${project}`, `${COMPOSE_SERVICE_LABEL}=${service}`] }, { signal: this.signal }))
              .filter((c) => c.labels[COMPOSE_ONEOFF_LABEL] !== 'True')
              .map((c) => c.id);
        const changed = ids === undefined || ids.some((id) => !this.members.has(id));
        found = changed ? (await resolveComposeService(this.client, project, service, { signal: this.signal })).map((m) => m.container) : [];
        backoff = this.options.reconnect?.initialMs ?? DEFAULTS.reconnectInitialMs;
      } catch (e) {
        if (this.stopped) return 'stopped';
        if (!DockerError.is(e, 'unreachable')) {
          this.emit(undefined, { kind: 'failed', text: marker(`cannot list the containers of ${label}: ${errorText(e)}`), prefix: '', error: asError(e) });
          return 'failed';
        }
        // The members' own loops report the outage and reconnect; the list is tried again later.
        await this.sleep(jittered(backoff));
        backoff = Math.min(backoff * 2, this.options.reconnect?.maxMs ?? DEFAULTS.reconnectMaxMs);
        continue;
      }
      const fresh = found.filter((c) => !this.members.has(c.id));
      if (first && found.length === 0) {
        this.emit(undefined, { kind: 'notFound', text: marker(`no containers for ${label}`), prefix: '' });
        return 'notFound';
      }
      if (fresh.length > 0) {
        // Prefixes padded to the longest name among all the containers shown.
        const everyone = [...[...this.members.values()].map((m) => m.summary).filter((s): s is ContainerSummary => s !== undefined), ...fresh];
        const prefixes = new Map(withPrefixes(everyone, project).map((m) => [m.container.id, m.prefix]));
        for (const member of this.members.values()) member.prefix = prefixes.get(member.ref.id) ?? member.prefix;
        for (const c of fresh) {
          // A container that appears later is new: all of its lines are.
          const member = new Member(this, { id: c.id, name: c.name }, prefixes.get(c.id) ?? '', first ? this.options.tail ?? DEFAULTS.tail : 'all', first ? this.options.since : undefined);
          member.summary = c;
          this.members.set(c.id, member);
          if (!first) member.emitOwn('joined', 'new container of the service: attached');
          running.set(
            c.id,
            member.run().then((reason) => {
              ended.set(c.id, reason);
              running.delete(c.id);
              return reason;
            }),
          );
        }
        if (first) this.emit(undefined, { kind: 'attached', text: marker(`attached to ${fresh.map((c) => c.name).join(', ')}`), prefix: '' });
      }
      first = false;
      if (running.size === 0) {
        // Every container ended and no new one came.
        return [...ended.values()].some((r) => r === 'failed') ? 'failed' : 'removed';
      }
      await Promise.race([this.sleep(this.options.rescanMs ?? DEFAULTS.rescanMs), ...running.values()]);
    }
  }
}

/** One container followed: its pipeline, its current stream, and the loop that re-attaches. */
class Member {
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
    private readonly follow: Follow,
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
    const pipeline = this.pipeline;
    if (!pipeline || pipeline.paused) return;
    // resume() of a paused pipeline delivers what is pending synchronously.
    pipeline.pause();
    pipeline.resume();
  }

  emitOwn(kind: FollowEventKind, text: string, extra: Partial<FollowEvent> = {}): void {
    const named = this.prefix === '' ? text : `${this.ref.name}: ${text}`;
    this.follow.emit(this, { kind, text: marker(named), container: this.ref, prefix: this.prefix, ...extra });
  }

  async run(): Promise<FollowEndReason> {
    const opts = this.follow.options;
    const initialBackoff = opts.reconnect?.initialMs ?? DEFAULTS.reconnectInitialMs;
    const maxBackoff = opts.reconnect?.maxMs ?? DEFAULTS.reconnectMaxMs;
    const pollMin = opts.poll?.minMs ?? DEFAULTS.pollMinMs;
    const pollMax = opts.poll?.maxMs ?? DEFAULTS.pollMaxMs;
    let backoff = initialBackoff;
    let poll = pollMin;
    let waiting = false; // announced that we wait for the container to start
    for (;;) {
      // A paused view takes no new stream after the first: the markers that go with it would
      // land among the lines the view holds.
      if (this.attachedOnce) await this.follow.untilResumed();
      if (this.follow.isStopped) return 'stopped';
      let info: DockerContainerDetails;
      try {
        info = await this.follow.client.inspectContainer(this.ref.id, { signal: this.follow.signal });
      } catch (e) {
        const next = this.onError(e);
        if (next !== 'retry') return next;
        await this.follow.sleep(jittered(backoff));
        backoff = Math.min(backoff * 2, maxBackoff);
        continue;
      }
      backoff = initialBackoff;
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
        await this.follow.sleep(jittered(backoff));
        backoff = Math.min(backoff * 2, maxBackoff);
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
    // The view took the lines it held: read on.
    pipeline.onDrain(() => this.stream?.resume());
    if (this.follow.paused) pipeline.pause();
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
          if (!pipeline.write(chunk)) stream.pause();
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
      ? `reconnected after ${formatDuration(downtimeMs)}; lines written meanwhile are shown (from ${from})`
      : `reconnected after ${formatDuration(downtimeMs)}`;
    this.emitOwn('reconnected', text, { downtimeMs, ...(from ? { resumedFrom: from } : {}) });
  }
}

function jittered(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

function byTimestamp(a: FollowedLine, b: FollowedLine): number {
  const ka = a.line.timestamp === undefined ? undefined : timestampKey(a.line.timestamp);
  const kb = b.line.timestamp === undefined ? undefined : timestampKey(b.line.timestamp);
  if (!ka || !kb) return 0;
  return compareTimestampKeys(ka, kb);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function asError(e: unknown): Error | undefined {
  return e instanceof Error ? e : undefined;
}
