import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { MAX_EXPECT_OUTPUT } from '../core/runbooks/expectation';
import { TerminalOutputFilter } from '../core/terminal/terminalOutputFilter';
import { startRemoteScript } from '../services/ssh/remoteExec';
import type { SshConnection } from '../services/ssh/sshConnection';

/** How a remote command ended: an exit code, or unknown (signalled, cancelled, connection lost). */
export interface RemoteStepResult {
  exitCode: number | undefined;
  /** Why the exit code is unknown, when it is. */
  unknown?: string;
  /** The end of what it printed (stdout and stderr, as shown), for the step's `expect`. */
  output: string;
}

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/** How a step's command is run on the host. */
export interface RemoteRunOptions {
  /** The interpreter program for the step's language (core/runbooks/interpreters.ts), e.g. `bash`. */
  readonly program: string;
  /** The folder to run in: the command does not run when it is missing. */
  readonly cwd?: string;
}

/**
 * A terminal per host that shows runbook commands run there over SSH exec channels: the command,
 * its output as it streams, and how it ended. Each command is a script given to its interpreter
 * (startRemoteScript), never parsed by the login shell. Ctrl+C cancels the running command: the
 * interrupt reaches its process group through the pty; a dropped connection is reported as an
 * unknown outcome, never guessed.
 */
export class RemoteStepTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly opened: Promise<void>;
  private markOpened!: () => void;
  private cancelCurrent: (() => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  closed = false;

  constructor(readonly host: string) {
    this.opened = new Promise((resolve) => (this.markOpened = resolve));
  }

  open(): void {
    this.print(`${DIM}Runbook steps on ${this.host}. Ctrl+C cancels the running command.${RESET}\r\n`);
    this.markOpened();
  }

  /** Runs one command on the connection (after any running one), showing it and its output. */
  run(conn: SshConnection, command: string, opts: RemoteRunOptions): Promise<RemoteStepResult> {
    const next = this.queue.then(() => this.runNow(conn, command, opts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(conn: SshConnection, command: string, opts: RemoteRunOptions): Promise<RemoteStepResult> {
    await this.opened;
    // Queued behind a command whose terminal the user closed: not run where nobody sees or can stop it.
    if (this.closed) return { exitCode: undefined, unknown: 'not run: the step terminal was closed', output: '' };
    const lines = command.split('\n');
    const where = `${conn.profile.user}@${conn.profile.name}${opts.cwd ? `:${opts.cwd}` : ''} (${opts.program})`;
    this.print(`\r\n${DIM}${where}${RESET}$ ${lines.join('\r\n> ')}\r\n`);
    let output = '';
    const decoder = new StringDecoder('utf8');
    const filter = new TerminalOutputFilter();
    // On a pty, as in a terminal: stderr arrives merged in order with stdout, line ends are \r\n,
    // and Cancel's interrupt reaches the command's process group, also for root logins.
    const execution = startRemoteScript(conn, opts.program, command, {
      cwd: opts.cwd,
      cols: 160,
      rows: 40,
      onData: (_stream, chunk) => {
        const text = decoder.write(chunk);
        output += text;
        if (output.length > MAX_EXPECT_OUTPUT * 2) output = output.slice(-MAX_EXPECT_OUTPUT);
        this.print(filter.push(text));
      },
    });
    this.cancelCurrent = () => execution.cancel();
    try {
      const done = await execution.done;
      if (done.outcome === 'exited') {
        this.print(`${done.exitCode === 0 ? DIM : RED}[exit ${done.exitCode}]${RESET}\r\n`);
        return { exitCode: done.exitCode, output: output.slice(-MAX_EXPECT_OUTPUT) };
      }
      const why = done.outcome === 'signalled' ? `ended by signal ${done.signal}` : done.message;
      this.print(`${RED}[outcome unknown: ${why}]${RESET}\r\n`);
      return { exitCode: undefined, unknown: why, output: output.slice(-MAX_EXPECT_OUTPUT) };
    } finally {
      this.cancelCurrent = undefined;
    }
  }

  handleInput(data: string): void {
    if (data === '\x03' && this.cancelCurrent) {
      this.print(`${RED}^C cancelling…${RESET}\r\n`);
      this.cancelCurrent();
    }
  }

  close(): void {
    this.closed = true;
    this.cancelCurrent?.();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private print(text: string): void {
    if (!this.closed) this.writeEmitter.fire(text);
  }
}

/** One step terminal per host, re-created when the user closed it. */
export class RemoteStepTerminals implements vscode.Disposable {
  private readonly terminals = new Map<string, { pty: RemoteStepTerminal; terminal: vscode.Terminal }>();

  for(host: string): RemoteStepTerminal {
    let entry = this.terminals.get(host);
    if (!entry || entry.pty.closed) {
      const pty = new RemoteStepTerminal(host);
      entry = { pty, terminal: vscode.window.createTerminal({ name: `Runbook @ ${host}`, pty, iconPath: new vscode.ThemeIcon('remote') }) };
      this.terminals.set(host, entry);
    }
    entry.terminal.show(true);
    return entry.pty;
  }

  dispose(): void {
    for (const { terminal } of this.terminals.values()) terminal.dispose();
    this.terminals.clear();
  }
}
