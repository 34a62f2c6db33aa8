import * as vscode from 'vscode';
import type { IncidentsController } from '../../incidents/incidentsController';
import type { PostmortemFiles } from '../../postmortems/postmortemFiles';
import { FollowupsTreeProvider, type FollowupNode } from '../../views/followupsTree';
import { registerCommand, type CommandContext } from '../commandRunner';
import { followupCommands } from './followupCommands';

export interface FollowupsParts {
  readonly tree: FollowupsTreeProvider;
  readonly view: vscode.TreeView<FollowupNode>;
  readonly registration: vscode.Disposable;
}

/** The Follow-ups view, its commands, its badge (overdue items) and its checkboxes. */
export function registerFollowups(ctx: CommandContext, files: PostmortemFiles, incidents: IncidentsController): FollowupsParts {
  const tree = new FollowupsTreeProvider(files, incidents.onDidTick);
  const view = vscode.window.createTreeView<FollowupNode>('incidentDesk.followups', { treeDataProvider: tree, manageCheckboxStateManually: true });
  const badge = () => {
    const n = tree.overdueCount();
    view.badge = n ? { value: n, tooltip: `${n} overdue action item${n === 1 ? '' : 's'}` } : undefined;
  };
  const disposables: vscode.Disposable[] = [
    tree,
    view,
    files.onDidChange(badge),
    incidents.onDidTick(badge),
    // A tick runs Mark Done (its errors are reported by the one wrapper); a failed one is redrawn unticked.
    view.onDidChangeCheckboxState(async (e) => {
      for (const [node, state] of e.items) {
        if (node.kind !== 'followup' || state !== vscode.TreeItemCheckboxState.Checked) continue;
        const done = await vscode.commands.executeCommand<boolean | undefined>('incidentDesk.followups.markDone', node);
        if (!done) tree.refresh();
      }
    }),
    ...followupCommands(files, tree).map((def) => registerCommand(def, ctx)),
  ];
  return { tree, view, registration: vscode.Disposable.from(...disposables) };
}
