import * as vscode from 'vscode';
import type { RunbooksTreeProvider } from '../../views/runbooksTree';
import type { CommandDefinition } from '../commandRunner';

export function runbookCommands(tree: RunbooksTreeProvider): CommandDefinition[] {
  return [
    { id: 'incidentDesk.runbooks.refresh', run: async () => tree.refresh() },
    {
      id: 'incidentDesk.runbooks.open',
      run: async (_ctx, file?: unknown) => {
        const uri = (file as { uri?: vscode.Uri } | undefined)?.uri;
        if (uri) await vscode.window.showTextDocument(uri, { preview: false });
      },
    },
  ];
}
