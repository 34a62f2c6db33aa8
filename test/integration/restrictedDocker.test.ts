import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, workspaceRoot } from './helpers';

// Runs in the Restricted Mode pass (an untrusted window): a cloned repository must not be able to
// switch on plain-text Docker through its .vscode/settings.json.
describe('@restricted: incidentDesk.docker.allowInsecureTcp from the workspace is ignored', () => {
  const saved = { DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_CONTEXT: process.env.DOCKER_CONTEXT, DOCKER_CONFIG: process.env.DOCKER_CONFIG };
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-restricted-docker-'));
  });

  after(async () => {
    await vscode.workspace.getConfiguration('incidentDesk').update('docker.allowInsecureTcp', undefined, vscode.ConfigurationTarget.Workspace);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the Local Docker engine still refuses plain tcp:// although the workspace settings allow it', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await vscode.workspace.getConfiguration('incidentDesk').update('docker.allowInsecureTcp', true, vscode.ConfigurationTarget.Workspace);
    const written = JSON.parse(fs.readFileSync(path.join(workspaceRoot(), '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(written['incidentDesk.docker.allowInsecureTcp'], true, 'the workspace settings file does say true');
    delete process.env.DOCKER_CONTEXT;
    process.env.DOCKER_CONFIG = path.join(tmp, 'docker-config');
    // Nothing listens there: the decision is made before any connection.
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:9';
    const tree = (await api()).container.views.hostsTree;
    const local = (await tree.getChildren()).find((n) => n.kind === 'local');
    assert.ok(local);
    const item = tree.getTreeItem(local);
    assert.equal(item.description, 'refused');
    assert.match(String(item.tooltip), /plain-text, unauthenticated/);
  });
});
