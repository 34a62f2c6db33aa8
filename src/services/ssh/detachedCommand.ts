// Host commands that outlive the SSH session: a rollback's `compose up` must not die half-done
// because the laptop's Wi-Fi did. Each run gets a folder on the host (~/.incident-desk/runs/<id>)
// with the command (`cmd`), its output (`out`, `err`) and, once it ended, its exit status
// (`status`). The command runs under `setsid` in its own session and process group; a small
// wrapper, in another session, waits for it and writes the status. While connected, the output is
// streamed by a follower that reads the files from the offsets already received; after a dropped
// connection a new follower continues from the same offsets, so nothing is lost or repeated. When
// the status cannot be read, the outcome is `unknown`, never success.
import { shellWord } from '../../core/runbooks/placeholderFill';
import { SCRIPT_END, runHostScript, scriptLines, scriptValue } from './hostScript';
import type { RemoteExecutor } from './remoteExec';
import { SshError } from './sshError';

/** Where a run lives on the host. */
export interface DetachedRunRef {
  /** [A-Za-z0-9._-], starting with a letter or digit; unique per host (e.g. `<incident>-<step>-<time>`). */
  readonly id: string;
  /** The folder holding the runs (default `$HOME/.incident-desk/runs`, outside any work dir so `git status` stays clean). */
  readonly runsDir?: string;
}

export interface DetachedRunSpec extends DetachedRunRef {
  /** sh command text, already quoted by the caller (shellWord) where it holds values. */
  readonly command: string;
  /** Where the command runs (cd first; it does not run when that fails). */
  readonly cwd?: string;
}

/** How far the output was read: bytes of `out` and `err` already delivered. */
export interface OutputOffsets {
  readonly stdout: number;
  readonly stderr: number;
}

/** Why an outcome is not known. */
export type DetachedUnknownReason =
  | 'connectionLost' // the host could not be asked (again); the command may still run or have ended
  | 'vanished' // the wrapper is gone without writing the status: killed on the host, or the host restarted
  | 'statusUnreadable' // a status file is there but does not say an exit status
  | 'notFound'; // no such run on the host

/** In both: `cancelled` says a cancel was asked for before the run ended (it may have ended on its own meanwhile). */
export type DetachedOutcome =
  /** The command ended with `exitCode`; above 128, `signal` names the signal that ended it (sh's convention). */
  | { readonly outcome: 'exited'; readonly exitCode: number; readonly signal?: string; readonly cancelled: boolean }
  | { readonly outcome: 'unknown'; readonly reason: DetachedUnknownReason; readonly message: string; readonly cancelled: boolean };

/** What the host says about a run right now. */
export type DetachedState = { readonly state: 'running'; readonly pid?: number } | { readonly state: 'ended'; readonly outcome: DetachedOutcome };

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const SIGNALS: Record<number, string> = { 1: 'HUP', 2: 'INT', 3: 'QUIT', 6: 'ABRT', 9: 'KILL', 13: 'PIPE', 14: 'ALRM', 15: 'TERM' };

function runDir(ref: DetachedRunRef): string {
  if (!RUN_ID.test(ref.id) || ref.id.includes('..')) throw new Error(`not a run id: ${ref.id}`);
  const runs = ref.runsDir === undefined ? '"$HOME/.incident-desk/runs"' : shellWord(ref.runsDir);
  return [`runs=${runs}`, `dir="$runs"/${ref.id}`].join('\n');
}

/**
 * The wrapper (run.sh): starts `cmd` in a session of its own (so cancel signals its process group
 * and nothing else), waits, and writes `<status> <pid>`; the pid lets a reader check the status
 * belongs to the command the runner itself reported (`pgid`), never to a `setsid` that forked.
 */
const WRAPPER = [
  'setsid sh -c \'echo $$ > pgid.tmp && mv -f pgid.tmp pgid && exec sh ./cmd\' < /dev/null > out 2> err &',
  'c=$!',
  'wait "$c"',
  's=$?',
  'echo "$s $c" > status.tmp && mv -f status.tmp status',
].join('\n');

/**
 * `group SIG PGID`: signals a process group (SIG 0: is it there). dash's kill needs `--` before a
 * negative pid and busybox's refuses `--`, so both spellings are tried.
 */
const SIGNAL_GROUP = 'group() { kill -s "$1" -- -"$2" 2>/dev/null || kill -s "$1" -"$2" 2>/dev/null; }';

/**
 * `alive PID`: the process exists and is not a zombie. An orphan is reaped by init, but some
 * container inits never reap, and `kill -0` succeeds on a zombie: /proc tells them apart where it exists.
 */
const ALIVE = [
  'alive() {',
  '  kill -0 "$1" 2>/dev/null || return 1',
  '  if [ -r "/proc/$1/stat" ]; then case $(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | cut -c1) in Z|X) return 1 ;; esac; fi',
  '}',
].join('\n');

export function startScript(spec: DetachedRunSpec): string {
  // From the login user's home, as a command given to ssh, so a relative cwd means what it does there.
  const cmd = `cd || exit 1\n${spec.cwd === undefined ? '' : `cd -- ${shellWord(spec.cwd)} || exit 1\n`}${spec.command}\n`;
  return [
    'umask 077',
    runDir(spec),
    `mkdir -p "$runs" 2>/dev/null && mkdir "$dir" 2>/dev/null || { if [ -d "$dir" ]; then echo "error	exists"; else echo "error	cannot create $dir"; fi; echo ${SCRIPT_END}; exit 0; }`,
    'cd "$dir" || exit 1',
    'if ! command -v setsid >/dev/null 2>&1; then echo "error	setsid is not installed on the host (util-linux or busybox)"; echo end; exit 0; fi',
    `printf '%s' ${shellWord(cmd)} > cmd`,
    `printf '%s\\n' ${shellWord(WRAPPER)} > run.sh`,
    ': > out; : > err',
    'date +%s > started',
    'setsid sh ./run.sh < /dev/null > /dev/null 2>&1 &',
    'echo $! > wpid',
    'echo "started	$!"',
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

/** Prints the run's state: status file, whether the wrapper and the command are alive, the cancel mark. */
export function statusScript(ref: DetachedRunRef): string {
  return [
    runDir(ref),
    ALIVE,
    `cd "$dir" 2>/dev/null || { echo "missing	yes"; echo ${SCRIPT_END}; exit 0; }`,
    'if [ -f status ]; then printf "status\\t"; head -c 100 status | tr -d "\\n"; echo; fi',
    'w=$(cat wpid 2>/dev/null); p=$(cat pgid 2>/dev/null)',
    'echo "pgid	$p"',
    'if [ -n "$w" ] && alive "$w"; then echo "wrapper	alive"; else echo "wrapper	gone"; fi',
    'if [ -n "$p" ] && alive "$p"; then echo "command	alive"; fi',
    'if [ -f cancel ]; then echo "cancel	yes"; fi',
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

/** The state from statusScript's output (pure). Undefined: the output was cut short. */
export function parseStatus(stdout: string): DetachedState | undefined {
  const lines = scriptLines(stdout);
  if (!lines.some((l) => l.key === SCRIPT_END)) return undefined;
  const cancelled = scriptValue(lines, 'cancel') === 'yes';
  if (scriptValue(lines, 'missing') === 'yes') return { state: 'ended', outcome: { outcome: 'unknown', reason: 'notFound', message: 'No such run on the host (its folder is gone)', cancelled } };
  const status = scriptValue(lines, 'status');
  const pgid = scriptValue(lines, 'pgid') ?? '';
  if (status !== undefined) {
    const m = /^(\d{1,3}) (\d+)$/.exec(status.trim());
    if (!m || m[2] !== pgid) {
      return { state: 'ended', outcome: { outcome: 'unknown', reason: 'statusUnreadable', message: `The run's status file does not say an exit status of its command: ${JSON.stringify(status.slice(0, 60))}`, cancelled } };
    }
    const exitCode = Number(m[1]);
    const signal = exitCode > 128 ? (SIGNALS[exitCode - 128] ?? String(exitCode - 128)) : undefined;
    return { state: 'ended', outcome: { outcome: 'exited', exitCode, ...(signal ? { signal } : {}), cancelled } };
  }
  if (scriptValue(lines, 'wrapper') === 'alive') return { state: 'running', ...(/^\d+$/.test(pgid) ? { pid: Number(pgid) } : {}) };
  const still = scriptValue(lines, 'command') === 'alive' ? ` (its command, pid ${pgid}, still runs)` : '';
  return { state: 'ended', outcome: { outcome: 'unknown', reason: 'vanished', message: `The run's wrapper is gone without writing an exit status: killed on the host, or the host restarted${still}`, cancelled } };
}

/**
 * Streams `out` on stdout and `err` on stderr from the offsets on, until the status file is there
 * (or the wrapper is gone) and everything before it was sent. The bytes are the files' bytes, so
 * the caller's count of what arrived is the offset to go on from. It looks again after 20 ms,
 * doubling the pause while nothing comes, up to `maxPollSeconds`: quick for short commands, few
 * processes on the host during a long quiet build.
 */
export function followScript(ref: DetachedRunRef, from: OutputOffsets, maxPollSeconds = 0.25): string {
  if (!Number.isSafeInteger(from.stdout) || !Number.isSafeInteger(from.stderr) || from.stdout < 0 || from.stderr < 0) throw new Error('bad offsets');
  const max = Math.min(500, Math.max(2, Math.round(maxPollSeconds * 100)));
  return [
    runDir(ref),
    ALIVE,
    'cd "$dir" 2>/dev/null || exit 3',
    `o=${from.stdout}; e=${from.stderr}; w=$(cat wpid 2>/dev/null); d=2; max=${max}`,
    'size() { n=$(wc -c < "$1" 2>/dev/null) || n=0; echo $((n + 0)); }',
    'while :; do',
    '  fin=0; got=0',
    '  if [ -f status ]; then fin=1; elif [ -z "$w" ] || ! alive "$w"; then [ -f status ] || fin=1; fi',
    '  n=$(size out); if [ "$n" -gt "$o" ]; then tail -c +$((o + 1)) out 2>/dev/null | head -c $((n - o)); o=$n; got=1; fi',
    '  n=$(size err); if [ "$n" -gt "$e" ]; then tail -c +$((e + 1)) err 2>/dev/null | head -c $((n - e)) >&2; e=$n; got=1; fi',
    '  [ $fin = 1 ] && exit 0',
    '  if [ $got = 1 ]; then d=2; else d=$((d * 2)); [ $d -gt $max ] && d=$max; fi',
    // Fractional sleep is GNU and busybox; a POSIX-only sleep waits a whole second.
    "  sleep $(printf '%d.%02d' $((d / 100)) $((d % 100))) 2>/dev/null || sleep 1",
    'done',
  ].join('\n');
}

export function cancelScript(ref: DetachedRunRef, signal: 'TERM' | 'KILL'): string {
  return [
    runDir(ref),
    SIGNAL_GROUP,
    `cd "$dir" 2>/dev/null || { echo ${SCRIPT_END}; exit 0; }`,
    // A run that already ended was not cancelled: no mark then.
    '[ -f status ] || [ -f cancel ] || date +%s > cancel',
    // The runner writes pgid as its first act: wait a moment for a run started an instant ago.
    'i=0; while [ ! -s pgid ] && [ $i -lt 20 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done',
    'p=$(cat pgid 2>/dev/null)',
    `if [ -n "$p" ] && [ ! -f status ] && group ${signal} "$p"; then echo "signalled	$p"; fi`,
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

/** Starts the run; resolves once the host has it running. Throws when it cannot (with the host's reason). */
export async function startDetached(target: RemoteExecutor, spec: DetachedRunSpec): Promise<void> {
  const { stdout, stderr } = await runHostScript(target, startScript(spec));
  const lines = scriptLines(stdout);
  const error = scriptValue(lines, 'error');
  if (error !== undefined) throw new Error(error === 'exists' ? `a run ${spec.id} already exists on the host` : error);
  if (scriptValue(lines, 'started') === undefined) throw new Error(`the host did not confirm the start of ${spec.id}${stderr ? `: ${stderr.trim()}` : ''}`);
}

/** The run's state now. Rejects (SshError) when the host cannot be asked. */
export async function readDetachedState(target: RemoteExecutor, ref: DetachedRunRef): Promise<DetachedState> {
  const { stdout } = await runHostScript(target, statusScript(ref));
  const state = parseStatus(stdout);
  if (!state) throw new SshError('dropped', 'The host stopped answering while its run status was read');
  return state;
}

export interface FollowOptions {
  /** Output as it arrives; stdout and stderr are the command's own. */
  readonly onData?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** The longest pause between looks at the output files while nothing comes (default 0.25 s). */
  readonly maxPollSeconds?: number;
  /** Receives a stop function: the follower ends (the run goes on). */
  readonly started?: (stop: () => void) => void;
}

export type FollowResult =
  | { readonly kind: 'ended'; readonly outcome: DetachedOutcome; readonly offsets: OutputOffsets }
  /** The connection went (or the follower was stopped) before the end: reattach with `offsets`. */
  | { readonly kind: 'detached'; readonly offsets: OutputOffsets; readonly reason: string; /** Ended by the caller's stop, not by the connection. */ readonly stopped?: boolean };

/**
 * Follows the run from `from` until it ends, then reads its outcome. A dropped connection ends the
 * follow with `detached` and the offsets reached; call again (on a new connection) with them.
 */
export async function followDetached(target: RemoteExecutor, ref: DetachedRunRef, from: OutputOffsets = { stdout: 0, stderr: 0 }, opts: FollowOptions = {}): Promise<FollowResult> {
  let stdout = from.stdout;
  let stderr = from.stderr;
  let stopped = false;
  const offsets = () => ({ stdout, stderr });
  try {
    const { outcome } = await runHostScript(target, followScript(ref, from, opts.maxPollSeconds), {
      keepOutput: false,
      onData: (stream, chunk) => {
        if (stream === 'stdout') stdout += chunk.length;
        else stderr += chunk.length;
        opts.onData?.(stream, chunk);
      },
      started: (execution) =>
        opts.started?.(() => {
          stopped = true;
          execution.cancel();
        }),
    });
    if (stopped) return { kind: 'detached', offsets: offsets(), reason: 'stopped following', stopped: true };
    if (outcome.outcome === 'unknown' && (outcome.reason === 'connectionDropped' || outcome.reason === 'connectionClosed')) {
      return { kind: 'detached', offsets: offsets(), reason: outcome.message };
    }
    const state = await readDetachedState(target, ref);
    // The follower ends only once the run has; a run still going means the follower was cut short.
    if (state.state === 'running') return { kind: 'detached', offsets: offsets(), reason: 'the follower ended before the run' };
    return { kind: 'ended', outcome: state.outcome, offsets: offsets() };
  } catch (e) {
    return { kind: 'detached', offsets: offsets(), reason: (e as Error)?.message ?? String(e) };
  }
}

/**
 * Cancel: marks the run cancelled and sends SIGTERM to the command's process group; if it has not
 * ended after `graceMs`, SIGKILL. The wrapper (in another session) still writes the exit status.
 * Resolves the state after that; rejects (SshError) when the host cannot be reached.
 */
export async function cancelDetached(target: RemoteExecutor, ref: DetachedRunRef, graceMs = 5000): Promise<DetachedState> {
  await runHostScript(target, cancelScript(ref, 'TERM'));
  const deadline = Date.now() + graceMs;
  for (;;) {
    const state = await readDetachedState(target, ref);
    if (state.state === 'ended') return state;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await runHostScript(target, cancelScript(ref, 'KILL'));
  for (let i = 0; i < 30; i++) {
    const state = await readDetachedState(target, ref);
    if (state.state === 'ended') return state;
    await new Promise((r) => setTimeout(r, 100));
  }
  return readDetachedState(target, ref);
}

export interface FollowToEndOptions extends FollowOptions {
  /** Attempts to connect again after a drop before the outcome is given up as unknown (default 3). */
  readonly reconnectAttempts?: number;
  /** Pause before each attempt (default 1000 ms). */
  readonly reconnectDelayMs?: number;
  /** Told of each lost connection and each reattach, for the log and the wizard. */
  readonly onReattach?: (event: { readonly kind: 'lost'; readonly reason: string } | { readonly kind: 'reattached'; readonly offsets: OutputOffsets }) => void;
}

/**
 * Follows a run to its end across dropped connections: after a drop, `connect()` is tried again
 * and the follow goes on from the offsets reached. When the host cannot be reached again, the
 * outcome is `unknown` (connectionLost): the command may have finished, or still run, and nobody
 * can say it succeeded. Connections made here are the caller's to end (they are returned).
 */
export async function followToEnd(
  first: RemoteExecutor,
  connect: () => Promise<RemoteExecutor>,
  ref: DetachedRunRef,
  opts: FollowToEndOptions = {},
): Promise<{ readonly outcome: DetachedOutcome; readonly offsets: OutputOffsets; readonly connections: RemoteExecutor[] }> {
  const connections: RemoteExecutor[] = [];
  let target = first;
  let offsets: OutputOffsets = { stdout: 0, stderr: 0 };
  for (;;) {
    const result = await followDetached(target, ref, offsets, opts);
    offsets = result.offsets;
    if (result.kind === 'ended') return { outcome: result.outcome, offsets, connections };
    if (result.stopped) {
      return { outcome: { outcome: 'unknown', reason: 'connectionLost', message: 'Stopped following before the run ended; it may still run', cancelled: false }, offsets, connections };
    }
    opts.onReattach?.({ kind: 'lost', reason: result.reason });
    let next: RemoteExecutor | undefined;
    let lastError = result.reason;
    for (let attempt = 0; attempt < (opts.reconnectAttempts ?? 3) && !next; attempt++) {
      await new Promise((r) => setTimeout(r, opts.reconnectDelayMs ?? 1000));
      try {
        next = await connect();
      } catch (e) {
        lastError = (e as Error)?.message ?? String(e);
      }
    }
    if (!next) {
      return {
        outcome: { outcome: 'unknown', reason: 'connectionLost', message: `The connection to the host was lost while the command ran and could not be made again (${lastError}); whether it finished is unknown`, cancelled: false },
        offsets,
        connections,
      };
    }
    connections.push(next);
    target = next;
    opts.onReattach?.({ kind: 'reattached', offsets });
  }
}

/** Removes an ended run's folder; a run still going is left alone (false). */
export async function removeDetachedRun(target: RemoteExecutor, ref: DetachedRunRef): Promise<boolean> {
  const state = await readDetachedState(target, ref);
  if (state.state === 'running') return false;
  const { stdout } = await runHostScript(target, [runDir(ref), `rm -rf -- "$dir" && echo "removed"`, `echo ${SCRIPT_END}`].join('\n'));
  return scriptValue(scriptLines(stdout), 'removed') !== undefined;
}
