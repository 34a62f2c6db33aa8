import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { isTimelineEvent } from '../../../../src/core/timeline/events';
import { appendEvents, keepAside, parseTimeline, readTimeline, serializeEvent } from '../../../../src/core/timeline/timelineFile';
import { TempDirs } from '../../support/tempDirs';

function ev(n: number, over: Partial<TimelineEvent> = {}): TimelineEvent {
  return { ts: new Date(Date.UTC(2026, 10, 22, 14, 0, n)).toISOString(), type: 'note', actor: 'Dana', text: `note ${n}`, ...over };
}

describe('timeline.jsonl', () => {
  const temp = new TempDirs();
  let dir: string;
  let n = 0;
  const file = () => path.join(dir, `timeline-${++n}.jsonl`);

  before(async () => {
    dir = await temp.make();
  });
  after(() => temp.cleanup());

  describe('serializeEvent', () => {
    it('writes one line with a fixed key order, and no data key when there is none', () => {
      assert.equal(serializeEvent({ text: 'a', actor: 'b', type: 'note', ts: 't' }), '{"ts":"t","type":"note","actor":"b","text":"a"}');
      const line = serializeEvent(ev(1, { text: 'line one\nline two\r\n\u2028end', data: { multi: 'x\ny' } }));
      assert.ok(!line.includes('\n') && !line.includes('\r'));
      assert.deepEqual(JSON.parse(line).data, { multi: 'x\ny' });
    });
  });

  describe('appendEvents and parseTimeline', () => {
    it('round-trips unicode and newlines inside text exactly', async () => {
      const f = file();
      const events = [
        ev(1, { text: 'Ünïcødé 🔥 中文 العربية עברית', actor: 'Zoë Ñandú' }),
        ev(2, { text: 'first line\nsecond line\r\nthird\ttabbed', data: { note: 'a\nb', nested: { list: [1, 'two', null] } } }),
        ev(3, { text: 'line separator \u2028 and paragraph \u2029 and NUL \u0000 and bidi \u202e' }),
        ev(4, { text: '"quotes" and \\backslashes\\ and {"json":"inside"}' }),
      ];
      await appendEvents(f, events.slice(0, 2));
      await appendEvents(f, events.slice(2));
      const buf = await fsp.readFile(f);
      assert.equal(buf.toString('utf8').split('\n').length, 5, 'four lines, each ended by a newline');
      assert.deepEqual(parseTimeline(buf), { events, problems: [] });
      assert.deepEqual(await readTimeline(f), { events, problems: [] });
    });

    it('creates the file on first append and does nothing for no events', async () => {
      const f = file();
      await appendEvents(f, []);
      await assert.rejects(fsp.stat(f), { code: 'ENOENT' });
      await appendEvents(f, [ev(1)]);
      assert.equal(await fsp.readFile(f, 'utf8'), `${serializeEvent(ev(1))}\n`);
    });

    it('refuses to append through a symbolic link', async () => {
      const target = file();
      await fsp.writeFile(target, 'untouched');
      const link = file();
      await fsp.symlink(target, link);
      await assert.rejects(appendEvents(link, [ev(1)]), { code: 'ELOOP' });
      assert.equal(await fsp.readFile(target, 'utf8'), 'untouched');
    });

    it('reads a missing file as empty', async () => {
      assert.deepEqual(await readTimeline(path.join(dir, 'never-written.jsonl')), { events: [], problems: [] });
    });

    it('tolerates CRLF line ends, a BOM and blank lines', () => {
      const text = `\ufeff${serializeEvent(ev(1))}\r\n\r\n   \r\n${serializeEvent(ev(2))}\r\n${serializeEvent(ev(3))}`;
      const { events, problems } = parseTimeline(Buffer.from(text, 'utf8'));
      assert.deepEqual(events, [ev(1), ev(2), ev(3)]);
      assert.deepEqual(problems, []);
    });

    it('reports an invalid middle line with its line number, offset and text, and keeps the others', () => {
      const lines = [serializeEvent(ev(1)), '{"ts": "2026-11-22T14:00:02.000Z", "type": "note", oops}', serializeEvent(ev(3)), '', serializeEvent(ev(4))];
      const buf = Buffer.from(`\ufeff${lines.join('\n')}\n`, 'utf8');
      const { events, problems } = parseTimeline(buf);
      assert.deepEqual(events, [ev(1), ev(3), ev(4)]);
      assert.equal(problems.length, 1);
      const [p] = problems;
      assert.equal(p.line, 2);
      assert.equal(p.torn, false);
      assert.equal(p.raw, lines[1]);
      assert.equal(p.offset, buf.indexOf(lines[1]));
      assert.match(p.message, /^invalid JSON/);
      assert.ok(p.column >= 1);
    });

    it('reports valid JSON that is not an event', () => {
      const bad = ['{"ts":1,"type":"note","actor":"a","text":"b"}', '{"ts":"t","type":"note","actor":"a"}', '["ts","type"]', '42', 'null',
        '{"ts":"t","type":"note","actor":"a","text":"b","data":[1]}', '{"ts":"t","type":"note","actor":"a","text":"b","data":null}'];
      const { events, problems } = parseTimeline(Buffer.from(`${bad.join('\n')}\n`));
      assert.deepEqual(events, []);
      assert.deepEqual(problems.map((p) => p.line), [1, 2, 3, 4, 5, 6, 7]);
      for (const p of problems) assert.match(p.message, /not a timeline event/);
      assert.ok(isTimelineEvent({ ts: 't', type: 'x', actor: 'a', text: 'b', data: {}, extra: 1 }), 'extra fields from newer versions are fine');
    });

    it('reports unresolved merge conflict markers', () => {
      const text = [serializeEvent(ev(1)), '<<<<<<< HEAD', serializeEvent(ev(2)), '=======', serializeEvent(ev(3)), '>>>>>>> origin/main', serializeEvent(ev(4)), ''].join('\n');
      const { events, problems } = parseTimeline(Buffer.from(text));
      assert.deepEqual(events, [ev(1), ev(2), ev(3), ev(4)]);
      assert.deepEqual(problems.map((p) => [p.line, p.message, p.torn]), [
        [2, 'unresolved git merge conflict marker', false],
        [4, 'unresolved git merge conflict marker', false],
        [6, 'unresolved git merge conflict marker', false],
      ]);
    });

    it('sorts events that are out of order by time, keeping equal times in file order', () => {
      const a = ev(5, { text: 'a' });
      const b = ev(1);
      const c = ev(5, { text: 'c' });
      const d = ev(3);
      const { events } = parseTimeline(Buffer.from([a, b, c, d].map(serializeEvent).join('\n') + '\n'));
      assert.deepEqual(events, [b, d, a, c]);
    });
  });

  describe('torn last line', () => {
    it('is detected (torn: true) only for the last line without a newline', () => {
      const whole = serializeEvent(ev(1));
      const partial = serializeEvent(ev(2)).slice(0, 30);
      const buf = Buffer.from(`${whole}\n${partial}`);
      const { events, problems } = parseTimeline(buf);
      assert.deepEqual(events, [ev(1)]);
      assert.equal(problems.length, 1);
      assert.deepEqual({ line: problems[0].line, torn: problems[0].torn, raw: problems[0].raw, offset: problems[0].offset }, { line: 2, torn: true, raw: partial, offset: whole.length + 1 });
      assert.match(problems[0].message, /^torn last line \(a write was cut short\)/);
      // a complete last event merely missing its newline is not torn
      assert.deepEqual(parseTimeline(Buffer.from(`${whole}\n${serializeEvent(ev(2))}`)), { events: [ev(1), ev(2)], problems: [] });
    });

    it('keepAside writes each damaged line once (idempotent), and only new ones later', async () => {
      const damaged = path.join(dir, 'timeline.damaged.jsonl');
      const buf = Buffer.from(`${serializeEvent(ev(1))}\nnot json\n${serializeEvent(ev(2)).slice(0, 20)}`);
      const { problems } = parseTimeline(buf);
      assert.equal(problems.length, 2);
      const kept = await keepAside(damaged, problems, '2026-11-22T15:00:00.000Z');
      assert.equal(kept.length, 2);
      const first = await fsp.readFile(damaged, 'utf8');
      const rows = first.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(rows.map((r) => [r.line, r.torn, r.raw, r.keptAt]), [
        [2, false, 'not json', '2026-11-22T15:00:00.000Z'],
        [3, true, serializeEvent(ev(2)).slice(0, 20), '2026-11-22T15:00:00.000Z'],
      ]);
      assert.deepEqual(await keepAside(damaged, problems, '2026-11-22T16:00:00.000Z'), []);
      assert.equal(await fsp.readFile(damaged, 'utf8'), first, 'the second call writes nothing');
      const more = parseTimeline(Buffer.concat([buf, Buffer.from('\nanother bad line\n')])).problems;
      assert.equal(more.length, 3);
      const fresh = await keepAside(damaged, more, '2026-11-22T17:00:00.000Z');
      assert.deepEqual(fresh.map((p) => p.raw), ['another bad line']);
      assert.equal((await fsp.readFile(damaged, 'utf8')).trim().split('\n').length, 3);
    });

    it('keepAside with no problems creates nothing', async () => {
      const damaged = path.join(dir, 'none.damaged.jsonl');
      assert.deepEqual(await keepAside(damaged, [], 'now'), []);
      await assert.rejects(fsp.stat(damaged), { code: 'ENOENT' });
    });

    it('an append after a torn line starts on a new line, so the new event parses', async () => {
      const f = file();
      await appendEvents(f, [ev(1)]);
      const partial = serializeEvent(ev(2)).slice(0, 25);
      await fsp.appendFile(f, partial); // what a crash mid-write leaves
      const before = parseTimeline(await fsp.readFile(f));
      assert.equal(before.problems[0]?.torn, true);
      await appendEvents(f, [ev(3), ev(4)]);
      const after = parseTimeline(await fsp.readFile(f));
      assert.deepEqual(after.events, [ev(1), ev(3), ev(4)]);
      assert.equal(after.problems.length, 1);
      const [p] = after.problems;
      // the same line, no longer last: same offset and text, so keepAside does not keep it twice
      assert.deepEqual({ line: p.line, torn: p.torn, raw: p.raw, offset: p.offset }, { line: 2, torn: false, raw: partial, offset: before.problems[0].offset });
      const damaged = path.join(dir, 'torn.damaged.jsonl');
      assert.equal((await keepAside(damaged, before.problems, 'a')).length, 1);
      assert.deepEqual(await keepAside(damaged, after.problems, 'b'), []);
    });

    it('an append to a file whose last event lacks its newline does not glue onto it', async () => {
      const f = file();
      await fsp.writeFile(f, serializeEvent(ev(1)));
      await appendEvents(f, [ev(2)]);
      assert.deepEqual(parseTimeline(await fsp.readFile(f)), { events: [ev(1), ev(2)], problems: [] });
    });
  });
});
