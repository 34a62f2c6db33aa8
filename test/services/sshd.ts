// A real OpenSSH server for tests on 127.0.0.1 and a free port, with its own host keys (one or
// several types), a user key in its own authorized_keys, optional password login, and `SetEnv
// DOCKER_HOST` so a remote `docker` (and dockerode's `docker system dial-stdio`) reaches the test
// dockerd. The user key logs in as an unprivileged user made for this server (a clean, empty home
// in the server's folder; removed by stop()), in the test Docker socket's group, never as root
// unless a test asks for root. Runs in the foreground (-D) under the process registry, logging to a
// file (-E) at VERBOSE by default so every authentication attempt is visible to the tests.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureServiceTools } from './packages';
import type { ServiceTools } from './packages';
import { descendantsOf, isAlive, processes, sleep, terminatePids } from './processes';
import type { ManagedProcess } from './processes';

export type HostKeyKind = 'ed25519' | 'rsa' | 'ecdsa';

export interface SshdOptions {
  /** Sent to every session as DOCKER_HOST (sshd's SetEnv), e.g. `dockerd.dockerHost`. */
  dockerHost?: string;
  /** A key type to generate, or the path of a private host key to reuse (its `.pub` beside it). Default ed25519. */
  hostKey?: HostKeyKind | string;
  /** Several host keys at once (one HostKey line each, in this order); overrides hostKey. */
  hostKeys?: readonly HostKeyKind[];
  /**
   * Whom the user key logs in as. Default (when run as root): a user created for this server
   * (see testUser). 'root' only for tests about root logins. Not root: always the current user.
   */
  loginAs?: 'testUser' | 'root';
  /** Turns password login on for this user (created with `useradd -M` when missing). */
  password?: { user: string; password: string };
  logLevel?: 'VERBOSE' | 'DEBUG3';
  /** More sshd_config lines, e.g. `MaxAuthTries 2`. */
  extraConfig?: string[];
  /** The created login user's name starts with this (default `idtest`), e.g. `demo` for npm start's demo host. */
  userPrefix?: string;
}

/** One HostKey of the server. */
export interface SshdHostKey {
  readonly path: string;
  /** `ssh-ed25519 AAAA...` (no comment). */
  readonly pub: string;
  /** The key type in known_hosts: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256. */
  readonly keyType: string;
  readonly fingerprint: string;
  /** `[127.0.0.1]:PORT <type> AAAA...`. */
  readonly knownHostsLine: string;
}

export class Sshd {
  readonly host = '127.0.0.1';
  private daemon: ManagedProcess | undefined;
  private keyGeneration = 0;
  private hostKeyFiles: string[];
  private stopped = false;
  private finalLog: string | undefined;
  private readonly cancelExitCleanup: () => void;

  /** @internal use startSshd */
  constructor(
    private readonly tools: ServiceTools,
    /** The server's private folder (config, keys, log, pid file): removed by stop(). */
    readonly dir: string,
    readonly port: number,
    /** Whom the user key logs in as: the server's own unprivileged user, root if asked for, or the current user when not run as root. */
    readonly user: string,
    private readonly opts: SshdOptions,
    /** Per HostKey line: the kind to make on restartWithNewHostKey(), or 'reused'. */
    private readonly hostKeyTypes: readonly string[],
    hostKeyFiles: readonly string[],
    /** The user this server created (removed by stop()), if any. */
    private readonly createdUser?: string,
  ) {
    this.hostKeyFiles = [...hostKeyFiles];
    // If the test process dies before stop(): the registry stops sshd, then this runs.
    this.cancelExitCleanup = processes.atExit(() => this.removeTraces());
  }

  /** Every host key, in the config's order (the first is the one the getters below describe). */
  get hostKeys(): SshdHostKey[] {
    return this.hostKeyFiles.map((file) => {
      const pub = readPublicKey(`${file}.pub`);
      return { path: file, pub, keyType: pub.split(' ')[0]!, fingerprint: fingerprintOf(pub), knownHostsLine: `[${this.host}]:${this.port} ${pub}` };
    });
  }

  /** The host key of this kind (ed25519 → ssh-ed25519, rsa → ssh-rsa, ecdsa → ecdsa-sha2-*). */
  hostKeyOf(kind: HostKeyKind): SshdHostKey {
    const key = this.hostKeys.find((k) => keyKindOf(k.pub) === kind);
    if (!key) throw new Error(`this sshd has no ${kind} host key`);
    return key;
  }

  get hostKeyPath(): string {
    return this.hostKeyFiles[0]!;
  }

  /** `ssh-ed25519 AAAA...` (no comment). */
  get hostKeyPub(): string {
    return this.hostKeys[0]!.pub;
  }

  /** `SHA256:...` exactly as `ssh-keygen -lf` prints it. */
  get hostKeyFingerprint(): string {
    return fingerprintOf(this.hostKeyPub);
  }

  /** A known_hosts line for this server: `[127.0.0.1]:PORT ssh-ed25519 AAAA...`. */
  get knownHostsLine(): string {
    return `[${this.host}]:${this.port} ${this.hostKeyPub}`;
  }

  get userKeyPath(): string {
    return path.join(this.dir, 'userkey');
  }

  get userKeyPub(): string {
    return readPublicKey(`${this.userKeyPath}.pub`);
  }

  get logPath(): string {
    return path.join(this.dir, 'sshd.log');
  }

  get configPath(): string {
    return path.join(this.dir, 'sshd_config');
  }

  /** The listening sshd (it changes on restartWithNewHostKey()). */
  get pid(): number {
    if (!this.daemon) throw new Error('sshd is not running');
    return this.daemon.pid;
  }

  /**
   * Lets the login user write in `dir` (a test's temp folder the remote commands write to): the
   * folder is given to the unprivileged test user. Nothing to do when the login is root or this
   * process's own user.
   */
  giveToUser(dir: string): void {
    if (!this.createdUser) return;
    const uid = Number(execFileSync('id', ['-u', this.createdUser], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', this.createdUser], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
    // Its parents must let the user through (mkdtemp folders are 0700).
    for (let parent = path.dirname(dir); parent !== path.dirname(parent); parent = path.dirname(parent)) {
      const mode = fs.statSync(parent).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(parent, (mode & 0o7777) | 0o001);
    }
  }

  /** Everything sshd has logged so far (still readable after stop()). */
  readLog(): string {
    if (this.finalLog !== undefined) return this.finalLog;
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** @internal writes the config and starts sshd; resolves once the port sends an SSH banner. */
  async startDaemon(): Promise<void> {
    fs.writeFileSync(this.configPath, this.config());
    fs.appendFileSync(this.logPath, `=== ${new Date().toISOString()} starting sshd on port ${this.port}\n`);
    // sshd re-executes itself by absolute path; -D keeps the listener our child, -e off: -E logs.
    const daemon = processes.spawn('sshd', this.tools.sshd, ['-D', '-f', this.configPath, '-E', this.logPath], {
      logPath: this.logPath,
      stopTimeoutMs: 5000,
    });
    this.daemon = daemon;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const banner = await readBanner(this.host, this.port);
      if (banner?.startsWith('SSH-2.0-')) return;
      if (!daemon.running) throw new Error(`sshd exited (status ${daemon.exitStatus}) before listening:\n${tailOf(this.readLog(), 30)}`);
      if (Date.now() > deadline) {
        await daemon.stop();
        throw new Error(`sshd sent no SSH banner on ${this.host}:${this.port} within 20 s:\n${tailOf(this.readLog(), 30)}`);
      }
      await sleep(50);
    }
  }

  /**
   * Same port, new host keys of the same types: what a client sees when a server was reinstalled
   * or is being impersonated. Open sessions are ended with the old server.
   */
  async restartWithNewHostKey(): Promise<void> {
    if (this.stopped) throw new Error('sshd was stopped');
    await this.stopDaemon();
    this.keyGeneration += 1;
    this.hostKeyFiles = this.hostKeyFiles.map((old, i) => {
      const file = path.join(this.dir, `hostkey${this.keyGeneration}-${i}`);
      const kind = this.hostKeyTypes[i] === 'reused' ? keyKindOf(readPublicKey(`${old}.pub`)) : this.hostKeyTypes[i]!;
      generateKey(this.tools, kind, file);
      return file;
    });
    await this.startDaemon();
  }

  /** Kills every open connection (the per-connection sshd processes and their sessions) and keeps listening: a dropped link, for reconnect tests. Resolves how many processes were ended. */
  async dropConnections(): Promise<number> {
    if (!this.daemon?.running) return 0;
    const sessions = descendantsOf(this.daemon.pid);
    await terminatePids(sessions, 0);
    return sessions.length;
  }

  /**
   * Freezes (SIGSTOP, not kill) the processes serving the open connections: their sockets stay
   * open and nothing answers, like a host that vanished from the network. `release()` ends them
   * (SIGCONT, then terminated); the listening server is untouched throughout.
   */
  freezeConnections(): { pids: number[]; release(): Promise<void> } {
    const pids = this.daemon?.running ? descendantsOf(this.daemon.pid).filter(isAlive) : [];
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    return {
      pids,
      release: async () => {
        for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGCONT');
        await terminatePids(pids.filter(isAlive));
      },
    };
  }

  /** Stops the server and its open sessions, removes its folder (the log stays readable through readLog()). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopDaemon();
    this.finalLog = this.readLog();
    this.removeTraces();
    this.cancelExitCleanup();
  }

  /** @internal a failed start: startSshd cleans up, the exit hook must not do it again. */
  abandon(): void {
    this.cancelExitCleanup();
  }

  private removeTraces(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (this.opts.password) releaseUser(this.opts.password.user);
    if (this.createdUser) removeUser(this.createdUser);
  }

  private async stopDaemon(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon?.running) return;
    // Connection handlers are forked children that setsid() and outlive the listener: collect
    // them while they are still ours to find, then end them too.
    const sessions = descendantsOf(daemon.pid);
    await daemon.stop();
    await terminatePids(sessions);
  }

  private config(): string {
    const lines = [
      `Port ${this.port}`,
      `ListenAddress ${this.host}`,
      ...this.hostKeyFiles.map((f) => `HostKey ${f}`),
      `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
      `PidFile ${path.join(this.dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      `PasswordAuthentication ${this.opts.password ? 'yes' : 'no'}`,
      'KbdInteractiveAuthentication no',
      'PermitRootLogin yes',
      'StrictModes no',
      'UsePAM no',
      'PrintMotd no',
      'PrintLastLog no',
      // Benchmarks and reconnect tests open many connections at once.
      'MaxStartups 100',
      'MaxSessions 100',
      `LogLevel ${this.opts.logLevel ?? 'VERBOSE'}`,
      'Subsystem sftp internal-sftp',
    ];
    if (this.opts.dockerHost) lines.push(`SetEnv DOCKER_HOST=${this.opts.dockerHost}`);
    lines.push(...(this.opts.extraConfig ?? []));
    return `${lines.join('\n')}\n`;
  }
}

/** Starts sshd on 127.0.0.1 and a free port; resolves once it sends its SSH banner. */
export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  const tools = ensureServiceTools();
  // sshd refuses to start without its privilege-separation folder.
  try {
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch {
    // not root: sshd then runs without privilege separation for the current user only
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ids-'));
  let createdUser: string | undefined;
  try {
    const asRoot = os.userInfo().uid === 0;
    let user = asRoot ? 'root' : os.userInfo().username;
    if (asRoot && opts.loginAs !== 'root') {
      // The user's sshd reads authorized_keys and its home as that user: let it pass through (not list) the folder.
      fs.chmodSync(dir, 0o711);
      createdUser = createTestUser(dir, opts.dockerHost, opts.userPrefix);
      user = createdUser;
    }
    const kinds: readonly string[] = opts.hostKeys ?? [opts.hostKey ?? 'ed25519'];
    const hostKeyTypes: string[] = [];
    const hostKeyFiles: string[] = [];
    kinds.forEach((kind, i) => {
      if (kind === 'ed25519' || kind === 'rsa' || kind === 'ecdsa') {
        const file = path.join(dir, `hostkey0-${i}`);
        generateKey(tools, kind, file);
        hostKeyTypes.push(kind);
        hostKeyFiles.push(file);
      } else {
        if (!fs.existsSync(kind) || !fs.existsSync(`${kind}.pub`)) {
          throw new Error(`host key ${kind} (and ${kind}.pub) not found`);
        }
        hostKeyTypes.push('reused');
        hostKeyFiles.push(path.resolve(kind));
      }
    });
    generateKey(tools, 'ed25519', path.join(dir, 'userkey'));
    fs.copyFileSync(path.join(dir, 'userkey.pub'), path.join(dir, 'authorized_keys'));
    fs.chmodSync(path.join(dir, 'authorized_keys'), 0o644);
    if (opts.password) setPassword(opts.password.user, opts.password.password);
    // Another process may take the port between our probe and sshd's bind: try a few.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const sshd = new Sshd(tools, dir, await freePort(), user, opts, hostKeyTypes, hostKeyFiles, createdUser);
      try {
        await sshd.startDaemon();
        return sshd;
      } catch (e) {
        lastError = e;
        // startDaemon leaves no process behind when it fails; the outer catch removes the folder.
        sshd.abandon();
        if (!/Address already in use/.test(sshd.readLog())) throw e;
        fs.rmSync(sshd.logPath, { force: true });
      }
    }
    throw lastError;
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (opts.password) releaseUser(opts.password.user);
    if (createdUser) removeUser(createdUser);
    throw e;
  }
}

/** `SHA256:...` of an OpenSSH public key line, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A free TCP port on 127.0.0.1, as the kernel hands out ephemeral ports. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function generateKey(tools: ServiceTools, type: string, file: string): void {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.pub`, { force: true });
  const args = ['-q', '-t', type, '-N', '', '-C', `incident-desk-test-${path.basename(file)}`, '-f', file];
  if (type === 'rsa') args.splice(3, 0, '-b', '2048'); // the smallest size OpenSSH accepts without warnings; fast to make
  execFileSync(tools.sshKeygen, args, { stdio: 'pipe' });
}

function readPublicKey(file: string): string {
  const [type, key] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
  return `${type} ${key}`;
}

function keyKindOf(publicKeyLine: string): HostKeyKind {
  const type = publicKeyLine.split(' ')[0];
  if (type === 'ssh-ed25519') return 'ed25519';
  if (type === 'ssh-rsa') return 'rsa';
  if (type?.startsWith('ecdsa-')) return 'ecdsa';
  throw new Error(`cannot make a new host key like ${type}`);
}

/** The group that may use the test Docker sockets (dockerd.ts gives its socket to it). */
export const TEST_DOCKER_GROUP = 'incident-desk-docker';

let testUserCount = 0;

/**
 * A throwaway unprivileged user for one server: a fresh, empty home in the server's folder (no
 * root dotfiles, nothing from an earlier run), bash as its shell, and the test Docker socket's group
 * when the server passes DOCKER_HOST. Removed by stop() (and by the exit hook if the test dies).
 */
function createTestUser(dir: string, dockerHost: string | undefined, prefix = 'idtest'): string {
  // A random part too: a run killed before its stop() leaves its user behind, and a later process
  // can have the same pid (seen after a machine restart: "useradd: user 'idtest-17183-1' already exists").
  const user = `${prefix}-${process.pid}-${++testUserCount}-${Math.random().toString(36).slice(2, 6)}`;
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { mode: 0o755 });
  // -p '*': no password works, yet the account is not locked (sshd refuses locked accounts even for keys).
  const args = ['-M', '-d', home, '-s', '/bin/bash', '-p', '*', '-c', 'Incident Desk test user'];
  if (dockerHost?.startsWith('unix://')) {
    ensureTestDockerGroup();
    args.push('-G', TEST_DOCKER_GROUP);
  }
  withPasswdLock(() => execFileSync('useradd', [...args, user], { stdio: 'pipe' }));
  const { uid, gid } = fs.statSync(home);
  const ids = execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
  const group = execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim();
  if (uid !== Number(ids) || gid !== Number(group)) fs.chownSync(home, Number(ids), Number(group));
  return user;
}

/** The group, created when missing (`groupadd -f` succeeds when it exists). */
export function ensureTestDockerGroup(): void {
  withPasswdLock(() => execFileSync('groupadd', ['-f', TEST_DOCKER_GROUP], { stdio: 'pipe' }));
}

/** useradd/userdel/groupadd fail while another process holds /etc/passwd's lock (other test runs): retry. */
function withPasswdLock(fn: () => void): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fn();
      return;
    } catch (e) {
      const status = (e as { status?: number }).status;
      // 10: cannot lock /etc/group / /etc/passwd (useradd(8), userdel(8), groupadd(8) exit statuses)
      if (status !== 10 || attempt >= 50) throw e;
      execFileSync('sleep', ['0.1']);
    }
  }
}

function removeUser(user: string): void {
  try {
    // -f: a session the server left behind must not keep the user alive.
    withPasswdLock(() => execFileSync('userdel', ['-f', user], { stdio: 'pipe' }));
  } catch {
    // gone already: nothing more to do
  }
}

/** Users this process created for password logins, with how many servers use each. */
const createdUsers = new Map<string, number>();

function setPassword(user: string, password: string): void {
  if (os.userInfo().uid !== 0) throw new Error('password login needs root: it creates a user and sets its password');
  if (createdUsers.has(user)) {
    createdUsers.set(user, (createdUsers.get(user) ?? 0) + 1);
  } else if (!userExists(user)) {
    execFileSync('useradd', ['-M', '-s', '/bin/sh', user], { stdio: 'pipe' });
    createdUsers.set(user, 1);
  }
  execFileSync('chpasswd', [], { input: `${user}:${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Removes a user we created once no server of ours uses it; users that existed before are left alone. */
function releaseUser(user: string): void {
  const count = createdUsers.get(user);
  if (count === undefined) return;
  if (count > 1) {
    createdUsers.set(user, count - 1);
    return;
  }
  createdUsers.delete(user);
  try {
    execFileSync('userdel', [user], { stdio: 'pipe' });
  } catch {
    // still logged in somewhere, or already gone: nothing more to do
  }
}

function userExists(user: string): boolean {
  try {
    execFileSync('id', ['-u', user], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** The first line the server sends, or undefined when nothing listens (yet). */
function readBanner(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let data = '';
    const done = (value: string | undefined): void => {
      sock.destroy();
      resolve(value);
    };
    sock.setTimeout(2000, () => done(undefined));
    sock.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\n');
      if (end >= 0) done(data.slice(0, end).trim());
    });
    sock.on('error', () => done(undefined));
    sock.on('close', () => done(data || undefined));
  });
}

function tailOf(text: string, lines: number): string {
  return text.split('\n').slice(-lines - 1).join('\n');
}

