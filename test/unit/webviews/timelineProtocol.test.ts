// The timeline webview's messages for a long timeline: a reset carries at most the first screenful
// and the total; the app asks for the rest in validated ranges. Both directions are checked.
import * as assert from 'node:assert/strict';
import { Peer } from '../../../src/webviews/shared/ipc';
import { validate } from '../../../src/webviews/shared/schema';
import { FIRST_ROWS, MORE_ROWS, timelineProtocol, type IncidentInfo, type WireRow } from '../../../src/webviews/timeline/protocol';

const row = (i: number): WireRow => ({
  key: `E${i}`, seq: i, kind: 'event', ts: '2026-11-20T09:00:00.000Z', at: '2026-11-20T09:00:00.000Z', type: 'note', actor: 'Dana', text: `event ${i}`,
  backdated: false, starred: false, starrable: true, milestone: null, details: [], runbook: null,
});
const incident: IncidentInfo = { id: 'x', title: 'X', severity: 'P1', status: 'open', declaredAt: '2026-11-20T09:00:00.000Z', milestones: [], targets: [] };
const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i));

describe('timeline protocol: the first screenful, then ranges', () => {
  const reset = timelineProtocol.toWebview.reset.params;
  const more = timelineProtocol.toHost.rows;

  it('a reset carries the first rows, the total and its generation', () => {
    assert.equal(validate(reset, { incident, rows: rows(FIRST_ROWS), total: 10_000, generation: 1, commandAt: 5 }).ok, true);
    assert.match((validate(reset, { incident, rows: rows(FIRST_ROWS + 1), total: 10_000, generation: 1, commandAt: null }) as { error: string }).error, /rows: more than 200/);
    assert.equal(validate(reset, { incident, rows: rows(3), generation: 1, commandAt: null }).ok, false, 'no total');
    assert.equal(validate(reset, { incident, rows: rows(3), total: -1, generation: 1, commandAt: null }).ok, false);
    assert.equal(validate(reset, { incident, rows: rows(3), total: 3, generation: 1.5, commandAt: null }).ok, false);
  });

  it('a range request and its reply are bounded and typed', () => {
    assert.equal(validate(more.params, { generation: 1, from: 200, count: MORE_ROWS }).ok, true);
    for (const bad of [{ generation: 1, from: -1, count: 10 }, { generation: 1, from: 0, count: MORE_ROWS + 1 }, { generation: 1, from: 0, count: 0 }, { generation: 1, from: 0 }, { generation: 1, from: 0, count: 5, all: true }]) {
      assert.equal(validate(more.params, bad).ok, false, JSON.stringify(bad));
    }
    assert.equal(validate(more.result, { rows: rows(MORE_ROWS), stale: false }).ok, true);
    assert.equal(validate(more.result, { rows: rows(MORE_ROWS + 1), stale: false }).ok, false);
    assert.equal(validate(more.result, { rows: [{ ...row(1), text: 5 }], stale: false }).ok, false);
    assert.equal(validate(more.result, { rows: [] }).ok, false, 'stale is said');
  });

  it('the app gets its range through a Peer; a malformed one is dropped, not dispatched', async () => {
    const warnings: string[] = [];
    const hostRef: { peer?: Peer<typeof timelineProtocol.toHost, typeof timelineProtocol.toWebview> } = {};
    const app = new Peer(timelineProtocol.toWebview, timelineProtocol.toHost, { reset: () => undefined, update: () => undefined },
      (m) => setImmediate(() => hostRef.peer!.receive(JSON.parse(JSON.stringify(m)))), { warn: (m) => warnings.push(m) });
    const served: number[] = [];
    hostRef.peer = new Peer(timelineProtocol.toHost, timelineProtocol.toWebview, {
      ready: () => undefined, cspViolation: () => undefined, star: () => ({ ok: true }), addNote: () => ({ ok: true }), exportMarkdown: () => ({}),
      openRunbook: () => ({}), openFile: () => undefined, painted: () => undefined, shown: () => undefined,
      rows: ({ generation, from, count }) => {
        served.push(from);
        return generation === 7 ? { rows: rows(from + count).slice(from), stale: false } : { rows: [], stale: true };
      },
    }, (m) => setImmediate(() => app.receive(JSON.parse(JSON.stringify(m)))), { warn: (m) => warnings.push(m) });
    const got = await app.request('rows', { generation: 7, from: 200, count: 5 });
    assert.deepEqual(got.rows.map((r) => r.key), ['E200', 'E201', 'E202', 'E203', 'E204']);
    assert.deepEqual(await app.request('rows', { generation: 6, from: 0, count: 5 }), { rows: [], stale: true });
    hostRef.peer.receive({ t: 'req', id: 99, m: 'rows', p: { generation: 7, from: 0, count: 1_000_000 } });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(served, [200, 0]);
    assert.equal(hostRef.peer.dropped, 1);
    assert.match(warnings.join('\n'), /count: above 2000/);
  });
});
