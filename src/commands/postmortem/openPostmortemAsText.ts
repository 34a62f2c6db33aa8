import * as vscode from 'vscode';
import type { CommandDefinition } from '../commandRunner';

function targetUri(target: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputCustom || tab instanceof vscode.TabInputText) return tab.uri;
  return undefined;
}

/** Open Post-Mortem as Text: the same file in VS Code's text editor, beside the form (both follow each other). */
export const openPostmortemAsText: CommandDefinition = {
  id: 'incidentDesk.postmortem.openAsText',
  async run(_ctx, target?: unknown) {
    const uri = targetUri(target);
    if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, 'default', vscode.ViewColumn.Beside);
  },
};

/** Open in Post-Mortem Editor: the form over a post-mortem open as text. */
export const openPostmortemEditor: CommandDefinition = {
  id: 'incidentDesk.postmortem.openEditor',
  async run(_ctx, target?: unknown) {
    const uri = targetUri(target);
    if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, 'incidentDesk.postmortem');
  },
};
