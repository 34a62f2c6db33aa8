// Figure: time to an interactive prompt over SSH. connectSsh (host key checked against a
// known_hosts file, key auth) + shell() with a pty, until the first bytes of the shell's output,
// against the `ssh` CLI (`ssh -tt`, stdin a pipe) until the first byte on its stdout, both to the
// same real sshd on 127.0.0.1 that this benchmark starts, same user, key and remote login shell.
// The first output of an interactive login shell is its prompt (sshd runs with PrintMotd and
// PrintLastLog off; bash starts it with the bracketed-paste switch), so both clocks stop at the
// same event. Interleaved in rounds, alternating which goes first; per-round ratio, median over rounds.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HostProfile } from '../src/services/ssh/hostProfiles';
import { connectSsh } from '../src/services/ssh/sshConnection';
import type { ConnectSshDeps } from '../src/services/ssh/sshTypes';
import { TrustStore } from '../src/services/ssh/trustStore';
import { startSshd } from '../test/services/sshd';
import { absoluteFigure, comparedFigure } from './figures';
import type { FigureGroup } from './figures';
import { compareRounds, interleave, perRound, spreadOf } from './stats';
import { withScratchDir } from './scratch';
import { SSH_PROMPT_TARGET_RATIO } from './targets';

export interface SshPromptOptions {
  readonly rounds: number;
  /** Logins of each side per round. */
  readonly perRound: number;
  /** Untimed rounds of each first (JIT, page cache, sshd's first fork). Default 2. */
  readonly warmup?: number;
}

const PROMPT_TIMEOUT_MS = 20_000;

export async function benchSshPrompt(opts: SshPromptOptions): Promise<FigureGroup> {
  const sshd = await startSshd();
  try {
    return await withScratchDir('ssh-prompt', async (dir) => {
      const knownHosts = path.join(dir, 'known_hosts');
      fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
      const profile: HostProfile = { name: 'bench', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings' };
      const deps: ConnectSshDeps = {
        hostKey: {
          knownHostsFiles: [knownHosts],
          trustStore: new TrustStore(path.join(dir, 'store', 'known_hosts'), { protectedFiles: [knownHosts] }),
          ask: async () => 'reject',
        },
        agentSocket: false,
        homeDir: dir,
      };
      const connectOnly: number[] = [];

      const ours = async (): Promise<number> => {
        const started = performance.now();
        const conn = await connectSsh(profile, deps);
        connectOnly.push(performance.now() - started);
        try {
          const shell = await conn.shell({ term: 'xterm-256color', cols: 80, rows: 24 });
          await withTimeout(new Promise<void>((resolve) => shell.onData(() => resolve())), 'connectSsh + shell');
          return performance.now() - started;
        } finally {
          const closed = new Promise<void>((resolve) => conn.onClose(() => resolve()));
          conn.end();
          await closed;
        }
      };

      const cli = async (): Promise<number> => {
        const args = [
          '-tt',
          '-F', '/dev/null',
          '-i', sshd.userKeyPath,
          '-o', `UserKnownHostsFile=${knownHosts}`,
          '-o', 'GlobalKnownHostsFile=/dev/null',
          '-o', 'StrictHostKeyChecking=yes',
          '-o', 'IdentitiesOnly=yes',
          '-o', 'IdentityAgent=none',
          '-o', 'BatchMode=yes',
          '-p', String(sshd.port),
          `${sshd.user}@${sshd.host}`,
        ];
        const started = performance.now();
        // The same TERM as ours: ssh -tt passes the local one to the remote shell.
        const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm-256color' } });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
        try {
          await withTimeout(
            new Promise<void>((resolve, reject) => {
              child.stdout.once('data', () => resolve());
              child.once('error', reject);
              child.once('exit', (code) => reject(new Error(`ssh exited (${code}) before a prompt: ${stderr.trim()}`)));
            }),
            'ssh -tt',
          );
          return performance.now() - started;
        } finally {
          child.kill('SIGTERM');
          await exited;
        }
      };

      const first = { ours: await ours(), cli: await cli() };
      for (let i = 1; i < (opts.warmup ?? 2); i++) for (const run of [ours, cli]) await run();
      connectOnly.length = 0; // only the measured rounds' logins
      const rounds = await interleave({ ours, cli }, { rounds: opts.rounds, perRound: opts.perRound, warmup: 0 });
      const prompt = compareRounds(perRound(rounds.ours), perRound(rounds.cli));

      const ms = (n: number): string => `${n.toFixed(1)} ms`;
      const login = spreadOf(connectOnly);
      return {
        title: 'SSH: time to an interactive prompt (loopback sshd)',
        figures: [
          comparedFigure('SSH prompt: connectSsh + shell (pty) → first output', 'ms', prompt, SSH_PROMPT_TARGET_RATIO),
          absoluteFigure('SSH login only: connectSsh → ready', 'ms', login, null),
        ],
        notes: [
          `OpenSSH sshd on 127.0.0.1 started by the benchmark; user ${sshd.user}, ed25519 user and host keys, login shell of ${sshd.user} as the remote shell; ${opts.rounds} rounds × ${opts.perRound} of each (+${opts.warmup ?? 2} warm-up), alternating; a round's median per side, then the median over rounds`,
          'ours: connectSsh (known_hosts check, auth none → publickey) + shell({ term: xterm-256color }) until the first data bytes; end() and its close happen after the clock stops',
          `baseline: ssh -tt -F /dev/null -i key -o UserKnownHostsFile=… -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes, stdin a pipe, until its first stdout byte (process start included)`,
          `first call (cold JIT, ssh2 loaded): ours ${ms(first.ours)}, ssh ${ms(first.cli)}; login alone (connectSsh → ready, every measured call): median ${ms(login.median)}, ${ms(login.min)}–${ms(login.max)}; the rest is the remote login shell starting`,
        ],
      };
    });
  } finally {
    await sshd.stop();
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no prompt within ${PROMPT_TIMEOUT_MS} ms`)), PROMPT_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}
