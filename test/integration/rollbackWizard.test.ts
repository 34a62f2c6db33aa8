// The rollback wizard in the real extension host: Incident: Roll Back… on an incident opens one
// panel per incident that reads the repository one level below the workspace folder (the app
// checked out beside incidents/), the ledger's deploys and the incident as evidence.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appendLedger } from '../../src/services/git/deployLedger';
import { openRepository } from '../../src/services/git/gitRepository';
import { RepoBuilder } from '../unit/services/git/gitFixture';
import { api, incidentDir, waitFor, workspaceRoot } from './helpers';

describe('rollback wizard (real extension host)', function () {
  this.timeout(90_000);
  let dir: string;
  let id: string;
  const shas: string[] = [];

  before(async () => {
    await api();
    dir = path.join(workspaceRoot(), 'rollback-app');
    const repo = RepoBuilder.init(dir);
    shas.push(repo.commit('one', '2026-11-01T09:00:00Z', { 'a.txt': '1\n' }));
    shas.push(repo.commit('two', '2026-11-01T10:00:00Z', { 'a.txt': '2\n' }));
    shas.push(repo.commit('three', '2026-11-01T11:00:00Z', { 'db/migrate/3.sql': 'x\n' }));
    const r = await openRepository(dir);
    const now = Date.now();
    for (const [sha, ago] of [[shas[0]!, 180], [shas[1]!, 120], [shas[2]!, 10]] as const) {
      await appendLedger(r, { sha, service: 'rollback-shop', env: 'production', status: 'succeeded', at: new Date(now - ago * 60_000).toISOString(), by: 'ci', kind: 'deploy' });
    }
    const declared = await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Rollback wizard check', severity: 'P3', service: 'rollback-shop' });
    assert.ok(declared);
    id = declared;
  });

  after(async () => {
    (await (await api()).container.rollback.panel(id))?.panel.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    // The suites after this one share the workspace: leave no extra active incident behind.
    fs.rmSync(incidentDir(id), { recursive: true, force: true });
    const incidents = (await api()).container.incidents;
    await incidents.store?.checkForChanges();
    await waitFor(() => incidents.store?.get(id) === undefined, 'the incident to be gone', 20_000);
  });

  it('opens the wizard on the stable commit, read from the repository one level below the workspace folder', async () => {
    await vscode.commands.executeCommand('incidentDesk.incident.rollback', id);
    const launcher = (await api()).container.rollback;
    await waitFor(async () => !!(await launcher.panel(id))?.lastTarget, 'the wizard to read its data', 60_000);
    const panel = await launcher.panel(id);
    const t = panel!.lastTarget!;
    assert.equal(t.problem, null);
    assert.equal(fs.realpathSync(t.repo!.root), fs.realpathSync(dir));
    assert.equal(t.live?.sha, shas[2]);
    assert.equal(t.stable?.sha, shas[1]);
    assert.equal(t.stable?.subject, 'two');
    assert.deepEqual(t.candidates.map((c) => c.sha), [shas[0]]);
    assert.equal(t.incident.id, id);
    assert.equal(panel!.currentStep, 'target');
    assert.deepEqual(panel!.cspViolations, []);
  });

  it('a second Roll Back… brings the same panel forward (one per incident)', async () => {
    const launcher = (await api()).container.rollback;
    const first = await launcher.panel(id);
    await vscode.commands.executeCommand('incidentDesk.incident.rollback', { incidentId: id });
    assert.equal(await launcher.panel(id), first);
  });
});
