// Issue 11 benchmark: the timeline's first screenful is sent and painted before the other rows are
// built. The row set gives any row on its own, in the same order and with the same content as
// building them all; the app's RowStream puts ranges and live updates together.
import * as assert from 'node:assert/strict';
import { computeMilestones } from '../../../../src/core/incidents/milestones';
import type { Incident } from '../../../../src/core/incidents/model';
import { starredRefs } from '../../../../src/core/incidents/keyMoments';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { RowStream } from '../../../../src/core/timeline/rowStream';
import { buildRows, rowSet, type RowInput, type TimelineRow } from '../../../../src/core/timeline/timelineRows';
import { orderRows } from '../../../../src/core/timeline/timelineView';

const T = (m: number) => new Date(Date.parse('2026-11-20T09:00:00.000Z') + m * 60_000).toISOString();
const incident: Incident = {
  id: 'x', title: 'X', severity: 'P1', status: 'resolved', service: 's', roles: {}, declaredAt: T(0), acknowledgedAt: T(4),
  mitigatedAt: T(18), resolvedAt: T(50), declaredBy: 'Dana', lastUpdateAt: null, summary: '', escalationsReached: [], version: 1,
};

/** 500 events out of time order (two merged branches), a backdated note, stars, milestones and two damaged lines. */
function input(): RowInput {
  const events: TimelineEvent[] = [{ id: 'E0', ts: T(0), type: 'declared', actor: 'Dana', text: 'Declared' }];
  for (let i = 1; i < 500; i++) events.push({ id: `E${i}`, ts: T(i % 2 ? i : 500 - i), type: 'note', actor: i % 3 ? 'Ravi' : 'Lee', text: `event ${i}` });
  events.push({ id: 'ACK', ts: T(4), type: 'acknowledged', actor: 'Ravi', text: 'Acknowledged' });
  events.push({ id: 'ACK2', ts: T(4), type: 'acknowledged', actor: 'Ravi', text: 'Acknowledged again, same minute' });
  events.push({ id: 'BACK', ts: T(300), type: 'note', actor: 'Lee', text: 'backdated', data: { occurredAt: T(2) } });
  events.push({ id: 'STAR', ts: T(301), type: 'starred', actor: 'Lee', text: 'Starred', data: { ref: 'E7' } });
  const ordered = events.map((e, i) => ({ e, seq: i + 1 })).sort((a, b) => (a.e.ts < b.e.ts ? -1 : a.e.ts > b.e.ts ? 1 : a.seq - b.seq));
  const evs = ordered.map((x) => x.e);
  return {
    events: evs, refs: evs.map((e) => e.id!), seqs: ordered.map((x) => x.seq),
    damaged: [{ line: 3, seq: 3, message: 'invalid JSON', raw: '{' }, { line: 800, seq: 800, message: 'invalid JSON', raw: '{' }],
    starred: starredRefs(evs), milestones: computeMilestones(incident, evs, undefined, Date.parse(T(600))),
  };
}

describe('timeline rows a screenful at a time', () => {
  it('the row set orders and builds rows exactly as building them all and sorting does', () => {
    const inp = input();
    const all = orderRows(buildRows(inp));
    const set = rowSet(inp);
    const order = set.order();
    assert.equal(order.length, all.length);
    assert.deepEqual(order.map((i) => set.row(i)), all);
    assert.deepEqual(order.map((i) => set.key(i)), all.map((r) => r.key));
    // The first screenful on its own, built before any other row, is the same.
    const first = rowSet(inp);
    assert.deepEqual(first.order().slice(0, 20).map((i) => first.row(i)), all.slice(0, 20));
    assert.deepEqual(all.filter((r) => r.milestone === 'acknowledged').map((r) => r.key), ['ACK'], 'one row per milestone');
    assert.equal(all.find((r) => r.key === 'E7')!.starred, true);
    assert.ok(all.findIndex((r) => r.key === 'BACK') < all.findIndex((r) => r.key === 'E3'), 'the backdated note at its occurredAt');
  });

  it('sig says what an update must resend: a star or a milestone', () => {
    const inp = input();
    const set = rowSet(inp);
    const sigs = new Map(set.order().map((i) => [set.key(i), set.sig(i)]));
    const starred = rowSet({ ...inp, starred: new Set([...inp.starred, 'E9']) });
    const changed = starred.order().filter((i) => sigs.get(starred.key(i)) !== starred.sig(i)).map((i) => starred.key(i));
    assert.deepEqual(changed, ['E9']);
  });

  it('RowStream: first rows, then ranges; an update of a row not yet delivered wins over the range', () => {
    const all = orderRows(buildRows(input()));
    const s = new RowStream();
    s.reset(all.slice(0, 200), all.length, 1);
    assert.equal(s.complete, false);
    assert.equal(s.count, all.length);
    const newer: TimelineRow = { ...all[300], starred: true };
    const appended: TimelineRow = { ...all[10], key: 'NEW', ts: T(900), at: T(900), seq: 9999 };
    // The host says which rows are new: the starred one is the reset's, not yet delivered, and is not new.
    assert.deepEqual(s.upsert([newer, appended], ['NEW']), ['NEW']);
    assert.equal(s.count, all.length + 1, 'the early row is counted once');
    const r1 = s.addRange(all.slice(200, 400));
    assert.equal(s.count, all.length + 1);
    assert.equal(r1.appended, false, 'an appended event sorted at the end: the range goes before it');
    assert.ok(!r1.fresh.some((r) => r.key === newer.key));
    const r2 = s.addRange(all.slice(400));
    assert.equal(s.complete, true);
    assert.deepEqual(s.all.map((r) => r.key), [...all.map((r) => r.key), 'NEW']);
    assert.equal(s.all.find((r) => r.key === newer.key)!.starred, true, 'the update is newer than the reset\'s range');
    assert.ok(r2.fresh.length > 0);
    assert.equal(s.count, all.length + 1);
  });

  it('RowStream: in-order ranges are appended; an empty range (the host has no more) completes it', () => {
    const all = orderRows(buildRows(input()));
    const s = new RowStream();
    s.reset(all.slice(0, 10), all.length, 2);
    assert.equal(s.addRange(all.slice(10, 20)).appended, true);
    assert.deepEqual(s.all, all.slice(0, 20));
    s.addRange([]);
    assert.equal(s.complete, true);
    s.reset(all, all.length, 3);
    assert.equal(s.complete, true);
  });
});
