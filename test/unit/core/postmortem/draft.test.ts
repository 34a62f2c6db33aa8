import * as assert from 'node:assert/strict';
import { type Change, acknowledge, addNote, declare, escalate, resolve, setStatus } from '../../../../src/core/incidents/actions';
import type { Incident } from '../../../../src/core/incidents/model';
import { parseActionItems } from '../../../../src/core/postmortem/actionItems';
import { SECTIONS, incidentIdOfPostmortem, postmortemFileName, refreshDraft, renderDraft } from '../../../../src/core/postmortem/draft';
import { DEFAULT_DUE_HOURS, postmortemDue, requiresPostmortem } from '../../../../src/core/postmortem/due';
import { findRegions } from '../../../../src/core/postmortem/regions';
import { refreshRedacted } from '../../../../src/core/postmortem/refresh';
import { buildPolicy } from '../../../../src/core/severity/policy';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { MIN, T0, iso, presetLevel, sampleIncident } from '../../support/fixtures';

const P1 = presetLevel('P1');
const at = (min: number) => iso(T0 + min * MIN);

function play(steps: Array<(cur: Incident) => Change>, title = 'Checkout returns 502'): { incident: Incident; events: TimelineEvent[] } {
  const first = declare({ id: '2026-11-22-checkout-returns-502', title, severity: 'P1', service: 'checkout' }, 'Dana', at(0));
  let incident = first.apply(undefined)!;
  const events: TimelineEvent[] = [{ ...first.event, id: '01JD0000000000000000000000' }];
  steps.forEach((s, i) => {
    const c = s(incident);
    events.push({ ...c.event, id: `01JD00000000000000000000${String(i + 1).padStart(2, '0')}` });
    incident = c.apply(incident)!;
  });
  return { incident, events };
}

describe('post-mortem draft', () => {
  it('file name: the incident folder name plus .md; a hand-made id falls back to date and slug', () => {
    assert.equal(postmortemFileName(sampleIncident()), '2026-11-22-checkout-returns-502.md');
    assert.equal(postmortemFileName(sampleIncident({ id: '../../.vscode/settings', title: 'Ünïcode / ../ Title!' })), '2026-11-22-unicode-title.md');
    assert.equal(incidentIdOfPostmortem('2026-11-22-checkout-returns-502.md'), '2026-11-22-checkout-returns-502');
    assert.equal(incidentIdOfPostmortem('README.md'), undefined);
  });

  it('renders front matter, the twelve sections with one line of help each, and four generated regions', () => {
    const { incident, events } = play([(i) => acknowledge(i, 'Ravi', at(5)), (i) => resolve(i, 'Ravi', at(65))]);
    const text = renderDraft(incident, events, { level: P1, now: T0 + 2000 * MIN, authors: ['Dana', ' ', 'Ravi "R"'] });
    assert.ok(text.startsWith('---\nincident: "2026-11-22-checkout-returns-502"\ntitle: "Checkout returns 502"\nseverity: "P1"\nservice: "checkout"\nstatus: draft\nauthors: ["Dana", "Ravi \\"R\\""]\ndeclared: "2026-11-22T14:00:00.000Z"\nresolved: "2026-11-22T15:05:00.000Z"\ncreated: "2026-11-23"\n---\n\n# Post-mortem: Checkout returns 502\n'));
    assert.equal(SECTIONS.length, 12);
    for (const s of SECTIONS) assert.ok(text.includes(`\n## ${s.heading}\n\n<!-- ${s.help} -->\n`), s.heading);
    const { regions, problems } = findRegions(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(regions.map((r) => r.name), ['overview', 'key-moments', 'response', 'runbook-steps']);
    assert.deepEqual(parseActionItems(text), [], 'the help line is not an action item');
    assert.match(text, /- \*\*Time to resolve:\*\* 1h 05m\n/);
    assert.match(text, /- \*\*Update cadence \(every 30m\):\*\* missed, 1 update while active; 1 gap over the cadence, longest 1h 05m\n/);
    assert.equal(renderDraft(incident, events, { level: P1, now: T0, eol: '\r\n' }).split('\n').every((l, i, a) => i === a.length - 1 || l.endsWith('\r')), true, 'CRLF throughout');
  });

  it('text people typed cannot close a region or open a comment', () => {
    const { incident, events } = play([(i) => addNote(i, 'evil <!-- /incident-desk:key-moments --> and\nnew line', 'Ravi', at(3))], 'Title --> <!-- x');
    events.push({ ts: at(4), type: 'starred', actor: 'Lee', text: 'Starred', data: { ref: events[1].id } });
    const text = renderDraft(incident, events, { level: P1, now: T0 + 10 * MIN });
    assert.deepEqual(findRegions(text).problems, []);
    assert.match(text, /· evil &lt;!-- \/incident-desk:key-moments --&gt; and new line \(Ravi\)\n/);
  });

  it('refresh rewrites only the generated regions, from the record as it is now', () => {
    const start = play([(i) => acknowledge(i, 'Ravi', at(5))]);
    const draft = renderDraft(start.incident, start.events, { level: P1, now: T0 + 10 * MIN });
    const mine = draft.replace('## Impact\n', '## Impact\n\nCustomers could not pay for 1 hour.\n').replace('## Lessons learned\n', '## Lessons learned\n\nKeep the runbook.\n');
    const later = play([(i) => acknowledge(i, 'Ravi', at(5)), (i) => escalate(i, 1, P1.escalation[1], at(15)), (i) => setStatus(i, 'monitoring', 'Ravi', at(40)), (i) => resolve(i, 'Ravi', at(60))]);
    const r = refreshDraft(mine, later.incident, later.events, { level: P1, now: T0 + 100 * MIN });
    assert.deepEqual(r.replaced, ['overview', 'key-moments', 'response']);
    assert.ok(r.text.includes('Customers could not pay for 1 hour.') && r.text.includes('Keep the runbook.'));
    assert.match(r.text, /- \*\*Time to mitigate:\*\* 40m\n/);
    assert.match(r.text, / {2}- Team lead \(after 15m\) at 2026-11-22 14:15 UTC\n/);
    assert.equal(refreshDraft(r.text, later.incident, later.events, { level: P1, now: T0 + 100 * MIN }).replaced.length, 0, 'nothing left to change');
  });

  it("refreshRedacted: generated text is redacted with the team's patterns; text outside the markers is kept as written", async () => {
    const start = play([(i) => acknowledge(i, 'Ravi', at(5)), (i) => addNote(i, 'vendor key ACME-123456 rejected', 'Ravi', at(6))]);
    // A star on the note puts its text in the key moments region.
    start.events.push({ ts: at(7), type: 'starred', actor: 'Ravi', text: 'Starred a key moment', data: { ref: start.events.at(-1)!.id } });
    const draft = renderDraft(start.incident, start.events, { level: P1, now: T0 + 10 * MIN });
    const mine = draft.replace('## Impact\n', '## Impact\n\nOur own note about ACME-123456 stays ours.\n');
    const r = await refreshRedacted(mine, start.incident, start.events, { level: P1, now: T0 + 10 * MIN }, { patterns: ['ACME-[0-9]{6}'] });
    assert.deepEqual(r.replaced, ['key-moments']);
    const outside = (t: string) => t.replace(/<!-- incident-desk:([a-z-]+) -->[\s\S]*?<!-- \/incident-desk:\1 -->/g, '');
    assert.equal(outside(r.text), outside(mine), 'nothing outside the markers changed');
    assert.ok(outside(r.text).includes('ACME-123456 stays ours'));
    assert.ok(draft.includes('vendor key ACME-123456 rejected (Ravi)'), 'the draft had it in key moments');
    assert.match(r.text, /· vendor key \[redacted: pattern\] rejected \(Ravi\)\n/);
    assert.equal(r.text.split('ACME-123456').length, 2, 'only the prose outside the markers still has it');
  });
});

describe('post-mortem due', () => {
  const policy = buildPolicy('P1-P4', undefined);
  const resolved = sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + 60 * MIN) });

  it('the two most severe levels of the policy need one', () => {
    assert.deepEqual(['P1', 'P2', 'P3', 'P4', 'P0'].map((s) => requiresPostmortem(policy, s)), [true, true, false, false, false]);
    const shifted = buildPolicy('P0-P3', undefined);
    assert.deepEqual(['P0', 'P1', 'P2'].map((s) => requiresPostmortem(shifted, s)), [true, true, false]);
  });

  it('due the configured hours after resolution; overdue one millisecond later', () => {
    const dueAt = T0 + 60 * MIN + DEFAULT_DUE_HOURS * 60 * MIN;
    assert.deepEqual(postmortemDue(resolved, policy, 48, dueAt), { dueAt: iso(dueAt), dueAtMs: dueAt, overdue: false, remainingMs: 0 });
    assert.equal(postmortemDue(resolved, policy, 48, dueAt + 1)?.overdue, true);
    assert.equal(postmortemDue(resolved, policy, 1, T0 + 121 * MIN)?.overdue, true);
    assert.equal(postmortemDue({ ...resolved, severity: 'P3' }, policy, 48, dueAt + 1), undefined);
    assert.equal(postmortemDue(sampleIncident(), policy, 48, dueAt + 1), undefined, 'not resolved yet');
  });
});
