import type { ClientChannel, ExecOptions, TerminalModes } from 'ssh2';
import type { SshError } from './sshError';
import type { ChannelOpener } from './sshTypes';

export interface RemoteExecOptions {
  /** Run under a pseudo-terminal (stderr then arrives merged into stdout, as on a terminal). */
  readonly pty?: boolean;
  readonly cols?: number;
  readonly rows?: number;
  /** Terminal type for the pty (default xterm-256color). */
  readonly term?: string;
  /** Terminal modes the server sets on the pty before the command starts (RFC 4254 8). */
  readonly modes?: TerminalModes;
  /** What cancel() types into the pty to interrupt the command (default ^C). */
  readonly interrupt?: Buffer;
  /** Sent as SSH "env" requests: the server applies only the names its AcceptEnv allows, silently dropping the rest. */
  readonly env?: Record<string, string>;
  /** Output as it arrives, in order per stream. */
  readonly onData?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** How long cancel() waits for the command to stop on SIGINT before sending SIGKILL and closing (default 2000). */
  readonly cancelGraceMs?: number;
  /** After that close, how long to wait for the server to confirm before giving up on it (default 1000). */
  readonly cancelConfirmMs?: number;
}

/** Why an outcome is unknown: the exit status never arrived, so none is claimed. */
export type UnknownOutcomeReason =
  | 'connectionDropped' // the connection dropped while the command ran: it may still be running, or have finished
  | 'connectionClosed' // end() was called on the connection while the command ran
  | 'cancelled' // cancelled, and no exit status arrived: the command may still be running (see RemoteExecution.cancel)
  | 'noExitStatus'; // the server closed the channel without an exit status

export type RemoteExecOutcome =
  | { readonly outcome: 'exited'; readonly exitCode: number }
  | { readonly outcome: 'signalled'; readonly signal: string }
  | { readonly outcome: 'unknown'; readonly reason: UnknownOutcomeReason; readonly message: string };

export interface RemoteExecution {
  /**
   * The outcome once the channel has closed and all output was delivered. Rejects (SshError) only
   * when the command could not be started: the channel or the exec request was refused, or the
   * connection was already gone.
   */
  readonly done: Promise<RemoteExecOutcome>;
  /**
   * Stops the command: SIGINT through the SSH "signal" request (OpenSSH ≥ 7.9 signals the
   * command's process group) and, with a pty, a ^C typed into it. The channel is closed as soon as
   * the exit status arrives, else after the grace period, with a SIGKILL request first; with a pty
   * the server then hangs up the terminal (SIGHUP). If the server still holds the channel open,
   * `done` gives up waiting and says the outcome is unknown.
   *
   * OpenSSH refuses "signal" requests for root logins (it skips privilege separation after a root
   * login, and signalling needs it: sshd logs "session signalling requires privilege separation").
   * Logged in as root, only a command run with a pty can be stopped; without one it keeps running
   * after the cancel, and `done` says so. Safe to call at any time, also before the channel is open.
   */
  cancel(): void;
  /** To the command's stdin (queued until the channel is open). */
  write(data: string | Buffer): void;
  /** Closes the command's stdin (EOF). */
  endInput(): void;
}

const DEFAULT_CANCEL_GRACE_MS = 2000;
const DEFAULT_CANCEL_CONFIRM_MS = 1000;
/** What a terminal's line discipline turns into SIGINT for the foreground process group. */
const CTRL_C = '\x03';

/** Runs `command` on an exec channel; see RemoteExecution. */
export function startRemoteExec(opener: ChannelOpener, command: string, opts: RemoteExecOptions = {}): RemoteExecution {
  let channel: ClientChannel | undefined;
  let finished = false;
  let cancelled = false;
  let gaveUp = false;
  let inputEnded = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let confirmTimer: NodeJS.Timeout | undefined;
  const pending: Array<string | Buffer> = [];
  let exitCode: number | undefined;
  let exitSignal: string | undefined;
  let settle: (() => void) | undefined;

  const sendCancel = (ch: ClientChannel) => {
    signalChannel(ch, 'INT');
    if (opts.pty && ch.writable) ch.write(opts.interrupt ?? CTRL_C);
    graceTimer = setTimeout(() => {
      // Still no exit status: make sure the process group stops before the channel goes.
      signalChannel(ch, 'KILL');
      ch.close();
      // sshd keeps a channel open while its command runs, even after our close.
      confirmTimer = setTimeout(() => {
        gaveUp = true;
        settle?.();
      }, opts.cancelConfirmMs ?? DEFAULT_CANCEL_CONFIRM_MS);
    }, opts.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
  };

  const execOptions: ExecOptions = {};
  if (opts.pty) execOptions.pty = { term: opts.term ?? 'xterm-256color', cols: opts.cols ?? 80, rows: opts.rows ?? 24, ...(opts.modes ? { modes: opts.modes } : {}) };
  if (opts.env) execOptions.env = opts.env;

  const done = opener.openExecChannel(command, execOptions).then(
    (ch) =>
      new Promise<RemoteExecOutcome>((resolve) => {
        channel = ch;
        settle = () => {
          if (finished) return;
          finished = true;
          clearTimeout(graceTimer);
          clearTimeout(confirmTimer);
          resolve(outcome(opener, exitCode, exitSignal, cancelled, gaveUp));
        };
        const deliver = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
          if (!finished) opts.onData?.(stream, chunk);
        };
        ch.on('data', deliver('stdout'));
        ch.stderr.on('data', deliver('stderr'));
        // An error on a channel also ends it with 'close'; the outcome is decided there.
        ch.on('error', () => undefined);
        ch.stderr.on('error', () => undefined);
        ch.on('exit', (code: number | null, signal?: string) => {
          if (typeof code === 'number') exitCode = code;
          else if (signal) exitSignal = signal;
          // After a cancel nothing more is wanted: a background process keeping the output open must not hold the channel.
          if (cancelled) ch.close();
        });
        // Both streams must have ended before the outcome, so no output arrives after `done`.
        let open = 2;
        const closed = () => {
          if (--open === 0) settle?.();
        };
        ch.once('close', closed);
        ch.stderr.once('close', closed);
        if (cancelled) {
          sendCancel(ch);
          return;
        }
        for (const data of pending.splice(0)) ch.write(data);
        if (inputEnded) ch.end();
      }),
  );

  return {
    done,
    cancel() {
      if (finished || cancelled) return;
      cancelled = true;
      if (channel) sendCancel(channel);
    },
    write(data) {
      if (finished || inputEnded) return;
      if (channel) channel.write(data);
      else pending.push(data);
    },
    endInput() {
      if (inputEnded) return;
      inputEnded = true;
      channel?.end();
    },
  };
}

/** The parts of ssh2's channel that carry a "signal" request once our side of the channel has ended. */
interface ChannelInternals {
  readonly outgoing?: { readonly id?: number; readonly state?: string };
  readonly _client?: { readonly _protocol?: { signal?(id: number, name: string): void } };
}

/**
 * Sends a "signal" channel request. ssh2's `Channel.signal()` sends nothing once the channel is no
 * longer writable, which it is not after `end()` (our EOF: `endInput()`); but the request is about
 * the remote process, and the SSH protocol allows it until the channel is closed (RFC 4254 §6.9).
 * Then it goes through ssh2's protocol object directly, as `signal()` would.
 */
function signalChannel(ch: ClientChannel, name: string): void {
  if (ch.writable) {
    ch.signal(name);
    return;
  }
  const c = ch as unknown as ChannelInternals;
  const protocol = c._client?._protocol;
  // After our EOF the state is 'eof': the channel is still open both ways for requests.
  if ((c.outgoing?.state === 'open' || c.outgoing?.state === 'eof') && typeof c.outgoing.id === 'number' && typeof protocol?.signal === 'function') protocol.signal(c.outgoing.id, name);
}

function outcome(opener: ChannelOpener, exitCode: number | undefined, exitSignal: string | undefined, cancelled: boolean, gaveUp: boolean): RemoteExecOutcome {
  if (exitCode !== undefined) return { outcome: 'exited', exitCode };
  if (exitSignal !== undefined) return { outcome: 'signalled', signal: exitSignal };
  const dropped: SshError | undefined = opener.closeReason;
  if (opener.closed && dropped) {
    return { outcome: 'unknown', reason: 'connectionDropped', message: `${dropped.message}; whether the command finished is unknown` };
  }
  if (opener.closed) return { outcome: 'unknown', reason: 'connectionClosed', message: 'The connection was closed while the command ran; whether it finished is unknown' };
  if (gaveUp) {
    return {
      outcome: 'unknown',
      reason: 'cancelled',
      message: 'Cancelled, but the server did not confirm that the command stopped: it may still be running (OpenSSH refuses signals for root logins; a command run with a pty can still be stopped)',
    };
  }
  if (cancelled) return { outcome: 'unknown', reason: 'cancelled', message: 'Cancelled; the server sent no exit status before the channel closed' };
  return { outcome: 'unknown', reason: 'noExitStatus', message: 'The server closed the channel without an exit status' };
}

/** What can start a command on a host: an SshConnection. */
export interface RemoteExecutor {
  exec(command: string, opts?: RemoteExecOptions): RemoteExecution;
}

export interface RemoteScriptOptions {
  /** The folder to run in (`cd` first; the script does not run when that fails). */
  readonly cwd?: string;
  readonly cols?: number;
  readonly rows?: number;
  readonly term?: string;
  readonly onData?: RemoteExecOptions['onData'];
  readonly cancelGraceMs?: number;
  readonly cancelConfirmMs?: number;
  /**
   * Line ends as a terminal shows them (NL→CRLF, the default, for a terminal that draws them as
   * they come), or as the program wrote them (false: for output passed on to another terminal or a
   * file, as the CLI does, where the local terminal does its own NL→CRLF).
   */
  readonly crlf?: boolean;
}

/**
 * The interrupt character of a script's pty: 0xFE, a byte valid UTF-8 never holds, so no script
 * text can interrupt itself while it is read, and cancel() can.
 */
const SCRIPT_INTERRUPT = 0xfe;
/** 255 switches a special character off (OpenSSH decodes it as _POSIX_VDISABLE). */
const OFF = 255;

/**
 * The pty a script is read through: every byte reaches the interpreter as sent (no echo, no line
 * editing or 4 KiB line limit, no CR→NL, no flow control, no quit/suspend/literal-next keys), and
 * only 0xFE interrupts. Output keeps NL→CRLF, as any terminal.
 */
const SCRIPT_TTY_MODES: TerminalModes = {
  ECHO: 0, ECHOE: 0, ECHOK: 0, ECHONL: 0, ECHOCTL: 0, ECHOKE: 0,
  ICANON: 0, IEXTEN: 0, ISIG: 1,
  ICRNL: 0, INLCR: 0, IGNCR: 0, ISTRIP: 0, IXON: 0, IXOFF: 0, IXANY: 0,
  VINTR: SCRIPT_INTERRUPT, VQUIT: OFF, VSUSP: OFF, VDSUSP: OFF, VLNEXT: OFF, VDISCARD: OFF, VSTART: OFF, VSTOP: OFF,
  OPOST: 1, ONLCR: 1,
};

function singleQuoted(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs `script` on the host in interpreter `program` (`bash`, `sh`, `zsh`, `dash`, `ksh`: see
 * core/runbooks/interpreters.ts), never through the login shell's parsing: the command the login
 * shell reads is only `exec <program> /dev/stdin`, which every shell (sh, bash, zsh, fish, csh)
 * reads alike, and the script follows on stdin, byte for byte. `/dev/stdin` rather than `-s`: the
 * command runs on a pty (so cancel's interrupt reaches its whole process group, also for root
 * logins, where OpenSSH refuses "signal" requests), and `bash -s` on a terminal would be an
 * interactive shell (prompts, rc files, history expansion, line editing); given a file it is a
 * script. The script is one `{ … }` group, read whole before anything runs, so a command that
 * reads stdin cannot swallow the rest of it; it ends with `exit` because a pty never reads EOF.
 */
export function startRemoteScript(target: RemoteExecutor, program: string, script: string, opts: RemoteScriptOptions = {}): RemoteExecution {
  if (!/^[a-z]+$/.test(program)) throw new Error(`not an interpreter name: ${program}`);
  const execution = target.exec(`exec ${program} /dev/stdin`, {
    pty: true,
    cols: opts.cols ?? 160,
    rows: opts.rows ?? 40,
    term: opts.term,
    modes: opts.crlf === false ? { ...SCRIPT_TTY_MODES, ONLCR: 0 } : SCRIPT_TTY_MODES,
    // ^C too: a program that set the terminal back to its usual modes (an editor, a pager) takes that.
    interrupt: Buffer.from([SCRIPT_INTERRUPT, 0x03]),
    onData: opts.onData,
    cancelGraceMs: opts.cancelGraceMs,
    cancelConfirmMs: opts.cancelConfirmMs,
  });
  const cd = opts.cwd ? `cd -- ${singleQuoted(opts.cwd)} || exit\n` : '';
  execution.write(Buffer.from(`{\n${cd}${script}\nexit\n}\n`, 'utf8'));
  return execution;
}
