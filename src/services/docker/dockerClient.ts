// The DockerClient (dockerTypes.ts) over dockerode: the rest of the extension sees those types,
// never dockerode's, so the module (and ssh2, which dockerode pulls in) is loaded only when Docker
// is first used, and tests can stand a fake in front of pure logic.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import type { DockerOptions } from 'dockerode';
import { type DockerEndpoint, describeDockerEndpoint, resolveDockerEndpoint } from './dockerEndpoint';
import { DockerError, toDockerError } from './dockerError';
import type { DockerTarget, DockerTunnel, DockerContainerSummary, DockerContainerDetails, DockerLogRequest, DockerStatsSample, DockerCpuSample, DockerCallOptions, DockerClient } from './dockerTypes';

export type { DockerTarget, DockerTunnel, DockerContainerSummary, DockerContainerDetails, DockerLogRequest, DockerStatsSample, DockerCpuSample, DockerCallOptions, DockerClient } from './dockerTypes';

const DEFAULT_TIMEOUT_MS = 30_000;

/** The parts of docker-modem used here (dockerode's types give it as `any`). */
interface Modem {
  dial(options: Record<string, unknown>, callback: (err: unknown, data: unknown) => void): void;
}

/** The parts of dockerode used here, as the calls return them (JSON from the Engine API). */
interface DockerodeLike {
  modem: Modem;
  ping(opts: { abortSignal: AbortSignal }): Promise<unknown>;
  listContainers(opts: Record<string, unknown>): Promise<RawContainerSummary[]>;
  getContainer(id: string): {
    inspect(opts: { abortSignal: AbortSignal }): Promise<RawInspect>;
    restart(opts: { t: number; abortSignal: AbortSignal }): Promise<unknown>;
    stats(opts: { stream: false; abortSignal: AbortSignal }): Promise<RawStats>;
  };
}

interface RawContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Status?: string;
  Labels?: Record<string, string> | null;
}

interface RawInspect {
  Id: string;
  Name?: string;
  RestartCount?: number;
  Config?: { Tty?: boolean; Image?: string; Labels?: Record<string, string> | null };
  State?: { Status?: string; Running?: boolean; Restarting?: boolean; ExitCode?: number; StartedAt?: string; FinishedAt?: string };
}

interface RawCpu {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

interface RawStats {
  name?: string;
  cpu_stats?: RawCpu;
  precpu_stats?: RawCpu;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> | null };
}

/**
 * Creates a client for `target`. dockerode is imported here, on first use. For an agent the
 * requests go to `http://localhost/...` through it (docker-modem hands `agent` to http.request).
 * The host name is never resolved: the agent opens every connection itself. It must be
 * `localhost`, though: VS Code's extension host patches http.request for its proxy support and, in
 * its default 'override' mode, replaces a caller's agent with its own for any other host, which
 * then looks the name up in DNS (`getaddrinfo ENOTFOUND docker`) instead of tunnelling; for
 * localhost it keeps the caller's agent (@vscode/proxy-agent, microsoft/vscode#120354).
 */
export async function createDockerClient(target: DockerTarget): Promise<DockerClient> {
  const { default: Docker } = await import('dockerode');
  // `agent` is a docker-modem option (modem.js hands it to http.request) that @types/dockerode omits.
  const make = (options: DockerOptions & { agent: http.Agent }): DockerodeLike => withoutDockerEnv(() => new Docker(options) as unknown as DockerodeLike);
  if (target.kind === 'agent') {
    return new DockerodeClient(make({ protocol: 'http', host: 'localhost', port: 80, agent: target.agent }), target.label, () => undefined);
  }
  if (target.socketPath) return unixClient(make, target.socketPath, 'local');
  const endpoint = await resolveDockerEndpoint(target.endpoint);
  return clientFor(make, endpoint, target);
}

type MakeDockerode = (options: DockerOptions & { agent: http.Agent }) => DockerodeLike;

async function clientFor(make: MakeDockerode, endpoint: DockerEndpoint, target: Extract<DockerTarget, { kind: 'local' }>): Promise<DockerClient> {
  // A socket on this machine stays plain "local" in messages; anything else says where it goes.
  const label = endpoint.kind === 'unix' || endpoint.kind === 'npipe' ? 'local' : `local, ${describeDockerEndpoint(endpoint)}`;
  switch (endpoint.kind) {
    case 'unix':
      return unixClient(make, endpoint.socketPath, label);
    case 'npipe':
      return unixClient(make, endpoint.pipePath, label);
    case 'ssh': {
      if (!target.ssh) throw new DockerError('refused', `Docker endpoint ${describeDockerEndpoint(endpoint)} needs a verified SSH connection, which this caller cannot open`);
      let tunnel: DockerTunnel;
      try {
        tunnel = await target.ssh(endpoint);
      } catch (e) {
        // A host key refused or a login failed is 'permission', with the SshError as its cause.
        throw toDockerError(e, `connect to ${endpoint.url}`, label);
      }
      try {
        return new DockerodeClient(make({ protocol: 'http', host: 'localhost', port: 80, agent: tunnel.agent }), label, () => tunnel.release());
      } catch (e) {
        tunnel.release();
        throw e;
      }
    }
    case 'tls': {
      // The certificates go on the agent and on each request (docker-modem copies ca/cert/key
      // into the request options), so the server's certificate is verified whichever one
      // http.request ends up using; rejectUnauthorized is Node's default and stays on.
      const tls = { ca: endpoint.tls.ca, cert: endpoint.tls.cert, key: endpoint.tls.key };
      const agent = new https.Agent({ keepAlive: false, rejectUnauthorized: true, ...tls });
      return new DockerodeClient(make({ protocol: 'https', host: endpoint.host, port: endpoint.port, ...tls, agent }), label, () => agent.destroy());
    }
    case 'insecureTcp': {
      target.onInsecure?.(`Docker endpoint ${describeDockerEndpoint(endpoint)}: plain text without authentication, allowed by the setting; anyone on the network path can read and change what is sent.`);
      const agent = new http.Agent({ keepAlive: false });
      return new DockerodeClient(make({ protocol: 'http', host: endpoint.host, port: endpoint.port, agent }), label, () => agent.destroy());
    }
  }
}

function unixClient(make: MakeDockerode, socketPath: string, label: string): DockerClient {
  // Our own agent, without keep-alive: a pooled connection to a daemon that restarted would fail
  // its next request, and a unix socket costs next to nothing to open.
  const agent = new http.Agent({ keepAlive: false });
  return new DockerodeClient(make({ socketPath, agent }), label, () => agent.destroy());
}

/** What docker-modem's constructor reads from the environment (modem.js defaultOpts). */
const MODEM_ENV = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_PATH_PREFIX', 'DOCKER_CLIENT_TIMEOUT'] as const;

/**
 * docker-modem's constructor reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH and lets
 * them fill (and decide) whatever it is not told: its own unverified ssh client, a protocol, a
 * host that wins over our socketPath, certificate files read (or thrown on) synchronously. The
 * endpoint is decided by resolveDockerEndpoint alone, so the modem is built with those
 * variables out of sight. Synchronous: no other code runs before they are put back.
 */
function withoutDockerEnv<T>(build: () => T): T {
  const saved = new Map<string, string>();
  for (const name of MODEM_ENV) {
    const v = process.env[name];
    if (v !== undefined) saved.set(name, v);
    delete process.env[name];
  }
  try {
    return build();
  } finally {
    for (const [name, v] of saved) process.env[name] = v;
  }
}

class DockerodeClient implements DockerClient {
  private disposed = false;

  constructor(
    private readonly docker: DockerodeLike,
    readonly label: string,
    /** Lets go of what this client opened (its agent, an SSH tunnel); an injected agent is the caller's. */
    private readonly release: () => void,
  ) {}

  async ping(opts?: DockerCallOptions): Promise<void> {
    await this.call('answer a ping', opts, (abortSignal) => this.docker.ping({ abortSignal }));
  }

  async listContainers(query: { all: boolean; labels?: readonly string[] }, opts?: DockerCallOptions): Promise<DockerContainerSummary[]> {
    const filters = query.labels && query.labels.length > 0 ? { label: [...query.labels] } : undefined;
    const raw = await this.call('list containers', opts, (abortSignal) => this.docker.listContainers({ all: query.all, ...(filters ? { filters } : {}), abortSignal }));
    return raw.map((c) => ({
      id: c.Id,
      name: stripSlash(c.Names?.[0] ?? c.Id.slice(0, 12)),
      image: c.Image ?? '',
      state: c.State ?? '',
      status: c.Status ?? '',
      labels: c.Labels ?? {},
    }));
  }

  async inspectContainer(id: string, opts?: DockerCallOptions): Promise<DockerContainerDetails> {
    const raw = await this.call(`inspect container ${short(id)}`, opts, (abortSignal) => this.docker.getContainer(id).inspect({ abortSignal }));
    const state = raw.State ?? {};
    return {
      id: raw.Id,
      name: stripSlash(raw.Name ?? raw.Id.slice(0, 12)),
      image: raw.Config?.Image ?? '',
      tty: raw.Config?.Tty === true,
      labels: raw.Config?.Labels ?? {},
      status: state.Status ?? '',
      running: state.Running === true,
      restarting: state.Restarting === true,
      exitCode: state.ExitCode ?? 0,
      startedAt: state.StartedAt ?? '',
      finishedAt: state.FinishedAt ?? '',
      restartCount: raw.RestartCount ?? 0,
    };
  }

  containerLogs(id: string, request: DockerLogRequest, opts?: DockerCallOptions): Promise<Readable> {
    const query: Record<string, unknown> = {
      follow: request.follow,
      stdout: request.stdout,
      stderr: request.stderr,
      timestamps: request.timestamps,
      tail: request.tail ?? 'all',
    };
    if (request.since !== undefined) query.since = request.since;
    return this.call(
      `read the logs of container ${short(id)}`,
      opts,
      (abortSignal) =>
        new Promise<Readable>((resolve, reject) => {
          // dockerode's container.logs() buffers the whole answer unless `follow` is set; the
          // same request through the modem with isStream always streams.
          this.docker.modem.dial(
            {
              path: `/containers/${encodeURIComponent(id)}/logs?`,
              method: 'GET',
              isStream: true,
              abortSignal,
              statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
              options: query,
            },
            (err, data) => (err ? reject(err) : resolve(data as Readable)),
          );
        }),
    );
  }

  async restartContainer(id: string, timeoutSeconds: number, opts?: DockerCallOptions): Promise<void> {
    const t = Math.max(0, Math.floor(timeoutSeconds));
    // The daemon waits up to t seconds for the stop before it answers.
    const timeoutMs = opts?.timeoutMs ?? DEFAULT_TIMEOUT_MS + t * 1000;
    await this.call(`restart container ${short(id)}`, { ...opts, timeoutMs }, (abortSignal) => this.docker.getContainer(id).restart({ t, abortSignal }));
  }

  async containerStats(id: string, opts?: DockerCallOptions): Promise<DockerStatsSample> {
    const raw = await this.call(`read stats of container ${short(id)}`, opts, (abortSignal) => this.docker.getContainer(id).stats({ stream: false, abortSignal }));
    const mem = raw.memory_stats ?? {};
    return {
      name: stripSlash(raw.name ?? short(id)),
      cpu: cpuSample(raw.cpu_stats),
      precpu: cpuSample(raw.precpu_stats),
      memory: { usage: mem.usage ?? 0, limit: mem.limit ?? 0, stats: mem.stats ?? {} },
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }

  /**
   * Runs one request with a deadline and the caller's signal, and turns whatever it throws into a
   * DockerError. The deadline is our own timer, cleared when the call settles, so nothing is left
   * scheduled after it.
   */
  private async call<T>(what: string, opts: DockerCallOptions | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const outer = opts?.signal;
    if (outer?.aborted) throw new DockerError('cancelled', `Cancelled: ${what} (${this.label})`);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    outer?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = opts?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      return await run(controller.signal);
    } catch (e) {
      if (timedOut) throw new DockerError('unreachable', `Docker (${this.label}) did not ${what} within ${Math.round(timeoutMs / 1000)} s`, undefined, { cause: e });
      if (outer?.aborted) throw new DockerError('cancelled', `Cancelled: ${what} (${this.label})`, undefined, { cause: e });
      throw toDockerError(e, what, this.label);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }
}

function cpuSample(raw: RawCpu | undefined): DockerCpuSample {
  return {
    totalUsage: raw?.cpu_usage?.total_usage ?? 0,
    systemUsage: raw?.system_cpu_usage ?? 0,
    onlineCpus: raw?.online_cpus ?? 0,
    perCpuCount: raw?.cpu_usage?.percpu_usage?.length ?? 0,
  };
}

function stripSlash(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

function short(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}
