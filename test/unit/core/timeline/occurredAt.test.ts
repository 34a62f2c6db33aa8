import * as assert from 'node:assert/strict';
import { parseOccurredAt } from '../../../../src/core/timeline/occurredAt';

/** Local time, as the user types it. */
const local = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => new Date(y, mo - 1, d, h, mi, s).getTime();

describe('parseOccurredAt (a note that tells of an earlier moment)', () => {
  const declared = new Date(local(2026, 12, 2, 13, 30, 20)).toISOString();
  const now = local(2026, 12, 2, 14, 10, 30);
  const at = (input: string, n = now) => parseOccurredAt(input, n, declared);
  const iso = (ms: number) => ({ ok: true, iso: new Date(ms).toISOString() });

  it('empty: now (undefined)', () => {
    assert.equal(at(''), undefined);
    assert.equal(at('   '), undefined);
  });

  it('14:05 is today, local time; 2026-12-02 14:05 and ISO with a zone as written', () => {
    assert.deepEqual(at('14:05'), iso(local(2026, 12, 2, 14, 5)));
    assert.deepEqual(at('9:05', local(2026, 12, 3, 9, 30)), iso(local(2026, 12, 3, 9, 5)), 'the next day: today is the 3rd');
    assert.deepEqual(at('2026-12-02 14:05'), iso(local(2026, 12, 2, 14, 5)));
    assert.deepEqual(at('2026-12-02T14:05:07'), iso(local(2026, 12, 2, 14, 5, 7)));
    const exact = new Date(local(2026, 12, 2, 14, 0, 1)).toISOString();
    assert.deepEqual(at(exact), { ok: true, iso: exact });
  });

  it('-20m, -1h, -1h30m: before now', () => {
    assert.deepEqual(at('-20m'), iso(now - 20 * 60_000));
    assert.deepEqual(at('- 20 min'), iso(now - 20 * 60_000));
    assert.deepEqual(at('-0h30m'), iso(now - 30 * 60_000));
    assert.equal(at('-1h')?.ok, false, 'before the declaration');
  });

  it('refuses the future, with the time it is now', () => {
    assert.deepEqual(at('14:15'), { ok: false, message: '14:15 is in the future (it is 14:10 now).' });
    assert.deepEqual(at('2026-12-02 14:11'), { ok: false, message: '2026-12-02 14:11 is in the future (it is 2026-12-02 14:10 now).' });
    assert.equal(at(new Date(now + 1000).toISOString())?.ok, false);
  });

  it('refuses a time before the incident was declared; within its minute counts as the declaration', () => {
    const r = at('13:29');
    assert.equal(r?.ok, false);
    assert.match((r as { message: string }).message, /^2026-12-02 13:29 is before the incident was declared \(2026-12-02 13:30\)/);
    assert.deepEqual(at('13:30'), { ok: true, iso: declared });
  });

  it('just after midnight, 23:50 means last night when the incident was open then', () => {
    const lateDeclared = new Date(local(2026, 12, 2, 23, 40)).toISOString();
    assert.deepEqual(parseOccurredAt('23:50', local(2026, 12, 3, 0, 10), lateDeclared), iso(local(2026, 12, 2, 23, 50)));
  });

  it('refuses what is not a time, saying what is', () => {
    for (const bad of ['soon', '25:00', '14:61', '2026-02-30 10:00', '14h05', '-', '-20x', '2026-12-02T14:05:00+0100']) {
      const r = at(bad);
      assert.equal(r?.ok, false, bad);
      assert.ok((r as { message: string }).message.length > 10, bad);
    }
    assert.match((at('soon') as { message: string }).message, /write 14:05, 2026-12-02 14:05 or -20m/);
  });
});
