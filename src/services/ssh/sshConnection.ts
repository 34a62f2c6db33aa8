import type { Client, ClientChannel, ExecOptions, PseudoTtyOptions, ServerHostKeyAlgorithm } from 'ssh2';
import { type SshDockerAgent, type SshDockerAgentOptions, createSshDockerAgent } from './dockerAgent';
import { DEFAULT_HOST_KEY_ALGORITHMS, type HostKeyDecision, createHostKeyCheck, knownHostKeyTypes, orderHostKeyAlgorithms } from './hostKeyVerifier';
import type { HostProfile } from './hostProfiles';
import { type RemoteExecOptions, type RemoteExecution, startRemoteExec } from './remoteExec';
import { type ShellOptions, type ShellSession, openShellSession } from './shellSession';
import { AuthSequence, ReadyTimer } from './sshAuth';
import { SshError } from './sshError';
import type { ChannelOpener, ConnectSshDeps, SshLogLevel } from './sshTypes';

/** One authenticated SSH connection; every channel on it shares its verified host key. */
export interface SshConnection {
  readonly profile: HostProfile;
  /** How the host key was accepted (known_hosts, trust store, answered once/always). */
  readonly hostKey: HostKeyDecision | undefined;
  /** `SHA256:…` of the server's host key. */
  readonly hostKeyFingerprint: string | undefined;
  readonly closed: boolean;
  /** Set when the connection ended without end(): SshError 'dropped'. */
  readonly closeReason: SshError | undefined;
  exec(command: string, opts?: RemoteExecOptions): RemoteExecution;
  shell(opts?: ShellOptions): Promise<ShellSession>;
  /** An http.Agent for dockerode that reaches the remote daemon through `docker system dial-stdio` channels. */
  dockerAgent(opts?: SshDockerAgentOptions): SshDockerAgent;
  /** Called once when the connection is gone, with closeReason (undefined after end()). */
  onClose(listener: (reason: SshError | undefined) => void): { dispose(): void };
  end(): void;
}

const DEFAULT_KEEPALIVE_MS = 15_000;
const DEFAULT_READY_TIMEOUT_MS = 20_000;
const KEEPALIVE_COUNT_MAX = 3;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ETIMEDOUT']);

/**
 * Connects and logs in. The host key is checked during key exchange, before any credential can be
 * sent; a refusal rejects with the check's own SshError (hostKeyChanged / hostKeyRejected /
 * hostKeyRevoked / hostKeyCheckFailed). Then, like OpenSSH: ssh-agent, the identity files (a
 * passphrase asked for an encrypted one), a password (asked) — each only when the server still
 * offers that method, each tried once. Other failures are SshErrors too (unreachable, timeout,
 * handshakeFailed, authFailed, authCancelled, unsupported).
 */
export async function connectSsh(profile: HostProfile, deps: ConnectSshDeps): Promise<SshConnection> {
  const target = `${profile.user}@${profile.host}:${profile.port}`;
  if (profile.ssh?.proxyJump !== undefined) {
    throw new SshError('unsupported', `${profile.name} is reached through ProxyJump ${profile.ssh.proxyJump}, which Incident Desk does not support yet; it will not connect directly instead`);
  }
  const log = deps.log ?? (() => undefined);
  // Loaded here so activating the extension never loads ssh2.
  const { Client: ClientClass, utils } = await import('ssh2');
  const timer = new ReadyTimer(deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  const check = createHostKeyCheck({
    ...deps.hostKey,
    host: profile.host,
    port: profile.port,
    hostKeyAlias: profile.ssh?.hostKeyAlias,
    // The user may take longer to read a fingerprint than the ready timeout allows.
    ask: (question) => timer.pausedWhile(() => deps.hostKey.ask(question)),
  });
  const hostKeyAlgorithms = await knownHostKeyTypes({ ...deps.hostKey, host: profile.host, port: profile.port, hostKeyAlias: profile.ssh?.hostKeyAlias }).then(
    orderHostKeyAlgorithms,
    // A file that cannot be read fails the check itself (closed); the order does not matter then.
    () => [...DEFAULT_HOST_KEY_ALGORITHMS],
  );
  const auth = new AuthSequence(profile, deps, timer, log, utils.parseKey);
  const client = new ClientClass();

  log('info', `connecting to ${target}`);
  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    let tcpConnected = false;
    const fail = (error: SshError) => {
      if (settled) return;
      settled = true;
      timer.stop();
      log('warn', `connection to ${target} failed (${error.reason}): ${error.message}`);
      client.removeAllListeners('ready');
      // Errors after this one (the socket closing) have nobody left to tell.
      client.on('error', () => undefined);
      client.destroy();
      reject(error);
    };
    timer.start(() => fail(new SshError('timeout', `No login to ${target} within ${timer.limitMs} ms${tcpConnected ? ' (the server answered but the handshake or login did not finish)' : ''}`)));

    client.on('connect', () => {
      tcpConnected = true;
      // Nagle's algorithm against the server's delayed ACK held each exec's last packet ~40 ms (bench hostcmd).
      client.setNoDelay(true);
    });
    client.on('error', (err: Error & { level?: string; code?: string | number }) => {
      if (settled) return;
      // ssh2 reports a failed agent or a key it cannot sign with, then goes on with the next method.
      if (err.level === 'agent' || (err.level === 'client-authentication' && !auth.exhausted)) {
        log('warn', `${target}: ${err.level === 'agent' ? 'ssh-agent' : 'key'} not usable: ${err.message}`);
        return;
      }
      fail(connectError(err));
    });
    client.on('close', () => {
      if (settled) return;
      fail(
        check.failure ??
          (auth.exhausted ? auth.failure() : undefined) ??
          // The server hung up without saying why (LoginGraceTime while a prompt was open, MaxStartups, a restart).
          new SshError(tcpConnected ? 'dropped' : 'unreachable', `The connection to ${target} closed ${auth.started ? 'during login' : 'before login'}`),
      );
    });
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      timer.stop();
      const decision = check.lastDecision;
      log('info', `logged in to ${target} with ${auth.succeededWith ?? 'none'}; host key ${decision?.fingerprint ?? '?'} via ${decision?.via ?? '?'}`);
      resolve(new Ssh2Connection(profile, client, decision, log));
    });

    const connectError = (err: Error & { level?: string; code?: string | number }): SshError => {
      const cause = { cause: err };
      if (check.failure) return check.failure;
      if (auth.exhausted) return auth.failure() ?? new SshError('authFailed', `Could not log in to ${target}`, undefined, cause);
      if (err.level === 'client-socket' || err.level === 'client-dns') {
        if (!tcpConnected || UNREACHABLE_CODES.has(String(err.code))) {
          return new SshError('unreachable', `Cannot reach ${profile.host}:${profile.port}: ${err.message}`, undefined, cause);
        }
        return new SshError('dropped', `The connection to ${target} was lost during ${auth.started ? 'login' : 'the handshake'}: ${err.message}`, undefined, cause);
      }
      if (err.level === 'client-timeout') return new SshError('timeout', `${target} stopped answering: ${err.message}`, undefined, cause);
      // A DISCONNECT from the server (err.code is its reason number) once login began: it gave up on us (MaxAuthTries).
      if (typeof err.code === 'number' && auth.started) {
        return auth.failure(err.message) ?? new SshError('authFailed', `${target} ended the login: ${err.message}`, undefined, cause);
      }
      return new SshError('handshakeFailed', `SSH handshake with ${profile.host}:${profile.port} failed: ${err.message}`, undefined, cause);
    };

    try {
      client.connect({
        host: profile.host,
        port: profile.port,
        username: profile.user,
        hostVerifier: check,
        // Known key types first, as OpenSSH: the server then presents the key we can check.
        algorithms: { serverHostKey: hostKeyAlgorithms as ServerHostKeyAlgorithm[] },
        authHandler: auth.handler,
        // Our own timer instead: ssh2's would also count the time the user spends in prompts.
        readyTimeout: 0,
        keepaliveInterval: deps.keepaliveIntervalMs ?? (profile.keepalive ? profile.keepalive.intervalSeconds * 1000 : DEFAULT_KEEPALIVE_MS),
        keepaliveCountMax: profile.keepalive?.countMax ?? KEEPALIVE_COUNT_MAX,
      });
    } catch (e) {
      fail(new SshError('handshakeFailed', `Cannot connect to ${target}: ${(e as Error).message}`, undefined, { cause: e }));
    }
  });
}

class Ssh2Connection implements SshConnection, ChannelOpener {
  private isClosed = false;
  private endedByUser = false;
  private dropReason: SshError | undefined;
  private lastError: Error | undefined;
  private readonly closeListeners = new Set<(reason: SshError | undefined) => void>();
  private readonly target: string;

  constructor(
    readonly profile: HostProfile,
    private readonly client: Client,
    readonly hostKey: HostKeyDecision | undefined,
    log: (level: SshLogLevel, message: string) => void,
  ) {
    this.target = `${profile.user}@${profile.host}:${profile.port}`;
    client.on('error', (err: Error & { level?: string }) => {
      this.lastError = err;
      log('warn', `${this.target}: ${err.message}`);
    });
    client.on('close', () => {
      this.isClosed = true;
      if (!this.endedByUser) {
        const why = this.lastError?.message === undefined ? 'the server or the network closed it' : this.lastError.message;
        this.dropReason = new SshError('dropped', `The connection to ${this.target} dropped: ${why}`, undefined, { cause: this.lastError });
        log('warn', this.dropReason.message);
      } else {
        log('info', `closed the connection to ${this.target}`);
      }
      for (const listener of [...this.closeListeners]) {
        try {
          listener(this.dropReason);
        } catch (e) {
          log('error', `a close listener failed: ${(e as Error)?.message ?? String(e)}`);
        }
      }
      this.closeListeners.clear();
    });
  }

  get hostKeyFingerprint(): string | undefined {
    return this.hostKey?.fingerprint;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get closeReason(): SshError | undefined {
    return this.dropReason;
  }

  exec(command: string, opts: RemoteExecOptions = {}): RemoteExecution {
    return startRemoteExec(this, command, opts);
  }

  shell(opts: ShellOptions = {}): Promise<ShellSession> {
    return openShellSession(this, opts);
  }

  dockerAgent(opts: SshDockerAgentOptions = {}): SshDockerAgent {
    return createSshDockerAgent(this, opts);
  }

  onClose(listener: (reason: SshError | undefined) => void): { dispose(): void } {
    if (this.isClosed) {
      const reason = this.dropReason;
      queueMicrotask(() => listener(reason));
      return { dispose: () => undefined };
    }
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  end(): void {
    if (this.isClosed || this.endedByUser) return;
    this.endedByUser = true;
    this.client.end();
  }

  openExecChannel(command: string, options: ExecOptions): Promise<ClientChannel> {
    return this.openChannel('run a command', (cb) => this.client.exec(command, options, cb));
  }

  openShellChannel(pty: PseudoTtyOptions, env: Record<string, string> | undefined): Promise<ClientChannel> {
    return this.openChannel('open a shell', (cb) => (env === undefined ? this.client.shell(pty, cb) : this.client.shell(pty, { env }, cb)));
  }

  private openChannel(what: string, open: (cb: (err: Error | undefined, channel: ClientChannel) => void) => void): Promise<ClientChannel> {
    if (this.isClosed || this.endedByUser) return Promise.reject(this.unusable());
    return new Promise((resolve, reject) => {
      const failed = (err: unknown) => {
        // A channel that failed because the connection went away says why the connection went.
        reject(this.isClosed || this.endedByUser ? this.unusable() : new SshError('channelFailed', `${this.target} refused to ${what}: ${(err as Error)?.message ?? String(err)}`, undefined, { cause: err }));
      };
      try {
        open((err, channel) => {
          if (err) return failed(err);
          keepEarlyExit(channel);
          resolve(channel);
        });
      } catch (e) {
        failed(e);
      }
    });
  }

  private unusable(): SshError {
    return this.dropReason ?? new SshError('closed', `The connection to ${this.target} was closed`);
  }
}

/**
 * ssh2 emits a channel's 'exit' while it parses the server's packets. A command that ends at once
 * can have its exit-status in the same read as the channel's confirmation: emitted before the
 * caller, awaiting the channel, has added its listener, and lost (seen for `true`: a few in a
 * hundred on loopback). It is kept here and handed to every 'exit' listener added after it.
 */
function keepEarlyExit(channel: ClientChannel): void {
  let early: unknown[] | undefined;
  const record = (...args: unknown[]) => {
    early = args;
  };
  channel.once('exit', record);
  channel.on('newListener', (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if (event !== 'exit' || listener === record) return;
    const args = early;
    // Still before the channel's 'close', which ssh2 emits on a later tick.
    if (args) queueMicrotask(() => listener(...args));
  });
}
