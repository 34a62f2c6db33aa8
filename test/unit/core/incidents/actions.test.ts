import * as assert from 'node:assert/strict';
import {
  ActionError, acknowledge, addNote, assignRole, changeSeverity, declare, escalate, reopen, resolve, setStatus, statusUpdatePosted,
} from '../../../../src/core/incidents/actions';
import { SYSTEM_ACTOR } from '../../../../src/core/timeline/events';
import { MIN, T0, iso, sampleIncident } from '../../support/fixtures';

const TS = iso(T0 + 12 * MIN);

function throwsReason(fn: () => unknown, reason: ActionError['reason']): void {
  assert.throws(fn, (e: unknown) => ActionError.is(e, reason));
}

describe('incident actions (Change = event + apply)', () => {
  it('declare builds the record and a declared event; apply never replaces an existing record', () => {
    const c = declare({ id: '2026-11-22-x', title: '  Checkout down ', severity: 'P2', service: ' checkout ' }, 'Dana', iso(T0));
    assert.deepEqual(c.event, { ts: iso(T0), type: 'declared', actor: 'Dana', text: 'Declared P2 incident on checkout: Checkout down',
      data: { title: 'Checkout down', severity: 'P2', service: 'checkout' } });
    const inc = c.apply(undefined)!;
    assert.equal(inc.title, 'Checkout down');
    assert.equal(inc.status, 'investigating');
    assert.equal(inc.declaredBy, 'Dana');
    assert.equal(inc.summary, '');
    const existing = sampleIncident();
    assert.equal(c.apply(existing), existing);
    const noService = declare({ id: '2026-11-22-x', title: 'T', severity: 'P1', service: '' }, 'Dana', iso(T0));
    assert.equal(noService.event.text, 'Declared P1 incident: T');
  });

  it('acknowledge records how long it took and sets acknowledgedAt once', () => {
    const c = acknowledge(sampleIncident(), 'Lee', TS);
    assert.equal(c.event.type, 'acknowledged');
    assert.equal(c.event.text, 'Acknowledged by Lee (12m after declaration)');
    assert.deepEqual(c.event.data, { afterMs: 12 * MIN });
    assert.equal(c.apply(sampleIncident())!.acknowledgedAt, TS);
    const already = sampleIncident({ acknowledgedAt: iso(T0 + MIN) });
    assert.equal(c.apply(already), already, 'acknowledged on disk meanwhile: left as is');
    assert.equal(c.apply(undefined), undefined);
  });

  it('acknowledge refuses twice and on a resolved incident', () => {
    throwsReason(() => acknowledge(sampleIncident({ acknowledgedAt: iso(T0) }), 'Lee', TS), 'alreadyAcknowledged');
    throwsReason(() => acknowledge(sampleIncident({ status: 'resolved', resolvedAt: iso(T0) }), 'Lee', TS), 'alreadyResolved');
  });

  it('setStatus monitoring sets mitigatedAt, acknowledgedAt and lastUpdateAt', () => {
    const c = setStatus(sampleIncident(), 'monitoring', 'Lee', TS, ' rolled back ');
    assert.equal(c.event.text, 'Status: Investigating → Monitoring (rolled back)');
    assert.deepEqual(c.event.data, { from: 'investigating', to: 'monitoring', note: 'rolled back' });
    const after = c.apply(sampleIncident())!;
    assert.equal(after.status, 'monitoring');
    assert.equal(after.mitigatedAt, TS);
    assert.equal(after.acknowledgedAt, TS, 'moving on implies someone is on it');
    assert.equal(after.lastUpdateAt, TS);
    assert.equal(after.resolvedAt, null);
  });

  it('setStatus keeps the first mitigation time and the first acknowledgement', () => {
    const cur = sampleIncident({ status: 'monitoring', acknowledgedAt: iso(T0 + MIN), mitigatedAt: iso(T0 + 5 * MIN) });
    const after = setStatus(cur, 'identified', 'Lee', TS).apply(cur)!;
    assert.equal(after.status, 'identified');
    assert.equal(after.mitigatedAt, iso(T0 + 5 * MIN));
    assert.equal(after.acknowledgedAt, iso(T0 + MIN));
    assert.equal(setStatus(sampleIncident(), 'identified', 'Lee', TS).apply(sampleIncident())!.mitigatedAt, null);
  });

  it('setStatus refuses the same status and a resolved incident; resolved goes through resolve', () => {
    throwsReason(() => setStatus(sampleIncident(), 'investigating', 'Lee', TS), 'sameValue');
    throwsReason(() => setStatus(sampleIncident({ status: 'resolved', resolvedAt: iso(T0) }), 'identified', 'Lee', TS), 'alreadyResolved');
    assert.equal(setStatus(sampleIncident(), 'resolved', 'Lee', TS).event.type, 'resolved');
  });

  it('resolve records the duration and sets resolvedAt and mitigatedAt', () => {
    const c = resolve(sampleIncident(), 'Lee', iso(T0 + 95 * MIN), 'fixed config');
    assert.equal(c.event.text, 'Resolved after 1h 35m: fixed config');
    assert.deepEqual(c.event.data, { from: 'investigating', durationMs: 95 * MIN, note: 'fixed config' });
    const after = c.apply(sampleIncident())!;
    assert.equal(after.status, 'resolved');
    assert.equal(after.resolvedAt, iso(T0 + 95 * MIN));
    assert.equal(after.mitigatedAt, iso(T0 + 95 * MIN));
    const resolvedMeanwhile = sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + MIN) });
    assert.equal(c.apply(resolvedMeanwhile), resolvedMeanwhile);
    throwsReason(() => resolve(resolvedMeanwhile, 'Lee', TS), 'alreadyResolved');
  });

  it('reopen puts a resolved incident back to investigating and clears resolution and mitigation', () => {
    const cur = sampleIncident({ status: 'resolved', acknowledgedAt: iso(T0 + MIN), mitigatedAt: iso(T0 + 9 * MIN), resolvedAt: iso(T0 + 10 * MIN) });
    const c = reopen(cur, 'Lee', TS, 'errors are back');
    assert.deepEqual(c.event, { ts: TS, type: 'reopened', actor: 'Lee', text: 'Reopened: errors are back', data: { reason: 'errors are back' } });
    const after = c.apply(cur)!;
    assert.equal(after.status, 'investigating');
    assert.equal(after.resolvedAt, null);
    assert.equal(after.mitigatedAt, null);
    assert.equal(after.acknowledgedAt, iso(T0 + MIN));
    assert.equal(reopen(cur, 'Lee', TS).event.data, undefined);
    throwsReason(() => reopen(sampleIncident(), 'Lee', TS), 'notResolved');
  });

  it('changeSeverity and assignRole set only their field and refuse the same value', () => {
    const sev = changeSeverity(sampleIncident(), 'P2', 'Lee', TS, 'workaround found');
    assert.equal(sev.event.text, 'Severity: P1 → P2 (workaround found)');
    const cur = sampleIncident({ summary: 'edited on disk meanwhile' });
    assert.deepEqual(sev.apply(cur), { ...cur, severity: 'P2' });
    throwsReason(() => changeSeverity(sampleIncident(), 'P1', 'Lee', TS), 'sameValue');

    const role = assignRole(sampleIncident({ roles: { commander: 'Dana' } }), 'commander', 'Lee', 'Lee', TS);
    assert.equal(role.event.text, 'Lee is now Incident Commander (was Dana)');
    assert.deepEqual(role.event.data, { role: 'commander', person: 'Lee', previous: 'Dana' });
    assert.deepEqual(role.apply(sampleIncident({ roles: { scribe: 'Kim' } }))!.roles, { scribe: 'Kim', commander: 'Lee' });
    assert.equal(assignRole(sampleIncident(), 'db_expert', 'Kim', 'Lee', TS).event.text, 'Kim is now db_expert');
    throwsReason(() => assignRole(sampleIncident({ roles: { scribe: 'Kim' } }), 'scribe', 'Kim', 'Lee', TS), 'sameValue');
  });

  it('addNote appends text without touching the record; statusUpdatePosted moves lastUpdateAt', () => {
    const note = addNote(sampleIncident(), '  restarted pods\nno change  ', 'Lee', TS);
    assert.deepEqual(note.event, { ts: TS, type: 'note', actor: 'Lee', text: 'restarted pods\nno change' });
    const cur = sampleIncident();
    assert.equal(note.apply(cur), cur, 'the same object: no rewrite');
    const posted = statusUpdatePosted(cur, 'update', 'We are investigating', 'Lee', TS);
    assert.deepEqual(posted.event.data, { kind: 'update', message: 'We are investigating' });
    assert.equal(posted.apply(cur)!.lastUpdateAt, TS);
  });

  it('escalate is a system event and records each step once, sorted', () => {
    const step = { afterMinutes: 15, notify: 'Team lead' };
    const c = escalate(sampleIncident(), 1, step, iso(T0 + 16 * MIN));
    assert.equal(c.event.actor, SYSTEM_ACTOR);
    assert.equal(c.event.text, 'Escalation: bring in Team lead (16 min without mitigation, P1)');
    assert.deepEqual(c.event.data, { step: 1, notify: 'Team lead', afterMinutes: 15, severity: 'P1' });
    assert.deepEqual(c.apply(sampleIncident({ escalationsReached: [0, 2] }))!.escalationsReached, [0, 1, 2]);
    const reached = sampleIncident({ escalationsReached: [1] });
    assert.equal(c.apply(reached), reached);
  });
});
