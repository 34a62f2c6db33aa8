import * as assert from 'node:assert/strict';
import { MAX_NOTES, UPDATE_KIND_LABELS, renderStatusUpdate, suggestedKind, type UpdateKind } from '../../../../src/core/incidents/statusUpdate';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { STATUSES } from '../../../../src/core/incidents/model';
import { MIN, T0, iso, presetLevel, sampleIncident } from '../../support/fixtures';

const P1 = presetLevel('P1'); // Critical, updates every 30 min
const NOW = T0 + 75 * MIN; // 15:15 UTC

describe('status updates', () => {
  it('initial: title, service, severity label, impact, start and next update time', () => {
    const text = renderStatusUpdate(sampleIncident(), 'initial', P1, NOW);
    assert.equal(text, [
      '[P1 Critical] Investigating: Checkout returns 502',
      'We are aware of an issue affecting checkout and are investigating. Impact: Customers cannot pay',
      'Started: 14:00 UTC. Next update by 15:45 UTC.',
    ].join('\n'));
  });

  it('update: status sentence, how long it has been going on and the next update', () => {
    const inc = sampleIncident({ status: 'identified', roles: { commander: 'Dana' }, lastUpdateAt: iso(T0 + 30 * MIN) });
    const text = renderStatusUpdate(inc, 'update', P1, NOW);
    assert.equal(text, [
      '[P1 Critical] Identified: Checkout returns 502',
      'The cause has been identified and a fix is being put in place. Impact: Customers cannot pay',
      'Affected: checkout. Ongoing for 1h 15m. Next update by 15:45 UTC.',
      'Incident Commander: Dana',
    ].join('\n'));
  });

  it('resolved: duration from declaration to resolution, start and end times', () => {
    const inc = sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + 125 * MIN), mitigatedAt: iso(T0 + 100 * MIN) });
    const text = renderStatusUpdate(inc, 'resolved', P1, T0 + 500 * MIN);
    assert.equal(text, [
      '[P1 Critical] Resolved: Checkout returns 502',
      'This incident has been resolved. Checkout is operating normally.',
      'Duration: 2h 05m (14:00 UTC to 16:05 UTC). A post-incident review will follow.',
    ].join('\n'));
  });

  it('without a service, summary, known level or resolution time it still reads well', () => {
    const bare = sampleIncident({ service: '', summary: '', severity: 'SEV9' });
    const initial = renderStatusUpdate(bare, 'initial', undefined, NOW);
    assert.equal(initial, '[SEV9] Investigating: Checkout returns 502\nWe are aware of an issue affecting some of our services and are investigating.\nStarted: 14:00 UTC.');
    const resolved = renderStatusUpdate(bare, 'resolved', undefined, NOW);
    assert.match(resolved, /Some of our services are operating normally\./);
    assert.match(resolved, /Duration: 1h 15m \(14:00 UTC to 15:15 UTC\)/, 'not resolved yet: up to now');
  });

  it('never prints undefined, null, NaN or an empty bracket, whatever is missing', () => {
    const variants = [
      sampleIncident(),
      sampleIncident({ service: '', summary: '', roles: {} }),
      sampleIncident({ status: 'monitoring', mitigatedAt: iso(T0 + MIN), lastUpdateAt: iso(T0 + 2 * MIN), roles: { scribe: 'Kim' } }),
      sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + 3 * MIN), roles: { commander: 'Dana' } }),
      sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + 3 * MIN), service: '', summary: '' }),
    ];
    const kinds = Object.keys(UPDATE_KIND_LABELS) as UpdateKind[];
    assert.deepEqual(kinds, ['initial', 'update', 'resolved']);
    let checked = 0;
    for (const inc of variants) {
      for (const kind of kinds) {
        for (const level of [P1, presetLevel('P4'), undefined]) {
          const text = renderStatusUpdate(inc, kind, level, NOW);
          assert.doesNotMatch(text, /undefined|null|NaN|\[\]|\bInvalid Date\b/, text);
          assert.ok(text.includes(inc.title), text);
          assert.ok(text.includes(inc.severity), text);
          if (inc.service) assert.ok(text.toLowerCase().includes(inc.service), text);
          if (level) assert.ok(text.includes(level.label), text);
          checked++;
        }
      }
    }
    assert.equal(checked, variants.length * 3 * 3);
  });

  it('a resolved incident rendered as an update does not promise a next update', () => {
    const inc = sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + 3 * MIN) });
    assert.doesNotMatch(renderStatusUpdate(inc, 'update', P1, NOW), /Next update/);
  });

  it('suggests initial, then update, then resolved', () => {
    assert.equal(suggestedKind(sampleIncident()), 'initial');
    assert.equal(suggestedKind(sampleIncident({ lastUpdateAt: iso(T0) })), 'update');
    assert.equal(suggestedKind(sampleIncident({ status: 'resolved', resolvedAt: iso(T0) })), 'resolved');
    assert.equal(STATUSES.length, 4);
  });
});

describe('status updates carry what the responders wrote', () => {
  const ev = (minute: number, type: string, text: string, data?: Record<string, unknown>): TimelineEvent => ({ ts: iso(T0 + minute * MIN), type, actor: 'Dana', text, ...(data ? { data } : {}) });
  const timeline: TimelineEvent[] = [
    ev(0, 'declared', 'Declared P1 incident on checkout: Checkout returns 502'),
    ev(0, 'escalation', 'Escalation: bring in On-call engineer (0 min without mitigation, P1)', { step: 0, notify: 'On-call engineer' }),
    ev(5, 'note', 'p99 at 4 s on eu-west'),
    ev(10, 'status_update', 'Status update (initial) copied for posting', { kind: 'initial', message: '…' }),
    ev(20, 'status_changed', 'Status: Investigating → Identified (a bad index since deploy 4812)', { from: 'investigating', to: 'identified', note: 'a bad index since deploy 4812' }),
    ev(25, 'note', 'rolled back\nto 4811'),
    ev(30, 'note', 'error rate falling'),
  ];
  const identified = sampleIncident({ status: 'identified', lastUpdateAt: iso(T0 + 20 * MIN) });

  it('update: the latest status note, then the notes since the last update went out', () => {
    assert.equal(renderStatusUpdate(identified, 'update', P1, NOW, timeline), [
      '[P1 Critical] Identified: Checkout returns 502',
      'The cause has been identified and a fix is being put in place. Impact: Customers cannot pay',
      'Latest: a bad index since deploy 4812 (14:20 UTC)',
      'Affected: checkout. Ongoing for 1h 15m. Next update by 15:45 UTC.',
      'Notes since the last update:',
      '- 14:25 UTC rolled back to 4811',
      '- 14:30 UTC error rate falling',
    ].join('\n'));
  });

  it(`keeps the latest ${MAX_NOTES} notes and says how many there were`, () => {
    const many = [...timeline, ev(31, 'note', 'four'), ev(32, 'note', 'five')];
    const text = renderStatusUpdate(identified, 'update', P1, NOW, many);
    assert.match(text, new RegExp(`Notes since the last update \\(latest ${MAX_NOTES} of 4\\):`));
    assert.doesNotMatch(text, /rolled back/);
    assert.match(text, /- 14:32 UTC five$/);
  });

  it('resolved: the resolution note; a status change without a note drops the older one', () => {
    const resolved = sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + 60 * MIN) });
    const done = [...timeline, ev(60, 'resolved', 'Resolved after 1h: index rebuilt', { from: 'identified', note: 'index rebuilt' })];
    assert.match(renderStatusUpdate(resolved, 'resolved', P1, NOW, done).split('\n')[2], /^Resolution: index rebuilt \(15:00 UTC\)$/);
    const silent = [...timeline, ev(40, 'status_changed', 'Status: Identified → Monitoring', { from: 'identified', to: 'monitoring' })];
    assert.doesNotMatch(renderStatusUpdate(identified, 'update', P1, NOW, silent), /Latest:/);
  });

  it('automatic events and notes from before the last update add nothing', () => {
    const text = renderStatusUpdate(identified, 'update', P1, NOW, timeline.slice(0, 4));
    assert.doesNotMatch(text, /p99|Escalation|On-call|Notes/);
  });
});
