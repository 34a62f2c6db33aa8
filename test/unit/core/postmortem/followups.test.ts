import * as assert from 'node:assert/strict';
import { describeDue, dueState, groupByPostmortem, localDate, openFollowups, postmortemTitle, sortByDue } from '../../../../src/core/postmortem/followups';

const PM = (title: string, items: string[]) => ['---', `title: "${title}"`, 'status: final', '---', '', `# Post-mortem: ${title}`, '', '## Action items', '', ...items, '', '## Lessons learned', '', '- [ ] not an action item (owner: x, due: 2020-01-01)', ''].join('\n');

describe('follow-ups: open action items of post-mortems', () => {
  it('lists the unticked items of the Action items section with their lines, title and incident', () => {
    const text = PM('Checkout 502', ['- [x] done already (owner: Ravi, due: 2026-11-27, type: prevent)', '- [ ] Pin the CA (owner: Dana, due: 2026-12-18, type: prevent)', '- [ ] Write it down']);
    const f = openFollowups('2026-11-20-checkout-502.md', text);
    assert.deepEqual(f.map((x) => [x.item.line, x.item.what, x.item.owner, x.item.due]), [[11, 'Pin the CA', 'Dana', '2026-12-18'], [12, 'Write it down', undefined, undefined]]);
    assert.equal(f[0].postmortem, 'Checkout 502');
    assert.equal(f[0].incidentId, '2026-11-20-checkout-502');
    assert.deepEqual(openFollowups('notes.md', '# Notes\n\n- [ ] something\n'), []);
  });

  it('takes the title from the front matter, else the first heading, else the file name', () => {
    assert.equal(postmortemTitle('---\ntitle: Disk full\n---\n# Other\n', 'a.md'), 'Disk full');
    assert.equal(postmortemTitle('# Post-mortem: Disk full\n', 'a.md'), 'Disk full');
    assert.equal(postmortemTitle('no heading\n', '2026-01-02-x.md'), '2026-01-02-x');
  });

  it('a due date is overdue once its day has passed, on the user\'s calendar', () => {
    assert.deepEqual(dueState('2026-12-01', '2026-12-03'), { kind: 'overdue', days: 2 });
    assert.deepEqual(dueState('2026-12-03', '2026-12-03'), { kind: 'today' });
    assert.deepEqual(dueState('2026-12-04', '2026-12-03'), { kind: 'later', days: 1 });
    assert.deepEqual(dueState(undefined, '2026-12-03'), { kind: 'none' });
    assert.deepEqual(dueState('next week', '2026-12-03'), { kind: 'invalid' });
    assert.equal(describeDue({ kind: 'overdue', days: 1 }), 'overdue 1 day');
    assert.equal(describeDue({ kind: 'later', days: 5 }), 'due in 5 days');
    assert.equal(localDate(new Date(2026, 0, 5, 23, 59).getTime()), '2026-01-05');
  });

  it('sorts by due date, overdue first, undated last; groups by post-mortem, most urgent group first', () => {
    const a = openFollowups('2026-11-01-a.md', PM('A', ['- [ ] a1 (owner: x, due: 2026-12-20)', '- [ ] a2 (owner: x)']));
    const b = openFollowups('2026-11-02-b.md', PM('B', ['- [ ] b1 (owner: y, due: 2026-11-30)', '- [ ] b2 (owner: y, due: 2026-12-05)']));
    const today = '2026-12-03';
    assert.deepEqual(sortByDue([...a, ...b], today).map((f) => f.item.what), ['b1', 'b2', 'a1', 'a2']);
    const groups = groupByPostmortem([...a, ...b], today);
    assert.deepEqual(groups.map((g) => [g.postmortem, g.items.map((f) => f.item.what), g.overdue]), [['B', ['b1', 'b2'], 1], ['A', ['a1', 'a2'], 0]]);
  });
});
