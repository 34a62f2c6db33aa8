// Following a container's or a compose service's logs live, through the real faults: the container
// restarting (its log stream ends; we wait for the next run and re-attach), the daemon restarting
// or the connection dropping (reconnect with backoff), the container removed (a clear end). Every
// re-attach asks the daemon for the lines since the last timestamp shown and the pipeline drops
// the ones already shown, so nothing is shown twice and nothing written meanwhile is missed.
import type { DockerClient } from './dockerClient';
import { DockerError } from './dockerError';
import { COMPOSE_ONEOFF_LABEL, COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL, resolveComposeService, withPrefixes } from './containers';
import type { ContainerSummary } from './containers';
import { Backoff, ContainerFollow, DEFAULTS, asError, errorText, marker } from './containerFollow';
import type { FollowBatch, FollowEndReason, FollowEvent, FollowOptions, FollowTarget, LogFollower } from './followTypes';
import type { LogLine, LogPipelineCounters } from './logs/logPipeline';
import { stripAll } from './logs/sanitize';

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

class Follow implements LogFollower {
  readonly done: Promise<FollowEndReason>;
  private settle!: (reason: FollowEndReason) => void;
  private settled = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly members = new Map<string, ContainerFollow>();
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
    this.finish('stopped');
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

  /** Hands a marker to the view after the lines before it (a paused view keeps both, in order). */
  emit(member: ContainerFollow | undefined, event: FollowEvent): void {
    if (this.stopped) return;
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

  private finish(reason: FollowEndReason): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(reason);
  }

  private async runContainer(id: string): Promise<FollowEndReason> {
    const member = new ContainerFollow(this, { id, name: id }, '', this.options.tail ?? DEFAULTS.tail, this.options.since);
    this.members.set(id, member);
    return member.run();
  }

  private async runService(project: string, service: string): Promise<FollowEndReason> {
    const running = new Map<string, Promise<FollowEndReason>>();
    const ended = new Map<string, FollowEndReason>();
    let first = true;
    const backoff = new Backoff(this.options, (ms) => this.sleep(ms));
    /** Wakes the rescan wait when a member's loop ends (one resolver, not a reaction per member per round). */
    let memberEnded: () => void = () => undefined;
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
        backoff.reset();
      } catch (e) {
        if (this.stopped) return 'stopped';
        if (!DockerError.is(e, 'unreachable')) {
          this.emit(undefined, { kind: 'failed', text: marker(`cannot list the containers of ${label}: ${errorText(e)}`), prefix: '', error: asError(e) });
          return 'failed';
        }
        // The members' own loops report the outage and reconnect; the list is tried again later.
        await backoff.wait();
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
        // Names come from the daemon: drawn before every line, so stripped of control sequences like the lines.
        const prefixes = new Map(withPrefixes(everyone, project).map((m) => [m.container.id, stripAll(m.prefix)]));
        for (const member of this.members.values()) member.prefix = prefixes.get(member.ref.id) ?? member.prefix;
        for (const c of fresh) {
          // A container that appears later is new: all of its lines are.
          const member = new ContainerFollow(this, { id: c.id, name: c.name }, prefixes.get(c.id) ?? '', first ? this.options.tail ?? DEFAULTS.tail : 'all', first ? this.options.since : undefined);
          member.summary = c;
          this.members.set(c.id, member);
          if (!first) member.emitOwn('joined', 'new container of the service: attached');
          running.set(
            c.id,
            member.run().then((reason) => {
              ended.set(c.id, reason);
              running.delete(c.id);
              memberEnded();
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
      // Racing the members' own promises would add a reaction to each, every round, for as long as
      // they run (a leak over a long follow); one fresh resolver per round instead.
      await Promise.race([this.sleep(this.options.rescanMs ?? DEFAULTS.rescanMs), new Promise<void>((resolve) => (memberEnded = resolve))]);
    }
  }
}
