// Check What Host Runs, in the real extension host against a real OpenSSH sshd on loopback: two
// hosts whose work dirs are git clones owned by the login user, compared with the workspace's own
// repository (real git, fixed dates). What the Hosts view then shows is read from its tree items.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostRuns } from '../../src/core/rollback/hostRuns';
import { startSshd, type Sshd } from '../services/sshd';
import { api, tooltipPlain, workspaceRoot } from './helpers';

const git = (cwd: string, args: string[], date = '2026-11-20T10:00:00Z'): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();

describe('Check What Host Runs (real sshd, real git)', function () {
  this.timeout(90_000);
  let sshd: Sshd;
  let tmp: string;
  const shas: string[] = [];
  let foreign: string;

  before(async () => {
    const ws = workspaceRoot();
    assert.ok(!fs.existsSync(path.join(ws, '.git')), 'the test workspace is not a repository before this suite');
    git(ws, ['init', '-q', '-b', 'main']);
    for (const [i, date] of ['2026-11-20T10:00:00Z', '2026-11-21T10:00:00Z', '2026-11-22T10:00:00Z'].entries()) {
      fs.writeFileSync(path.join(ws, 'app-version.txt'), `v${i + 1}\n`);
      git(ws, ['add', 'app-version.txt']);
      git(ws, ['commit', '-q', '-m', `release v${i + 1}`], date);
      shas.push(git(ws, ['rev-parse', 'HEAD']));
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-hostruns-it-'));
    sshd = await startSshd();
    // web-1 runs v2 (one behind main); web-2 runs a commit made on the host only, with a local edit.
    const web1 = path.join(tmp, 'web-1');
    const web2 = path.join(tmp, 'web-2');
    git(tmp, ['clone', '-q', ws, web1]);
    git(web1, ['checkout', '-q', '--detach', shas[1]!]);
    git(tmp, ['clone', '-q', ws, web2]);
    fs.writeFileSync(path.join(web2, 'hotfix.txt'), 'patched on the host\n');
    git(web2, ['add', 'hotfix.txt']);
    git(web2, ['commit', '-q', '-m', 'hotfix made on the host'], '2026-11-23T10:00:00Z');
    foreign = git(web2, ['rev-parse', 'HEAD']);
    fs.writeFileSync(path.join(web2, 'app-version.txt'), 'edited by hand\n');
    // The login user owns both clones (git refuses a repository owned by someone else).
    sshd.giveToUser(tmp);
    execFileSync('chown', ['-R', `${sshd.user}:`, web1, web2]);
    const knownHosts = path.join(tmp, 'known_hosts');
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('ssh.knownHostsFiles', [knownHosts], vscode.ConfigurationTarget.Global);
    const host = { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath };
    await cfg.update('hosts', [{ name: 'web-1', ...host, workDir: web1 }, { name: 'web-2', ...host, workDir: web2 }, { name: 'bare', ...host }], vscode.ConfigurationTarget.Global);
    await (await api()).container.views.hosts.reload();
  });

  after(async () => {
    const desk = await api();
    for (const name of ['web-1', 'web-2', 'bare']) await desk.container.views.hosts.disconnect(name);
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('ssh.knownHostsFiles', undefined, vscode.ConfigurationTarget.Global);
    await sshd?.stop();
    fs.rmSync(path.join(workspaceRoot(), '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(workspaceRoot(), 'app-version.txt'), { force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function hostItem(name: string): Promise<vscode.TreeItem> {
    const tree = (await api()).container.views.hostsTree;
    const node = (await tree.getChildren()).find((n) => n.name === name);
    assert.ok(node, `${name} in the Hosts view`);
    return tree.getTreeItem(node);
  }

  it('a host at an older release: its commit from git HEAD, one behind main, no warning', async () => {
    const runs = await vscode.commands.executeCommand<HostRuns>('incidentDesk.hosts.checkRuns', 'web-1');
    assert.ok(runs, 'the command answered');
    assert.deepEqual(runs.answer.kind === 'found' && [runs.answer.sha, runs.answer.source, runs.answer.dirty], [shas[1], 'git', false]);
    assert.deepEqual(runs.comparison, { kind: 'compared', known: true, branch: 'main', ahead: 0, behind: 1 });
    const item = await hostItem('web-1');
    assert.match(String(item.description), new RegExp(`runs ${shas[1]!.slice(0, 7)} · 1 behind main$`));
    assert.match(tooltipPlain(item), /from git HEAD in the work dir, detached HEAD/);
    assert.notEqual((item.iconPath as vscode.ThemeIcon).id, 'warning');
  });

  it('a host running a commit the repository does not have, with a hand edit: unknown commit, uncommitted changes, and the two hosts disagree', async () => {
    const runs = await vscode.commands.executeCommand<HostRuns>('incidentDesk.hosts.checkRuns', 'web-2');
    assert.deepEqual(runs?.answer.kind === 'found' && [runs.answer.sha, runs.answer.dirty, runs.answer.branch], [foreign, true, 'main']);
    assert.deepEqual(runs?.comparison, { kind: 'compared', known: false });
    const web2 = await hostItem('web-2');
    assert.match(String(web2.description), new RegExp(`runs ${foreign.slice(0, 7)} · unknown commit · uncommitted changes · differs from web-1$`));
    assert.equal((web2.iconPath as vscode.ThemeIcon).id, 'warning');
    // web-1's row now says it disagrees with web-2 too.
    assert.match(String((await hostItem('web-1')).description), /differs from web-2$/);
  });

  it('a host with no work dir and nothing to tell: unknown, with the reasons, never a commit', async () => {
    const runs = await vscode.commands.executeCommand<HostRuns>('incidentDesk.hosts.checkRuns', 'bare');
    assert.equal(runs?.answer.kind, 'unknown');
    const item = await hostItem('bare');
    assert.match(String(item.description), /runs: unknown$/);
    assert.match(tooltipPlain(item), /git: no work dir configured for this host/);
  });
});
