import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, waitFor, workspaceRoot } from './helpers';

// Runs in the Restricted Mode pass (INCIDENT_DESK_WORKSPACE_TRUST=1): recording an incident works in
// an untrusted clone, and so does writing its post-mortem (a file in the repository, nothing run).
describe('@restricted: Write Post-Mortem in Restricted Mode', function () {
  this.timeout(60_000);

  it('creates incidents/<id>.md from the record and opens it in the post-mortem editor', async () => {
    const desk = await api();
    assert.equal(vscode.workspace.isTrusted, false);
    const id = await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Post-mortem from an untrusted clone', severity: 'P2', service: 'web' });
    await vscode.commands.executeCommand('incidentDesk.incident.resolve', id, 'fixed');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('incidentDesk.incident.writePostmortem', id);
    const file = path.join(workspaceRoot(), 'incidents', `${id}.md`);
    assert.equal(uri?.fsPath, file);
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`^---\\nincident: "${id}"\\n`));
    await waitFor(() => desk.container.postmortemEditor.open.has(vscode.Uri.file(file).toString()), 'the post-mortem editor to open');
    assert.equal(vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)?.isDirty, false, 'opening marks nothing dirty');
  });
});
