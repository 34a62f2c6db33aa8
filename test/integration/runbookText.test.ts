import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { api, EXTENSION_ID, timelineOf, waitFor } from './helpers';

type Tree = Awaited<ReturnType<typeof api>>['container']['views']['runbooksTree'];

interface MenuItem { command: string; when?: string; group?: string }

/** The commands the Runbooks view offers on a row with this context value, from package.json's `view/item/context` menus. */
function offered(contextValue: string): string[] {
  const menus = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, MenuItem[]> } }).contributes.menus['view/item/context'];
  const out = new Set<string>();
  for (const m of menus) {
    const when = m.when ?? '';
    if (!when.includes('view == incidentDesk.runbooks')) continue;
    const eq = /viewItem == ([^\s&]+)/.exec(when);
    const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when);
    if ((eq && eq[1] === contextValue) || (re && new RegExp(re[1]).test(contextValue))) out.add(m.command);
  }
  return [...out].sort();
}

async function child(tree: Tree, parent: RunbookNode | undefined, text: string): Promise<RunbookNode> {
  const nodes = await tree.getChildren(parent);
  const labels = nodes.map((n) => String(tree.getTreeItem(n).label));
  const at = labels.indexOf(text);
  if (at < 0) throw new Error(`no "${text}" among ${JSON.stringify(labels)}`);
  return nodes[at];
}

/** Runs `command`, collecting the error messages it shows instead of showing them. */
async function errorsOf(command: string, ...args: unknown[]): Promise<{ result: unknown; errors: string[] }> {
  const errors: string[] = [];
  const window = vscode.window as { showErrorMessage: (message: string, ...rest: unknown[]) => Thenable<unknown> };
  const original = window.showErrorMessage;
  window.showErrorMessage = (message: string) => {
    errors.push(message);
    return Promise.resolve(undefined);
  };
  try {
    return { result: await vscode.commands.executeCommand(command, ...args), errors };
  } finally {
    window.showErrorMessage = original;
  }
}

describe('text and manual steps in a runbook, in the real extension host', () => {
  let tree: Tree;
  let incidentId: string;
  let contact: RunbookNode;
  let stamp: RunbookNode;
  let verification: RunbookNode;
  let manual: RunbookNode;

  before(async () => {
    const desk = await api();
    tree = desk.container.views.runbooksTree;
    await desk.container.views.runbooks.ready();
    incidentId = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Provider sign-in failing', severity: 'P3', service: '' }))!;
    await vscode.commands.executeCommand('incidentDesk.incident.focus', incidentId);
    const runbook = await child(tree, undefined, 'Provider escalation');
    contact = await child(tree, await child(tree, runbook, 'Escalate to the provider'), 'Contact methods');
    verification = await child(tree, runbook, 'Verification');
    stamp = await child(tree, verification, '1. The stamp is written');
  });

  it('offers no Run for a block of text lines or a manual step; Mark Done stays; a real command keeps Run', async () => {
    const contactItem = tree.getTreeItem(contact);
    assert.equal(contactItem.contextValue, 'runbookStep');
    assert.equal(contactItem.description, 'text, shown only');
    manual = await child(tree, verification, '2. Customers can sign in');
    const manualItem = tree.getTreeItem(manual);
    assert.equal(manualItem.contextValue, 'runbookStep:manual');
    assert.equal(manualItem.description, 'manual, done by hand');
    assert.equal(tree.getTreeItem(stamp).contextValue, 'runbookStep:runnable');
    const run = 'incidentDesk.runbooks.runStep';
    const markDone = 'incidentDesk.runbooks.markDone';
    for (const node of [contact, manual]) {
      const menu = offered(tree.getTreeItem(node).contextValue ?? '');
      assert.ok(!menu.includes(run), `Run offered on ${tree.getTreeItem(node).label}: ${menu.join(', ')}`);
      assert.ok(menu.includes(markDone), `no Mark Done on ${tree.getTreeItem(node).label}: ${menu.join(', ')}`);
    }
    assert.ok(offered('runbookStep:runnable').includes(run));
  });

  it('Run refuses them with a message saying why: nothing runs, nothing is recorded', async () => {
    const terminals = vscode.window.terminals.length;
    const events = timelineOf(incidentId).length;
    const m = await errorsOf('incidentDesk.runbooks.runStep', manual, { confirmed: true });
    assert.equal(m.result, undefined);
    assert.deepEqual(m.errors, ['"2. Customers can sign in" is a manual step, done by hand: there is no command to run.']);
    const t = await errorsOf('incidentDesk.runbooks.runStep', contact, { confirmed: true });
    assert.equal(t.result, undefined);
    assert.deepEqual(t.errors, ['"Contact methods" has no command to run: its lines are text, shown, not run.']);
    assert.equal(vscode.window.terminals.length, terminals, 'a terminal was opened');
    assert.equal(timelineOf(incidentId).length, events, 'something was recorded');
  });

  it('a manual step is marked done for the incident', async () => {
    assert.equal(await vscode.commands.executeCommand('incidentDesk.runbooks.markDone', manual), true);
    assert.equal(timelineOf(incidentId).at(-1)?.type, 'runbook_step_done');
    await waitFor(() => tree.getTreeItem(manual).contextValue === 'runbookStep:manual:done', 'the done mark in the tree');
  });
});
