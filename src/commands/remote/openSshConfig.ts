import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { userSshConfigPath } from '../../remote/hostsController';
import type { CommandDefinition } from '../commandRunner';

/** What a new ~/.ssh/config starts with: an example to uncomment, so saving it unchanged adds nothing. */
const NEW_CONFIG = `# ~/.ssh/config: read by ssh and by Incident Desk. Every concrete Host below shows in the
# Hosts view when this file is saved. Uncomment and fill in:
#
# Host prod-web-1
#     HostName 203.0.113.10
#     User deploy
#     IdentityFile ~/.ssh/id_ed25519
`;

/**
 * Open SSH Config File: ~/.ssh/config in an editor. When it does not exist yet, an untitled editor
 * bound to that path (nothing is written until you save). Saving it refreshes the Hosts view
 * (HostsController).
 */
export const openSshConfig: CommandDefinition = {
  id: 'incidentDesk.hosts.openSshConfig',
  async run() {
    const file = userSshConfigPath();
    const exists = await fsp.stat(file).then((s) => s.isFile(), () => false);
    const doc = await vscode.workspace.openTextDocument(exists ? vscode.Uri.file(file) : vscode.Uri.file(file).with({ scheme: 'untitled' }));
    const editor = await vscode.window.showTextDocument(doc);
    if (!exists && doc.getText() === '') await editor.edit((b) => b.insert(new vscode.Position(0, 0), NEW_CONFIG));
    return file;
  },
};
