import * as assert from 'node:assert/strict';
import { NO_SERVICE, computeMetrics } from '../../../../src/core/postmortem/metrics';
import { buildPolicy } from '../../../../src/core/severity/policy';
import { MIN, T0, iso, sampleIncident } from '../../support/fixtures';

const policy = buildPolicy('P1-P4', undefined);

function resolvedAfter(severity: string, service: string, ack: number, mit: number | null, res: number | null) {
  return sampleIncident({
    severity, service, acknowledgedAt: iso(T0 + ack * MIN), mitigatedAt: mit === null ? null : iso(T0 + mit * MIN),
    status: res === null ? 'identified' : 'resolved', resolvedAt: res === null ? null : iso(T0 + res * MIN),
  });
}

describe('response metrics', () => {
  it('means over the incidents that reached each milestone, hand-checked', () => {
    const r = computeMetrics([
      resolvedAfter('P2', 'api', 10, 20, 30),
      resolvedAfter('P1', 'api', 3, 7, 11),
      resolvedAfter('P1', 'db', 4, 9, 20),
      resolvedAfter('P1', '', 2, null, null),
      resolvedAfter('SEV9', 'api', 1, null, 5),
    ], policy, T0 + 1000 * MIN);
    // P1: TTA (3 + 4 + 2) / 3 = 3; TTM (7 + 9) / 2 = 8; TTR (11 + 20) / 2 = 15.5.
    assert.deepEqual(r.bySeverity, {
      P1: { count: 3, mttaMinutes: 3, mttmMinutes: 8, mttrMinutes: 15.5 },
      P2: { count: 1, mttaMinutes: 10, mttmMinutes: 20, mttrMinutes: 30 },
      // A resolution without a recorded mitigation mitigated at the resolution.
      SEV9: { count: 1, mttaMinutes: 1, mttmMinutes: 5, mttrMinutes: 5 },
    });
    assert.deepEqual(Object.keys(r.bySeverity), ['P1', 'P2', 'SEV9'], 'policy order, unknown ids last');
    // api: TTA (10 + 3 + 1) / 3 = 4.666… → 4.7; TTM (20 + 7 + 5) / 3 = 10.666… → 10.7; TTR (30 + 11 + 5) / 3 = 15.333… → 15.3.
    assert.deepEqual(r.byService.api, { count: 3, mttaMinutes: 4.7, mttmMinutes: 10.7, mttrMinutes: 15.3 });
    assert.deepEqual(r.byService[NO_SERVICE], { count: 1, mttaMinutes: 2, mttmMinutes: null, mttrMinutes: null });
  });

  it('no incidents: empty groups', () => {
    assert.deepEqual(computeMetrics([], policy, T0), { bySeverity: {}, byService: {} });
  });
});
