import * as assert from 'node:assert/strict';
import { computeMilestones } from '../../../../src/core/incidents/milestones';
import type { Incident } from '../../../../src/core/incidents/model';
import { starredRefs } from '../../../../src/core/incidents/keyMoments';
import { lineRef } from '../../../../src/core/timeline/eventRef';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { buildRows } from '../../../../src/core/timeline/timelineRows';
import { escapeMarkdown, facets, filterRows, formatClock, formatSpan, formatTPlus, NO_FILTER, orderRows, timelineMarkdown } from '../../../../src/core/timeline/timelineView';

const T = (hm: string) => `2026-11-20T${hm}.000Z`;
const incident: Incident = {
  id: '2026-11-20-x', title: 'X', severity: 'P1', status: 'resolved', service: 's', roles: {}, declaredAt: T('09:00:00'), acknowledgedAt: T('09:04:00'),
  mitigatedAt: T('09:18:00'), resolvedAt: T('09:50:00'), declaredBy: 'Dana', lastUpdateAt: null, summary: '', escalationsReached: [], version: 1,
};
const ev = (id: string, ts: string, type: string, text: string, actor = 'Dana', data?: Record<string, unknown>): TimelineEvent => ({ id, ts, type, actor, text, ...(data ? { data } : {}) });

function rowsOf(events: TimelineEvent[], damaged: { line: number; seq: number; message: string; raw: string }[] = [], seqs?: number[]) {
  const refs = events.map((e) => e.id ?? lineRef(JSON.stringify(e)));
  return buildRows({ events, refs, damaged, seqs, starred: starredRefs(events), milestones: computeMilestones(incident, events, undefined, Date.parse(T('10:00:00'))) });
}

// Two branches' appends, merged by git: file order is not time order.
const merged = [
  ev('A1', T('09:00:00'), 'declared', 'Declared'),
  ev('B1', T('09:05:00'), 'note', 'from branch B'),
  ev('A2', T('09:04:00'), 'acknowledged', 'Acknowledged', 'Ravi'),
  ev('A3', T('09:25:00'), 'note', 'pool limit lowered', 'Lee', { occurredAt: T('09:02:00') }),
  ev('B2', T('09:18:00'), 'status_changed', 'Monitoring', 'Ravi', { from: 'identified', to: 'monitoring' }),
  ev('A4', T('09:30:00'), 'starred', 'Starred', 'Lee', { ref: 'B1' }),
  ev('A5', T('09:50:00'), 'resolved', 'Resolved'),
  ev('A6', T('09:51:00'), 'runbook_step_finished', 'Restart: exit 1', 'Ravi', { runbook: 'runbooks/a.md', line: 7, command: 'restart <x>', target: 'web-1', exitCode: 1, output: 'a\nb' }),
  ev('A7', T('09:52:00'), 'evidence', 'Pinned', 'Ravi', { kind: 'docker_logs', host: 'h', lines: ['l1', 'l2'] }),
  ev('A8', T('09:53:00'), 'x_future_type', 'From a newer version', 'Ravi', { k: 'v' }),
];

describe('timeline view-model', () => {
  it('orders by the time each row is placed, a backdated note at its occurredAt', () => {
    const rows = orderRows(rowsOf(merged));
    assert.deepEqual(rows.map((r) => r.key), ['A1', 'A3', 'A2', 'B1', 'B2', 'A4', 'A5', 'A6', 'A7', 'A8']);
    const note = rows.find((r) => r.key === 'A3')!;
    assert.equal(note.backdated, true);
    assert.equal(note.at, T('09:02:00'));
    assert.equal(note.ts, T('09:25:00'));
  });

  it('marks milestones, stars, and what can be starred', () => {
    const rows = rowsOf(merged);
    const by = new Map(rows.map((r) => [r.key, r]));
    assert.equal(by.get('A1')!.milestone, 'declared');
    assert.equal(by.get('A2')!.milestone, 'acknowledged');
    assert.equal(by.get('B2')!.milestone, 'mitigated');
    assert.equal(by.get('A5')!.milestone, 'resolved');
    assert.equal(by.get('B1')!.starred, true);
    assert.equal(by.get('A4')!.starrable, false);
    assert.match(by.get('A4')!.details[0].text, /from branch B/);
  });

  it('evidence: step command, exit status, output, runbook link; log lines; unknown types keep their data', () => {
    const by = new Map(rowsOf(merged).map((r) => [r.key, r]));
    const step = by.get('A6')!;
    assert.deepEqual(step.runbook, { path: 'runbooks/a.md', line: 7 });
    assert.deepEqual(step.details.map((d) => d.label), ['Target', 'Command', 'Exit status', 'Output (tail)']);
    assert.equal(step.details.find((d) => d.label === 'Exit status')!.text, 'exit 1 (failed)');
    assert.equal(by.get('A7')!.details.find((d) => d.label === 'Log lines')!.text, 'l1\nl2');
    assert.deepEqual(by.get('A8')!.details, [{ label: 'k', text: 'v', mono: false }]);
  });

  it('a damaged line is a row after the event written before it', () => {
    const rows = orderRows(rowsOf(merged.slice(0, 3), [{ line: 2, seq: 2, message: 'invalid JSON', raw: '{oops' }], [1, 3, 4]));
    assert.deepEqual(rows.map((r) => r.kind), ['event', 'damaged', 'event', 'event']);
    assert.match(rows[1].text, /Line 2 could not be read/);
  });

  it('filters by type, actor, words and key moments', () => {
    const rows = rowsOf(merged);
    assert.equal(filterRows(rows, NO_FILTER).length, rows.length);
    assert.deepEqual(filterRows(rows, { ...NO_FILTER, types: ['note'] }).map((r) => r.key), ['B1', 'A3']);
    assert.deepEqual(filterRows(rows, { ...NO_FILTER, actor: 'Lee' }).map((r) => r.key), ['A3', 'A4']);
    assert.deepEqual(filterRows(rows, { ...NO_FILTER, text: 'POOL lowered' }).map((r) => r.key), ['A3']);
    assert.deepEqual(filterRows(rows, { ...NO_FILTER, text: 'web-1' }).map((r) => r.key), ['A6'], 'details are searched too');
    assert.deepEqual(filterRows(rows, { ...NO_FILTER, keyOnly: true }).map((r) => r.key).sort(), ['A1', 'A2', 'A5', 'B1', 'B2']);
    assert.deepEqual(facets(rows).actors, ['Dana', 'Lee', 'Ravi']);
  });

  it('formats T+, spans and clocks', () => {
    assert.equal(formatTPlus(0), 'T+0:00');
    assert.equal(formatTPlus(65_000), 'T+1:05');
    assert.equal(formatTPlus(3_723_000), 'T+1:02:03');
    assert.equal(formatTPlus(-60_000), 'T−1:00');
    assert.equal(formatTPlus(2 * 86_400_000 + 3_723_000), 'T+2d 1:02:03');
    assert.equal(formatSpan(245_000), '4m 05s');
    assert.equal(formatSpan(3_900_000), '1h 05m');
    assert.equal(formatClock(T('09:05:07'), true), '2026-11-20 09:05:07 UTC');
    assert.equal(formatClock(T('23:30:00'), false, 90), '2026-11-21 01:00:00 UTC+1:30');
    assert.equal(formatClock(T('09:00:00'), false, -300), '2026-11-20 04:00:00 UTC−5');
    assert.equal(formatClock('not a time', true), '');
  });

  it('exports markdown with untrusted text escaped', () => {
    const rows = orderRows(rowsOf([...merged, ev('Z', T('09:59:00'), 'note', '<script>x</script> [link](javascript:alert(1)) *b*', '<b>eve</b>')]));
    const md = timelineMarkdown(rows, { title: 'Checkout <img>', declaredAt: incident.declaredAt, utc: true });
    assert.match(md, /^## Timeline: Checkout \\<img\\>\n/);
    assert.match(md, /- \*\*declared\*\* T\+0:00 \(2026-11-20 09:00:00 UTC\) · Dana · declared: Declared/);
    assert.match(md, /T\+2:00 \(2026-11-20 09:02:00 UTC, backdated: written 2026-11-20 09:25:00 UTC\)/);
    assert.match(md, /- ★ T\+5:00/);
    assert.ok(md.includes('\\<script\\>x\\</script\\> \\[link\\]\\(javascript:alert\\(1\\)\\) \\*b\\*'));
    assert.ok(!/<script>|<b>|<img>/.test(md));
    assert.equal(escapeMarkdown('a\nb|c'), 'a b\\|c');
  });
});
