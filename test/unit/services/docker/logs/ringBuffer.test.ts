import * as assert from 'node:assert/strict';
import { RingBuffer } from '../../../../../src/services/docker/logs/ringBuffer';

const bySize = (maxItems: number, maxBytes: number): RingBuffer<string> =>
  new RingBuffer<string>({ maxItems, maxBytes, sizeOf: (s) => s.length });

const pushAll = (ring: RingBuffer<string>, items: readonly string[]): void => items.forEach((i) => ring.push(i));

describe('RingBuffer', () => {
  it('holds the newest items up to the count bound, counting the ones dropped before anyone took them', () => {
    const ring = bySize(3, 1_000);
    for (let i = 1; i <= 10; i++) ring.push(String(i));
    assert.equal(ring.pending, 3);
    assert.equal(ring.pendingBytes, 4);
    assert.equal(ring.dropped, 7);
    assert.deepEqual(ring.take(), { items: ['8', '9', '10'], dropped: 7 });
  });

  it('holds the newest items up to the byte bound', () => {
    const ring = bySize(100, 10);
    pushAll(ring, ['aaaa', 'bbbb', 'cc']);
    assert.equal(ring.pendingBytes, 10, 'exactly at the bound still fits');
    ring.push('d');
    assert.equal(ring.pendingBytes, 7);
    ring.push('eeeeeeee');
    assert.equal(ring.pendingBytes, 9);
    assert.deepEqual(ring.take(), { items: ['d', 'eeeeeeee'], dropped: 3 });
  });

  it('keeps a newest item larger than the byte bound on its own', () => {
    const ring = bySize(10, 5);
    pushAll(ring, ['ab', 'cd', '0123456789']);
    assert.deepEqual(ring.take(), { items: ['0123456789'], dropped: 2 });
    ring.push('x');
    assert.deepEqual(ring.take(), { items: ['x'], dropped: 0 });
  });

  it('take() hands over everything held, with the number lost since the last take, and lets go of it', () => {
    const ring = bySize(4, 1_000);
    pushAll(ring, ['a', 'b']);
    assert.deepEqual(ring.take(), { items: ['a', 'b'], dropped: 0 });
    assert.equal(ring.pending, 0);
    assert.equal(ring.pendingBytes, 0);
    assert.deepEqual(ring.take(), { items: [], dropped: 0 });
    pushAll(ring, ['c', 'd', 'e', 'f', 'g', 'h']); // taken items are gone: only c and d are lost
    assert.equal(ring.pending, 4);
    assert.equal(ring.droppedSinceTake, 2);
    assert.deepEqual(ring.take(), { items: ['e', 'f', 'g', 'h'], dropped: 2 });
    ring.push('i');
    assert.deepEqual(ring.take(), { items: ['i'], dropped: 0 });
    assert.equal(ring.dropped, 2);
  });

  it('clear() lets go of everything, not counted as dropped', () => {
    const ring = bySize(3, 1_000);
    pushAll(ring, ['a', 'b']);
    ring.clear();
    assert.equal(ring.pending, 0);
    assert.equal(ring.dropped, 0);
    ring.push('c');
    assert.deepEqual(ring.take(), { items: ['c'], dropped: 0 });
  });

  it('stays within both bounds through a long run of pushes of varied sizes and takes', () => {
    const ring = bySize(100, 2_000);
    let taken = 0;
    for (let i = 0; i < 100_000; i++) {
      ring.push('x'.repeat(i % 50));
      assert.ok(ring.pending <= 100);
      assert.ok(ring.pendingBytes <= 2_000);
      if (i % 777 === 0) {
        const { items } = ring.take();
        taken += items.length;
      }
    }
    const pending = ring.pending;
    const bytes = ring.pendingBytes;
    const { items } = ring.take();
    assert.equal(bytes, items.reduce((n, s) => n + s.length, 0), 'the byte count matches the items');
    assert.equal(ring.dropped + taken + pending, 100_000);
  });
});
