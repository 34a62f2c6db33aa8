import type { ClientChannel } from 'ssh2';
import type { ChannelOpener } from './sshTypes';

export interface ShellOptions {
  /** Default xterm-256color (what VS Code's terminal emulates). */
  readonly term?: string;
  readonly cols?: number;
  readonly rows?: number;
  /** Sent as SSH "env" requests; the server keeps only what its AcceptEnv allows. */
  readonly env?: Record<string, string>;
}

/** How a shell ended. */
export interface ShellClose {
  /** The shell's exit status, when the server sent one. */
  readonly exitCode?: number;
  readonly signal?: string;
  /** The connection dropped under the shell (not end(), not the shell exiting). */
  readonly dropped: boolean;
  /** Why, when dropped (the connection's SshError message). */
  readonly reason?: string;
}

/** An interactive shell on a pty: what a VS Code pseudoterminal wraps. */
export interface ShellSession {
  readonly closed: boolean;
  /** Keystrokes / pasted text, as the terminal produced them. */
  write(data: string | Buffer): void;
  /** A window-change request: the remote pty takes the new size (SIGWINCH for the program). */
  resize(cols: number, rows: number): void;
  /** Output bytes; what arrived before the first listener is handed to it first. */
  onData(listener: (chunk: Buffer) => void): { dispose(): void };
  /** Called once; immediately (asynchronously) if already closed. */
  onClose(listener: (info: ShellClose) => void): { dispose(): void };
  /** Closes the channel (the server hangs up the pty session). */
  end(): void;
}

/** Opens a shell with a pty on the connection; rejects with SshError when refused. */
export async function openShellSession(opener: ChannelOpener, opts: ShellOptions = {}): Promise<ShellSession> {
  const channel = await opener.openShellChannel({ term: opts.term ?? 'xterm-256color', cols: opts.cols ?? 80, rows: opts.rows ?? 24 }, opts.env);
  return new Ssh2ShellSession(opener, channel);
}

class Ssh2ShellSession implements ShellSession {
  private readonly early: Buffer[] = [];
  private readonly dataListeners = new Set<(chunk: Buffer) => void>();
  private readonly closeListeners = new Set<(info: ShellClose) => void>();
  private closeInfo: ShellClose | undefined;
  private exitCode: number | undefined;
  private signal: string | undefined;

  constructor(
    opener: ChannelOpener,
    private readonly channel: ClientChannel,
  ) {
    const deliver = (chunk: Buffer) => {
      if (this.dataListeners.size === 0) this.early.push(chunk);
      else for (const listener of [...this.dataListeners]) listener(chunk);
    };
    channel.on('data', deliver);
    // With a pty the server merges stderr into the output; without one it would come here.
    channel.stderr.on('data', deliver);
    channel.on('error', () => undefined);
    channel.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') this.exitCode = code;
      else if (signal) this.signal = signal;
    });
    channel.once('close', () => {
      const dropped = opener.closed && opener.closeReason !== undefined && this.exitCode === undefined && this.signal === undefined;
      this.closeInfo = { exitCode: this.exitCode, signal: this.signal, dropped, reason: dropped ? opener.closeReason?.message : undefined };
      for (const listener of [...this.closeListeners]) listener(this.closeInfo);
      this.closeListeners.clear();
    });
  }

  get closed(): boolean {
    return this.closeInfo !== undefined;
  }

  write(data: string | Buffer): void {
    if (this.closeInfo || !this.channel.writable) return;
    this.channel.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.closeInfo) return;
    // ssh2 takes rows first; pixel sizes 0 (unknown), as OpenSSH sends them without a known font.
    this.channel.setWindow(rows, cols, 0, 0);
  }

  onData(listener: (chunk: Buffer) => void): { dispose(): void } {
    const first = this.dataListeners.size === 0;
    this.dataListeners.add(listener);
    if (first) for (const chunk of this.early.splice(0)) listener(chunk);
    return { dispose: () => this.dataListeners.delete(listener) };
  }

  onClose(listener: (info: ShellClose) => void): { dispose(): void } {
    if (this.closeInfo) {
      const info = this.closeInfo;
      queueMicrotask(() => listener(info));
      return { dispose: () => undefined };
    }
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  end(): void {
    if (this.closeInfo) return;
    this.channel.end();
    this.channel.close();
  }
}
