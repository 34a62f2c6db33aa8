import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { TerminalOutputFilter } from '../core/terminal/terminalOutputFilter';
import type { HostsController } from '../remote/hostsController';
import type { ShellSession } from '../services/ssh/shellSession';
import type { SshConnection } from '../services/ssh/sshConnection';

/** What the terminal tells its owner (recorded on the focused incident). */
export interface SshTerminalEvents {
  opened(conn: SshConnection): void;
  closed(how: 'closed' | 'exited' | 'dropped', detail: string | undefined): void;
}

/** Keys typed while a shell is being opened are sent to it once it is (as ssh does), up to this many characters. */
const MAX_TYPE_AHEAD = 4096;

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/**
 * An interactive shell on a host, over ssh2 with a pty, in a VS Code terminal. The remote output is
 * passed through TerminalOutputFilter (no clipboard writes, no forged shell-integration marks). When
 * the connection drops or the shell exits, the terminal says so and waits: Enter reconnects to a new
 * shell; nothing that was typed before is ever sent again.
 */
export class SshTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private conn: SshConnection | undefined;
  private shell: ShellSession | undefined;
  private dims: vscode.TerminalDimensions | undefined;
  private waitingForReconnect = false;
  private connecting = false;
  private disposed = false;
  /** What the user typed while connecting; sent to the new shell, dropped if the connection fails. */
  private typeAhead = '';

  constructor(private readonly hosts: HostsController, private readonly hostName: string, private readonly events: SshTerminalEvents) {}

  open(dims: vscode.TerminalDimensions | undefined): void {
    this.dims = dims;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.connecting || this.disposed) return;
    this.connecting = true;
    this.waitingForReconnect = false;
    const profile = this.hosts.get(this.hostName);
    this.print(`${DIM}Connecting to ${this.hostName}${profile ? ` (${profile.user}@${profile.host}:${profile.port})` : ''}…${RESET}\r\n`);
    let conn: SshConnection | undefined;
    try {
      conn = await this.hosts.dedicatedConnection(this.hostName);
      if (this.disposed) {
        conn.end();
        return;
      }
      this.conn = conn;
      const shell = await conn.shell({ term: 'xterm-256color', cols: this.dims?.columns ?? 80, rows: this.dims?.rows ?? 24 });
      if (this.disposed) {
        // close() ended the connection meanwhile; the shell goes with it.
        shell.end();
        return;
      }
      this.shell = shell;
      if (this.typeAhead) shell.write(this.typeAhead);
      this.typeAhead = '';
      const decoder = new StringDecoder('utf8');
      const filter = new TerminalOutputFilter();
      shell.onData((chunk) => this.writeEmitter.fire(filter.push(decoder.write(chunk))));
      const opened = conn;
      shell.onClose((info) => {
        this.shell = undefined;
        opened.end();
        this.conn = undefined;
        if (this.disposed) return;
        const dropped = info.dropped;
        const detail = dropped ? info.reason : info.exitCode !== undefined ? `exit ${info.exitCode}` : info.signal ? `signal ${info.signal}` : undefined;
        this.events.closed(dropped ? 'dropped' : 'exited', detail);
        this.print(`\r\n${dropped ? RED : DIM}${dropped ? `Connection to ${this.hostName} lost${detail ? `: ${detail}` : ''}.` : `The shell on ${this.hostName} ended${detail ? ` (${detail})` : ''}.`}${RESET}\r\n`);
        this.offerReconnect();
      });
      this.events.opened(conn);
    } catch (e) {
      // The connection is this terminal's alone: without its shell nothing else will end it, and
      // each reconnect would leave one more open.
      conn?.end();
      if (this.conn === conn) this.conn = undefined;
      this.typeAhead = '';
      this.print(`${RED}Could not connect to ${this.hostName}: ${e instanceof Error ? e.message : String(e)}${RESET}\r\n`);
      this.offerReconnect();
    } finally {
      this.connecting = false;
    }
  }

  private offerReconnect(): void {
    this.waitingForReconnect = true;
    this.print(`${DIM}Press Enter to connect again, or close this terminal. Nothing is re-run.${RESET}\r\n`);
  }

  handleInput(data: string): void {
    if (this.shell) {
      this.shell.write(data);
      return;
    }
    // Connecting: typed ahead, for the shell being opened (never for one that was lost before).
    if (this.connecting) {
      if (this.typeAhead.length + data.length <= MAX_TYPE_AHEAD) this.typeAhead += data;
      return;
    }
    // Disconnected: only Enter means something (a new connection and a fresh shell).
    if (this.waitingForReconnect && (data === '\r' || data === '\n')) void this.connect();
  }

  setDimensions(dims: vscode.TerminalDimensions): void {
    this.dims = dims;
    this.shell?.resize(dims.columns, dims.rows);
  }

  close(): void {
    if (this.disposed) return;
    this.disposed = true;
    const wasOpen = !!this.shell;
    this.shell?.end();
    this.conn?.end();
    this.shell = undefined;
    this.conn = undefined;
    if (wasOpen) this.events.closed('closed', undefined);
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private print(text: string): void {
    if (!this.disposed) this.writeEmitter.fire(text);
  }
}
