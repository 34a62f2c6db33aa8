// The only place the CLI fills placeholders and starts commands: filling (prepareCommands) with the
// editor's quoting, and running them here or on a host (executeLocal / executeRemote) in each
// language's interpreter (core/runbooks/interpreters.ts), as the editor does.
import { spawn } from 'node:child_process';
import { interpreterFor } from '../core/runbooks/interpreters';
import { assignedNames } from '../core/runbooks/placeholders';
import { fillPlaceholders } from '../core/runbooks/placeholderFill';
import type { Placeholder, RunbookCommand, RunbookStep } from '../core/runbooks/model';
import { startRemoteScript } from '../services/ssh/remoteExec';
import type { SshConnection } from '../services/ssh/sshConnection';

export interface PreparedCommand {
  /** The command filled and quoted, as the editor shows and records it. */
  readonly text: string;
  readonly source: RunbookCommand;
  /** The interpreter that runs it (`bash`, `sh`, `zsh`…), from its language, whatever the login shell. */
  readonly program: string;
}

/** A value the filler would not write into its context (e.g. a heredoc body holding its delimiter). */
export interface RefusedValue {
  readonly name: string;
  /** Where the placeholder sits (`backtick`, `heredoc`…). */
  readonly context: string;
  /** For the user: the placeholder, where it sits and why, in words. */
  readonly message: string;
}

export interface PreparedStep {
  readonly commands: readonly PreparedCommand[];
  /** Placeholders with no value (environment variables excepted: the shell has those). */
  readonly missing: readonly Placeholder[];
  /** `$NAME`s left for the shell's environment. */
  readonly fromEnvironment: readonly string[];
  readonly refused: readonly RefusedValue[];
}

/**
 * The step's runnable commands with `values` written in, as the editor fills them: a variable an
 * earlier command of the step assigns is the shell's, not a placeholder.
 */
export function prepareCommands(step: RunbookStep, values: Readonly<Record<string, string>>): PreparedStep {
  const assigned = new Set<string>();
  const commands: PreparedCommand[] = [];
  const unfilled: Placeholder[] = [];
  const refused: RefusedValue[] = [];
  for (const source of step.commands.filter((c) => c.runnable)) {
    // typed: false: the text is given to the interpreter as a script, never typed into a terminal.
    const filled = fillPlaceholders(source.run, values, source.language, assigned, { typed: false });
    for (const name of assignedNames(source.run)) assigned.add(name);
    commands.push({ text: filled.text, source, program: interpreterFor(source.language)?.program ?? 'bash' });
    unfilled.push(...filled.missing);
    for (const r of filled.refused) refused.push({ name: r.placeholder.name, context: r.context, message: r.message });
  }
  const byToken = (list: Placeholder[]) => [...new Map(list.map((p) => [p.token, p])).values()];
  return {
    commands,
    missing: byToken(unfilled.filter((p) => p.kind !== 'env')),
    fromEnvironment: byToken(unfilled.filter((p) => p.kind === 'env')).map((p) => p.token),
    refused,
  };
}

/** How one command ended; `exitCode` undefined when that is unknown (signal, lost connection). */
export interface CommandOutcome {
  readonly exitCode: number | undefined;
  readonly unknown?: string;
  /** The signal that ended it (`TERM`, `KILL`…), when one did. */
  readonly signal?: string;
}

export interface ExecuteHooks {
  /** Before command `index` starts; it starts once this resolves (so the start is recorded first). */
  started(index: number): Promise<void>;
  /** After it ended, before the next one starts. */
  finished(index: number, outcome: CommandOutcome): Promise<void>;
  /** Output as it arrives, per stream. */
  output(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

/**
 * Bash runs the step's commands in order in ONE shell, so a `cd` or a variable set by one command
 * holds for the next (as in the editor's terminal). Each command is its own argument, parsed on its
 * own by `eval` (an unbalanced quote cannot swallow the next). Before each command the shell
 * reports on fd 3 and waits on fd 4 for the go-ahead; after it, it reports the status and stops at
 * the first failure. The commands never see fds 3 and 4.
 */
const DRIVER = [
  '__idk_c=("$@"); set --',
  'for ((__idk_i = 0; __idk_i < ${#__idk_c[@]}; __idk_i++)); do',
  '  printf "S %d\\n" "$__idk_i" >&3',
  '  IFS= read -r __idk_go <&4 || exit 125',
  '  eval "${__idk_c[__idk_i]}" 3>&- 4<&-',
  '  __idk_s=$?',
  '  printf "F %d %d\\n" "$__idk_i" "$__idk_s" >&3',
  '  [ "$__idk_s" -eq 0 ] || exit "$__idk_s"',
  'done',
].join('\n');

/**
 * Runs the commands locally; resolves with the status of the last one that ran. bash commands share
 * one bash (see DRIVER); a step with a command of another interpreter (sh, zsh…) runs each command
 * in its own interpreter process, in order, so nothing carries from one to the next there.
 */
export async function executeLocal(commands: readonly PreparedCommand[], cwd: string, hooks: ExecuteHooks): Promise<CommandOutcome> {
  if (commands.every((c) => c.program === 'bash')) return executeInOneBash(commands, cwd, hooks);
  let last: CommandOutcome = { exitCode: 0 };
  for (const [i, command] of commands.entries()) {
    await hooks.started(i);
    last = await runOne(command, cwd, hooks);
    await hooks.finished(i, last);
    if (last.exitCode !== 0) break;
  }
  return last;
}

/** One command in its interpreter (`<program> -c <text>`), stdin inherited, output through the hooks. */
function runOne(command: PreparedCommand, cwd: string, hooks: ExecuteHooks): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.program, ['-c', command.text], { cwd, stdio: ['inherit', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => hooks.output('stdout', chunk));
    child.stderr.on('data', (chunk: Buffer) => hooks.output('stderr', chunk));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve(signal ? { exitCode: undefined, unknown: `ended by signal ${signal}`, signal: signal.replace(/^SIG/, '') } : { exitCode: code ?? 1 }),
    );
  });
}

function executeInOneBash(commands: readonly PreparedCommand[], cwd: string, hooks: ExecuteHooks): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', DRIVER, 'incident-desk', ...commands.map((c) => c.text)], {
      cwd,
      stdio: ['inherit', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    const [, stdout, stderr, report, go] = child.stdio as unknown as [null, NodeJS.ReadableStream, NodeJS.ReadableStream, NodeJS.ReadableStream, NodeJS.WritableStream & { destroy(): void }];
    stdout.on('data', (chunk: Buffer) => hooks.output('stdout', chunk));
    stderr.on('data', (chunk: Buffer) => hooks.output('stderr', chunk));
    go.on('error', () => undefined); // bash gone before the go-ahead: its exit says why
    let last: CommandOutcome = { exitCode: 0 };
    let running: number | undefined;
    let pending = '';
    // Reports are handled one at a time, in order, each hook awaited before the next.
    let chain = Promise.resolve();
    let failure: { error: unknown } | undefined;
    report.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        chain = chain.then(async () => {
          const [kind, index, status] = line.split(' ');
          if (kind === 'S') {
            running = Number(index);
            await hooks.started(running);
            go.write('\n');
          } else if (kind === 'F') {
            running = undefined;
            last = { exitCode: Number(status) };
            await hooks.finished(Number(index), last);
          }
        }).catch((e: unknown) => {
          // A start that could not be recorded: that command and the rest do not run (bash reads EOF and stops).
          failure ??= { error: e };
          go.destroy();
        });
      }
    });
    child.once('error', (e) => reject(e));
    child.once('close', (code, signal) => void settle(code, signal).then(resolve, reject));
    const settle = async (code: number | null, signal: NodeJS.Signals | null): Promise<CommandOutcome> => {
      await chain;
      go.destroy();
      if (failure) throw failure.error;
      // A command that ended the shell itself (`exit 3`, a signal) reported no status: the shell's is its.
      if (running !== undefined) {
        last = signal ? { exitCode: undefined, unknown: `ended by signal ${signal}`, signal: signal.replace(/^SIG/, '') } : { exitCode: code ?? 1 };
        await hooks.finished(running, last);
      } else if (code !== 0 && last.exitCode === 0) {
        last = { exitCode: code ?? 1 };
      }
      return last;
    };
  });
}

/**
 * Runs the commands on a host as the editor's step terminal does: each one a script given to its
 * interpreter on stdin (startRemoteScript: never parsed by the login shell), on a pty, in the
 * profile's work dir; stops at the first that fails or whose outcome is unknown. `onCancel` receives
 * the running command's cancel (for Ctrl+C: it interrupts the command's whole process group).
 */
export async function executeRemote(conn: SshConnection, commands: readonly PreparedCommand[], workDir: string | undefined, hooks: ExecuteHooks, onCancel: (cancel: () => void) => void): Promise<CommandOutcome> {
  let last: CommandOutcome = { exitCode: 0 };
  for (const [i, command] of commands.entries()) {
    await hooks.started(i);
    // crlf: false: the output goes on to our own stdout (a terminal does its own NL→CRLF, a file wants none).
    const execution = startRemoteScript(conn, command.program, command.text, { cwd: workDir, crlf: false, onData: (stream, chunk) => hooks.output(stream, chunk) });
    onCancel(() => execution.cancel());
    // A channel the server refused: the command did not start, but that is not known for sure.
    const done = await execution.done.catch((e: unknown) => ({ outcome: 'unknown' as const, message: e instanceof Error ? e.message : String(e) }));
    last =
      done.outcome === 'exited'
        ? { exitCode: done.exitCode }
        : done.outcome === 'signalled'
          ? { exitCode: undefined, unknown: `ended by signal ${done.signal}`, signal: done.signal.replace(/^SIG/, '') }
          : { exitCode: undefined, unknown: done.message };
    await hooks.finished(i, last);
    if (last.exitCode !== 0) break;
  }
  return last;
}
