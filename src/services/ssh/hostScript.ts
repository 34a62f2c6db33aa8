// Small POSIX sh scripts the rollback runs on a host (read the live commit, take a lock, start or
// follow a detached command). The login shell only ever parses `exec sh -s`, which every shell
// (sh, bash, zsh, fish, csh) reads alike; the script follows on stdin, so the quoting in it is
// written for sh alone. No pty: stdout and stderr stay apart, and nothing is echoed back.
import type { RemoteExecOptions, RemoteExecOutcome, RemoteExecutor } from './remoteExec';

export interface HostScriptResult {
  readonly stdout: string;
  readonly stderr: string;
  /**
   * The channel's outcome. Callers read their answer from stdout (each script prints what it found
   * as lines), not from the exit status: OpenSSH may close a channel before its exit status
   * arrives under load, which leaves the outcome unknown although the script ran.
   */
  readonly outcome: RemoteExecOutcome;
  /** Cancelled by `timeoutMs`. */
  readonly timedOut?: boolean;
}

export interface HostScriptOptions {
  /** Raw output as it arrives (the detached command's follower streams through this). */
  readonly onData?: RemoteExecOptions['onData'];
  /** When set, the execution is handed over as soon as it starts (to cancel a follower). */
  readonly started?: (execution: { cancel(): void }) => void;
  /** False: the output only goes to onData, the result's stdout and stderr stay empty (a long follow). */
  readonly keepOutput?: boolean;
  /**
   * Cancels the script when it has not ended by then (a hung `docker ps` or git hook must not hang
   * the caller); the result then says `timedOut`, and its output is what came before.
   */
  readonly timeoutMs?: number;
}

/**
 * Runs `script` with `sh` on the host. The script is one `{ … }` group, so sh reads all of it
 * before running anything and a command that reads stdin cannot swallow the rest. Rejects
 * (SshError) only when the command could not be started (connection gone, channel refused).
 */
export async function runHostScript(target: RemoteExecutor, script: string, opts: HostScriptOptions = {}): Promise<HostScriptResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const execution = target.exec('exec sh -s', {
    onData: (stream, chunk) => {
      if (opts.keepOutput !== false) (stream === 'stdout' ? out : err).push(chunk);
      opts.onData?.(stream, chunk);
    },
  });
  opts.started?.(execution);
  // Its own stdin is /dev/null, and `exit` follows it, so sh never waits for more input; stdin is
  // never ended, because ssh2 sends no "signal" request on a channel after its EOF, and cancel
  // (a timeout, a follower stopped) needs one.
  execution.write(Buffer.from(`{\n${script}\n} < /dev/null\nexit\n`, 'utf8'));
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          execution.cancel();
        }, opts.timeoutMs);
  try {
    const outcome = await execution.done;
    return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), outcome, ...(timedOut ? { timedOut } : {}) };
  } finally {
    clearTimeout(timer);
  }
}

/** The `key<TAB>value` lines a host script printed, in order (values may hold further tabs). */
export function scriptLines(stdout: string): Array<{ key: string; value: string }> {
  const lines: Array<{ key: string; value: string }> = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    lines.push(tab < 0 ? { key: line, value: '' } : { key: line.slice(0, tab), value: line.slice(tab + 1) });
  }
  return lines;
}

/** The value of the first `key` line, if any. */
export function scriptValue(lines: ReadonlyArray<{ key: string; value: string }>, key: string): string | undefined {
  return lines.find((l) => l.key === key)?.value;
}

/** Every script ends with this line, so a script cut short (connection lost) is told from one that found nothing. */
export const SCRIPT_END = 'end';

/** A full (40 or 64 hex digits) object name; `abbreviated` also accepts 7 to 39. */
export function isCommitSha(value: string, abbreviated = false): boolean {
  return abbreviated ? /^[0-9a-f]{7,40}$|^[0-9a-f]{64}$/.test(value) : /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(value);
}
