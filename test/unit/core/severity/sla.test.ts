import * as assert from 'node:assert/strict';
import { WARNING_RATIO, computeSla, dueEscalations, nextChangeAt } from '../../../../src/core/severity/sla';
import { MIN, T0, iso, presetLevel, sampleIncident } from '../../support/fixtures';

const P1 = presetLevel('P1'); // respond 15 min, update every 30 min, escalate at 0/15/30/60
const P3 = presetLevel('P3'); // respond 240 min, update every 240 min

describe('SLA arithmetic', () => {
  describe('computeSla', () => {
    it('a fresh incident owes an acknowledgement at +15 min and an update at +30 min, soonest first', () => {
      const s = computeSla(sampleIncident(), P1, T0 + MIN);
      assert.equal(s.elapsedMs, MIN);
      assert.deepEqual(s.pending, [
        { kind: 'acknowledge', dueAt: T0 + 15 * MIN, state: 'ok' },
        { kind: 'update', dueAt: T0 + 30 * MIN, state: 'ok' },
      ]);
      assert.equal(s.worst, 'ok');
      assert.equal(s.acknowledged, undefined);
    });

    it('turns the acknowledgement to warning at exactly 75% of the target', () => {
      assert.equal(WARNING_RATIO, 0.75);
      const at75 = T0 + 0.75 * 15 * MIN; // 11 min 15 s
      assert.equal(computeSla(sampleIncident(), P1, at75 - 1).pending[0].state, 'ok');
      const s = computeSla(sampleIncident(), P1, at75);
      assert.equal(s.pending[0].state, 'warning');
      assert.equal(s.pending[1].state, 'ok');
      assert.equal(s.worst, 'warning');
    });

    it('is still warning at the due moment and breached one millisecond after', () => {
      const due = T0 + 15 * MIN;
      assert.equal(computeSla(sampleIncident(), P1, due).pending[0].state, 'warning');
      const s = computeSla(sampleIncident(), P1, due + 1);
      assert.equal(s.pending[0].state, 'breached');
      assert.equal(s.worst, 'breached');
    });

    it('counts the update cadence from lastUpdateAt, not from declaration', () => {
      const last = T0 + 20 * MIN;
      const inc = sampleIncident({ acknowledgedAt: iso(T0 + 2 * MIN), lastUpdateAt: iso(last) });
      const s = computeSla(inc, P1, T0 + 40 * MIN);
      assert.deepEqual(s.pending, [{ kind: 'update', dueAt: last + 30 * MIN, state: 'ok' }]);
      assert.equal(computeSla(inc, P1, last + 22.5 * MIN - 1).pending[0].state, 'ok');
      assert.equal(computeSla(inc, P1, last + 22.5 * MIN).pending[0].state, 'warning');
      assert.equal(computeSla(inc, P1, last + 30 * MIN + 1).pending[0].state, 'breached');
    });

    it('counts the update cadence from declaration when no update went out', () => {
      const inc = sampleIncident({ acknowledgedAt: iso(T0 + MIN) });
      assert.deepEqual(computeSla(inc, P3, T0).pending, [{ kind: 'update', dueAt: T0 + 240 * MIN, state: 'ok' }]);
      assert.equal(computeSla(inc, P3, T0 + 241 * MIN).worst, 'breached');
    });

    it('freezes elapsed time at resolution and owes nothing once resolved', () => {
      const inc = sampleIncident({ status: 'resolved', acknowledgedAt: iso(T0 + 5 * MIN), mitigatedAt: iso(T0 + 40 * MIN), resolvedAt: iso(T0 + 90 * MIN) });
      for (const now of [T0 + 90 * MIN, T0 + 1000 * MIN, T0 + 10 ** 9]) {
        const s = computeSla(inc, P1, now);
        assert.equal(s.elapsedMs, 90 * MIN);
        assert.deepEqual(s.pending, []);
        assert.equal(s.worst, 'ok');
      }
    });

    it('reports the acknowledgement as met up to the target and missed after it', () => {
      const met = computeSla(sampleIncident({ acknowledgedAt: iso(T0 + 15 * MIN) }), P1, T0 + 16 * MIN);
      assert.deepEqual(met.acknowledged, { met: true, afterMs: 15 * MIN });
      assert.ok(met.pending.every((i) => i.kind !== 'acknowledge'));
      const missed = computeSla(sampleIncident({ acknowledgedAt: iso(T0 + 15 * MIN + 1) }), P1, T0 + 16 * MIN);
      assert.deepEqual(missed.acknowledged, { met: false, afterMs: 15 * MIN + 1 });
      const resolvedLate = computeSla(sampleIncident({ status: 'resolved', acknowledgedAt: iso(T0 + 20 * MIN), resolvedAt: iso(T0 + 30 * MIN) }), P1, T0 + 99 * MIN);
      assert.deepEqual(resolvedLate.acknowledged, { met: false, afterMs: 20 * MIN });
    });

    it('owes nothing for a severity the policy does not know, but still counts elapsed time', () => {
      const s = computeSla(sampleIncident({ severity: 'SEV9', acknowledgedAt: iso(T0 + MIN) }), undefined, T0 + 500 * MIN);
      assert.deepEqual(s.pending, []);
      assert.equal(s.worst, 'ok');
      assert.equal(s.acknowledged, undefined);
      assert.equal(s.elapsedMs, 500 * MIN);
    });

    it('never reports negative elapsed time when the clock is behind the declaration', () => {
      assert.equal(computeSla(sampleIncident(), P1, T0 - 5 * MIN).elapsedMs, 0);
    });
  });

  describe('dueEscalations', () => {
    it('returns steps whose time has come, by index', () => {
      const inc = sampleIncident();
      assert.deepEqual(dueEscalations(inc, P1, T0), [0]);
      assert.deepEqual(dueEscalations(inc, P1, T0 + 15 * MIN - 1), [0]);
      assert.deepEqual(dueEscalations(inc, P1, T0 + 15 * MIN), [0, 1]);
      assert.deepEqual(dueEscalations(inc, P1, T0 + 61 * MIN), [0, 1, 2, 3]);
    });

    it('leaves out steps already reached', () => {
      assert.deepEqual(dueEscalations(sampleIncident({ escalationsReached: [0] }), P1, T0 + 31 * MIN), [1, 2]);
      assert.deepEqual(dueEscalations(sampleIncident({ escalationsReached: [0, 1, 2, 3] }), P1, T0 + 999 * MIN), []);
      assert.deepEqual(dueEscalations(sampleIncident({ escalationsReached: [1] }), P1, T0 + 16 * MIN), [0]);
    });

    it('runs only while investigating or identified', () => {
      const now = T0 + 61 * MIN;
      assert.deepEqual(dueEscalations(sampleIncident({ status: 'identified' }), P1, now), [0, 1, 2, 3]);
      assert.deepEqual(dueEscalations(sampleIncident({ status: 'monitoring', mitigatedAt: iso(T0 + MIN) }), P1, now), []);
      assert.deepEqual(dueEscalations(sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + MIN) }), P1, now), []);
      assert.deepEqual(dueEscalations(sampleIncident(), undefined, now), []);
    });
  });

  describe('nextChangeAt', () => {
    it('is the acknowledgement warning for a fresh incident', () => {
      assert.equal(nextChangeAt(sampleIncident({ escalationsReached: [0] }), P1, T0 + MIN), T0 + 11.25 * MIN);
    });

    it('is the next escalation step when that comes before any state flip', () => {
      // at +12 min: ack warning passed, ack breach at +15 min + 1 ms, step 1 at +15 min
      assert.equal(nextChangeAt(sampleIncident({ escalationsReached: [0] }), P1, T0 + 12 * MIN), T0 + 15 * MIN);
      // once step 1 is reached, the breach is next
      assert.equal(nextChangeAt(sampleIncident({ escalationsReached: [0, 1] }), P1, T0 + 12 * MIN), T0 + 15 * MIN + 1);
    });

    it('follows the update cadence and ignores escalation once mitigated', () => {
      const last = T0 + 40 * MIN;
      const inc = sampleIncident({ status: 'monitoring', acknowledgedAt: iso(T0 + MIN), mitigatedAt: iso(last), lastUpdateAt: iso(last) });
      assert.equal(nextChangeAt(inc, P1, last + MIN), last + 22.5 * MIN);
      assert.equal(nextChangeAt(inc, P1, last + 23 * MIN), last + 30 * MIN + 1);
    });

    it('is undefined when resolved, for an unknown severity, and when nothing is left to change', () => {
      assert.equal(nextChangeAt(sampleIncident({ status: 'resolved', resolvedAt: iso(T0 + MIN) }), P1, T0 + 2 * MIN), undefined);
      assert.equal(nextChangeAt(sampleIncident(), undefined, T0), undefined);
      const allDone = sampleIncident({ acknowledgedAt: iso(T0 + MIN), escalationsReached: [0, 1, 2, 3] });
      assert.equal(nextChangeAt(allDone, P1, T0 + 31 * MIN), undefined, 'update already breached, every step reached');
    });

    it('is always in the future and matches the moment computeSla or dueEscalations changes', () => {
      const inc = sampleIncident({ escalationsReached: [0] });
      let now = T0 + 1;
      const seen: number[] = [];
      for (let i = 0; i < 10; i++) {
        const next = nextChangeAt(inc, P1, now);
        if (next === undefined) break;
        assert.ok(next > now);
        const before = JSON.stringify([computeSla(inc, P1, next - 1).pending.map((p) => p.state), dueEscalations(inc, P1, next - 1)]);
        const after = JSON.stringify([computeSla(inc, P1, next).pending.map((p) => p.state), dueEscalations(inc, P1, next)]);
        assert.notEqual(after, before, `something changes at +${(next - T0) / MIN} min`);
        seen.push(next);
        now = next;
      }
      assert.ok(seen.length >= 5, `saw ${seen.length} changes`);
    });
  });
});
