import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, waitFor, workspaceRoot } from './helpers';

describe('bad folders and bad settings, in the real extension host', () => {
  it('refuses an incidents/ that is a symbolic link: error row, nothing written through it', async () => {
    const root = workspaceRoot();
    const real = path.join(root, 'incidents');
    const moved = path.join(root, 'incidents-moved-aside');
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-elsewhere-'));
    const hadFolder = fs.existsSync(real);
    if (hadFolder) fs.renameSync(real, moved);
    fs.symlinkSync(elsewhere, real);
    try {
      const desk = await api();
      await vscode.commands.executeCommand('incidentDesk.incidents.refresh');
      const store = desk.container.incidents.store!;
      assert.match(store.problem ?? '', /symbolic link/);
      const tree = desk.container.views.incidentsTree;
      const row = tree.getChildren().find((n) => n.kind === 'folderProblem');
      assert.ok(row, 'no error row for the linked folder');
      const id = await vscode.commands.executeCommand<string | undefined>('incidentDesk.incident.declare', { title: 'Through the link', severity: 'P3', service: '' });
      assert.equal(id, undefined, 'declare went ahead through a symbolic link');
      assert.deepEqual(fs.readdirSync(elsewhere), [], 'something was written through the link');
    } finally {
      fs.unlinkSync(real);
      if (hadFolder) fs.renameSync(moved, real);
      fs.rmSync(elsewhere, { recursive: true, force: true });
      await vscode.commands.executeCommand('incidentDesk.incidents.refresh');
    }
    const desk = await api();
    assert.equal(desk.container.incidents.store!.problem, undefined);
  });

  it('reports an invalid severity policy and keeps the clock running on the preset', async () => {
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    const incidents = (await api()).container.incidents;
    await cfg.update('severities', [{ id: 'SEV1', label: 'Outage', responseMinutes: 'soon' }], vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor(() => incidents.policy.errors.length > 0, 'the policy to be re-read');
      assert.match(incidents.policy.errors.join(' '), /incidentDesk\.severities\[0\]\.responseMinutes/);
      assert.deepEqual(incidents.policy.levels.map((l) => l.id), ['P1', 'P2', 'P3', 'P4']);
      await cfg.update('severities', [{ id: 'SEV1', label: 'Outage', responseMinutes: 10 }], vscode.ConfigurationTarget.Workspace);
      await waitFor(() => incidents.policy.levels[0]?.id === 'SEV1', 'the custom policy to apply');
      assert.equal(incidents.policy.errors.length, 0);
      const refused = await vscode.commands.executeCommand<string | undefined>('incidentDesk.incident.declare', { title: 'Unknown severity', severity: 'P1', service: '' });
      assert.equal(refused, undefined, 'declared with a severity the policy does not have');
    } finally {
      await cfg.update('severities', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor(() => incidents.policy.levels[0]?.id === 'P1', 'the preset to come back');
  });
});
