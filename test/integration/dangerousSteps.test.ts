// Dangerous steps in the real extension host: the warning icon in the Runbooks tree, Run's typed
// confirmation (the real input box: Enter alone and Escape run nothing), and the incident the
// confirmation names. The runbook is copied from test/fixtures/runbooks/dangerous into the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunQuestion } from '../../src/core/runbooks/runQuestion';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { EXTENSION_ID, api, timelineOf, waitFor, workspaceRoot } from './helpers';

type Tree = Awaited<ReturnType<typeof api>>['container']['views']['runbooksTree'];

function labelOf(tree: Tree, node: RunbookNode): string {
  const item = tree.getTreeItem(node);
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

async function child(tree: Tree, parent: RunbookNode | undefined, text: string): Promise<RunbookNode> {
  const found = (await tree.getChildren(parent)).find((n) => labelOf(tree, n) === text);
  if (!found) throw new Error(`no "${text}" among ${JSON.stringify((await tree.getChildren(parent)).map((n) => labelOf(tree, n)))}`);
  return found;
}

describe('dangerous runbook steps in the real extension host', function () {
  this.timeout(60_000);
  let tree: Tree;
  let incidentId: string;
  let wipe: RunbookNode;
  let list: RunbookNode;
  let canary: string;
  let copied: string;

  const runs = () => timelineOf(incidentId).filter((e) => e.type === 'runbook_step_started');

  before(async () => {
    const desk = await api();
    tree = desk.container.views.runbooksTree;
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    copied = path.join(workspaceRoot(), 'runbooks', 'scratch-cleanup.md');
    fs.copyFileSync(path.join(extension, 'test', 'fixtures', 'runbooks', 'dangerous', 'scratch.md'), copied);
    await vscode.commands.executeCommand('incidentDesk.runbooks.refresh');
    await desk.container.views.runbooks.parsed();
    incidentId = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Scratch space full', severity: 'P3', service: 'scratch' }))!;
    await vscode.commands.executeCommand('incidentDesk.incident.focus', incidentId);
    const runbook = (await tree.getChildren()).find((n) => n.kind === 'runbook' && labelOf(tree, n) === 'Scratch space cleanup')!;
    assert.ok(runbook, 'the copied runbook is listed');
    const section = await child(tree, runbook, 'Resolution');
    wipe = await child(tree, section, 'Wipe the scratch folder');
    list = await child(tree, section, 'List the scratch folder');
    canary = path.join(workspaceRoot(), 'scratch-canary');
  });

  beforeEach(() => {
    fs.mkdirSync(canary, { recursive: true });
    fs.writeFileSync(path.join(canary, 'keep'), 'still here');
  });

  after(async () => {
    fs.rmSync(copied, { force: true });
    fs.rmSync(canary, { recursive: true, force: true });
    await vscode.commands.executeCommand('incidentDesk.runbooks.refresh');
  });

  it('the tree marks the dangerous step with a warning icon, the reason in its tooltip; the other step keeps its terminal icon', () => {
    const item = tree.getTreeItem(wipe);
    const icon = item.iconPath as vscode.ThemeIcon;
    assert.equal(icon.id, 'warning');
    assert.equal(icon.color?.id, 'list.warningForeground');
    const tooltip = item.tooltip as vscode.MarkdownString;
    // appendText escapes: spaces as &nbsp;, markdown characters with a backslash
    const text = tooltip.value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(text, /\$\(warning\) Dangerous: rm -rf deletes files recursively without asking/);
    assert.equal(tooltip.supportThemeIcons, true);
    assert.match(item.accessibilityInformation?.label ?? '', /dangerous/);
    assert.equal((tree.getTreeItem(list).iconPath as vscode.ThemeIcon).id, 'terminal');
  });

  it('Run shows an input box, not a button: Enter with nothing typed and then Escape run nothing', async () => {
    let done = false;
    const pending = Promise.resolve(vscode.commands.executeCommand('incidentDesk.runbooks.runStep', wipe, { target: 'local' })).finally(() => (done = true));
    // Enter, several times, as soon as the box can take it: the name is not typed, so it stays open.
    for (let i = 0; i < 10; i++) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(done, false, 'Enter alone answered the question');
    assert.ok(fs.existsSync(path.join(canary, 'keep')), 'the step ran on Enter');
    await waitFor(async () => {
      if (!done) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      return done;
    }, 'Escape to close the question', 20_000);
    assert.equal(await pending, undefined);
    assert.ok(fs.existsSync(path.join(canary, 'keep')), 'the step ran on Escape');
    assert.deepEqual(runs(), [], 'a run was recorded');
  });

  it('the question asks for the incident\'s service typed out and names the incident; a wrong name runs nothing, the right one runs', async () => {
    const asked: RunQuestion[] = [];
    const answer = (name: string | undefined) => (q: RunQuestion) => {
      asked.push(q);
      return Promise.resolve(name);
    };
    // `confirmed` skips only a plain step's question: a dangerous one still asks.
    for (const wrong of [undefined, 'Run', 'local', 'Scratch']) {
      assert.equal(await vscode.commands.executeCommand('incidentDesk.runbooks.runStep', wipe, { target: 'local', confirmed: true, answer: answer(wrong) }), undefined);
    }
    assert.equal(asked.length, 4);
    const q = asked[0]!;
    assert.equal(q.kind, 'typed');
    assert.equal(q.kind === 'typed' && q.name, 'scratch');
    assert.match(q.detail, /Dangerous: rm -rf deletes files recursively without asking\./);
    assert.match(q.detail, new RegExp(`recorded on ${incidentId} \\(Scratch space full\\)`));
    assert.match(q.detail, /rm -rf scratch-canary/);
    assert.ok(fs.existsSync(path.join(canary, 'keep')), 'a wrong answer ran the step');
    assert.deepEqual(runs(), []);

    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', wipe, { target: 'local', answer: answer('scratch') });
    assert.deepEqual(codes, [0]);
    await waitFor(() => !fs.existsSync(canary), 'the scratch folder to be deleted', 20_000);
    assert.deepEqual(runs().map((e) => e.data?.command), ['rm -rf scratch-canary']);
  });

  it('a plain step keeps its Run button, and its question names the incident too', async () => {
    const asked: RunQuestion[] = [];
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', list, {
      target: 'local',
      answer: (q: RunQuestion) => {
        asked.push(q);
        return Promise.resolve('Run');
      },
    });
    assert.deepEqual(codes, [0]);
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.kind, 'button');
    assert.match(asked[0]!.detail, new RegExp(`recorded on ${incidentId} \\(Scratch space full\\)`));
  });
});
