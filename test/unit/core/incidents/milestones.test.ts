import * as assert from 'node:assert/strict';
import { type Change, acknowledge, addNote, declare, escalate, reopen, resolve, setStatus, statusUpdatePosted } from '../../../../src/core/incidents/actions';
import { computeMilestones } from '../../../../src/core/incidents/milestones';
import type { Incident } from '../../../../src/core/incidents/model';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { MIN, T0, iso, presetLevel } from '../../support/fixtures';

const P1 = presetLevel('P1'); // acknowledge within 15 min, update every 30 min, escalate at 0/15/30/60

/** Runs changes the way the store does: append the event, apply it to the record. */
function play(steps: Array<(cur: Incident) => Change>): { incident: Incident; events: TimelineEvent[] } {
  const first = declare({ id: '2026-11-22-db', title: 'DB down', severity: 'P1', service: 'db' }, 'Dana', iso(T0));
  let incident = first.apply(undefined)!;
  const events = [first.event];
  for (const s of steps) {
    const c = s(incident);
    events.push(c.event);
    incident = c.apply(incident)!;
  }
  return { incident, events };
}

const at = (min: number) => iso(T0 + min * MIN);

describe('milestones of an incident', () => {
  it('times and durations of a resolved incident, hand-checked', () => {
    const { incident, events } = play([
      (i) => escalate(i, 0, P1.escalation[0], at(0)),
      (i) => acknowledge(i, 'Ravi', at(10)),
      (i) => escalate(i, 1, P1.escalation[1], at(15)),
      (i) => setStatus(i, 'identified', 'Ravi', at(20)),
      (i) => setStatus(i, 'monitoring', 'Ravi', at(40)),
      (i) => statusUpdatePosted(i, 'update', 'fixed', 'Ravi', at(60)),
      (i) => resolve(i, 'Ravi', at(90)),
    ]);
    const m = computeMilestones(incident, events, P1, T0 + 1000 * MIN);
    assert.equal(m.toAcknowledgeMs, 10 * MIN);
    assert.equal(m.toMitigateMs, 40 * MIN);
    assert.equal(m.toResolveMs, 90 * MIN);
    assert.equal(m.durationMs, 90 * MIN);
    assert.deepEqual(m.reached.map((r) => [r.kind, r.afterMs / MIN]), [['declared', 0], ['acknowledged', 10], ['mitigated', 40], ['resolved', 90]]);
    assert.deepEqual(m.acknowledgement, { targetMinutes: 15, state: 'met', afterMs: 10 * MIN });
    // Updates at 20, 40, 60, 90: gaps 20, 20, 20, 30 — none over 30.
    assert.deepEqual(m.updateCadence, { targetMinutes: 30, state: 'met', updates: 4, longestGapMs: 30 * MIN, missed: [] });
    assert.deepEqual(m.escalations, [
      { step: 0, notify: 'On-call engineer', afterMinutes: 0, at: at(0) },
      { step: 1, notify: 'Team lead', afterMinutes: 15, at: at(15) },
    ]);
  });

  it('mitigated is the first move to monitoring, as the record and the escalation rule have it', () => {
    const { incident, events } = play([
      (i) => setStatus(i, 'monitoring', 'Ravi', at(25)),
      (i) => setStatus(i, 'identified', 'Ravi', at(30)),
      (i) => resolve(i, 'Ravi', at(50)),
    ]);
    const m = computeMilestones(incident, events, P1, T0);
    assert.equal(m.toMitigateMs, 25 * MIN);
    // A status change acknowledges (replay.ts withStatus): 25 min is over the 15-minute target.
    assert.equal(m.toAcknowledgeMs, 25 * MIN);
    assert.equal(m.acknowledgement?.state, 'missed');
  });

  it('resolving straight from investigating mitigates at the resolution', () => {
    const { incident, events } = play([(i) => resolve(i, 'Ravi', at(12))]);
    const m = computeMilestones(incident, events, P1, T0);
    assert.equal(m.toMitigateMs, 12 * MIN);
    assert.equal(m.toResolveMs, 12 * MIN);
  });

  it('a reopened incident counts from its latest mitigation and owes no updates while it was resolved', () => {
    const { incident, events } = play([
      (i) => acknowledge(i, 'Ravi', at(5)),
      (i) => resolve(i, 'Ravi', at(20)),
      (i) => reopen(i, 'Ravi', at(200), 'back again'),
      (i) => setStatus(i, 'monitoring', 'Ravi', at(220)),
      (i) => resolve(i, 'Ravi', at(240)),
    ]);
    const m = computeMilestones(incident, events, P1, T0);
    assert.equal(m.toMitigateMs, 220 * MIN);
    assert.equal(m.toResolveMs, 240 * MIN);
    // Gaps: 0→20 and 200→220→240; the 180 minutes while resolved do not count.
    assert.equal(m.updateCadence?.state, 'met');
    assert.equal(m.updateCadence?.longestGapMs, 20 * MIN);
  });

  it('an active incident: missed once past the targets, pending before', () => {
    const { incident, events } = play([(i) => addNote(i, 'looking', 'Ravi', at(3))]);
    const early = computeMilestones(incident, events, P1, T0 + 10 * MIN);
    assert.equal(early.acknowledgement?.state, 'pending');
    assert.equal(early.updateCadence?.state, 'pending');
    assert.equal(early.durationMs, 10 * MIN);
    assert.equal(early.toResolveMs, null);
    const late = computeMilestones(incident, events, P1, T0 + 31 * MIN);
    assert.equal(late.acknowledgement?.state, 'missed');
    assert.equal(late.updateCadence?.state, 'missed');
    assert.deepEqual(late.updateCadence?.missed, [{ from: at(0), to: at(31), gapMs: 31 * MIN }]);
  });

  it('a gap one millisecond over the cadence is missed; exactly the cadence is met', () => {
    const exact = play([(i) => setStatus(i, 'identified', 'R', at(30)), (i) => resolve(i, 'R', at(60))]);
    assert.equal(computeMilestones(exact.incident, exact.events, P1, T0).updateCadence?.state, 'met');
    const over = play([(i) => setStatus(i, 'identified', 'R', iso(T0 + 30 * MIN + 1)), (i) => resolve(i, 'R', at(60))]);
    assert.equal(computeMilestones(over.incident, over.events, P1, T0).updateCadence?.state, 'missed');
  });

  it('with a severity the policy does not know: durations, no targets', () => {
    const { incident, events } = play([(i) => resolve(i, 'R', at(7))]);
    const m = computeMilestones(incident, events, undefined, T0);
    assert.equal(m.toResolveMs, 7 * MIN);
    assert.equal(m.acknowledgement, undefined);
    assert.equal(m.updateCadence, undefined);
  });

  it('an escalation the record lists without an event keeps the policy\'s name and no time', () => {
    const { incident, events } = play([]);
    const m = computeMilestones({ ...incident, escalationsReached: [2] }, events, P1, T0);
    assert.deepEqual(m.escalations, [{ step: 2, notify: 'Engineering manager', afterMinutes: 30, at: null }]);
  });
});
