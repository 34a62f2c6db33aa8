import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ActionError, addNote, escalate, type Change } from '../../../../src/core/incidents/actions';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import { KeyMomentError, setKeyMoment, starredRefs, starrable } from '../../../../src/core/incidents/keyMoments';
import { type PendingPersistence, type PersistedEvent } from '../../../../src/core/incidents/pendingEvents';
import { stepFinished } from '../../../../src/core/runbooks/runbookEvents';
import { eventIdTime, isEventId, lineRef } from '../../../../src/core/timeline/eventRef';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { parseTimelineWithRefs, serializeEvent } from '../../../../src/core/timeline/timelineFile';
import { MIN, T0, iso, presetLevel } from '../../support/fixtures';
import { TempDirs } from '../../support/tempDirs';

const star = (ref: string, at: number, type: 'starred' | 'unstarred' = 'starred'): TimelineEvent => ({ ts: iso(at), type, actor: 'Dana', text: type, data: { ref } });

describe('key moments (star / unstar) and event ids through the store', function () {
  this.timeout(20_000);
  const temp = new TempDirs();
  let clock = T0;
  after(() => temp.cleanup());

  async function declared(root?: string) {
    const store = new IncidentStore({ root: root ?? (await temp.make()), now: () => clock });
    await store.loadAll();
    const incident = await store.declare({ title: 'Checkout returns 502', severity: 'P1', service: 'checkout' }, 'Dana');
    return { store, incident, file: path.join(store.incidentsDir, incident.id, 'timeline.jsonl') };
  }
  const timeline = async (file: string) => parseTimelineWithRefs(await fsp.readFile(file));

  describe('starredRefs', () => {
    it('the last star or unstar of each ref wins, in order', () => {
      assert.deepEqual([...starredRefs([star('a', T0), star('b', T0 + 1), star('a', T0 + 2, 'unstarred'), star('c', T0 + 3), star('a', T0 + 4)])].sort(), ['a', 'b', 'c']);
      assert.deepEqual([...starredRefs([star('a', T0), star('a', T0 + 1, 'unstarred')])], []);
      assert.deepEqual([...starredRefs([star('a', T0, 'unstarred')])], [], 'an unstar of what was never starred is nothing');
      assert.deepEqual([...starredRefs([{ ts: iso(T0), type: 'note', actor: 'x', text: 'y', data: { ref: 'a' } }, { ts: iso(T0), type: 'starred', actor: 'x', text: 'no ref' }])], [], 'only stars with a ref count');
    });
  });

  describe('through the store', () => {
    it('every event written gets a ULID id at its write time; the record and replay are unchanged by it', async () => {
      clock = T0;
      const { store, incident, file } = await declared();
      clock = T0 + MIN;
      await store.record(incident.id, addNote(incident, 'restarted the pods', 'Lee', iso(clock)));
      clock = T0 + 2 * MIN;
      await store.record(incident.id, escalate(store.get(incident.id)!.incident, 0, presetLevel('P1').escalation[0], iso(clock)));
      const { events } = await timeline(file);
      assert.deepEqual(events.map((e) => e.type), ['declared', 'note', 'escalation']);
      for (const e of events) assert.ok(isEventId(e.id), `${e.type} has an id: ${e.id}`);
      // Time-ordered as written (the store's clock; never behind an id this process already made).
      const ids = events.map((e) => e.id!);
      assert.deepEqual([...ids].sort(), ids);
      assert.ok(eventIdTime(ids[0])! >= T0);
      assert.equal(new Set(events.map((e) => e.id)).size, 3);
      // A fresh store reads the same incident back (ids do not disturb the record's replay marker).
      const again = new IncidentStore({ root: path.dirname(store.incidentsDir), now: () => clock });
      await again.loadAll();
      assert.equal(again.get(incident.id)?.recordBehind, 0);
      assert.deepEqual(again.get(incident.id)?.incident.escalationsReached, [0]);
    });

    it('the store refuses a type outside the closed list', async () => {
      const { store, incident } = await declared();
      const bogus = { event: { ts: iso(T0), type: 'sla_breached', actor: 'x', text: 'y' }, apply: (c: unknown) => c } as unknown as Change;
      await assert.rejects(store.record(incident.id, bogus), /does not write events of type "sla_breached"/);
    });

    it('a change kept from an earlier session without an id is written as it was kept (no duplicate if it had landed)', async () => {
      const root = await temp.make();
      const { incident, file } = await declared(root);
      const old: TimelineEvent = { ts: iso(T0 + MIN), type: 'note', actor: 'Lee', text: 'kept before ids existed' };
      await fsp.appendFile(file, `${serializeEvent(old)}\n`); // it reached the timeline before the window closed
      const kept: PersistedEvent[] = [{ id: incident.id, event: old, create: false, eventWritten: false }];
      const persistence: PendingPersistence = { load: async () => kept, save: async () => undefined };
      const next = new IncidentStore({ root, now: () => clock, pending: persistence });
      await next.loadAll();
      await next.restorePending();
      await next.retryPending();
      const { events } = await timeline(file);
      assert.equal(events.filter((e) => e.text === 'kept before ids existed').length, 1);
      assert.equal(events.find((e) => e.text === 'kept before ids existed')?.id, undefined);
    });

    it('star and unstar: new events pointing at the event; old events by the hash of their line; the timeline is only appended to', async () => {
      clock = T0;
      const { store, incident, file } = await declared();
      const oldLine = serializeEvent({ ts: iso(T0 + MIN), type: 'note', actor: 'Lee', text: 'written by an older version' });
      await fsp.appendFile(file, `${oldLine}\n`);
      await store.record(incident.id, addNote(incident, 'rolled back to 4811', 'Dana', iso(T0 + 2 * MIN)));
      let t = await timeline(file);
      const noteRef = t.refs[2];
      assert.ok(isEventId(noteRef));
      assert.equal(t.refs[1], lineRef(oldLine));
      const before = await fsp.readFile(file, 'utf8');

      await store.record(incident.id, setKeyMoment(incident, t, noteRef, true, 'Dana', iso(T0 + 3 * MIN)));
      t = await timeline(file);
      await store.record(incident.id, setKeyMoment(incident, t, lineRef(oldLine), true, 'Dana', iso(T0 + 4 * MIN)));
      t = await timeline(file);
      assert.deepEqual([...starredRefs(t.events)].sort(), [lineRef(oldLine), noteRef].sort());
      const starredEvent = t.events.at(-1)!;
      assert.equal(starredEvent.type, 'starred');
      assert.deepEqual(starredEvent.data, { ref: lineRef(oldLine) });
      assert.match(starredEvent.text, /key moment: written by an older version/);
      assert.ok(isEventId(starredEvent.id));

      assert.throws(() => setKeyMoment(incident, t, noteRef, true, 'Dana', iso(T0 + 5 * MIN)), (e) => ActionError.is(e, 'sameValue'));
      assert.throws(() => setKeyMoment(incident, t, 'h:0123456789abcdef', true, 'Dana', iso(T0 + 5 * MIN)), (e) => KeyMomentError.is(e, 'unknownRef') && /No event "h:0123456789abcdef" on the timeline of "Checkout returns 502"/.test(e.message));
      assert.throws(() => setKeyMoment(incident, t, t.refs.at(-1)!, true, 'Dana', iso(T0 + 5 * MIN)), (e) => KeyMomentError.is(e, 'notStarrable'));

      await store.record(incident.id, setKeyMoment(incident, t, noteRef, false, 'Dana', iso(T0 + 5 * MIN)));
      t = await timeline(file);
      assert.deepEqual([...starredRefs(t.events)], [lineRef(oldLine)]);
      assert.equal(t.events.at(-1)!.type, 'unstarred');
      assert.throws(() => setKeyMoment(incident, t, noteRef, false, 'Dana', iso(T0 + 6 * MIN)), (e) => ActionError.is(e, 'sameValue'));
      assert.ok((await fsp.readFile(file, 'utf8')).startsWith(before), 'earlier lines untouched');
      assert.deepEqual(starrable(t).map((c) => [c.event.type, c.starred]), [['declared', false], ['note', true], ['note', false]]);
    });

    it('a finished step keeps its output tail on its event', async () => {
      const { store, incident, file } = await declared();
      const ref = { runbook: 'r.md', runbookTitle: 'R', section: 'S', step: 'Step', line: 3 };
      await store.record(incident.id, stepFinished(ref, { command: 'echo hi', target: 'local', runId: 'r1' }, 0, 'Dana', iso(T0 + MIN), undefined, undefined, { text: 'hi', truncated: false }));
      const e = (await timeline(file)).events.at(-1)!;
      assert.deepEqual(e.data?.output, { text: 'hi', truncated: false });
      assert.ok(isEventId(e.id));
    });
  });
});
