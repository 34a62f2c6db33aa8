import * as assert from 'node:assert/strict';
import { applyEdit, formatActionItem, isIsoDate, parseActionItemLine, parseActionItems, toggleActionItemEdit } from '../../../../src/core/postmortem/actionItems';

const DOC = [
  '# Post-mortem',
  '',
  '## What went wrong',
  '- [ ] not an action item: outside the section (owner: x)',
  '',
  '## Action items',
  '',
  '<!-- One per line: - [ ] what (owner: name, due: YYYY-MM-DD, type: mitigate|prevent|process) -->',
  '- [ ] Add a replica lag alert (owner: Ravi, due: 2026-12-01, type: prevent)',
  '- [x] Raise the connection limit (owner: Dana, due: 2026-11-25, type: mitigate)',
  '  * [X] Nested, done (owner: Lee, due: 2026-12-24)',
  '- [ ] Write the failover runbook',
  '- [ ] Retry (with backoff) in the client (owner: Kim, due: 2026-02-30, type: someday)',
  '```md',
  '- [ ] an example in a code block (owner: a, due: 2026-01-01)',
  '```',
  '',
  '### Details',
  '- [ ] still under Action items (owner: Ann, due: 2027-01-01, type: process)',
  '## Lessons learned',
  '- [ ] not an item either',
  '',
].join('\n');

describe('action items', () => {
  it('reads the items of the Action items section with their lines, done ones too', () => {
    const items = parseActionItems(DOC);
    assert.deepEqual(items.map((i) => [i.line, i.done, i.what, i.owner, i.due, i.type]), [
      [9, false, 'Add a replica lag alert', 'Ravi', '2026-12-01', 'prevent'],
      [10, true, 'Raise the connection limit', 'Dana', '2026-11-25', 'mitigate'],
      [11, true, 'Nested, done', 'Lee', '2026-12-24', undefined],
      [12, false, 'Write the failover runbook', undefined, undefined, undefined],
      [13, false, 'Retry (with backoff) in the client', 'Kim', '2026-02-30', undefined],
      [19, false, 'still under Action items', 'Ann', '2027-01-01', 'process'],
    ]);
    assert.deepEqual(items[0].problems, []);
    assert.deepEqual(items[3].problems.map((p) => p.kind), ['missingOwner', 'missingDue']);
    assert.deepEqual(items[4].problems.map((p) => [p.kind, p.column]), [['badDue', 55], ['badType', 72]]);
    assert.equal(items[4].raw.slice(54, 58), 'due:');
  });

  it('reads a CRLF file the same, with the same line numbers', () => {
    const crlf = parseActionItems(DOC.replace(/\n/g, '\r\n'));
    assert.deepEqual(crlf.map((i) => [i.line, i.what, i.due]), parseActionItems(DOC).map((i) => [i.line, i.what, i.due]));
    assert.ok(crlf.every((i) => !i.raw.endsWith('\r')));
  });

  it('formats an item back in the one syntax, and reads it back the same', () => {
    const fields = { done: false, what: 'Add  an alert\non lag', owner: 'Ravi', due: '2026-12-01', type: 'prevent' as const };
    const line = formatActionItem(fields);
    assert.equal(line, '- [ ] Add an alert on lag (owner: Ravi, due: 2026-12-01, type: prevent)');
    const back = parseActionItemLine(line, 1)!;
    assert.deepEqual([back.done, back.what, back.owner, back.due, back.type, back.problems], [false, 'Add an alert on lag', 'Ravi', '2026-12-01', 'prevent', []]);
    assert.equal(formatActionItem({ done: true, what: 'Just this' }), '- [x] Just this');
  });

  it('ticks and unticks one line by a one-character edit', () => {
    const crlf = DOC.replace(/\n/g, '\r\n');
    const edit = toggleActionItemEdit(crlf, 9)!;
    assert.deepEqual({ length: edit.length, newText: edit.newText, line: edit.line, column: edit.column }, { length: 1, newText: 'x', line: 9, column: 4 });
    const ticked = applyEdit(crlf, edit);
    assert.equal(ticked.length, crlf.length);
    const changed = [...ticked].map((c, i) => (c === crlf[i] ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(changed, [edit.offset]);
    assert.equal(parseActionItems(ticked)[0].done, true);
    assert.equal(toggleActionItemEdit(ticked, 9, true), undefined, 'already done: no edit');
    assert.equal(applyEdit(ticked, toggleActionItemEdit(ticked, 9)!), crlf);
    assert.equal(toggleActionItemEdit(crlf, 11, false)!.column, 6);
    assert.equal(toggleActionItemEdit(crlf, 7), undefined, 'not a task line');
    assert.equal(toggleActionItemEdit(crlf, 999), undefined);
  });

  it('knows real calendar dates', () => {
    assert.equal(isIsoDate('2028-02-29'), true);
    assert.equal(isIsoDate('2027-02-29'), false);
    assert.equal(isIsoDate('2027-2-01'), false);
  });
});
