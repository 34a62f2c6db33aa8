import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, waitFor, workspaceRoot } from './helpers';

type Tree = Awaited<ReturnType<typeof api>>['container']['views']['runbooksTree'];

async function rootLabels(tree: Tree): Promise<string[]> {
  return (await tree.getChildren()).filter((n) => n.kind === 'runbook').map((n) => {
    const item = tree.getTreeItem(n);
    return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
  });
}

/** Polls the Runbooks tree (as the view asks it) until `check` holds for its runbook rows. */
async function treeShows(tree: Tree, check: (labels: string[]) => boolean, what: string): Promise<void> {
  let last: string[] = [];
  try {
    await waitFor(async () => check((last = await rootLabels(tree))), what, 20_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; the tree shows ${JSON.stringify(last)}`);
  }
}

// A team adds its runbook folder while VS Code is open: the folder did not exist when the runbooks
// were indexed and watched, and no Refresh Runbooks is run.
describe('a runbook folder created after start', () => {
  const rel = 'ops/runbooks';
  let tree: Tree;
  let root: string;

  before(async function () {
    this.timeout(30_000);
    const desk = await api();
    tree = desk.container.views.runbooksTree;
    root = workspaceRoot();
    await desk.container.views.runbooks.ready();
    fs.rmSync(path.join(root, 'ops'), { recursive: true, force: true });
    const config = vscode.workspace.getConfiguration('incidentDesk');
    await config.update('runbookFolders', ['runbooks', 'docs/runbooks', rel], vscode.ConfigurationTarget.Workspace);
    // The setting change re-indexes (and re-watches) with the folder still missing.
    await treeShows(tree, (l) => l.includes('Integration check'), 'the runbooks after the setting changed');
  });

  after(async () => {
    fs.rmSync(path.join(root, 'ops'), { recursive: true, force: true });
    await vscode.workspace.getConfiguration('incidentDesk').update('runbookFolders', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows a runbook written into the new folder, without a refresh', async function () {
    this.timeout(30_000);
    assert.equal(fs.existsSync(path.join(root, rel)), false);
    fs.mkdirSync(path.join(root, rel), { recursive: true });
    fs.writeFileSync(path.join(root, rel, 'queue.md'), '# Later queue check\n\n## Steps\n\n1. Look\n\n   ```bash\n   echo look\n   ```\n');
    await treeShows(tree, (l) => l.includes('Later queue check'), 'the runbook of the folder made after start');
  });

  it('forgets it when the folder is deleted, and shows a folder moved back in whole', async function () {
    this.timeout(30_000);
    fs.rmSync(path.join(root, 'ops'), { recursive: true, force: true });
    await treeShows(tree, (l) => !l.includes('Later queue check'), 'the runbook of the deleted folder to go');
    // Made elsewhere and moved in: the watcher sees one new folder, no file events inside it.
    const staging = fs.mkdtempSync(path.join(root, '.staging-'));
    fs.mkdirSync(path.join(staging, 'runbooks'));
    fs.writeFileSync(path.join(staging, 'runbooks', 'moved.md'), '# Moved in check\n\n1. Look\n\n   ```bash\n   echo moved\n   ```\n');
    fs.mkdirSync(path.join(root, 'ops'));
    fs.renameSync(path.join(staging, 'runbooks'), path.join(root, rel));
    fs.rmSync(staging, { recursive: true, force: true });
    await treeShows(tree, (l) => l.includes('Moved in check'), 'the runbook of the folder moved in');
  });

  it('shows a runbook folder whose parent is moved in whole', async function () {
    this.timeout(30_000);
    fs.rmSync(path.join(root, 'ops'), { recursive: true, force: true });
    await treeShows(tree, (l) => !l.includes('Moved in check'), 'the runbook of the deleted folder to go');
    const staging = fs.mkdtempSync(path.join(root, '.staging-'));
    fs.mkdirSync(path.join(staging, 'ops', 'runbooks'), { recursive: true });
    fs.writeFileSync(path.join(staging, 'ops', 'runbooks', 'whole.md'), '# Whole tree check\n\n1. Look\n\n   ```bash\n   echo whole\n   ```\n');
    fs.renameSync(path.join(staging, 'ops'), path.join(root, 'ops'));
    fs.rmSync(staging, { recursive: true, force: true });
    await treeShows(tree, (l) => l.includes('Whole tree check'), 'the runbook of the folder whose parent was moved in');
  });
});
