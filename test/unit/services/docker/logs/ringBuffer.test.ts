import * as assert from 'node:assert/strict';
import { RingBuffer } from '../../../../../src/services/docker/logs/ringBuffer';

const bySize = (maxItems: number, maxBytes: number): RingBuffer<string> =>
  new RingBuffer<string>({ maxItems, maxBytes, sizeOf: (s) => s.length });

describe('RingBuffer', () => {
  it('keeps the newest items up to the line bound, counting the ones dropped before anyone took them', () => {
    const ring = bySize(3, 1_000);
    for (let i = 1; i <= 10; i++) ring.push(String(i));
    assert.deepEqual(ring.snapshot(), ['8', '9', '10']);
    assert.equal(ring.length, 3);
    assert.equal(ring.dropped, 7);
    assert.equal(ring.evicted, 7);
    assert.equal(ring.bytes, 4);
  });

  it('keeps the newest items up to the byte bound', () => {
    const ring = bySize(100, 10);
    ring.pushAll(['aaaa', 'bbbb']);
    assert.equal(ring.bytes, 8);
    ring.push('cc');
    assert.deepEqual(ring.snapshot(), ['aaaa', 'bbbb', 'cc'], 'exactly at the bound still fits');
    ring.push('d');
    assert.deepEqual(ring.snapshot(), ['bbbb', 'cc', 'd']);
    assert.equal(ring.bytes, 7);
    ring.push('eeeeeeee');
    assert.deepEqual(ring.snapshot(), ['d', 'eeeeeeee']);
    assert.equal(ring.bytes, 9);
    assert.equal(ring.dropped, 3);
  });

  it('keeps a newest item larger than the byte bound on its own', () => {
    const ring = bySize(10, 5);
    ring.pushAll(['ab', 'cd']);
    ring.push('0123456789');
    assert.deepEqual(ring.snapshot(), ['0123456789']);
    ring.push('x');
    assert.deepEqual(ring.snapshot(), ['x']);
  });

  it('take() hands over only what was not taken yet, with the number lost since the last take', () => {
    const ring = bySize(4, 1_000);
    ring.pushAll(['a', 'b']);
    assert.deepEqual(ring.take(), { items: ['a', 'b'], dropped: 0 });
    assert.deepEqual(ring.take(), { items: [], dropped: 0 });
    ring.pushAll(['c', 'd', 'e', 'f', 'g', 'h']); // a, b taken and evicted: not lost; c, d lost
    assert.equal(ring.pending, 4);
    assert.equal(ring.droppedSinceTake, 2);
    assert.deepEqual(ring.take(), { items: ['e', 'f', 'g', 'h'], dropped: 2 });
    assert.equal(ring.dropped, 2);
    assert.equal(ring.evicted, 4);
    assert.deepEqual(ring.snapshot(), ['e', 'f', 'g', 'h'], 'taken items stay for snapshot');
    ring.push('i');
    assert.equal(ring.dropped, 2, 'evicting an item already taken is no loss');
    assert.deepEqual(ring.take(), { items: ['i'], dropped: 0 });
  });

  it('take(true) lets go of what it hands over: not evicted, not dropped; the bounds still apply to what is pending', () => {
    const ring = bySize(3, 1_000);
    ring.pushAll(['a', 'b']);
    assert.deepEqual(ring.take(true), { items: ['a', 'b'], dropped: 0 });
    assert.equal(ring.length, 0);
    assert.equal(ring.bytes, 0);
    assert.deepEqual(ring.snapshot(), []);
    ring.pushAll(['c', 'd', 'e', 'f']);
    assert.equal(ring.evicted, 1);
    assert.deepEqual(ring.take(true), { items: ['d', 'e', 'f'], dropped: 1 });
    ring.pushAll(['g']);
    assert.deepEqual(ring.snapshot(), ['g']);
    assert.equal(ring.dropped, 1);
  });

  it('tracks the size of what is pending', () => {
    const ring = bySize(3, 1_000);
    ring.pushAll(['aa', 'bbb']);
    assert.equal(ring.pendingBytes, 5);
    ring.take();
    assert.equal(ring.pendingBytes, 0);
    ring.pushAll(['cccc', 'd', 'e', 'f']); // cccc pushed then evicted untaken
    assert.equal(ring.pending, 3);
    assert.equal(ring.pendingBytes, 3);
  });

  it('snapshot(lastN) gives the newest N, oldest first, clamped', () => {
    const ring = bySize(5, 1_000);
    ring.pushAll(['1', '2', '3', '4', '5', '6', '7']);
    assert.deepEqual(ring.snapshot(2), ['6', '7']);
    assert.deepEqual(ring.snapshot(0), []);
    assert.deepEqual(ring.snapshot(-3), []);
    assert.deepEqual(ring.snapshot(99), ['3', '4', '5', '6', '7']);
  });

  it('clear() empties it', () => {
    const ring = bySize(3, 1_000);
    ring.pushAll(['a', 'b']);
    ring.clear();
    assert.equal(ring.length, 0);
    assert.equal(ring.bytes, 0);
    assert.deepEqual(ring.take(), { items: [], dropped: 0 });
    ring.push('c');
    assert.deepEqual(ring.snapshot(), ['c']);
  });

  it('stays within both bounds through a long run of pushes of varied sizes', () => {
    const ring = bySize(100, 2_000);
    for (let i = 0; i < 100_000; i++) {
      ring.push('x'.repeat(i % 50));
      assert.ok(ring.length <= 100);
      assert.ok(ring.bytes <= 2_000);
    }
    assert.equal(ring.dropped + ring.length, 100_000);
    assert.equal(ring.bytes, ring.snapshot().reduce((n, s) => n + s.length, 0), 'the byte count matches the items');
  });
});
