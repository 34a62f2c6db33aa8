import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { EXTENSION_ID, api, timelineOf, waitFor, workspaceRoot } from './helpers';

type Tree = Awaited<ReturnType<typeof api>>['container']['views']['runbooksTree'];

async function child(tree: Tree, parent: RunbookNode | undefined, text: string): Promise<RunbookNode> {
  const nodes = (await tree.getChildren(parent)).filter((n) => n.kind !== 'suggestions');
  const labelOf = (n: RunbookNode) => {
    const l = tree.getTreeItem(n).label;
    return typeof l === 'string' ? l : l?.label ?? '';
  };
  const found = nodes.find((n) => labelOf(n) === text);
  if (!found) throw new Error(`no "${text}" among ${JSON.stringify(nodes.map(labelOf))}`);
  return found;
}

/** What the window was asked to show while `fn` ran: the modal confirmations (answered Run) and the input boxes (answered from `answers`). */
async function watchingPrompts<T>(answers: Record<string, string>, fn: () => Thenable<T>): Promise<{ result: T; confirmations: string[]; prompts: string[] }> {
  const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
  const { showWarningMessage, showInputBox } = window;
  const confirmations: string[] = [];
  const prompts: string[] = [];
  window.showWarningMessage = (async (message: string, options?: vscode.MessageOptions) => {
    if (options?.modal) {
      confirmations.push(`${message}\n${options.detail ?? ''}`);
      return 'Run';
    }
    return undefined;
  }) as typeof showWarningMessage;
  window.showInputBox = (async (options?: vscode.InputBoxOptions) => {
    prompts.push(options?.prompt ?? '');
    const token = Object.keys(answers).find((t) => options?.prompt?.includes(t));
    return token === undefined ? undefined : answers[token];
  }) as typeof showInputBox;
  try {
    return { result: await fn(), confirmations, prompts };
  } finally {
    window.showWarningMessage = showWarningMessage;
    window.showInputBox = showInputBox;
  }
}

// One rule for where a placeholder's value comes from: lint prints it, the Problems panel shows the
// same words, and Run does what they say (asks for the typed ones only, fills ${workdir}, leaves
// $DATABASE_URL to the terminal's shell) and says so in its confirmation.
describe('lint, Problems and Run agree on placeholders', () => {
  let file: string;
  let tree: Tree;
  let steps: RunbookNode[];
  let incidentId: string;
  /** `incident-desk lint` on the file: [line, column, severity, message]. */
  let lint: Array<[number, number, string, string]>;

  before(async function () {
    this.timeout(60_000);
    const desk = await api();
    tree = desk.container.views.runbooksTree;
    await desk.container.views.runbooks.parsed();
    file = path.join(workspaceRoot(), 'docs', 'runbooks', 'restore-orders.md');
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    const out = execFileSync(process.execPath, [cli, 'lint', file], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    lint = out.split('\n').filter(Boolean).map((l) => {
      const m = /^(.*):(\d+):(\d+): (\w+): (.*)$/.exec(l);
      if (!m || m[1] !== file) throw new Error(`unexpected lint line: ${l}`);
      return [Number(m[2]), Number(m[3]), m[4], m[5]];
    });
    incidentId = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Orders restore rehearsal', severity: 'P3', service: 'orders' }))!;
    await vscode.commands.executeCommand('incidentDesk.incident.focus', incidentId);
    const runbook = await child(tree, undefined, 'Restore the orders database');
    steps = await tree.getChildren(await child(tree, runbook, 'Resolution'));
  });

  it('the Problems panel shows exactly what lint prints: the environment and automatic values are not "needed"', async () => {
    const uri = vscode.Uri.file(file);
    await waitFor(() => vscode.languages.getDiagnostics(uri).length > 0, 'diagnostics for restore-orders.md');
    const problems = vscode.languages.getDiagnostics(uri).map((d): [number, number, string, string] => [d.range.start.line + 1, d.range.start.character + 1, (['error', 'warning', 'info', 'hint'] as const)[d.severity], d.message]);
    assert.deepEqual(problems, lint);
    assert.deepEqual(lint.map((p) => p[3]), [
      "$DATABASE_URL comes from the shell's environment",
      "$DATABASE_URL comes from the shell's environment; ${workdir} (the host's work dir, or locally the folder it runs in) is filled automatically",
      "[backup-file] is asked for before it runs; ${workdir} (the host's work dir, or locally the folder it runs in) is filled automatically",
    ]);
    for (const d of vscode.languages.getDiagnostics(uri)) assert.doesNotMatch(d.message, /needs a value/);
  });

  it('Run asks for nothing where lint says nothing is typed: ${workdir} filled, $DATABASE_URL left to the shell, both said in the confirmation', async function () {
    this.timeout(60_000);
    const root = workspaceRoot();
    const { result, confirmations, prompts } = await watchingPrompts({}, () => vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', steps[1], { target: 'local' }));
    assert.deepEqual(prompts, [], 'nothing asked for');
    assert.deepEqual(result, [0]);
    assert.equal(confirmations.length, 1);
    assert.ok(confirmations[0].includes(`\nFilled automatically: \${workdir} = ${root} (the folder it runs in)\nFrom the shell's environment: $DATABASE_URL\n`), confirmations[0]);
    const started = timelineOf(incidentId).filter((e) => e.type === 'runbook_step_started').at(-1)!;
    assert.equal(started.data?.command, `echo "restore into db=$DATABASE_URL from ${root}" > restore-log.txt`, 'the variable is left for the shell to expand');
    await waitFor(() => fs.existsSync(path.join(root, 'restore-log.txt')), 'restore-log.txt', 20_000);
  });

  it('Run asks for the one placeholder lint says is asked for, in the same words', async function () {
    this.timeout(60_000);
    const root = workspaceRoot();
    const { confirmations, prompts } = await watchingPrompts({ '[backup-file]': 'orders.sql.gz' }, () => vscode.commands.executeCommand('incidentDesk.runbooks.runStep', steps[2], { target: 'local' }));
    assert.deepEqual(prompts, ['Value for [backup-file]: asked for before it runs, remembered for this incident']);
    assert.equal(confirmations.length, 1);
    assert.ok(confirmations[0].includes(`\nFilled automatically: \${workdir} = ${root} (the folder it runs in)\n`), confirmations[0]);
    const started = timelineOf(incidentId).filter((e) => e.type === 'runbook_step_started').at(-1)!;
    assert.equal(started.data?.command, `gunzip -t ${root}/backups/orders.sql.gz`);
  });
});
