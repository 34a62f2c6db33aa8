// Figure: time to an interactive prompt over SSH. connectSsh (host key checked against a
// known_hosts file, key auth) + shell() with a pty, until the first bytes of the shell's output,
// against the `ssh` CLI (`ssh -tt`, stdin a pipe) until the first byte on its stdout, both to the
// same real sshd on 127.0.0.1 that this benchmark starts, same user, key and remote login shell.
// The first output of an interactive login shell is its prompt (sshd runs with PrintMotd and
// PrintLastLog off; bash starts it with the bracketed-paste switch), so both clocks stop at the
// same event. Interleaved, alternating which goes first; medians.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HostProfile } from '../src/services/ssh/hostProfiles';
import { connectSsh } from '../src/services/ssh/sshConnection';
import type { ConnectSshDeps } from '../src/services/ssh/sshTypes';
import { TrustStore } from '../src/services/ssh/trustStore';
import { startSshd } from '../test/services/sshd';
import { figure, median } from './figures';
import type { FigureGroup } from './figures';
import { withScratchDir } from './scratch';

export interface SshPromptOptions {
  readonly iterations: number;
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

      const runners = { ours, cli };
      const names = Object.keys(runners) as Array<keyof typeof runners>;
      const first = { ours: await ours(), cli: await cli() };
      for (let i = 1; i < (opts.warmup ?? 2); i++) for (const n of names) await runners[n]();
      connectOnly.length = 0;
      const samples: Record<keyof typeof runners, number[]> = { ours: [], cli: [] };
      for (let i = 0; i < opts.iterations; i++) {
        for (let k = 0; k < names.length; k++) {
          const n = names[(i + k) % names.length]!;
          samples[n].push(await runners[n]());
        }
      }

      const ms = (n: number): string => `${n.toFixed(1)} ms`;
      const spread = (xs: number[]): string => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
      return {
        title: 'SSH: time to an interactive prompt (loopback sshd)',
        figures: [
          figure('SSH prompt: connectSsh + shell (pty) → first output', 'ms', median(samples.ours), median(samples.cli), 1.5),
          figure('SSH login only: connectSsh → ready', 'ms', median(connectOnly), null, null),
        ],
        notes: [
          `OpenSSH sshd on 127.0.0.1 started by the benchmark; user ${sshd.user}, ed25519 user and host keys, login shell of ${sshd.user} as the remote shell; ${opts.iterations} iterations (+${opts.warmup ?? 2} warm-up), alternating; medians`,
          'ours: connectSsh (known_hosts check, auth none → publickey) + shell({ term: xterm-256color }) until the first data bytes; end() and its close happen after the clock stops',
          `baseline: ssh -tt -F /dev/null -i key -o UserKnownHostsFile=… -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes, stdin a pipe, until its first stdout byte (process start included)`,
          `range: ours ${spread(samples.ours)}, ssh ${spread(samples.cli)}; first call (cold JIT, ssh2 loaded): ours ${ms(first.ours)}, ssh ${ms(first.cli)}`,
          `login alone (connectSsh → ready): median ${ms(median(connectOnly))}, ${spread(connectOnly)}; the rest is the remote login shell starting`,
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
