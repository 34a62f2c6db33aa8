import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { acknowledge, addNote } from '../../../../src/core/incidents/actions';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import { FilePendingPersistence, PendingEvents, type PendingPersistence } from '../../../../src/core/incidents/pendingEvents';
import { parseRecord } from '../../../../src/core/incidents/record';
import { StoreError } from '../../../../src/core/incidents/storeErrors';
import { appendEvents, parseTimeline } from '../../../../src/core/timeline/timelineFile';
import { MIN, T0, iso } from '../../support/fixtures';
import { TempDirs, makeUnwritable, makeWritable } from '../../support/tempDirs';

const CANNOT_BLOCK = 'this machine cannot make a folder unwritable (chattr +i as root, chmod otherwise)';

describe('events the disk refused survive a reload: kept in the extension storage, retried, shown until written', function () {
  this.timeout(20_000);
  const temps = new TempDirs();
  after(() => temps.cleanup());

  /** A workspace folder and a separate storage folder, as the extension has. */
  async function setup() {
    const root = await temps.make();
    const storage = await temps.make('incident-desk-storage-');
    const file = path.join(storage, 'pending-events.json');
    const open = async () => {
      const s = new IncidentStore({ root, now: () => T0, pending: new FilePendingPersistence(file, root) });
      await s.loadAll();
      return s;
    };
    return { root, file, open };
  }

  const timelineOf = async (root: string, id: string) => parseTimeline(await fsp.readFile(path.join(root, 'incidents', id, 'timeline.jsonl'))).events;

  it('keeps refused events in the storage file, a new store (a reload) shows and retries them, and writes them once the disk accepts', async () => {
    const { root, file, open } = await setup();
    const first = await open();
    const { id } = await first.declare({ title: 'Disk full', severity: 'P2', service: 'db' }, 'Dana');
    const dir = path.join(root, 'incidents', id);
    const inc = first.get(id)!.incident;
    assert.ok(makeUnwritable(dir, true), CANNOT_BLOCK);
    try {
      await assert.rejects(first.record(id, addNote(inc, 'freed 20 GB', 'Lee', iso(T0 + MIN))), (e: unknown) => StoreError.is(e, 'writeFailed'));
      await assert.rejects(first.record(id, acknowledge(inc, 'Lee', iso(T0 + 2 * MIN))), (e: unknown) => StoreError.is(e, 'writeFailed'));
      const kept = JSON.parse(await fsp.readFile(file, 'utf8')) as { incidents: Record<string, Array<{ event: { text: string } }>> };
      assert.deepEqual(Object.keys(kept.incidents), [id], 'kept by incident');
      assert.deepEqual(kept.incidents[id].map((p) => p.event.text).slice(0, 1), ['freed 20 GB']);
      assert.equal(kept.incidents[id].length, 2);
      first.dispose(); // the window is closed; memory is gone

      // A reload while the disk still refuses: shown as unsaved, nothing lost.
      const second = await open();
      assert.equal(await second.restorePending(), 2);
      assert.deepEqual(second.pendingFor(id).map((p) => p.change.event.type), ['note', 'acknowledged']);
      assert.ok(second.pendingFor(id)[0].lastError, 'the reason is shown');
      second.dispose();
    } finally {
      makeWritable(dir);
    }

    // The next start, with the disk accepting again: written in order, once, and forgotten.
    const third = await open();
    assert.equal(await third.restorePending(), 0);
    assert.deepEqual((await timelineOf(root, id)).map((e) => e.type), ['declared', 'note', 'acknowledged']);
    assert.equal(third.get(id)!.incident.acknowledgedAt, iso(T0 + 2 * MIN));
    assert.equal(parseRecord(await fsp.readFile(path.join(dir, 'incident.yaml'), 'utf8'), id).incident.acknowledgedAt, iso(T0 + 2 * MIN));
    await assert.rejects(fsp.access(file), 'the storage file is removed once everything is written');
    assert.equal(await (await open()).restorePending(), 0, 'nothing is retried twice');
  });

  it('retries while running, as soon as the disk accepts again (retryPending), and updates the storage', async () => {
    const { root, file, open } = await setup();
    const store = await open();
    const { id } = await store.declare({ title: 'Read-only mount', severity: 'P3', service: '' }, 'Dana');
    const dir = path.join(root, 'incidents', id);
    assert.ok(makeUnwritable(dir, true), CANNOT_BLOCK);
    try {
      await assert.rejects(store.record(id, addNote(store.get(id)!.incident, 'remounted', 'Lee', iso(T0 + MIN))));
      assert.equal(await store.retryPending(), 1);
      await fsp.access(file); // kept while refused
    } finally {
      makeWritable(dir);
    }
    assert.equal(await store.retryPending(), 0);
    await assert.rejects(fsp.access(file));
    assert.equal((await timelineOf(root, id)).at(-1)?.text, 'remounted');
  });

  it('a declaration refused by incidents/ is restored as a not-saved row and written later', async () => {
    const { root, open } = await setup();
    const first = await open();
    await first.declare({ title: 'First', severity: 'P3', service: '' }, 'Dana');
    const incidents = path.join(root, 'incidents');
    assert.ok(makeUnwritable(incidents, false), CANNOT_BLOCK);
    try {
      await assert.rejects(first.declare({ title: 'Declared while read-only', severity: 'P2', service: 'web', summary: 'all 500s' }, 'Dana'));
      const second = await open();
      await second.restorePending();
      assert.deepEqual(second.unsavedDeclarations().map((i) => [i.title, i.summary]), [['Declared while read-only', 'all 500s']]);
    } finally {
      makeWritable(incidents);
    }
    const third = await open();
    assert.equal(await third.restorePending(), 0);
    const saved = third.list().find((e) => e.id.endsWith('-declared-while-read-only'));
    assert.ok(saved && saved.kind === 'incident', 'the declaration was not written');
    assert.equal(saved.incident.summary, 'all 500s');
  });

  it('an event that reached the timeline just before the window closed is not appended twice', async () => {
    const { root, file, open } = await setup();
    const store = await open();
    const { id } = await store.declare({ title: 'Twice', severity: 'P3', service: '' }, 'Dana');
    const ack = acknowledge(store.get(id)!.incident, 'Lee', iso(T0 + MIN));
    // The state a close leaves: the event on the timeline, still kept as not written.
    await appendEvents(path.join(root, 'incidents', id, 'timeline.jsonl'), [ack.event]);
    await new FilePendingPersistence(file, root).save([{ id, event: ack.event, create: false, eventWritten: false }]);
    const next = await open();
    assert.equal(await next.restorePending(), 0);
    assert.deepEqual((await timelineOf(root, id)).map((e) => e.type), ['declared', 'acknowledged']);
    assert.equal(next.get(id)!.incident.acknowledgedAt, iso(T0 + MIN));
  });

  it('a storage that refuses too is logged and the events stay in memory', async () => {
    const logs: string[] = [];
    const failing: PendingPersistence = { load: async () => { throw new Error('storage gone'); }, save: async () => { throw new Error('storage full'); } };
    const kept = new PendingEvents(failing, (m) => logs.push(m));
    assert.deepEqual(await kept.restore(), []);
    await kept.sync([{ id: 'x', event: { ts: iso(T0), type: 'note', actor: 'a', text: 't' }, create: false, eventWritten: false }]);
    assert.equal(logs.length, 2);
    assert.match(logs[1], /could not keep 1 refused event/);
  });
});

describe('a declaration waiting to be written never lands in a folder another incident took meanwhile', function () {
  this.timeout(20_000);
  const temps = new TempDirs();
  after(() => temps.cleanup());

  it('keeps it waiting with a clear reason, and leaves the other incident as it was', async () => {
    const root = await temps.make();
    const storage = await temps.make('incident-desk-storage-');
    const file = path.join(storage, 'pending-events.json');
    const mine = new IncidentStore({ root, now: () => T0, pending: new FilePendingPersistence(file, root) });
    await mine.loadAll();
    await mine.declare({ title: 'First', severity: 'P3', service: '' }, 'Dana'); // creates incidents/
    const incidents = path.join(root, 'incidents');
    assert.ok(makeUnwritable(incidents, false), CANNOT_BLOCK);
    try {
      await assert.rejects(mine.declare({ title: 'Same title', severity: 'P2', service: '' }, 'Dana'));
    } finally {
      makeWritable(incidents);
    }
    const [waiting] = mine.pendingFor();
    // Meanwhile another window (its own store, no pending) declares an incident with the same id.
    const other = new IncidentStore({ root, now: () => T0 + MIN });
    await other.loadAll();
    const theirs = await other.declare({ title: 'Same title', severity: 'P1', service: 'web' }, 'Bo');
    assert.equal(theirs.id, waiting.id, 'precondition: the same folder');
    const theirTimeline = await fsp.readFile(path.join(incidents, theirs.id, 'timeline.jsonl'), 'utf8');

    const next = new IncidentStore({ root, pending: new FilePendingPersistence(file, root) });
    await next.loadAll();
    assert.equal(await next.restorePending(), 1);
    assert.match(next.pendingFor()[0].lastError ?? '', /now holds another incident/);
    assert.equal(await fsp.readFile(path.join(incidents, theirs.id, 'timeline.jsonl'), 'utf8'), theirTimeline, 'written into the other incident');
    assert.equal(next.get(theirs.id)!.incident.declaredBy, 'Bo');
  });
});
