// The shapes of a log follow (what is followed, what comes out, how it ends), apart from the
// follower itself so the per-container part (containerFollow) can use them without importing it back.
import type { LogLine, LogPipelineCounters } from './logs/logPipeline';

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
  /** Each container's pipeline: bounds of the lines parsed and not yet delivered (see LogPipelineOptions). */
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

export interface LogFollower {
  /** Ends the follow: streams destroyed, requests aborted, timers cleared, no callback after this. */
  stop(): void;
  /** Settles once, with why the follow ended; never rejects. */
  readonly done: Promise<FollowEndReason>;
  /** Summed over the containers followed. */
  readonly counters: LogPipelineCounters;
}
