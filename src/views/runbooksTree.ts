import * as vscode from 'vscode';

/** Folders searched for runbooks (the runbooks issue makes this a setting and parses the files). */
const RUNBOOK_GLOB = '{runbooks,docs/runbooks}/**/*.{md,markdown,yaml,yml}';

interface RunbookFile { uri: vscode.Uri; label: string }

/** The Runbooks view, for now a list of runbook files in the workspace; clicking opens one. */
export class RunbooksTreeProvider implements vscode.TreeDataProvider<RunbookFile>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private files: RunbookFile[] | undefined;

  private watching = false;

  /** The watcher starts when the view first shows, not at activation. */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const watcher = vscode.workspace.createFileSystemWatcher(RUNBOOK_GLOB, false, true, false);
    this.disposables.push(watcher, watcher.onDidCreate(() => this.refresh()), watcher.onDidDelete(() => this.refresh()));
  }

  refresh(): void {
    this.files = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: RunbookFile): Promise<RunbookFile[]> {
    if (node) return [];
    this.watch();
    if (!this.files) {
      const uris = await vscode.workspace.findFiles(RUNBOOK_GLOB, '**/node_modules/**', 2000);
      this.files = uris
        .map((uri) => ({ uri, label: vscode.workspace.asRelativePath(uri, false) }))
        .sort((a, b) => a.label.localeCompare(b.label));
      void vscode.commands.executeCommand('setContext', 'incidentDesk.runbooksLoaded', true);
      void vscode.commands.executeCommand('setContext', 'incidentDesk.hasRunbooks', this.files.length > 0);
    }
    return this.files;
  }

  getTreeItem(file: RunbookFile): vscode.TreeItem {
    const item = new vscode.TreeItem(file.uri);
    item.label = file.label.replace(/^(docs\/)?runbooks\//, '');
    item.description = file.label.startsWith('docs/') ? 'docs/runbooks' : undefined;
    item.iconPath = new vscode.ThemeIcon('book');
    item.contextValue = 'runbookFile';
    item.command = { command: 'vscode.open', title: 'Open Runbook', arguments: [file.uri] };
    return item;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
