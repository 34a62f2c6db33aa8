import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { appendEvents, serializeEvent } from '../../../../src/core/timeline/timelineFile';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { lineRef } from '../../../../src/core/timeline/eventRef';
import { TimelineTail } from '../../../../src/core/timeline/timelineTail';
import { TempDirs } from '../../support/tempDirs';

const ev = (n: number, id?: string): TimelineEvent => ({ ...(id ? { id } : {}), ts: new Date(Date.UTC(2026, 10, 20, 9, 0, n)).toISOString(), type: 'note', actor: 'Dana', text: `note ${n}` });

describe('TimelineTail: incremental reads of timeline.jsonl', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it('reads what was appended since the last read, with refs and line numbers', async () => {
    const file = path.join(await temp.make(), 'timeline.jsonl');
    const tail = new TimelineTail(file);
    assert.deepEqual(await tail.read(), { reset: true, events: [], damaged: [] });
    await appendEvents(file, [ev(1, '01JD0000000000000000000001'), ev(2)]);
    let r = await tail.read();
    assert.equal(r.reset, true);
    assert.deepEqual(r.events.map((e) => [e.seq, e.ref]), [[1, '01JD0000000000000000000001'], [2, lineRef(serializeEvent(ev(2)))]]);
    await appendEvents(file, [ev(3)]);
    await fsp.appendFile(file, 'not json\n');
    r = await tail.read();
    assert.equal(r.reset, false);
    assert.deepEqual(r.events.map((e) => e.event.text), ['note 3']);
    assert.deepEqual(r.damaged.map((d) => [d.line, d.raw]), [[4, 'not json']]);
    assert.deepEqual(await tail.read(), { reset: false, events: [], damaged: [] });
  });

  it('leaves a line being written for the next read', async () => {
    const file = path.join(await temp.make(), 'timeline.jsonl');
    const tail = new TimelineTail(file);
    const line = serializeEvent(ev(1));
    await fsp.writeFile(file, line.slice(0, 10));
    assert.deepEqual((await tail.read()).events, []);
    await fsp.appendFile(file, `${line.slice(10)}\n`);
    assert.deepEqual((await tail.read()).events.map((e) => e.event.text), ['note 1']);
  });

  it('reads everything again when a merge rewrote the file or it was replaced', async () => {
    const file = path.join(await temp.make(), 'timeline.jsonl');
    const tail = new TimelineTail(file);
    await appendEvents(file, [ev(1), ev(3)]);
    await tail.read();
    // A union merge inserts the other branch's line in the middle (same size would also be caught).
    await fsp.writeFile(file, [ev(1), ev(2), ev(3)].map(serializeEvent).join('\n') + '\n');
    const r = await tail.read();
    assert.equal(r.reset, true);
    assert.deepEqual(r.events.map((e) => e.event.text), ['note 1', 'note 2', 'note 3']);
    const other = `${file}.new`;
    await fsp.writeFile(other, serializeEvent(ev(9)) + '\n');
    await fsp.rename(other, file);
    assert.deepEqual((await tail.read()).events.map((e) => e.event.text), ['note 9']);
  });
});
