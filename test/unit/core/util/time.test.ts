import * as assert from 'node:assert/strict';
import { formatDuration, isIsoUtc, isoNow, utcDate } from '../../../../src/core/util/time';

describe('time', () => {
  it('formatDuration picks the two largest units, compactly', () => {
    const cases: Array<[number, string]> = [
      [0, '0s'], [999, '0s'], [1000, '1s'], [45_000, '45s'], [59_999, '59s'], [60_000, '1m'], [12 * 60_000 + 59_000, '12m'],
      [3_600_000, '1h'], [3_600_000 + 5 * 60_000, '1h 05m'], [23 * 3_600_000 + 59 * 60_000, '23h 59m'],
      [86_400_000, '1d'], [2 * 86_400_000 + 3 * 3_600_000 + 59 * 60_000, '2d 3h'], [400 * 86_400_000, '400d'],
      [-12 * 60_000, '-12m'], [-(3_600_000 + 60_000), '-1h 01m'], [-500, '-0s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
  });

  it('isIsoUtc accepts the written format and refuses everything else', () => {
    for (const ok of ['2026-11-22T14:05:00.000Z', '2026-11-22T14:05:00Z', '2026-11-22T14:05:00.5Z', '2028-02-29T23:59:59.999Z', isoNow()]) {
      assert.ok(isIsoUtc(ok), ok);
    }
    for (const bad of ['2026-11-22', '2026-11-22T14:05Z', '2026-11-22T14:05:00', '2026-11-22T14:05:00+00:00', '2026-11-22 14:05:00Z',
      '2026-11-22T14:05:00.0000Z', ' 2026-11-22T14:05:00Z', '2026-13-01T00:00:00Z', '2026-11-22T14:60:00Z',
      // Date.parse would roll these over to another day instead of refusing them
      '2026-02-30T00:00:00Z', '2027-02-29T00:00:00Z', '2026-04-31T12:00:00Z', '2026-11-22T24:00:00Z',
      '', null, undefined, 1763820300000, new Date(), {}]) {
      assert.ok(!isIsoUtc(bad), String(bad));
    }
  });

  it('isoNow and utcDate use UTC', () => {
    const ms = Date.parse('2026-11-22T23:59:59.999Z');
    assert.equal(isoNow(ms), '2026-11-22T23:59:59.999Z');
    assert.equal(utcDate(ms), '2026-11-22');
    assert.equal(utcDate(ms + 1), '2026-11-23');
  });
});
