// The rollback wizard in Restricted Mode: it reads git and plans (the commands are shown), but
// nothing runs: not on a host (no connection is even opened: every host points at a listener that
// counts who connects), not a revert branch, not a push.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appendLedger } from '../../src/services/git/deployLedger';
import { openRepository } from '../../src/services/git/gitRepository';
import type { StrategyData } from '../../src/webviews/rollback/protocolRun';
import { RepoBuilder } from '../unit/services/git/gitFixture';
import { api, incidentDir, waitFor, workspaceRoot } from './helpers';

describe('@restricted: the rollback wizard in Restricted Mode', function () {
  this.timeout(90_000);
  let connections = 0;
  const sentinel = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  let dir: string;
  let id: string;
  const shas: string[] = [];
  const cfg = () => vscode.workspace.getConfiguration('incidentDesk');

  before(async () => {
    await new Promise<void>((r) => sentinel.listen(0, '127.0.0.1', r));
    const port = (sentinel.address() as net.AddressInfo).port;
    dir = path.join(workspaceRoot(), 'rollback-restricted-app');
    const repo = RepoBuilder.init(dir);
    shas.push(repo.commit('one', '2026-11-01T09:00:00Z', { 'a.txt': '1\n' }));
    shas.push(repo.commit('two', '2026-11-01T10:00:00Z', { 'a.txt': '2\n' }));
    const r = await openRepository(dir);
    const now = Date.now();
    await appendLedger(r, { sha: shas[0]!, service: 'restricted-shop', env: 'production', status: 'succeeded', at: new Date(now - 180 * 60_000).toISOString(), by: 'ci', kind: 'deploy' });
    await appendLedger(r, { sha: shas[1]!, service: 'restricted-shop', env: 'production', status: 'succeeded', at: new Date(now - 10 * 60_000).toISOString(), by: 'ci', kind: 'deploy' });
    await cfg().update('hosts', [
      { name: 'sentinel-compose', host: '127.0.0.1', port, user: 'ops', workDir: '/srv/app' },
      { name: 'sentinel-deploy', host: '127.0.0.1', port, user: 'ops', workDir: '/srv/app', deploy: ['git checkout --detach ${sha}'] },
    ], vscode.ConfigurationTarget.Global);
    await cfg().update('rollback.command', './rollback.sh ${sha}', vscode.ConfigurationTarget.Global);
    await (await api()).container.views.hosts.reload();
    id = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Rollback seen untrusted', severity: 'P3', service: 'restricted-shop' }))!;
  });

  after(async () => {
    (await (await api()).container.rollback.panel(id))?.panel.dispose();
    await cfg().update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('rollback.command', undefined, vscode.ConfigurationTarget.Global);
    await new Promise((r) => sentinel.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(incidentDir(id), { recursive: true, force: true });
    const incidents = (await api()).container.incidents;
    await incidents.store?.checkForChanges();
    await waitFor(() => incidents.store?.get(id) === undefined, 'the incident to be gone', 20_000);
  });

  it('plans and shows the commands, runs nothing, connects to no host', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await vscode.commands.executeCommand('incidentDesk.incident.rollback', id);
    const launcher = (await api()).container.rollback;
    await waitFor(async () => !!(await launcher.panel(id))?.lastTarget, 'the wizard to read its data', 60_000);
    const panel = (await launcher.panel(id))!;
    assert.equal(panel.lastTarget?.trusted, false);
    assert.equal(panel.lastTarget?.stable?.sha, shas[0]);
    await panel.dispatch('goTo', { step: 'preview', target: { sha: shas[0]!, label: 'one' } });
    await panel.dispatch('goTo', { step: 'strategy' });
    for (const host of ['sentinel-compose', 'sentinel-deploy']) {
      const d = (await panel.dispatch('strategies', { host })) as StrategyData;
      assert.match(d.hostProblem ?? '', /needs a trusted workspace/);
      for (const o of d.options.filter((x) => x.strategy !== 'revert')) {
        assert.equal(o.available, false, `${host} ${o.strategy}`);
        assert.match(o.problems.join(' '), /needs a trusted workspace/);
      }
      if (host === 'sentinel-deploy') {
        assert.equal(d.options.find((o) => o.strategy === 'redeploy')!.commands[0]!.command, `git checkout --detach ${shas[0]}`, 'the commands are still shown');
        assert.equal(d.options.find((o) => o.strategy === 'teamCommand')!.commands[0]!.command, `./rollback.sh ${shas[0]}`);
      }
    }
    await panel.dispatch('goTo', { step: 'run' });
    const run = (await panel.dispatch('run', { host: 'sentinel-deploy', strategy: 'redeploy', commands: [`git checkout --detach ${shas[0]}`] })) as { ok: boolean; message: string };
    assert.deepEqual([run.ok, /trusted workspace/.test(run.message)], [false, true]);
    const revert = (await panel.dispatch('makeRevertBranch', {})) as { ok: boolean; message: string };
    assert.deepEqual([revert.ok, /trusted workspace/.test(revert.message)], [false, true]);
    assert.equal(panel.lastRun, undefined);
    assert.equal(connections, 0, 'no host was dialled');
    const branches = (await (await openRepository(dir)).raw(['branch', '--list', 'rollback/*'])).trim();
    assert.equal(branches, '');
  });
});
