import * as http from 'node:http';
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { SshError } from './sshError';
import type { ChannelOpener } from './sshTypes';

export interface SshDockerAgentOptions {
  /**
   * Requests in flight at once, each on its own channel. sshd allows 10 sessions per connection by
   * default (MaxSessions), shared with shells and commands: stay well below.
   */
  readonly maxSockets?: number;
}

/**
 * An http.Agent for dockerode over an existing SshConnection:
 * `new Docker({ protocol: 'http', host: 'localhost', port: 80, agent })` (localhost: see createDockerClient). docker-modem hands its
 * `agent` to every http.request (modem.js: `optionsf.agent = this.agent` in dial, then
 * `http[this.protocol].request` in buildRequest), so each request gets a socket from
 * createConnection here: an exec channel running `docker system dial-stdio`, which relays the
 * HTTP bytes to the remote daemon (DOCKER_HOST or the default socket there). The channel rides the
 * connection whose host key was already verified; docker-modem's own `protocol: 'ssh'` would
 * instead open a new ssh2 Client for every request, with its own handshake, its own credentials
 * and no host-key check of ours.
 */
export interface SshDockerAgent extends http.Agent {
  /** Channels open right now (one per request in flight). */
  readonly openChannels: number;
}

const DIAL_STDIO = 'docker system dial-stdio';
/** How long a finished request waits for the server to confirm its channel closed before freeing the slot anyway. */
const CLOSE_CONFIRM_MS = 5000;

export function createSshDockerAgent(opener: ChannelOpener, opts: SshDockerAgentOptions = {}): SshDockerAgent {
  return new DialStdioAgent(opener, opts);
}

class DialStdioAgent extends http.Agent implements SshDockerAgent {
  private open = 0;
  private inUse = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly limit: number;

  constructor(
    private readonly opener: ChannelOpener,
    opts: SshDockerAgentOptions,
  ) {
    const limit = opts.maxSockets ?? 4;
    // No keep-alive: a request's channel is closed when the request ends.
    super({ keepAlive: false, maxSockets: limit });
    this.limit = limit;
  }

  get openChannels(): number {
    return this.open;
  }

  override createConnection(_options: unknown, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    // http.Agent counts a socket only once createConnection has delivered it, so requests made in
    // the same tick all pass its maxSockets check: the limit on channels is kept here.
    this.acquire(() => {
      this.opener.openExecChannel(DIAL_STDIO, {}).then(
        (channel) => {
          this.open++;
          let freed = false;
          // Whichever comes first: the server closed the channel, or the socket gave up waiting for that.
          const free = () => {
            if (freed) return;
            freed = true;
            this.release();
          };
          channel.once('close', () => {
            this.open--;
            free();
          });
          const socket = new ChannelSocket(channel, this.opener);
          socket.once('close', free);
          callback?.(null, socket);
        },
        (err: Error) => {
          this.release();
          callback?.(err, undefined as unknown as Duplex);
        },
      );
    });
    return undefined;
  }

  private acquire(start: () => void): void {
    if (this.inUse < this.limit) {
      this.inUse++;
      start();
    } else {
      this.waiting.push(start);
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inUse--;
  }
}

/**
 * The channel as the net.Socket http's client expects: the socket methods it calls, destroy()
 * closing the channel, and a typed error instead of "socket hang up" when the remote command
 * failed before answering (no docker there, daemon unreachable) or the connection dropped.
 */
class ChannelSocket extends Duplex {
  private gotData = false;
  private channelClosed = false;
  private exitCode: number | undefined;
  private readonly stderr: Buffer[] = [];
  private stderrBytes = 0;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly channel: ClientChannel,
    private readonly opener: ChannelOpener,
  ) {
    super();
    channel.on('data', (chunk: Buffer) => {
      // After destroy() the rest is dropped: ssh2 reports a channel closed only once its data was read.
      if (this.destroyed) return;
      this.gotData = true;
      this.touch();
      if (!this.push(chunk)) channel.pause();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      // Kept for the error message only; dial-stdio writes nothing there when it works.
      if (this.stderrBytes < 4096) {
        this.stderr.push(chunk);
        this.stderrBytes += chunk.length;
      }
    });
    channel.on('exit', (code: number | null) => {
      if (typeof code === 'number') this.exitCode = code;
    });
    channel.on('error', (err: Error) => this.destroy(err));
    channel.on('end', () => {
      // Without a byte of answer the exit status and stderr say why: wait for them (they come before 'close').
      if (this.gotData && !this.dropped()) this.push(null);
    });
    channel.once('close', () => {
      this.channelClosed = true;
      clearTimeout(this.idleTimer);
      if (this.destroyed || this.readableEnded) return;
      const dropped = this.dropped();
      if (dropped) this.destroy(dropped);
      else if (!this.gotData) this.destroy(this.failure());
      else this.push(null);
    });
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    if (this.channel.write(chunk)) callback();
    else this.channel.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    // The request is over: the channel goes with it (dial-stdio ends when its channel closes).
    this.channel.end();
    this.channel.close();
    this.channel.resume();
    if (this.channelClosed) {
      callback(error);
      return;
    }
    // 'close' frees the agent's slot: only once the server has closed the channel too, so
    // maxSockets bounds the server's sessions (MaxSessions), not just our requests.
    const done = () => {
      clearTimeout(timer);
      callback(error);
    };
    const timer = setTimeout(done, CLOSE_CONFIRM_MS);
    this.channel.once('close', done);
  }

  /** http calls this when a response ends on a connection that is not kept alive. */
  destroySoon(): void {
    this.destroy();
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.idleMs = ms;
    if (callback) this.once('timeout', callback);
    if (ms > 0) this.touch();
    else clearTimeout(this.idleTimer);
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  private touch(): void {
    if (this.idleMs <= 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
  }

  private dropped(): SshError | undefined {
    return this.opener.closed ? this.opener.closeReason : undefined;
  }

  private failure(): SshError {
    const said = Buffer.concat(this.stderr).toString('utf8').trim();
    const status = this.exitCode === undefined ? 'no exit status' : `exit ${this.exitCode}`;
    return new SshError('channelFailed', `\`${DIAL_STDIO}\` on ${this.opener.profile.host} gave no answer (${status})${said ? `: ${said}` : ''}`);
  }
}
