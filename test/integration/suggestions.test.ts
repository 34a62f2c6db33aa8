import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, waitFor } from './helpers';

type Tree = Awaited<ReturnType<typeof api>>['container']['views']['runbooksTree'];

function labelOf(tree: Tree, node: Parameters<Tree['getTreeItem']>[0]): string {
  const l = tree.getTreeItem(node).label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

// The user's path: declare an incident whose title names a symptom the built-in runbooks check in
// their steps (not in their titles), then look at the Runbooks view and run Suggest Runbooks.
describe('suggestions after Declare find the obvious', () => {
  let tree: Tree;

  before(async function () {
    this.timeout(60_000);
    const desk = await api();
    tree = desk.container.views.runbooksTree;
    await desk.container.views.runbooks.parsed();
    await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Disk full on web', severity: 'P2', service: 'web' });
  });

  it('the Runbooks view suggests the runbooks that check the disk', async function () {
    this.timeout(30_000);
    let shown: string[] = [];
    await waitFor(async () => {
      const [first] = await tree.getChildren();
      shown = first?.kind === 'suggestions' && first.incidentTitle === 'Disk full on web' ? (await tree.getChildren(first)).map((n) => labelOf(tree, n)) : [];
      return shown.length > 0;
    }, 'suggestions for "Disk full on web"', 20_000);
    assert.equal(shown.length, 3, JSON.stringify(shown));
    const disk = ['Backup failed', 'Cache or Redis failure', 'Database connection lost', 'Deployment failed', 'Performance degradation', 'Site down'];
    for (const t of shown) assert.ok(disk.includes(t), `${t} does not check the disk: ${JSON.stringify(shown)}`);
  });

  it('Suggest Runbooks lists them with the words that matched', async function () {
    this.timeout(30_000);
    const window = vscode.window as { showQuickPick: typeof vscode.window.showQuickPick };
    const original = window.showQuickPick;
    let items: vscode.QuickPickItem[] = [];
    window.showQuickPick = (async (list: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
      items = [...(await list)];
      return undefined;
    }) as unknown as typeof original;
    try {
      await vscode.commands.executeCommand('incidentDesk.runbooks.suggest');
    } finally {
      window.showQuickPick = original;
    }
    const labels = items.map((i) => i.label);
    for (const t of ['Database connection lost', 'Site down']) assert.ok(labels.includes(t), JSON.stringify(labels));
    for (const i of items) assert.match(i.detail ?? '', /^matches: disk, full\b/, `${i.label}: ${i.detail}`);
  });
});
