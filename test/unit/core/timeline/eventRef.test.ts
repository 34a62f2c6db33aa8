import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { EventIdGenerator, eventIdTime, eventRef, isEventId, lineRef, newEventId } from '../../../../src/core/timeline/eventRef';
import { EVENT_TYPES, isEventType } from '../../../../src/core/timeline/eventTypes';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { parseTimeline, parseTimelineWithRefs, serializeEvent } from '../../../../src/core/timeline/timelineFile';
import { T0, iso } from '../../support/fixtures';
import { TempDirs } from '../../support/tempDirs';

const note = (text: string, at = T0): TimelineEvent => ({ ts: iso(at), type: 'note', actor: 'Dana', text });

describe('event ids (ULID) and refs', () => {
  describe('newEventId', () => {
    it('is a ULID: 26 characters of Crockford base32, the first 10 the time in ms (the spec\'s example time)', () => {
      const id = new EventIdGenerator().next(1469918176385);
      assert.equal(id.length, 26);
      assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.equal(id.slice(0, 10), '01ARYZ6S41');
      assert.equal(eventIdTime(id), 1469918176385);
      assert.ok(isEventId(id));
    });

    it('sorts as made: across milliseconds, many within one millisecond, and when the clock steps back', () => {
      const ids = new EventIdGenerator();
      const made = [ids.next(T0), ids.next(T0 + 1), ...Array.from({ length: 500 }, () => ids.next(T0 + 2)), ids.next(T0 - 60_000), ids.next(T0 + 3)];
      assert.deepEqual([...made].sort(), made);
      assert.equal(new Set(made).size, made.length, 'all distinct');
      assert.equal(eventIdTime(made[0]), T0);
      assert.equal(eventIdTime(made.at(-1)!), T0 + 3);
    });

    it('newEventId: one generator per process, each id later than the ones before, even with a clock stepping back', () => {
      const first = newEventId();
      assert.ok(newEventId() > first);
      assert.ok(newEventId(0) > first);
      const before = Date.now();
      const t = eventIdTime(new EventIdGenerator().next())!;
      assert.ok(t >= before && t <= Date.now(), `${t} vs ${before}`);
    });

    it('is not fooled by look-alikes', () => {
      for (const v of ['', '01ARYZ6S41', '01ARYZ6S41IIIIIIIIIIIIIIII', '81ARYZ6S4100000000000000000'.slice(0, 26), 42, undefined]) assert.equal(isEventId(v), false, String(v));
    });
  });

  describe('eventRef', () => {
    it('is the id when the event has one, whatever its line', () => {
      const e = { ...note('restarted'), id: '01ARYZ6S41TSV4RRFFQ69G5FAV' };
      assert.equal(eventRef(e, serializeEvent(e)), '01ARYZ6S41TSV4RRFFQ69G5FAV');
      assert.equal(eventRef(e, 'anything'), e.id);
    });

    it('for an old event without one: h: and 16 hex of the sha256 of its line, without the line end', () => {
      const line = serializeEvent(note('restarted'));
      const ref = eventRef(note('restarted'), line);
      assert.match(ref, /^h:[0-9a-f]{16}$/);
      assert.equal(eventRef(note('restarted'), `${line}\n`), ref);
      assert.equal(eventRef(note('restarted'), `${line}\r\n`), ref);
      assert.equal(lineRef(`${line}\r`), ref);
      assert.notEqual(eventRef(note('restarted'), line.replace('restarted', 'restarted!')), ref);
    });

    it('parseTimelineWithRefs gives each event its ref, in the time order events come in; CRLF and a BOM do not change them', () => {
      const a = serializeEvent(note('a', T0 + 2000));
      const b = serializeEvent({ ...note('b', T0 + 1000), id: '01ARYZ6S41TSV4RRFFQ69G5FAV' });
      const c = serializeEvent(note('c', T0 + 3000));
      const parsed = parseTimelineWithRefs(Buffer.from(`\ufeff${a}\r\n${b}\n{broken\n${c}\n`));
      assert.deepEqual(parsed.events.map((e) => e.text), ['b', 'a', 'c']);
      assert.deepEqual(parsed.refs, ['01ARYZ6S41TSV4RRFFQ69G5FAV', lineRef(a), lineRef(c)]);
      assert.equal(parsed.problems.length, 1);
      assert.equal('refs' in parseTimeline(Buffer.from(`${a}\n`)), false, 'plain parseTimeline does not pay for refs');
    });

    it('a line merged from two branches (git union merge) keeps its ref', async function () {
      this.timeout(20_000);
      const temp = new TempDirs();
      try {
        const repo = await temp.make('idk-ref-');
        const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, encoding: 'utf8' });
        git('init', '-q');
        const file = path.join(repo, 'incidents', 'x', 'timeline.jsonl');
        await fsp.mkdir(path.dirname(file), { recursive: true });
        await fsp.writeFile(path.join(repo, 'incidents', '.gitattributes'), '*/timeline.jsonl merge=union\n');
        const declared = serializeEvent({ ts: iso(T0), type: 'declared', actor: 'Dana', text: 'Declared' });
        await fsp.writeFile(file, `${declared}\n`);
        git('add', '-A');
        git('commit', '-qm', 'declare');
        git('checkout', '-qb', 'lee');
        const oldLine = serializeEvent(note('Lee: restarted the pods (written before ids)', T0 + 120_000));
        await fsp.appendFile(file, `${oldLine}\n`);
        git('commit', '-qam', 'lee');
        git('checkout', '-q', 'main');
        const danaEvent = { ...note('Dana: rolled back', T0 + 60_000), id: newEventId(T0 + 60_000) };
        await fsp.appendFile(file, `${serializeEvent(danaEvent)}\n`);
        git('commit', '-qam', 'dana');
        const onBranch = lineRef(oldLine);
        git('merge', '-q', '--no-edit', 'lee');
        const merged = await fsp.readFile(file);
        assert.equal(merged.toString().split('\n').filter(Boolean).length, 3, 'union merge kept every line');
        const parsed = parseTimelineWithRefs(merged);
        assert.deepEqual(parsed.events.map((e) => e.text), ['Declared', 'Dana: rolled back', 'Lee: restarted the pods (written before ids)']);
        assert.equal(parsed.refs[2], onBranch, 'the old line keeps its hash ref after the merge');
        assert.equal(parsed.refs[1], danaEvent.id);
      } finally {
        await temp.cleanup();
      }
    });
  });

  describe('lineRef', () => {
    it('is stable: the sha256 of the line (UTF-8, without its line end) as stars already written name it', () => {
      // A fixed value: a change of how lines are hashed (crypto.hash, createHash) must not move old stars.
      const line = '{"ts":"2026-11-05T10:00:00.000Z","type":"note","actor":"Kim","text":"ünïcode ✓"}';
      assert.equal(lineRef(line), 'h:53ac00be7c094864');
      assert.equal(lineRef(line + '\n'), 'h:53ac00be7c094864');
      assert.equal(lineRef(line + '\r\n'), 'h:53ac00be7c094864');
    });
  });

  describe('EVENT_TYPES', () => {
    it('is one closed list, holding the types written today that the old union missed, and the stars', () => {
      for (const t of ['runbook_step_started', 'runbook_step_finished', 'runbook_step_done', 'ssh_terminal_opened', 'ssh_terminal_closed', 'evidence', 'container_restarted', 'starred', 'unstarred', 'note', 'declared']) {
        assert.ok(isEventType(t), t);
      }
      assert.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length);
      assert.equal(isEventType('sla_breached'), false, 'never written');
    });

    it("every type has a row in README's Timeline events table and a line in the timeline e2e fixture (which shows each)", () => {
      const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', '..', 'README.md'), 'utf8');
      const fixture = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'timeline', 'workspace', 'incidents', '2026-11-20-checkout-502', 'timeline.jsonl'), 'utf8');
      const inFixture = new Set(fixture.split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { type: string }).type));
      for (const t of EVENT_TYPES) {
        assert.ok(readme.includes(`| \`${t}\` |`), `README's table has ${t}`);
        assert.ok(inFixture.has(t), `the e2e fixture has a ${t} line`);
      }
    });
  });
});
