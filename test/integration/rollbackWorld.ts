// What the rollback wizard's integration tests share: the workspace's app repository (v1 serves
// www/health, v2 removed it: the live, faulty commit) with its ledger lines, and a real sshd whose
// login user owns a clone of it (git refuses a repository owned by someone else), checked out at v2.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appendLedger } from '../../src/services/git/deployLedger';
import { openRepository } from '../../src/services/git/gitRepository';
import type { RollbackPanel } from '../../src/webviews/rollback/rollbackPanel';
import { startSshd, type Sshd } from '../services/sshd';
import { api, incidentDir, waitFor } from './helpers';

export const git = (cwd: string, args: string[], date = '2026-11-20T10:00:00Z'): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'safe.directory=*', ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** The app at `app`: v1 (good) then v2 (bad), both deployed on `service` by CI per the ledger, v2 ten minutes ago. */
export async function shopApp(app: string, service: string): Promise<{ good: string; bad: string }> {
  fs.mkdirSync(path.join(app, 'www'), { recursive: true });
  git(app, ['init', '-q', '-b', 'main']);
  fs.writeFileSync(path.join(app, 'www', 'health'), 'ok v1\n');
  git(app, ['add', '-A']);
  git(app, ['commit', '-q', '-m', 'v1: health'], '2026-11-20T09:00:00Z');
  const good = git(app, ['rev-parse', 'HEAD']);
  fs.rmSync(path.join(app, 'www', 'health'));
  fs.writeFileSync(path.join(app, 'www', 'index.html'), 'v2\n');
  git(app, ['add', '-A']);
  git(app, ['commit', '-q', '-m', 'v2: health removed'], '2026-11-20T10:00:00Z');
  const bad = git(app, ['rev-parse', 'HEAD']);
  const repo = await openRepository(app);
  const now = Date.now();
  await appendLedger(repo, { sha: good, service, env: 'production', status: 'succeeded', at: new Date(now - 180 * 60_000).toISOString(), by: 'ci', kind: 'deploy' });
  await appendLedger(repo, { sha: bad, service, env: 'production', status: 'succeeded', at: new Date(now - 10 * 60_000).toISOString(), by: 'ci', kind: 'deploy' });
  return { good, bad };
}

/** A real sshd whose login user owns `tmp` with `work`, a clone of `app` at `bad`; a free loopback port for the app; a known_hosts file for it. */
export async function shopHost(app: string, bad: string, prefix: string): Promise<{ sshd: Sshd; tmp: string; work: string; port: number; knownHosts: string }> {
  const sshd = await startSshd();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const work = path.join(tmp, 'shop');
  git(tmp, ['clone', '-q', app, work]);
  git(work, ['checkout', '-q', '--detach', bad]);
  sshd.giveToUser(tmp);
  execFileSync('chown', ['-R', `${sshd.user}:`, tmp]);
  const port = await freePort();
  const knownHosts = path.join(tmp, 'known_hosts');
  fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  return { sshd, tmp, work, port, knownHosts };
}

/** Declares the incident and opens its wizard, once it has read its data. */
export async function openWizard(title: string, service: string): Promise<{ id: string; panel: RollbackPanel }> {
  const id = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title, severity: 'P2', service }))!;
  await vscode.commands.executeCommand('incidentDesk.incident.rollback', id);
  const launcher = (await api()).container.rollback;
  await waitFor(async () => !!(await launcher.panel(id))?.lastTarget, 'the wizard to read its data', 60_000);
  return { id, panel: (await launcher.panel(id))! };
}

/** Undoes the world: the wizard, the app's httpd, the hosts and settings, the sshd, the folders, the incident. */
export async function tearDown(w: { panel?: RollbackPanel; tmp?: string; hosts: string[]; sshd?: Sshd; app?: string; id?: string }): Promise<void> {
  const desk = await api();
  w.panel?.panel.dispose();
  try {
    const pid = Number(fs.readFileSync(path.join(w.tmp ?? '', 'httpd.pid'), 'utf8'));
    if (pid > 0) process.kill(pid);
  } catch {
    // httpd never started
  }
  for (const name of w.hosts) await desk.container.views.hosts.disconnect(name);
  const cfg = vscode.workspace.getConfiguration('incidentDesk');
  for (const key of ['hosts', 'ssh.knownHostsFiles', 'rollback.health']) await cfg.update(key, undefined, vscode.ConfigurationTarget.Global);
  await w.sshd?.stop();
  if (w.tmp) fs.rmSync(w.tmp, { recursive: true, force: true });
  if (w.app) fs.rmSync(w.app, { recursive: true, force: true });
  const id = w.id;
  if (id) {
    fs.rmSync(incidentDir(id), { recursive: true, force: true });
    const incidents = desk.container.incidents;
    await incidents.store?.checkForChanges();
    await waitFor(() => incidents.store?.get(id) === undefined, 'the incident to be gone', 20_000);
  }
}
