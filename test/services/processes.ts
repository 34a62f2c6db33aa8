// The registry of daemons the test services start (sshd, containerd, dockerd): each is recorded
// by pid when spawned and stopped by it (SIGTERM, then SIGKILL after a timeout) on stop(), on
// stopAll(), and when the Node process that started it exits or gets SIGINT/SIGTERM, so a failed or
// interrupted run leaves nothing behind. It only ever signals what it spawned (and, when it must
// kill, that child's own process group and the descendants the caller names), never by name.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

export interface SpawnOptions {
  /** stdout and stderr go to this file (appended), not through Node pipes: a daemon must not die of SIGPIPE when the test process does. */
  logPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long SIGTERM is given before SIGKILL. */
  stopTimeoutMs?: number;
}

/** One daemon started through the registry. */
export class ManagedProcess {
  private exitCode: number | null | undefined;
  private readonly exitWaiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly pid: number,
    readonly stopTimeoutMs: number,
    private readonly registry: ProcessRegistry,
    child: ChildProcess,
  ) {
    child.once('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? -1 : null);
      this.registry.forget(this);
      for (const wake of this.exitWaiters.splice(0)) wake();
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Exit code once it has exited (-1 when killed by a signal), undefined while running. */
  get exitStatus(): number | null | undefined {
    return this.exitCode;
  }

  /** Resolves true when the process has exited (and was reaped), false after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      // A ref'd timer: the child itself is unref'd, and something must keep the loop alive while we wait.
      const timer = setTimeout(() => {
        const i = this.exitWaiters.indexOf(wake);
        if (i >= 0) this.exitWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.exitWaiters.push(wake);
    });
  }

  /** SIGTERM, then SIGKILL (to its process group too) when it has not exited within stopTimeoutMs. */
  async stop(): Promise<void> {
    if (!this.running) return;
    signal(this.pid, 'SIGTERM');
    if (await this.waitForExit(this.stopTimeoutMs)) return;
    this.kill();
    if (!(await this.waitForExit(5000))) {
      throw new Error(`${this.name} (pid ${this.pid}) survived SIGKILL for 5 s`);
    }
  }

  /** SIGKILL now, to it and its process group (its own: it was spawned detached). */
  kill(): void {
    if (!this.running) return;
    signal(-this.pid, 'SIGKILL');
    signal(this.pid, 'SIGKILL');
  }
}

/**
 * Records every daemon it spawns. Exit and signal handlers are installed when the first daemon
 * starts and removed when the last one is gone: importing this module changes nothing.
 */
export class ProcessRegistry {
  private readonly live = new Set<ManagedProcess>();
  private readonly cleanups = new Set<() => void>();
  private hooked = false;

  private readonly onExit = (): void => this.stopAllSync();
  private readonly onSignal = (sig: NodeJS.Signals): void => {
    // Alone on this signal, we would swallow it: once our handlers are gone (stopAllSync removes
    // them), raise it again so the process still dies of it. With other listeners, they decide.
    const alone = process.listenerCount(sig) === 1;
    this.stopAllSync();
    if (alone) process.kill(process.pid, sig);
  };

  /** Starts `command` detached (its own process group, so a terminal's Ctrl-C reaches us, not it, and we stop daemons in order). */
  spawn(name: string, command: string, args: readonly string[], opts: SpawnOptions = {}): ManagedProcess {
    const out = opts.logPath ? fs.openSync(opts.logPath, 'a') : 'ignore';
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        detached: true,
        stdio: ['ignore', out, out],
        env: opts.env ?? process.env,
        cwd: opts.cwd,
      });
    } finally {
      if (typeof out === 'number') fs.closeSync(out);
    }
    if (child.pid === undefined) {
      throw new Error(`could not start ${name} (${command}): ${describeSpawnFailure(command)}`);
    }
    // Not unref'd, a forgotten daemon would keep mocha alive forever; unref'd, the exit hook stops it.
    child.unref();
    child.on('error', () => undefined);
    const proc = new ManagedProcess(name, child.pid, opts.stopTimeoutMs ?? 10_000, this, child);
    this.live.add(proc);
    this.hook();
    return proc;
  }

  /**
   * A synchronous cleanup (remove a temp folder, a test user) run after the daemons are stopped
   * if the process exits or is signalled first. Returns the function that cancels it, for the
   * normal path where the owner cleans up itself.
   */
  atExit(cleanup: () => void): () => void {
    this.cleanups.add(cleanup);
    this.hook();
    return () => {
      this.cleanups.delete(cleanup);
      if (this.live.size === 0 && this.cleanups.size === 0) this.unhook();
    };
  }

  /** The daemons started and not yet exited, oldest first. */
  list(): ManagedProcess[] {
    return [...this.live];
  }

  /** Stops every live daemon, newest first (dockerd before the containerd it uses). Owners' own cleanups are theirs to run. */
  async stopAll(): Promise<void> {
    for (const proc of this.list().reverse()) await proc.stop();
  }

  /**
   * The same, synchronously, for 'exit' and signal handlers where nothing asynchronous runs any
   * more: poll /proc (a zombie counts as gone, since Node cannot reap it while we block).
   */
  stopAllSync(): void {
    for (const proc of this.list().reverse()) {
      if (!isAlive(proc.pid)) continue;
      signal(proc.pid, 'SIGTERM');
      if (!waitGoneSync(proc.pid, proc.stopTimeoutMs)) {
        signal(-proc.pid, 'SIGKILL');
        signal(proc.pid, 'SIGKILL');
        waitGoneSync(proc.pid, 5000);
      }
    }
    this.live.clear();
    for (const cleanup of [...this.cleanups].reverse()) {
      try {
        cleanup();
      } catch {
        // best effort while exiting: one failed cleanup must not skip the others
      }
    }
    this.cleanups.clear();
    this.unhook();
  }

  /** @internal called by ManagedProcess when its child has exited. */
  forget(proc: ManagedProcess): void {
    this.live.delete(proc);
    if (this.live.size === 0 && this.cleanups.size === 0) this.unhook();
  }

  private hook(): void {
    if (this.hooked) return;
    this.hooked = true;
    process.on('exit', this.onExit);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  private unhook(): void {
    if (!this.hooked) return;
    this.hooked = false;
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** The registry the service helpers use. */
export const processes = new ProcessRegistry();

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The state follows the command name, which is in parentheses and may itself hold ') '.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** Every live process below `pid` in the process tree (children, grandchildren, ...). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found.filter(isAlive);
}

/** Live processes whose command line contains `marker` (a path unique to one of our daemons). */
export function processesMentioning(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found.filter(isAlive);
}

/**
 * SIGTERM to `pids` (processes the caller's daemon started, e.g. sshd's per-connection children),
 * SIGKILL to those still alive after `timeoutMs`. Resolves when all are gone.
 */
export async function terminatePids(pids: readonly number[], timeoutMs = 3000): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (pids.some(isAlive) && Date.now() < killDeadline) await sleep(50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone (ESRCH): nothing to stop
  }
}

function waitGoneSync(pid: number, timeoutMs: number): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    Atomics.wait(pause, 0, 0, 20);
  }
  return true;
}

function describeSpawnFailure(command: string): string {
  if (command.includes('/') && !fs.existsSync(command)) return `${command} does not exist (run scripts/ensure-remote-services.sh)`;
  return 'spawn failed (is it installed? run scripts/ensure-remote-services.sh)';
}
