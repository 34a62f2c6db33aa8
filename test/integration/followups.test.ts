import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FollowupNode } from '../../src/views/followupsTree';
import { api, tooltipPlain, waitFor, workspaceRoot } from './helpers';

/** A post-mortem as a teammate would commit it (CRLF line endings: a tick must not rewrite them). */
const POSTMORTEM = [
  '---',
  'incident: 2026-10-01-disk-full',
  'title: Disk full on the database primary',
  'status: final',
  '---',
  '',
  '# Post-mortem: Disk full on the database primary',
  '',
  '## Action items',
  '',
  '- [x] Rotate the WAL archive (owner: Kim, due: 2026-10-08, type: mitigate)',
  '- [ ] Alert at 80% disk (owner: Robin, due: 2020-01-15, type: prevent)',
  '- [ ] Move backups off the primary (owner: Kim, due: 2099-12-31, type: prevent)',
  '- [ ] Write the disk runbook',
  '',
  '## Lessons learned',
  '',
  '- [ ] Not an action item (owner: nobody, due: 2020-01-01)',
  '',
].join('\r\n');

const FILE = '2026-10-01-disk-full.md';
const SECOND = '2026-10-09-dns-timeouts.md';

function pmPath(name: string): string {
  return path.join(workspaceRoot(), 'incidents', name);
}

interface Row { node: FollowupNode; label: string; description: string; item: vscode.TreeItem }

async function rows(node?: FollowupNode): Promise<Row[]> {
  const tree = (await api()).container.followups.tree;
  return tree.getChildren(node).map((n) => {
    const item = tree.getTreeItem(n);
    return { node: n, item, label: typeof item.label === 'string' ? item.label : item.label?.label ?? '', description: String(item.description ?? '') };
  });
}

/** The items under the post-mortem titled `title`, or [] while it is not listed. */
async function itemsOf(title: string): Promise<Row[]> {
  const group = (await rows()).find((r) => r.node.kind === 'postmortem' && r.label === title);
  return group ? rows(group.node) : [];
}

describe('Follow-ups view: open action items of every post-mortem, in the real extension host', () => {
  before(async () => {
    await api();
    fs.mkdirSync(path.join(workspaceRoot(), 'incidents'), { recursive: true });
    fs.writeFileSync(pmPath(FILE), POSTMORTEM);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [FILE, SECOND]) fs.rmSync(pmPath(f), { force: true });
    (await api()).container.followups.tree.setOrder('byPostmortem');
  });

  it('lists the open items from the file with owner and due date, overdue ones marked; ticked ones and other sections left out', async () => {
    await waitFor(async () => (await itemsOf('Disk full on the database primary')).length > 0, 'the post-mortem to be listed');
    const group = (await rows()).find((r) => r.label === 'Disk full on the database primary')!;
    assert.equal(group.description, '3 open · 1 overdue');
    const items = await itemsOf('Disk full on the database primary');
    assert.deepEqual(items.map((r) => r.label), ['Alert at 80% disk', 'Move backups off the primary', 'Write the disk runbook']);
    const [overdue, later, undated] = items;
    assert.match(overdue.description, /^Robin · ⚠ 2020-01-15 · overdue \d+ days$/);
    assert.equal((overdue.item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(((overdue.item.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'list.errorForeground');
    assert.match(tooltipPlain(overdue.item), /Owner: Robin · due 2020-01-15 \(overdue \d+ days\)/);
    assert.equal(later.description, 'Kim · 2099-12-31');
    assert.equal((later.item.iconPath as vscode.ThemeIcon).id, 'circle-large-outline');
    assert.equal(undated.description, 'no owner · no due date');
    assert.equal(overdue.item.checkboxState && typeof overdue.item.checkboxState === 'object' ? overdue.item.checkboxState.state : overdue.item.checkboxState, vscode.TreeItemCheckboxState.Unchecked);
    assert.equal((await api()).container.followups.view.badge?.value, 1);
  });

  it('sorted by due date: one list, overdue first, each naming its post-mortem', async () => {
    const tree = (await api()).container.followups.tree;
    tree.setOrder('byDue');
    try {
      const mine = (await rows()).filter((r) => r.description.endsWith('Disk full on the database primary'));
      assert.deepEqual(mine.map((r) => r.label), ['Alert at 80% disk', 'Move backups off the primary', 'Write the disk runbook']);
    } finally {
      tree.setOrder('byPostmortem');
    }
  });

  it('a click opens the post-mortem at the item\'s line', async () => {
    const item = (await itemsOf('Disk full on the database primary'))[1].item;
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.fsPath, pmPath(FILE));
    assert.equal(editor.selection.active.line + 1, 13);
  });

  it('Mark Done ticks exactly that one line on disk, and the open editor shows it, not dirty', async () => {
    const before = fs.readFileSync(pmPath(FILE), 'utf8');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, pmPath(FILE), 'the post-mortem is open from the previous test');
    const overdue = (await itemsOf('Disk full on the database primary'))[0];
    assert.equal(await vscode.commands.executeCommand('incidentDesk.followups.markDone', overdue.node), true);
    const after = fs.readFileSync(pmPath(FILE), 'utf8');
    const a = before.split('\r\n');
    const b = after.split('\r\n');
    assert.equal(b.length, a.length);
    const changed = a.map((line, i) => (line === b[i] ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(changed, [11], 'only line 12 changed');
    assert.equal(b[11], '- [x] Alert at 80% disk (owner: Robin, due: 2020-01-15, type: prevent)');
    assert.equal(after.replace('- [x] Alert', '- [ ] Alert'), before, 'every other byte (CRLF included) kept');
    assert.equal(editor.document.getText(), after);
    assert.equal(editor.document.isDirty, false);
    await waitFor(async () => (await itemsOf('Disk full on the database primary')).length === 2, 'the ticked item to leave the list');
    assert.equal((await api()).container.followups.view.badge, undefined);
  });

  it('a post-mortem written by someone else appears without a refresh', async () => {
    fs.writeFileSync(pmPath(SECOND), '# Post-mortem: DNS timeouts\n\n## Action items\n\n- [ ] Cache resolver answers (owner: Sam, due: 2099-01-31, type: prevent)\n');
    await waitFor(async () => (await itemsOf('DNS timeouts')).length === 1, 'the new post-mortem to be listed', 15_000);
    const [row] = await itemsOf('DNS timeouts');
    assert.equal(row.label, 'Cache resolver answers');
    assert.equal(row.description, 'Sam · 2099-01-31');
    fs.rmSync(pmPath(SECOND));
    await waitFor(async () => !(await rows()).some((r) => r.label === 'DNS timeouts'), 'the removed post-mortem to leave the list', 15_000);
  });
});
