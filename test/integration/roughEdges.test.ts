// What a new user hit in their first hour (issue 10), each through the commands and views a user
// drives, in the real extension host: what the status bar shows, what "unsaved" means, which
// escalations pop up, what Acknowledge offers, Add Note's confirmation, the status update's notes,
// and what a click on a runbook row does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { makeUnwritable, makeWritable } from '../unit/support/tempDirs';
import { api, incidentDir, timelineOf, waitFor } from './helpers';

type Desk = Awaited<ReturnType<typeof api>>;

/** Writes an unacknowledged incident by hand, declared `minutesAgo`, as a teammate's commit would bring it in. */
function writeIncident(id: string, title: string, severity: string, minutesAgo: number): void {
  const dir = incidentDir(id);
  fs.mkdirSync(dir, { recursive: true });
  const declaredAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  fs.writeFileSync(path.join(dir, 'incident.yaml'), [
    'version: 1', `id: ${id}`, `title: ${title}`, `severity: ${severity}`, 'status: investigating',
    'service: payments', 'roles: {}', `declaredAt: ${declaredAt}`, 'declaredBy: Robin', 'acknowledgedAt: null', 'mitigatedAt: null',
    'resolvedAt: null', 'lastUpdateAt: null', 'escalationsReached: []', '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'timeline.jsonl'), JSON.stringify({ ts: declaredAt, type: 'declared', actor: 'Robin', text: 'Declared' }) + '\n');
}

async function declare(title: string, severity: string): Promise<string> {
  const id = await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title, severity, service: 'web' });
  assert.ok(id, `declaring "${title}" failed`);
  return id;
}

/** Notices shown since `from` (an index into the recent list). */
function noticesSince(desk: Desk, from: number): string[] {
  return desk.container.notices.recent.slice(from).map((n) => `${n.kind}: ${n.text}`);
}

describe('rough edges of the first hour, in the real extension host', () => {
  const made: string[] = [];

  after(async () => {
    for (const id of made) {
      makeWritable(incidentDir(id));
      fs.rmSync(incidentDir(id), { recursive: true, force: true });
    }
    // Gone from the store too: the breached P1 would turn the next suite's status bar red.
    const store = (await api()).container.incidents.store!;
    await waitFor(() => made.every((id) => !store.get(id)), 'the removed incidents to leave the store');
  });

  it('status bar: a breached P1 shows (count and error colour) while a fresh P2 is focused', async () => {
    const desk = await api();
    const breached = '2026-11-22-payments-ack-overdue';
    made.push(breached);
    writeIncident(breached, 'Payments rejected', 'P1', 31);
    await waitFor(() => !!desk.container.incidents.store?.get(breached), 'the watcher to load the breached incident');
    const fresh = await declare('Slow avatars', 'P2');
    made.push(fresh);
    await vscode.commands.executeCommand('incidentDesk.incident.focus', fresh);
    desk.container.views.statusBar.update();
    const state = desk.container.views.statusBar.state;
    assert.ok(state, 'the status bar item is hidden');
    assert.match(state.text, /^\$\(flame\) P2 \d+s · ack in /, 'it still follows the focused incident');
    assert.match(state.text, / · \$\(error\) [1-9]\d* breached$/, state.text);
    assert.equal(state.background, 'statusBarItem.errorBackground');
  });

  it('declaring never shows "unsaved" while the write is in flight', async () => {
    const desk = await api();
    const tree = desk.container.views.incidentsTree;
    const seen: string[] = [];
    let sampling = true;
    // Read the tree and the status bar as often as the host lets us while the declaration is written.
    const sample = (): void => {
      for (const node of tree.getChildren()) {
        const item = tree.getTreeItem(node);
        seen.push(`${typeof item.label === 'string' ? item.label : item.label?.label ?? ''} | ${String(item.description ?? '')}`);
      }
      const bar = desk.container.views.statusBar.state;
      if (bar) seen.push(`status bar | ${bar.text}`);
      if (sampling) setImmediate(sample);
    };
    sample();
    const id = await declare('Queue consumers stalled', 'P3');
    made.push(id);
    await new Promise((r) => setTimeout(r, 300)); // the watcher's reload after the write
    sampling = false;
    assert.ok(seen.some((s) => s.startsWith('Queue consumers stalled |')), 'the sampler never saw the new incident');
    const unsaved = seen.filter((s) => /unsaved|not saved/.test(s));
    assert.deepEqual([...new Set(unsaved)], [], `"unsaved" shown for a write that did not fail (${seen.length} samples)`);
  });

  it('escalation: the minute-0 step is recorded, not shouted; a later step notifies when reached', async () => {
    const desk = await api();
    const from = desk.container.notices.recent.length;
    const title = 'Orders not shipping';
    const id = await declare(title, 'P1');
    made.push(id);
    const watch = desk.container.views.slaWatch;
    const steps = (of: string) => timelineOf(of).filter((e) => e.type === 'escalation').map((e) => e.data?.notify);
    // The clock checks on its own; a check of ours may find the declaration's write still settling.
    await waitFor(async () => { await watch.checkEscalations(); return steps(id).length > 0; }, 'the 0-minute step on the timeline');
    assert.deepEqual(steps(id), ['On-call engineer']);
    assert.deepEqual(noticesSince(desk, from).filter((n) => n.includes(title)), [], 'nothing popped up on declaration');


    // An incident 16 minutes into its clock (a teammate's, pulled in): the 15-minute step is news.
    const later = '2026-11-22-fraud-checks-queued';
    made.push(later);
    writeIncident(later, 'Fraud checks queued', 'P1', 16);
    await waitFor(() => !!desk.container.incidents.store?.get(later), 'the watcher to load it');
    await waitFor(async () => { await watch.checkEscalations(); return steps(later).length > 1; }, 'the steps reached on the timeline');
    assert.deepEqual(steps(later), ['On-call engineer', 'Team lead']);
    const shown = noticesSince(desk, from).filter((n) => n.includes('Fraud checks queued'));
    assert.deepEqual(shown, ['warning: P1 "Fraud checks queued": 16 min without mitigation. Escalate: bring in Team lead.']);
  });

  it('Acknowledge offers only incidents nobody acknowledged yet, and says so when there are none', async () => {
    const desk = await api();
    const taken = await declare('Acked already', 'P3');
    const waiting = await declare('Waiting for an ack', 'P3');
    made.push(taken, waiting);
    await vscode.commands.executeCommand('incidentDesk.incident.acknowledge', taken);
    // The acknowledged one is focused: before, it came first in the pick list.
    await vscode.commands.executeCommand('incidentDesk.incident.focus', taken);
    const unacked = () => desk.container.incidents.active().filter((e) => !e.incident.acknowledgedAt).length;
    const before = unacked();
    assert.ok(before >= 1, 'the fresh declaration of this test is waiting');
    const from = desk.container.notices.recent.length;
    let settled = false;
    const run = Promise.resolve(vscode.commands.executeCommand('incidentDesk.incident.acknowledge')).finally(() => { settled = true; });
    // The user presses Enter on the first offer (the pick list opens when the command gets there).
    while (!settled) {
      await new Promise((r) => setTimeout(r, 100));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await run;
    assert.deepEqual(noticesSince(desk, from).filter((n) => /already acknowledged/.test(n)), [], 'it offered an acknowledged incident');
    assert.equal(timelineOf(taken).filter((e) => e.type === 'acknowledged').length, 1);
    assert.equal(unacked(), before - 1, 'the pick acknowledged one that was waiting');

    // Everything acknowledged: nothing to offer, and the user is told so.
    for (const e of desk.container.incidents.active().filter((x) => !x.incident.acknowledgedAt)) {
      await vscode.commands.executeCommand('incidentDesk.incident.acknowledge', e.id);
    }
    const last = desk.container.notices.recent.length;
    await vscode.commands.executeCommand('incidentDesk.incident.acknowledge');
    assert.deepEqual(noticesSince(desk, last).filter((n) => n.startsWith('info: No incident is waiting for acknowledgement')).length, 1, JSON.stringify(noticesSince(desk, last)));
  });

  it('Add Note confirms once the note is written, naming the incident; a refused write does not', async () => {
    const desk = await api();
    const id = await declare('Cache hit rate dropped', 'P3');
    made.push(id);
    let from = desk.container.notices.recent.length;
    await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'flushed the CDN');
    assert.equal(timelineOf(id).at(-1)?.text, 'flushed the CDN');
    assert.deepEqual(noticesSince(desk, from), ['status: $(note) Note added to "Cache hit rate dropped"']);

    assert.ok(makeUnwritable(incidentDir(id), true), 'this machine cannot make a folder unwritable');
    try {
      from = desk.container.notices.recent.length;
      await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'second note, refused');
      const told = noticesSince(desk, from);
      assert.equal(told.filter((n) => n.includes('Note added')).length, 0, JSON.stringify(told));
      assert.ok(told.some((n) => n.startsWith('warning: Could not save')), JSON.stringify(told));
    } finally {
      makeWritable(incidentDir(id));
    }
    assert.equal(await vscode.commands.executeCommand<number>('incidentDesk.incidents.retryPendingWrites'), 0);
  });

  it('Copy Status Update carries the latest status note and the notes since the last update', async () => {
    const id = await declare('Checkout slow in EU', 'P2');
    made.push(id);
    await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'p99 at 4 s on eu-west');
    await vscode.commands.executeCommand('incidentDesk.incident.copyStatusUpdate', id, 'initial');
    await vscode.commands.executeCommand('incidentDesk.incident.setStatus', id, 'identified', 'a bad index on orders since deploy 4812');
    await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'rolled back to 4811');
    const message = await vscode.commands.executeCommand<string>('incidentDesk.incident.copyStatusUpdate', id, 'update');
    assert.equal(await vscode.env.clipboard.readText(), message);
    const lines = message.split('\n');
    assert.equal(lines[0], '[P2 High] Identified: Checkout slow in EU');
    assert.match(lines[2], /^Latest: a bad index on orders since deploy 4812 \(\d\d:\d\d UTC\)$/);
    assert.ok(lines.some((l) => /^- \d\d:\d\d UTC rolled back to 4811$/.test(l)), message);
    assert.ok(!message.includes('p99 at 4 s'), 'a note from before the last update is repeated');
  });

  it('a runbook row expands on click (its inline button opens it); a step opens the file at its line', async () => {
    const desk = await api();
    const tree = desk.container.views.runbooksTree;
    await desk.container.views.runbooks.parsed();
    const labelOf = (n: RunbookNode) => { const l = tree.getTreeItem(n).label; return typeof l === 'string' ? l : l?.label ?? ''; };
    const runbook = (await tree.getChildren()).find((n) => n.kind === 'runbook' && labelOf(n) === 'Integration check');
    assert.ok(runbook, 'the workspace runbook is listed');
    const row = tree.getTreeItem(runbook);
    assert.equal(row.command, undefined, 'a click on a runbook row must expand it, not open it');
    assert.equal(row.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const section = (await tree.getChildren(runbook)).find((n) => n.kind === 'section' && labelOf(n) === 'Immediate actions');
    assert.ok(section, 'the workspace runbook has its "Immediate actions" section');
    assert.equal(tree.getTreeItem(section).command, undefined, 'a section with steps expands');
    const step = (await tree.getChildren(section)).find((n) => n.kind === 'step');
    assert.ok(step?.kind === 'step');
    const click = tree.getTreeItem(step).command;
    assert.equal(click?.command, 'incidentDesk.runbooks.openAtLine');
    await vscode.commands.executeCommand(click.command, ...(click.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, step.source.runbook.file);
    assert.equal(editor.selection.active.line + 1, step.step.line);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
