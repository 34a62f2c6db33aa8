// A real Docker engine for tests, on a private unix socket: its own containerd, data-root,
// exec-root and config file, no networking (no bridge, no iptables), vfs storage. Nothing is shared
// with a system daemon, so several test runs (and the machine's own docker, if any) coexist.
// Started and stopped through the process registry (test/services/processes.ts).
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureServiceTools } from './packages';
import type { ServiceTools } from './packages';
import { processes, processesMentioning, sleep, terminatePids } from './processes';
import { TEST_DOCKER_GROUP, ensureTestDockerGroup } from './sshd';
import type { ManagedProcess } from './processes';

export interface DockerdOptions {
  /** Keeps data-root, containerd's root, logs and config here (the caller owns and removes it). Sockets and exec-root always live in a short /tmp/idd-XXXX folder. */
  dir?: string;
  /** How long to wait for the daemon to answer /_ping. */
  startTimeoutMs?: number;
  /**
   * Also listen on tcp://127.0.0.1:`port` (loopback only, besides the unix socket). With `tls`,
   * `--tlsverify`: clients need a certificate signed by `ca`. Without, a plain-text API.
   */
  tcp?: { port: number; tls?: { ca: string; cert: string; key: string } };
}

// sun_path is 108 bytes with the terminating NUL.
const MAX_SOCKET_PATH = 107;

export class Dockerd {
  private daemon: ManagedProcess | undefined;
  private stopped = false;
  private readonly cancelExitCleanup: () => void;

  /** @internal use startDockerd */
  constructor(
    private readonly tools: ServiceTools,
    private readonly containerd: ManagedProcess,
    /** The daemon's unix socket. */
    readonly socketPath: string,
    /** The private short folder (sockets, exec-root, pid file): removed by stop(). */
    readonly runDir: string,
    /** Data-root, logs, config: removed by stop() unless the caller passed `dir`. */
    readonly baseDir: string,
    private readonly ownsBaseDir: boolean,
    private readonly startTimeoutMs: number,
    private readonly tcp: DockerdOptions['tcp'] = undefined,
  ) {
    // If the test process dies before stop(): the registry stops the daemons, then this runs.
    this.cancelExitCleanup = processes.atExit(() => this.removeFolders());
  }

  /** For DOCKER_HOST and dockerode: `unix:///tmp/idd-XXXX/d.sock`. */
  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  /** `tcp://127.0.0.1:PORT` when started with `tcp`. */
  get tcpHost(): string | undefined {
    return this.tcp ? `tcp://127.0.0.1:${this.tcp.port}` : undefined;
  }

  get logPath(): string {
    return path.join(this.baseDir, 'dockerd.log');
  }

  get containerdLogPath(): string {
    return path.join(this.baseDir, 'containerd.log');
  }

  get containerdSocketPath(): string {
    return path.join(this.runDir, 'c.sock');
  }

  get dataRoot(): string {
    return path.join(this.baseDir, 'docker');
  }

  /** The dockerd process now (it changes on restart()). */
  get pid(): number {
    if (!this.daemon) throw new Error('dockerd is not running');
    return this.daemon.pid;
  }

  get containerdPid(): number {
    return this.containerd.pid;
  }

  /** @internal starts the dockerd process and waits until /_ping answers. */
  async startDaemon(): Promise<void> {
    const args = [
      '--config-file', path.join(this.baseDir, 'daemon.json'),
      '--containerd', this.containerdSocketPath,
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--userland-proxy=false',
      '--storage-driver=vfs',
      '--data-root', this.dataRoot,
      '--exec-root', path.join(this.runDir, 'x'),
      '--pidfile', path.join(this.runDir, 'dockerd.pid'),
      '-H', this.dockerHost,
      // The socket's group: sshd.ts's unprivileged test users are in it (root keeps access anyway).
      ...(isRoot() ? ['--group', TEST_DOCKER_GROUP] : []),
    ];
    if (this.tcp) {
      const tls = this.tcp.tls;
      if (tls) args.push('--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.cert, '--tlskey', tls.key);
      args.push('-H', `tcp://127.0.0.1:${this.tcp.port}`);
    }
    fs.appendFileSync(this.logPath, `\n=== ${new Date().toISOString()} starting ${this.tools.dockerd} ${args.join(' ')}\n`);
    // Stops its containers on SIGTERM (each gets its stop timeout, 10 s by default): give it time.
    const daemon = processes.spawn('dockerd', this.tools.dockerd, args, { logPath: this.logPath, stopTimeoutMs: 30_000 });
    this.daemon = daemon;
    const deadline = Date.now() + this.startTimeoutMs;
    while (!(await ping(this.socketPath))) {
      if (!daemon.running) {
        throw new Error(`dockerd exited (status ${daemon.exitStatus}) before answering /_ping:\n${this.logTail()}`);
      }
      if (Date.now() > deadline) {
        await daemon.stop();
        throw new Error(`dockerd did not answer /_ping on ${this.socketPath} within ${this.startTimeoutMs} ms:\n${this.logTail()}`);
      }
      await sleep(100);
    }
  }

  /** Stops dockerd (its containers stop with it) and starts it again on the same data-root and socket: containers are kept, `restart: always` ones come back up. */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error('dockerd was stopped');
    await this.daemon?.stop();
    await this.startDaemon();
  }

  /** Stops dockerd, then containerd and any container shim left behind, and removes the folders it made. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.daemon?.stop();
    await this.containerd.stop();
    // Shims outlive containerd when a container was still running (dockerd killed hard): they were
    // started by our containerd and name its private socket, which no other process does.
    const shims = processesMentioning(this.containerdSocketPath);
    if (shims.length > 0) await terminatePids(shims);
    this.removeFolders();
    this.cancelExitCleanup();
  }

  private removeFolders(): void {
    unmountUnder(this.runDir);
    if (this.ownsBaseDir) unmountUnder(this.baseDir);
    fs.rmSync(this.runDir, { recursive: true, force: true });
    if (this.ownsBaseDir) fs.rmSync(this.baseDir, { recursive: true, force: true });
  }

  /** The last lines of the dockerd and containerd logs, for error messages. */
  logTail(lines = 30): string {
    return [
      `--- ${this.logPath} (last ${lines} lines)`,
      tail(this.logPath, lines),
      `--- ${this.containerdLogPath} (last ${Math.ceil(lines / 3)} lines)`,
      tail(this.containerdLogPath, Math.ceil(lines / 3)),
    ].join('\n');
  }
}

/**
 * Starts containerd and dockerd on private sockets and resolves once `GET /_ping` answers.
 * Installs the Debian packages first when missing (scripts/ensure-remote-services.sh).
 */
export async function startDockerd(opts: DockerdOptions = {}): Promise<Dockerd> {
  const tools = ensureServiceTools();
  const runDir = fs.mkdtempSync('/tmp/idd-');
  if (isRoot()) {
    ensureTestDockerGroup();
    // Test users reach the socket inside (its group decides who may use it); the folder is not listable.
    fs.chmodSync(runDir, 0o711);
  }
  const baseDir = opts.dir ? path.resolve(opts.dir) : runDir;
  const socketPath = path.join(runDir, 'd.sock');
  const containerdSocket = path.join(runDir, 'c.sock');
  if (Buffer.byteLength(`${containerdSocket}.ttrpc`) > MAX_SOCKET_PATH) {
    throw new Error(`socket path too long for a unix socket: ${containerdSocket}.ttrpc`);
  }
  let containerd: ManagedProcess | undefined;
  try {
    fs.mkdirSync(baseDir, { recursive: true });
    // An empty config file: a system /etc/docker/daemon.json (hosts, data-root...) must not apply.
    fs.writeFileSync(path.join(baseDir, 'daemon.json'), '{}\n');
    const containerdConfig = path.join(baseDir, 'containerd.toml');
    fs.writeFileSync(containerdConfig, containerdToml(baseDir, runDir, containerdSocket));
    containerd = processes.spawn('containerd', tools.containerd, ['--config', containerdConfig], {
      logPath: path.join(baseDir, 'containerd.log'),
      stopTimeoutMs: 10_000,
    });
    await waitForSocket(containerdSocket, containerd, 30_000, path.join(baseDir, 'containerd.log'));
    const dockerd = new Dockerd(tools, containerd, socketPath, runDir, baseDir, !opts.dir, opts.startTimeoutMs ?? 60_000, opts.tcp);
    try {
      await dockerd.startDaemon();
    } catch (e) {
      await dockerd.stop();
      throw e;
    }
    return dockerd;
  } catch (e) {
    await containerd?.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
    throw e;
  }
}

/** True when the daemon on `socketPath` answers `GET /_ping` with OK. */
export function ping(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body === 'OK'));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** A docker CLI call that failed: the exit status and what it printed. */
export class DockerCliError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`docker ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim() || stdout.trim()}`);
    this.name = 'DockerCliError';
  }
}

/** The environment that points the docker CLI at `dockerd` and nothing else (no context, no TLS, no user config). */
export function dockerEnv(dockerd: Dockerd): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerd.dockerHost, DOCKER_CONFIG: path.join(dockerd.baseDir, 'cli') };
  delete env.DOCKER_CONTEXT;
  delete env.DOCKER_TLS_VERIFY;
  delete env.DOCKER_CERT_PATH;
  return env;
}

/** Runs the docker CLI (the one first on PATH) against `dockerd`; resolves stdout, rejects with DockerCliError. */
export function dockerCli(dockerd: Dockerd, args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const docker = ensureServiceTools().docker;
  return new Promise((resolve, reject) => {
    execFile(
      docker,
      args,
      { env: dockerEnv(dockerd), timeout: opts.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof err.code === 'number' ? err.code : null;
          reject(new DockerCliError(args, code, stdout, stderr));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

function containerdToml(baseDir: string, runDir: string, socket: string): string {
  // Like the config dockerd writes for a containerd it manages itself: everything under our
  // folders, the CRI plugin off; `opt` would otherwise install into /opt/containerd.
  const q = (s: string): string => JSON.stringify(s);
  return [
    'version = 2',
    `root = ${q(path.join(baseDir, 'containerd'))}`,
    `state = ${q(path.join(runDir, 'cs'))}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = ${q(socket)}`,
    '[ttrpc]',
    `  address = ${q(`${socket}.ttrpc`)}`,
    '[debug]',
    '  address = ""',
    '[metrics]',
    '  address = ""',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(path.join(baseDir, 'containerd', 'opt'))}`,
    '',
  ].join('\n');
}

async function waitForSocket(socketPath: string, proc: ManagedProcess, timeoutMs: number, logPath: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(socketPath)) return;
    if (!proc.running) throw new Error(`${proc.name} exited (status ${proc.exitStatus}) before listening on ${socketPath}:\n${tail(logPath, 30)}`);
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${proc.name} did not listen on ${socketPath} within ${timeoutMs} ms:\n${tail(logPath, 30)}`);
    }
    await sleep(50);
  }
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Lazily unmounts whatever a daemon left mounted below `dir` (netns files, rootfs binds), deepest first, so the folder can be removed. */
function unmountUnder(dir: string): void {
  let mountinfo: string;
  try {
    mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return;
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && p.startsWith(prefix))
    .map((p) => p.replace(/\\040/g, ' '))
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    try {
      execFileSync('umount', ['-l', point], { stdio: 'ignore' });
    } catch {
      // already gone, or not ours to unmount: rm will say so
    }
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}
