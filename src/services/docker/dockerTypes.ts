// What the rest of the extension knows of Docker: the engine to talk to, the answers as plain
// data, and the DockerClient contract. dockerClient.ts implements it over dockerode; these types are
// apart from it so that neither dockerode nor ssh2 comes in with them.
import type * as http from 'node:http';
import type { Readable } from 'node:stream';
import type { ResolveDockerEndpointOptions, SshDockerEndpoint } from './dockerEndpoint';

/** Which engine to talk to. */
export type DockerTarget =
  /**
   * The local engine: `socketPath` as given, else the endpoint the docker CLI would use
   * (DOCKER_HOST, DOCKER_CONTEXT, the current context; resolveDockerEndpoint), under the same
   * rules for every source: unix:// and npipe:// as they are, tcp:// only with a verified TLS
   * certificate or when `endpoint.allowInsecureTcp`, ssh:// only through `ssh`.
   */
  | {
      readonly kind: 'local';
      readonly socketPath?: string;
      readonly endpoint?: ResolveDockerEndpointOptions;
      /** Opens the verified SSH path to an ssh:// endpoint's host; without it, an ssh:// endpoint is refused. */
      readonly ssh?: (endpoint: SshDockerEndpoint) => Promise<DockerTunnel>;
      /** Told once, before the first request, when the client talks plain text (tcp:// allowed by the setting). */
      readonly onInsecure?: (message: string) => void;
    }
  /**
   * A remote engine behind `agent`, which opens each HTTP connection (over SSH, `docker system
   * dial-stdio` on a host-key-verified connection). The agent belongs to the caller: dispose()
   * does not destroy it. `label` names the host in messages.
   */
  | { readonly kind: 'agent'; readonly agent: http.Agent; readonly label: string };

/** An agent that reaches a daemon through a verified SSH connection, and how to let both go. */
export interface DockerTunnel {
  readonly agent: http.Agent;
  /** Ends the agent and the connection it rides on; called by the client's dispose(). */
  release(): void;
}

export interface DockerContainerSummary {
  readonly id: string;
  /** Without the leading slash. */
  readonly name: string;
  readonly image: string;
  /** `running`, `exited`, `restarting`, `paused`, `created`, `dead`, `removing`. */
  readonly state: string;
  /** The human status, `Up 3 minutes`, `Exited (0) 2 hours ago`. */
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface DockerContainerDetails {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** The container has a TTY: its log stream is raw bytes, not multiplexed frames. */
  readonly tty: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: string;
  readonly running: boolean;
  readonly restarting: boolean;
  readonly exitCode: number;
  /** RFC 3339, from the daemon's clock; changes on every start, so it tells one run from the next. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Restarts by the restart policy (not `docker restart`). */
  readonly restartCount: number;
}

export interface DockerLogRequest {
  /** Keep the stream open for new lines until the container stops. */
  readonly follow: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly timestamps: boolean;
  /** Lines from the end; 'all' (the default) for everything. */
  readonly tail?: number | 'all';
  /** Entries at or after this time, as the API takes it: `<unix seconds>[.<nanoseconds>]`. */
  readonly since?: string;
}

/** The fields of a `/containers/{id}/stats?stream=false` answer that a snapshot needs. */
export interface DockerStatsSample {
  readonly name: string;
  readonly cpu: DockerCpuSample;
  readonly precpu: DockerCpuSample;
  readonly memory: {
    readonly usage: number;
    readonly limit: number;
    readonly stats: Readonly<Record<string, number>>;
  };
}

export interface DockerCpuSample {
  readonly totalUsage: number;
  readonly systemUsage: number;
  readonly onlineCpus: number;
  readonly perCpuCount: number;
}

export interface DockerCallOptions {
  /** Aborts the call (the error is DockerError 'cancelled'). */
  readonly signal?: AbortSignal;
  /** For a request/answer call: how long to wait for the answer (a stream: for its headers). */
  readonly timeoutMs?: number;
}

export interface DockerClient {
  /** `local` or the host's label, for messages. */
  readonly label: string;
  ping(opts?: DockerCallOptions): Promise<void>;
  /** Containers; stopped ones too with `all`; `labels` are `key=value` or `key` filters, all must match. */
  listContainers(query: { readonly all: boolean; readonly labels?: readonly string[] }, opts?: DockerCallOptions): Promise<DockerContainerSummary[]>;
  inspectContainer(id: string, opts?: DockerCallOptions): Promise<DockerContainerDetails>;
  /**
   * The raw log stream (multiplexed frames, or raw bytes for a TTY container), always streamed,
   * also without `follow` (dockerode would buffer the whole answer in memory then). The caller
   * destroys it to stop.
   */
  containerLogs(id: string, request: DockerLogRequest, opts?: DockerCallOptions): Promise<Readable>;
  restartContainer(id: string, timeoutSeconds: number, opts?: DockerCallOptions): Promise<void>;
  /** One stats sample with the previous one (`stream=false`: the daemon samples twice, about a second apart). */
  containerStats(id: string, opts?: DockerCallOptions): Promise<DockerStatsSample>;
  /** Closes the connections this client opened (an injected agent is the caller's to destroy). */
  dispose(): void;
}
