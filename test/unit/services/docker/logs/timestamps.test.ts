import * as assert from 'node:assert/strict';
import { DockerLogError } from '../../../../../src/services/docker/logs/logErrors';
import {
  compareTimestampKeys, isTimestamp, leadingTimestampLength, timestampKey, toDockerSince,
} from '../../../../../src/services/docker/logs/timestamps';

describe('log timestamps', () => {
  it('finds the length of a leading timestamp followed by a space', () => {
    assert.equal(leadingTimestampLength('2026-11-22T14:05:00.123456789Z hello'), 30);
    assert.equal(leadingTimestampLength('2026-11-22T14:05:00.123456789Z '), 30);
    assert.equal(leadingTimestampLength('2026-11-22T14:05:00Z hello'), 20);
    assert.equal(leadingTimestampLength('2026-11-22T14:05:00.5+02:00 hello'), 27);
    assert.equal(leadingTimestampLength('2026-11-22T14:05:00.123456789Z'), -1, 'no space after it');
    assert.equal(leadingTimestampLength('2026-11-22 14:05:00.123456789Z hello'), -1);
    assert.equal(leadingTimestampLength('hello 2026-11-22T14:05:00Z'), -1);
    assert.equal(leadingTimestampLength('2026-11-22T14:05:00.1234567890Z x'), -1, 'ten fraction digits');
    assert.equal(leadingTimestampLength(''), -1);
  });

  it('looks only inside the given range', () => {
    const text = 'xx2026-11-22T14:05:00.123456789Z hello';
    assert.equal(leadingTimestampLength(text, 2), 30);
    assert.equal(leadingTimestampLength(text, 2, 32), -1, 'the space is outside the range');
    assert.equal(leadingTimestampLength('xx2026-11-22T14:05:00.5Z hi', 2, 25), 22);
    assert.equal(leadingTimestampLength('xx2026-11-22T14:05:00.5Z hi', 2, 24), -1, 'the other forms too');
  });

  it('orders timestamps to the nanosecond, across fraction lengths and offsets', () => {
    const key = (t: string) => {
      const k = timestampKey(t);
      assert.ok(k, t);
      return k;
    };
    const cmp = (a: string, b: string): number => Math.sign(compareTimestampKeys(key(a), key(b)));
    assert.equal(cmp('2026-11-22T14:05:00.000000001Z', '2026-11-22T14:05:00.000000002Z'), -1);
    assert.equal(cmp('2026-11-22T14:05:00.5Z', '2026-11-22T14:05:00.500000000Z'), 0);
    assert.equal(cmp('2026-11-22T16:05:00.1+02:00', '2026-11-22T14:05:00.100000000Z'), 0);
    assert.equal(cmp('2026-11-22T14:05:01Z', '2026-11-22T14:05:00.999999999Z'), 1);
    assert.equal(timestampKey('not a time'), undefined);
    assert.equal(isTimestamp('2026-11-22T14:05:00.123Z'), true);
    assert.equal(isTimestamp('2026-11-22T14:05:00.123Z '), false);
  });

  it('turns a timestamp into the API since parameter without losing nanoseconds', () => {
    assert.equal(toDockerSince('2026-11-22T14:05:00.000000017Z'), `${Date.parse('2026-11-22T14:05:00Z') / 1000}.000000017`);
    assert.equal(toDockerSince('1970-01-01T00:00:01.5Z'), '1.500000000');
    assert.throws(() => toDockerSince('yesterday'), (e: unknown) => DockerLogError.is(e, 'badTimestamp'));
  });
});
