import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { api, timelineOf, waitFor, workspaceRoot } from './helpers';

type Tree = Awaited<ReturnType<typeof api>>['container']['views']['runbooksTree'];

async function label(tree: Tree, node: RunbookNode): Promise<string> {
  const item = tree.getTreeItem(node);
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

async function find(tree: Tree, parent: RunbookNode | undefined, text: string): Promise<RunbookNode> {
  for (const node of await tree.getChildren(parent)) if ((await label(tree, node)) === text) return node;
  const labels = await Promise.all((await tree.getChildren(parent)).map((n) => label(tree, n)));
  throw new Error(`no "${text}" among ${JSON.stringify(labels)}`);
}

describe('runbooks in the real extension host', () => {
  let incidentId: string;
  let tree: Tree;
  let steps: RunbookNode[];

  before(async () => {
    const desk = await api();
    tree = desk.container.views.runbooksTree;
    await desk.container.views.runbooks.ready();
    incidentId = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Integration marker missing', severity: 'P2', service: 'web' }))!;
    await vscode.commands.executeCommand('incidentDesk.incident.focus', incidentId);
  });

  it('lists the workspace runbook and the built-in ones; runbook → sections → steps', async () => {
    const roots = await tree.getChildren();
    const labels = await Promise.all(roots.map((n) => label(tree, n)));
    assert.ok(labels.includes('Integration check'), JSON.stringify(labels));
    assert.ok(labels.includes('Site down'), `built-in runbooks missing: ${JSON.stringify(labels)}`);
    const runbook = await find(tree, undefined, 'Integration check');
    const section = await find(tree, runbook, 'Immediate actions');
    assert.equal(tree.getTreeItem(section).description, 'P2 · 4 steps');
    steps = await tree.getChildren(section);
    assert.deepEqual(await Promise.all(steps.map((s) => label(tree, s))), ['Write the marker', 'Write the target name', 'Fail on purpose', 'Query the database']);
    assert.equal(tree.getTreeItem(steps[0]).contextValue, 'runbookStep:runnable');
    assert.equal(tree.getTreeItem(steps[3]).contextValue, 'runbookStep');
  });

  it('suggests runbooks for the focused incident from its words', async () => {
    // Suggestions join the view once every runbook is parsed (listing comes first).
    await (await api()).container.views.runbooks.parsed();
    const roots = await tree.getChildren();
    assert.equal(roots[0].kind, 'suggestions');
    const suggested = await Promise.all((await tree.getChildren(roots[0])).map((n) => label(tree, n)));
    assert.equal(suggested[0], 'Integration check');
  });

  it('runs a step in a local terminal and records it with its exit status', async function () {
    this.timeout(60_000);
    const marker = path.join(workspaceRoot(), 'runbook-ran.txt');
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', steps[0], { confirmed: true });
    await waitFor(() => fs.existsSync(marker), 'the marker file', 20_000);
    assert.equal(fs.readFileSync(marker, 'utf8').trim(), 'incident-desk-ok');
    assert.deepEqual(codes, [0]);
    const events = timelineOf(incidentId).filter((e) => e.type.startsWith('runbook_step'));
    assert.deepEqual(events.map((e) => e.type), ['runbook_step_started', 'runbook_step_finished']);
    assert.equal(events[0].data?.command, 'echo incident-desk-ok > runbook-ran.txt');
    assert.equal(events[0].data?.target, 'local');
    assert.equal(events[0].data?.runbookTitle, 'Integration check');
    assert.equal(events[0].data?.section, 'Immediate actions');
    assert.equal(events[0].data?.step, 'Write the marker');
    assert.equal(events[1].data?.exitCode, 0);
    assert.match(tree.getTreeItem(steps[0]).contextValue ?? '', /:done$/);
  });

  it('fills a placeholder before running and remembers it for the incident', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('incidentDesk.runbooks.runStep', steps[1], { confirmed: true, values: { 'target-name': 'db-1' } });
    const out = path.join(workspaceRoot(), 'placeholder.txt');
    await waitFor(() => fs.existsSync(out), 'placeholder.txt', 20_000);
    assert.equal(fs.readFileSync(out, 'utf8').trim(), 'db-1');
    const started = timelineOf(incidentId).filter((e) => e.type === 'runbook_step_started').at(-1)!;
    assert.equal(started.data?.command, 'echo "db-1" > placeholder.txt');
  });

  it('types a hostile value into the step\'s own interpreter (bash, whatever the default shell): exact, `!` not expanded, nothing run', async function () {
    this.timeout(60_000);
    const canary = path.join(workspaceRoot(), 'canary-local');
    const value = `a!b !! !$ $(touch ${canary}) \`touch ${canary}\` "q" 'r' $HOME; touch ${canary} \\ end`;
    const out = path.join(workspaceRoot(), 'placeholder.txt');
    fs.rmSync(out, { force: true });
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', steps[1], { confirmed: true, values: { 'target-name': value } });
    assert.deepEqual(codes, [0]);
    await waitFor(() => fs.existsSync(out), 'placeholder.txt', 20_000);
    assert.equal(fs.readFileSync(out, 'utf8'), `${value}\n`);
    assert.equal(fs.existsSync(canary), false, 'the value ran a command');
    assert.ok(vscode.window.terminals.some((t) => t.name === 'Incident Desk: runbook (bash)'), vscode.window.terminals.map((t) => t.name).join(', '));
  });

  it('runs a zsh step in zsh, with the value exact through `$(…)` nested in double quotes', async function () {
    this.timeout(60_000);
    const runbook = await find(tree, undefined, 'Integration check');
    const [step] = await tree.getChildren(await find(tree, runbook, 'Diagnosis'));
    const canary = path.join(workspaceRoot(), 'canary-zsh');
    const value = `it's $(touch ${canary}) "x" !! \``;
    const out = path.join(workspaceRoot(), 'zsh-value.txt');
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', step, { confirmed: true, values: { 'zsh-value': value } });
    await waitFor(() => fs.existsSync(out), 'zsh-value.txt', 20_000);
    assert.equal(fs.readFileSync(out, 'utf8'), value);
    assert.equal(fs.existsSync(canary), false, 'the value ran a command');
    assert.ok(vscode.window.terminals.some((t) => t.name === 'Incident Desk: runbook (zsh)'), vscode.window.terminals.map((t) => t.name).join(', '));
    assert.deepEqual(codes, [0], `zsh's shell integration reports the exit status: ${JSON.stringify(codes)}`);
  });

  it('records a failing exit status', async function () {
    this.timeout(60_000);
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', steps[2], { confirmed: true });
    assert.deepEqual(codes, [3]);
    assert.equal(timelineOf(incidentId).at(-1)?.data?.exitCode, 3);
  });

  it('checks a YAML step\'s expect against what it printed', async function () {
    this.timeout(60_000);
    const yamlSteps = await tree.getChildren(await find(tree, undefined, 'Expectations'));
    assert.deepEqual(await Promise.all(yamlSteps.map((s) => label(tree, s))), ['Print a greeting', 'Print something else']);
    await vscode.commands.executeCommand('incidentDesk.runbooks.runStep', yamlSteps[0], { confirmed: true });
    let finished = timelineOf(incidentId).at(-1)!;
    assert.deepEqual(finished.data?.expect, { pattern: 'hello-from-step', met: true });
    assert.match(tree.getTreeItem(yamlSteps[0]).contextValue ?? '', /:done$/);
    await vscode.commands.executeCommand('incidentDesk.runbooks.runStep', yamlSteps[1], { confirmed: true });
    finished = timelineOf(incidentId).at(-1)!;
    assert.equal(finished.data?.exitCode, 0);
    assert.deepEqual(finished.data?.expect, { pattern: '/^never$/m', met: false });
    assert.match(finished.text, /did NOT see/);
    assert.doesNotMatch(tree.getTreeItem(yamlSteps[1]).contextValue ?? '', /:done$/, 'a step whose expect failed counts as done');
  });

  it('refuses to run a step that has no shell command', async () => {
    const before = timelineOf(incidentId).length;
    const result = await vscode.commands.executeCommand('incidentDesk.runbooks.runStep', steps[3], { confirmed: true });
    assert.equal(result, undefined);
    assert.equal(timelineOf(incidentId).length, before);
  });

  it('marks a checklist item done for this incident, on the timeline, surviving a reload', async () => {
    const runbook = await find(tree, undefined, 'Integration check');
    const prevention = await find(tree, runbook, 'Prevention');
    const item = await find(tree, prevention, 'Keep the marker file out of git');
    assert.equal(tree.getTreeItem(item).contextValue, 'runbookCheck');
    await vscode.commands.executeCommand('incidentDesk.runbooks.markDone', item);
    assert.equal(timelineOf(incidentId).at(-1)?.type, 'runbook_step_done');
    await vscode.commands.executeCommand('incidentDesk.incidents.refresh');
    assert.equal(tree.getTreeItem(item).contextValue, 'runbookCheck:done');
  });

  it('puts a broken YAML runbook in the Problems panel with its line and column', async () => {
    const uri = vscode.Uri.file(path.join(workspaceRoot(), 'docs', 'runbooks', 'broken.yaml'));
    await waitFor(() => vscode.languages.getDiagnostics(uri).length > 0, 'diagnostics for broken.yaml');
    const d = vscode.languages.getDiagnostics(uri)[0];
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.range.start.line, 4);
    assert.equal(d.range.start.character, 4);
    assert.match(d.message, /unique|duplicate/i);
  });

  it('warns in the Problems panel about a severity the policy does not have', async () => {
    const uri = vscode.Uri.file(path.join(workspaceRoot(), 'docs', 'runbooks', 'old-scale.md'));
    await waitFor(() => vscode.languages.getDiagnostics(uri).length > 0, 'diagnostics for old-scale.md');
    const d = vscode.languages.getDiagnostics(uri).find((x) => /P0/.test(x.message));
    assert.ok(d, JSON.stringify(vscode.languages.getDiagnostics(uri).map((x) => x.message)));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d.range.start.line, 2);
  });

  it('filters by text and by severity', async () => {
    await vscode.commands.executeCommand('incidentDesk.runbooks.filter', 'marker');
    let labels = await Promise.all((await tree.getChildren()).map((n) => label(tree, n)));
    assert.deepEqual(labels, ['Integration check']);
    await vscode.commands.executeCommand('incidentDesk.runbooks.filter', 'zzz-nothing');
    assert.deepEqual(await tree.getChildren(), []);
    await vscode.commands.executeCommand('incidentDesk.runbooks.clearFilter');
    labels = await Promise.all((await tree.getChildren()).map((n) => label(tree, n)));
    assert.ok(labels.length > 5);
  });
});
