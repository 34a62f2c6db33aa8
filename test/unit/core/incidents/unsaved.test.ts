// "Unsaved" means the disk refused a change, nothing else: a declaration or note whose write is
// still under way is queued, not unsaved.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addNote, escalate } from '../../../../src/core/incidents/actions';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import type { PendingOp } from '../../../../src/core/incidents/incidentWriter';
import { TempDirs, makeUnwritable, makeWritable } from '../../support/tempDirs';

describe('unsaved changes are the ones the disk refused', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('a declaration and a note in flight are queued but never unsaved', async () => {
    const seen: Array<{ type: string; queued: number; unsaved: number; unsavedDeclarations: number }> = [];
    let store: IncidentStore | undefined = undefined;
    // Runs in the middle of each write: the event is on the timeline, the record not yet rewritten.
    const afterAppend = async (op: PendingOp) => {
      seen.push({ type: op.change.event.type, queued: store!.pendingFor(op.id).length, unsaved: store!.unsavedFor(op.id).length, unsavedDeclarations: store!.unsavedDeclarations().length });
    };
    store = new IncidentStore({ root: await temp.make(), writeHooks: { afterAppend } });
    await store.loadAll();
    const incident = await store.declare({ title: 'Queue consumers stalled', severity: 'P3', service: 'queue' }, 'Dana');
    await store.record(incident.id, addNote(incident, 'restarted consumer 3', 'Dana', new Date().toISOString()));
    assert.deepEqual(seen, [
      { type: 'declared', queued: 1, unsaved: 0, unsavedDeclarations: 0 },
      { type: 'note', queued: 1, unsaved: 0, unsavedDeclarations: 0 },
    ]);
    assert.deepEqual(store.unsavedFor(), []);
  });

  it('a refused write is unsaved, with what is queued behind it, until it is written', async function () {
    const store = new IncidentStore({ root: await temp.make() });
    await store.loadAll();
    const incident = await store.declare({ title: 'Disk went read-only', severity: 'P3', service: 'db' }, 'Dana');
    const dir = `${store.incidentsDir}/${incident.id}`;
    assert.ok(makeUnwritable(dir, true), 'this machine cannot make a folder unwritable (chattr +i as root, chmod otherwise)');
    try {
      await assert.rejects(store.record(incident.id, addNote(incident, 'first', 'Dana', new Date().toISOString())));
      await assert.rejects(store.record(incident.id, addNote(incident, 'second', 'Dana', new Date().toISOString())));
      assert.deepEqual(store.unsavedFor(incident.id).map((p) => p.change.event.text), ['first', 'second']);
    } finally {
      makeWritable(dir);
    }
    assert.equal(await store.retryPending(), 0);
    assert.deepEqual(store.unsavedFor(), []);
  });

  it("an escalation step for an incident whose folder was removed is dropped, not left unsaved; a person's note is kept", async () => {
    const store = new IncidentStore({ root: await temp.make() });
    await store.loadAll();
    const incident = await store.declare({ title: 'Folder removed under us', severity: 'P1', service: 'web' }, 'Dana');
    fs.rmSync(path.join(store.incidentsDir, incident.id), { recursive: true });
    const ts = new Date(Date.parse(incident.declaredAt) + 16 * 60_000).toISOString();
    await store.record(incident.id, escalate(incident, 1, { afterMinutes: 15, notify: 'Team lead' }, ts));
    assert.deepEqual(store.unsavedFor(), [], 'a clock-derived step was left unsaved for an incident that is gone');
    await assert.rejects(store.record(incident.id, addNote(incident, 'saw the folder vanish', 'Dana', ts)));
    assert.deepEqual(store.unsavedFor(incident.id).map((p) => p.change.event.text), ['saw the folder vanish']);
  });
});
