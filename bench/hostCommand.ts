// Issue 12: each host command's overhead against the same command over `ssh` (≤ 1.2×). A real
// throwaway sshd on 127.0.0.1 (test/services/sshd.ts); ours connects as the product does (connectSsh:
// the host key checked against a known_hosts file, key auth); the plain tool is the system `ssh`
// with the same key, known_hosts, user and port, BatchMode and StrictHostKeyChecking on.
//
// What is compared, pair by pair (each interleaved, run by run, in rounds):
// - **open connection** (the like-for-like pair; the target applies here): a command on our open
//   connection (RemoteExecutor.exec: one exec channel), and a host script as the rollback runs its
//   small ones (runHostScript: `exec sh -s`, the script on stdin), against `ssh -S ctl` reusing a ControlMaster
//   started beforehand (one new session on its open connection, plus starting the ssh process, which
//   is what a script calling ssh pays per command);
// - **fresh connection** (info): connectSsh + exec against a new `ssh` process without a master;
// - **the rollback's detached command** (info): startDetached + followToEnd (the command under
//   setsid writing its output and exit status to files on the host, then followed and its status
//   read: three exec channels by design, so a dropped connection cannot kill a half-done
//   `compose up`) against the same command through the ControlMaster.
// Each with `true` and with a command printing ~100 KB (`seq 1 18900`, 102,294 bytes), output
// counted on both sides and checked equal.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { followToEnd, startDetached } from '../src/services/ssh/detachedCommand';
import { runHostScript } from '../src/services/ssh/hostScript';
import type { HostProfile } from '../src/services/ssh/hostProfiles';
import { type SshConnection, connectSsh } from '../src/services/ssh/sshConnection';
import { TrustStore } from '../src/services/ssh/trustStore';
import { type Sshd, startSshd } from '../test/services/sshd';
import { comparedFigure, type Figure, type FigureGroup } from './figures';
import { withScratchDir } from './scratch';
import { compareRounds, interleave, median, percentile, perRound } from './stats';
import { HOST_COMMAND_TARGET_RATIO } from './targets';

export interface HostCommandOptions {
  readonly rounds: number;
  /** Commands of each side per round on an open connection (and for the detached pair, a third of it). */
  readonly perRound: number;
  /** Fresh connections of each side per round. */
  readonly freshPerRound: number;
  readonly warmup: number;
}

const BIG = 'seq 1 18900';
const BIG_BYTES = 102_294;
const COMMANDS = [
  { label: '`true`', command: 'true', bytes: 0 },
  { label: '~100 KB output', command: BIG, bytes: BIG_BYTES },
] as const;

/** One command's run: its wall time and the stdout bytes that arrived. */
type Run = () => Promise<number>;

function sshArgs(sshd: Sshd, knownHosts: string, extra: readonly string[]): string[] {
  return [
    '-F', '/dev/null', '-T',
    '-i', sshd.userKeyPath,
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'BatchMode=yes',
    ...extra,
    '-p', String(sshd.port), `${sshd.user}@${sshd.host}`,
  ];
}

/** Runs `ssh … command` to its exit; resolves its wall time, after checking its exit code and output size. */
function sshOnce(args: readonly string[], command: string, bytes: number, control = false, input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    // A control request (-O) takes no command; it says "Master running" on stderr.
    const child = spawn('ssh', control ? [...args] : [...args, command], { stdio: ['pipe', 'pipe', 'pipe'] });
    // No input: stdin at EOF at once, as `ssh -n` (or a script's `< /dev/null`) has it.
    child.stdin.end(input ?? '');
    let got = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (got += d.length));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - t;
      if (code !== 0 || got !== bytes) reject(new Error(`ssh ${command}: exit ${code}, ${got} bytes of ${bytes}: ${stderr.trim()}`));
      else resolve(ms);
    });
  });
}

/** Exit statuses that did not arrive (outcome unknown, reason noExitStatus), of all our execs: counted, reported. */
const lostExit = { lost: 0, of: 0 };

/**
 * Runs `command` on an open connection; resolves its wall time, after checking its exit code and
 * output size. An exit status that never arrived (the channel closed without one; for `true` a few
 * in a hundred before sshConnection kept ssh2's early 'exit') is counted and reported, not a
 * failure, when the output is all there.
 */
async function execOnce(conn: SshConnection, command: string, bytes: number): Promise<number> {
  const t = performance.now();
  let got = 0;
  let stderr = '';
  const r = await conn.exec(command, { onData: (s, c) => (s === 'stdout' ? (got += c.length) : (stderr += c.toString())) }).done;
  const ms = performance.now() - t;
  lostExit.of++;
  const lost = r.outcome === 'unknown' && r.reason === 'noExitStatus' && stderr === '';
  if (lost) lostExit.lost++;
  if (!((r.outcome === 'exited' && r.exitCode === 0) || lost) || got !== bytes) throw new Error(`exec ${command}: ${JSON.stringify(r)}, ${got} bytes of ${bytes}: ${stderr.trim()}`);
  return ms;
}

/** A ControlMaster held by this process (no -f: its pid is the child's, stopped by stop()). */
async function startMaster(sshd: Sshd, knownHosts: string, ctl: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn('ssh', sshArgs(sshd, knownHosts, ['-M', '-N', '-S', ctl, '-o', 'ControlPersist=no']), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 15_000;
  while (!fs.existsSync(ctl)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the ssh ControlMaster did not start: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { stop };
}

interface PairResult {
  readonly ours: number[][];
  readonly plain: number[][];
}

function pairFigures(name: string, pair: PairResult, target: number | null): Figure[] {
  const p95 = (xs: readonly number[]) => percentile(xs, 95);
  return [
    comparedFigure(`${name}, median`, 'ms', compareRounds(perRound(pair.ours), perRound(pair.plain)), target),
    comparedFigure(`${name}, p95`, 'ms', compareRounds(perRound(pair.ours, p95), perRound(pair.plain, p95)), null),
  ];
}

export async function benchHostCommand(o: HostCommandOptions): Promise<FigureGroup> {
  lostExit.lost = 0;
  lostExit.of = 0;
  const sshd = await startSshd();
  try {
    return await withScratchDir('hostcmd', async (dir) => {
      const knownHosts = path.join(dir, 'known_hosts');
      fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
      const profile: HostProfile = { name: 'bench', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings' };
      const trustStore = new TrustStore(path.join(dir, 'store', 'known_hosts'), { protectedFiles: [knownHosts] });
      const connections: SshConnection[] = [];
      const connect = async (): Promise<SshConnection> => {
        const c = await connectSsh(profile, { hostKey: { knownHostsFiles: [knownHosts], trustStore, ask: async () => 'reject' }, agentSocket: false, homeDir: dir, readyTimeoutMs: 15_000 });
        connections.push(c);
        return c;
      };
      const ctl = path.join(dir, 'ctl');
      const master = await startMaster(sshd, knownHosts, ctl);
      const conn = await connect();
      try {
        const mux = sshArgs(sshd, knownHosts, ['-S', ctl, '-o', 'ControlMaster=no']);
        const fresh = sshArgs(sshd, knownHosts, ['-o', 'ControlMaster=no', '-o', 'ControlPath=none']);
        let runs = 0;
        // ssh's own share of a command on the master: its process and the mux hello, no session (interleaved with the first pair).
        const checkArgs = sshArgs(sshd, knownHosts, ['-S', ctl, '-O', 'check']);
        const checkMs: number[] = [];
        const check = async () => {
          checkMs.push(await sshOnce(checkArgs, '', 0, true));
          return 0;
        };
        const pair = async (ours: Run, plain: Run, perRoundN: number, withCheck = false): Promise<PairResult> => {
          const sides: Record<string, Run> = withCheck ? { ours, plain, check } : { ours, plain };
          const r = await interleave(sides, { rounds: o.rounds, perRound: perRoundN, warmup: o.warmup });
          return { ours: r.ours!, plain: r.plain! };
        };
        const figures: Figure[] = [];
        const notes: string[] = [];
        const starts: string[] = [];
        for (const c of COMMANDS) {
          const startMs: number[] = [];
          const open = await pair(() => execOnce(conn, c.command, c.bytes), () => sshOnce(mux, c.command, c.bytes), o.perRound, c.bytes === 0);
          figures.push(...pairFigures(`host command ${c.label}: exec on an open connection vs ssh reusing a ControlMaster`, open, HOST_COMMAND_TARGET_RATIO));
          const detached = await pair(async () => {
            const t = performance.now();
            const ref = { id: `bench-${process.pid}-${++runs}`, runsDir: '.incident-desk-bench/runs' };
            await startDetached(conn, { ...ref, command: c.command });
            startMs.push(performance.now() - t);
            let got = 0;
            const end = await followToEnd(conn, connect, ref, { onData: (s, chunk) => (got += s === 'stdout' ? chunk.length : 0), reconnectAttempts: 0 });
            const ms = performance.now() - t;
            if (!(end.outcome.outcome === 'exited' && end.outcome.exitCode === 0) || got !== c.bytes) throw new Error(`detached ${c.command}: ${JSON.stringify(end.outcome)}, ${got} bytes of ${c.bytes}`);
            return ms;
          }, () => sshOnce(mux, c.command, c.bytes), Math.max(2, Math.round(o.perRound / 3)));
          starts.push(`${c.label} ${median(startMs).toFixed(1)} ms`);
          figures.push(...pairFigures(`host command ${c.label}: the rollback's detached run (start + follow to end) vs ssh reusing a ControlMaster`, detached, null));
        }
        // The rollback's small host scripts (live commit, lock, detached start) go through runHostScript:
        // `exec sh -s` with the script on stdin; ssh gets the same command and the same stdin.
        const script = 'echo end';
        const scriptInput = `{\n${script}\n} < /dev/null\nexit\n`;
        const scripted = await pair(async () => {
          const t = performance.now();
          const r = await runHostScript(conn, script);
          const ms = performance.now() - t;
          if (r.stdout !== 'end\n') throw new Error(`host script: ${JSON.stringify(r)}`);
          return ms;
        }, () => sshOnce(mux, 'exec sh -s', 4, false, scriptInput), o.perRound);
        figures.push(...pairFigures('host script `echo end` (runHostScript: exec sh -s, the script on stdin) vs the same through ssh reusing a ControlMaster', scripted, HOST_COMMAND_TARGET_RATIO));
        const freshPair = await pair(async () => {
          const t = performance.now();
          const c = await connect();
          try {
            await execOnce(c, 'true', 0);
            return performance.now() - t;
          } finally {
            c.end();
          }
        }, () => sshOnce(fresh, 'true', 0), o.freshPerRound);
        figures.push(...pairFigures('host command `true` on a fresh connection: connectSsh + exec vs a new ssh process (no master)', freshPair, null));
        notes.push(
          `OpenSSH sshd on 127.0.0.1 started by the benchmark, user ${sshd.user}, ed25519 keys; ours: connectSsh (known_hosts check, key auth) as the product connects; ssh: ${['ssh', ...mux.slice(0, -3)].join(' ')} … user@127.0.0.1 <cmd>`,
          `${o.rounds} rounds, interleaved run by run; per round ${o.perRound} of each side on an open connection, ${Math.max(2, Math.round(o.perRound / 3))} detached runs and as many ssh, ${o.freshPerRound} fresh connections; a round's median (or p95) per side, then the median over rounds (min–max)`,
          'target (≤ 1.2×) on the like-for-like pairs: a command (or a host script on stdin) on an open connection against ssh on an open ControlMaster connection (the ssh process start included: what a script calling ssh pays per command); the fresh-connection pair (not the same key exchange: OpenSSH ≥ 9.0 prefers its post-quantum hybrid sntrup761x25519, ssh2 offers curve25519) and the detached run are for information',
          `the detached run is three exec channels by design (start under setsid, follow the output files from offsets, read the exit status), so a dropped connection cannot kill a half-done compose up; ~100 KB = \`${BIG}\` (${BIG_BYTES.toLocaleString('en-US')} bytes, counted on both sides)`,
        );
        notes.push(`of ssh's time per command on the master, its own process and the mux hello without a session (\`ssh -S ctl -O check\`, interleaved with the \`true\` pair): median ${median(checkMs).toFixed(1)} ms (${Math.min(...checkMs).toFixed(1)}–${Math.max(...checkMs).toFixed(1)}); the session itself is the rest`);
        notes.push(`of the detached run, startDetached alone (one exec: the run folder, the command under setsid): median ${starts.join(', ')}; the rest is the follower (it polls the output files from 20 ms, doubling while nothing comes) and the exit status read`);
        notes.push(`exit statuses lost by our exec (the channel closed without one: outcome unknown): ${lostExit.lost} of ${lostExit.of}`);
        return { title: 'host commands over SSH vs the ssh client (loopback sshd)', figures, notes };
      } finally {
        // The bench's run folders on the host, then our connections and the master (by its pid).
        await conn.exec('rm -rf -- "$HOME/.incident-desk-bench"').done.catch(() => undefined);
        for (const c of connections) c.end();
        await master.stop();
      }
    });
  } finally {
    await sshd.stop();
  }
}
