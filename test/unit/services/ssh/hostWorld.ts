// Shared by the rollback's host tests: a real sshd, connections to it trusting its key through a
// temp known_hosts (never the real ~/.ssh), and a helper that runs a command as the login user.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { HostLockHandle, HostLockResult } from '../../../../src/services/ssh/hostLock';
import type { HostProfile } from '../../../../src/services/ssh/hostProfiles';
import { type SshConnection, connectSsh } from '../../../../src/services/ssh/sshConnection';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import { type Sshd, type SshdOptions, startSshd } from '../../../services/sshd';
import type { TempDirs } from '../../support/tempDirs';

export interface HostWorld {
  /** Logs in as the server's user; `port`: the same profile on another port (nothing listening there: unreachable). */
  connect(port?: number): Promise<SshConnection>;
  /** Runs `command` through the login user's shell; stdout, or a failure with stderr. */
  sh(conn: SshConnection, command: string): Promise<string>;
}

export async function hostWorld(sshd: Sshd, temp: TempDirs): Promise<HostWorld> {
  const dir = await temp.make('ids-host-');
  const knownHosts = path.join(dir, 'known_hosts');
  await fsp.writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const trustStore = new TrustStore(path.join(dir, 'store', 'known_hosts'), { protectedFiles: [knownHosts] });
  const profile: HostProfile = { name: 'rollback-host', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings' };
  return {
    connect: (port?: number) =>
      connectSsh(port === undefined ? profile : { ...profile, port }, {
        hostKey: { knownHostsFiles: [knownHosts], trustStore, ask: async () => 'reject' },
        agentSocket: false,
        homeDir: dir,
        readyTimeoutMs: 15_000,
      }),
    async sh(conn, command) {
      let stdout = '';
      let stderr = '';
      const result = await conn.exec(command, { onData: (s, c) => (s === 'stdout' ? (stdout += c.toString()) : (stderr += c.toString())) }).done;
      // An unknown outcome (the exit status lost under load) is accepted when nothing went to stderr.
      assert.ok(result.outcome === 'exited' ? result.exitCode === 0 : result.outcome === 'unknown' && stderr === '', `${command}: ${JSON.stringify(result)} ${stderr}`);
      return stdout;
    },
  };
}

export function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

export function git(cwd: string, args: string[], date = '2026-01-10T10:00:00Z'): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
  }).trim();
}

/** A small history: two commits and a tag; returns the repo and its commits. */
export async function fixtureRepo(dir: string): Promise<{ repo: string; first: string; second: string }> {
  const repo = path.join(dir, 'src');
  await fsp.mkdir(repo);
  git(repo, ['init', '-q', '-b', 'main']);
  await fsp.writeFile(path.join(repo, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n');
  git(repo, ['add', '.']);
  git(repo, ['commit', '-q', '-m', 'first']);
  const first = git(repo, ['rev-parse', 'HEAD']);
  await fsp.writeFile(path.join(repo, 'app.txt'), 'v2\n');
  git(repo, ['add', '.']);
  git(repo, ['commit', '-q', '-m', 'second'], '2026-01-11T10:00:00Z');
  git(repo, ['tag', 'v2']);
  return { repo, first, second: git(repo, ['rev-parse', 'HEAD']) };
}

/**
 * The fixture repository cloned on the host as `name` in the login user's home, by that user (git
 * refuses a repository owned by someone else). The bundle's folder is given to the user to read.
 */
export async function cloneFixtureOnHost(sshd: Sshd, world: HostWorld, conn: SshConnection, temp: TempDirs, name: string): Promise<{ shared: string; bundle: string; first: string; second: string }> {
  const shared = await temp.make('ids-live-');
  const { repo, first, second } = await fixtureRepo(shared);
  const bundle = path.join(shared, 'repo.bundle');
  git(repo, ['bundle', 'create', '-q', bundle, '--all']);
  sshd.giveToUser(shared);
  await world.sh(conn, `git clone -q ${bundle} ${name} && git -C ${name} checkout -q main`);
  return { shared, bundle, first, second };
}

/**
 * For a describe block: a real sshd started before its tests and stopped after them, and
 * connections to it that are all ended after them too.
 */
export function realHost(temp: TempDirs, opts: SshdOptions = {}): { readonly sshd: Sshd; readonly world: HostWorld; connect(): Promise<SshConnection> } {
  let sshd: Sshd | undefined;
  let world: HostWorld | undefined;
  const conns: SshConnection[] = [];
  before(async () => {
    sshd = await startSshd(opts);
    world = await hostWorld(sshd, temp);
  });
  after(async () => {
    for (const c of conns) c.end();
    await sshd?.stop();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the host is not started yet (use it inside a test)');
    return v;
  };
  return {
    get sshd() {
      return started(sshd);
    },
    get world() {
      return started(world);
    },
    async connect() {
      const c = await started(world).connect();
      conns.push(c);
      return c;
    },
  };
}

/** The lock a take was expected to get; fails with what it got instead. */
export function acquired(r: HostLockResult): HostLockHandle {
  assert.equal(r.kind, 'acquired', JSON.stringify(r));
  return (r as Extract<HostLockResult, { kind: 'acquired' }>).lock;
}
