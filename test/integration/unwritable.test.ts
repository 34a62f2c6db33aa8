import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IncidentStore } from '../../src/core/incidents/incidentStore';
import { FilePendingPersistence } from '../../src/core/incidents/pendingEvents';
import { makeUnwritable, makeWritable } from '../unit/support/tempDirs';
import { api, incidentDir, timelineOf, waitFor, workspaceRoot } from './helpers';

describe('a folder the disk refuses to write, in the real extension host', () => {
  let id: string;
  const incidents = () => path.join(workspaceRoot(), 'incidents');

  after(() => makeWritable(incidents()));

  it('keeps a note in memory when its incident folder refuses writes, shows it unsaved, truncates nothing', async () => {
    const desk = await api();
    id = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Disk went read-only', severity: 'P3', service: 'db' }))!;
    assert.ok(id);
    // P3's policy escalates at 0 minutes: the SLA watch writes that event right after the declaration.
    // Made unwritable before it lands, that write raced the test (2 changes pending, or the record
    // lock of a write under way left behind by the immutable folder).
    await waitFor(() => timelineOf(id).some((e) => e.type === 'escalation') && !fs.readdirSync(incidentDir(id)).some((f) => f.endsWith('.lock')), 'the 0-minute escalation written, its record lock released');
    const timeline = path.join(incidentDir(id), 'timeline.jsonl');
    const before = fs.readFileSync(timeline);
    assert.ok(makeUnwritable(incidentDir(id), true), 'this machine cannot make a folder unwritable (chattr +i as root, chmod otherwise)');
    const result = await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'remounted /var read-write');
    assert.equal(result, undefined, 'the command claimed success');
    const store = desk.container.incidents.store!;
    assert.equal(store.pendingFor(id).length, 1);
    assert.match(store.pendingFor(id)[0].lastError ?? '', /EPERM|EACCES|EROFS/);
    assert.deepEqual(fs.readFileSync(timeline), before, 'the timeline changed on disk');
    const tree = desk.container.views.incidentsTree;
    const node = tree.getChildren().find((n) => n.kind === 'incident' && n.incidentId === id)!;
    assert.match(String(tree.getTreeItem(node).description), /1 unsaved/);
  });

  it("keeps the refused note in the extension's storage, where the next start (a fresh store) finds, shows and retries it", async () => {
    const desk = await api();
    const file = desk.container.incidents.pendingFile;
    assert.ok(file, 'no storage file for refused changes');
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as { incidents: Record<string, Array<{ event: { text: string } }>> };
    assert.deepEqual(kept.incidents[id].map((p) => p.event.text), ['remounted /var read-write']);
    // What the next window start builds over the same folder and storage, while the disk still refuses.
    const next = new IncidentStore({ root: workspaceRoot(), pending: new FilePendingPersistence(file, workspaceRoot()) });
    try {
      await next.loadAll();
      const left = await next.restorePending();
      assert.equal(left, 1, `still waiting: ${next.pendingFor().map((p) => `${p.id}: ${p.change.event.type} (${p.lastError})`).join('; ')}`);
      assert.deepEqual(next.pendingFor(id).map((p) => p.change.event.text), ['remounted /var read-write']);
    } finally {
      next.dispose();
    }
  });

  it('keeps a declaration in memory when incidents/ refuses new folders, shown as a not-saved row', async () => {
    const desk = await api();
    assert.ok(makeUnwritable(incidents(), false));
    const result = await vscode.commands.executeCommand('incidentDesk.incident.declare', { title: 'Declared while read-only', severity: 'P2', service: '' });
    assert.equal(result, undefined);
    const tree = desk.container.views.incidentsTree;
    const row = tree.getChildren().find((n) => n.kind === 'unsaved');
    assert.ok(row, 'no row for the unsaved declaration');
    assert.match(String(tree.getTreeItem(row).description), /not saved yet/);
  });

  it('writes both, in order, once the folder is writable again and the user retries', async () => {
    const desk = await api();
    makeWritable(incidents());
    const left = await vscode.commands.executeCommand<number>('incidentDesk.incidents.retryPendingWrites');
    // Failed once on CI (1 left) and never here: say what was still waiting and why, for the next look.
    assert.equal(left, 0, JSON.stringify(desk.container.incidents.store!.pendingFor().map((p) => ({ id: p.id, lastError: p.lastError }))));
    assert.equal(timelineOf(id).at(-1)?.text, 'remounted /var read-write');
    const saved = fs.readdirSync(incidents()).find((d) => d.endsWith('-declared-while-read-only'));
    assert.ok(saved, 'the declaration was not written');
    assert.equal(timelineOf(saved)[0].type, 'declared');
    assert.equal(desk.container.incidents.store!.pendingFor().length, 0);
    assert.equal(fs.existsSync(desk.container.incidents.pendingFile!), false, 'the storage still holds written changes');
  });
});
