import * as assert from 'node:assert/strict';
import { LineStore } from '../../../../../src/services/docker/logs/lineStore';
import type { LogLine } from '../../../../../src/services/docker/logs/logPipeline';

/** A deterministic generator (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const PIECES = ['GET /api/orders', 'ü', '日本', '🚀', ' ', 'x', '\t', 'ERROR', '\x1b[31mred\x1b[0m'];

function lineOf(n: number, rand: () => number): LogLine {
  const parts: string[] = [String(n)];
  const count = rand() < 0.05 ? 0 : Math.floor(rand() * (rand() < 0.02 ? 3000 : 12));
  for (let i = 0; i < count; i++) parts.push(PIECES[Math.floor(rand() * PIECES.length)]);
  const text = rand() < 0.03 ? '' : parts.join('');
  const timestamp = rand() < 0.7 ? `2026-11-22T03:${String(n % 60).padStart(2, '0')}:00.${String(n).padStart(9, '0').slice(-9)}Z` : undefined;
  return timestamp ? { stream: rand() < 0.2 ? 'stderr' : 'stdout', text, timestamp } : { stream: rand() < 0.2 ? 'stderr' : 'stdout', text };
}

const bytesOf = (l: LogLine): number => Buffer.byteLength(l.text) + (l.timestamp?.length ?? 0);

describe('LineStore (a log view history in one byte ring)', () => {
  it('keeps the newest lines exactly as pushed: text (multi-byte, colours), stream and timestamp', () => {
    const store = new LineStore({ maxLines: 3, maxBytes: 1 << 20 });
    const lines: LogLine[] = [
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'zwei ü 日本 🚀', timestamp: '2026-11-22T03:00:00.000000001Z' },
      { stream: 'stdout', text: '' },
      { stream: 'stdout', text: '\x1b[32mfour\x1b[0m', timestamp: '2026-11-22T03:00:01Z' },
    ];
    for (const l of lines) store.push(l);
    assert.equal(store.length, 3);
    assert.equal(store.first, 1);
    assert.equal(store.end, 4);
    assert.equal(store.evicted, 1);
    assert.equal(store.at(0), undefined);
    assert.deepEqual(store.range(0), lines.slice(1));
    assert.equal(store.at(4), undefined);
  });

  it('empty lines are kept like any other (they take a byte of the ring)', () => {
    const store = new LineStore({ maxLines: 10, maxBytes: 1 << 20 });
    for (const text of ['', '', 'a', '', 'b']) store.push({ stream: 'stdout', text });
    assert.equal(store.length, 5);
    assert.equal(store.evicted, 0);
    assert.deepEqual(store.range(0).map((l) => l.text), ['', '', 'a', '', 'b']);
  });

  it('never holds more bytes than maxBytes, and grows its buffer only as far as needed', () => {
    const store = new LineStore({ maxLines: 1_000_000, maxBytes: 64 * 1024 });
    for (let n = 0; n < 10_000; n++) store.push({ stream: 'stdout', text: `line ${n} `.padEnd(100, '.') });
    assert.equal(store.capacityBytes, 64 * 1024);
    const kept = store.range(store.first);
    assert.ok(kept.reduce((sum, l) => sum + bytesOf(l), 0) <= 64 * 1024);
    assert.ok(kept.length >= 500, `most of the 64 KiB is used: ${kept.length} lines of 100 bytes`);
    assert.equal(kept.at(-1)?.text.startsWith('line 9999 '), true);
    const small = new LineStore({ maxLines: 10, maxBytes: 1 << 30 });
    for (let n = 0; n < 100; n++) small.push({ stream: 'stdout', text: 'short' });
    assert.equal(small.capacityBytes, 256 * 1024, 'starts small; a 1 GiB bound is not allocated');
  });

  it('random lines against a model: always a contiguous suffix, decoded exactly, within both bounds', () => {
    for (const seed of [1, 7, 42, 2026]) {
      const rand = rng(seed);
      const maxLines = 50 + Math.floor(rand() * 400);
      const maxBytes = 64 * 1024 + Math.floor(rand() * 64 * 1024);
      const store = new LineStore({ maxLines, maxBytes });
      const all: LogLine[] = [];
      for (let n = 0; n < 20_000; n++) {
        const line = lineOf(n, rand);
        all.push(line);
        store.push(line);
        if (n % 997 === 0 || n === 19_999) {
          const kept = store.range(store.first);
          assert.equal(store.end, all.length);
          assert.equal(store.length + store.evicted, all.length, `seed ${seed} n ${n}`);
          assert.ok(kept.length <= maxLines);
          assert.ok(kept.reduce((sum, l) => sum + bytesOf(l), 0) <= maxBytes);
          assert.ok(kept.length > 0 && kept.at(-1) !== undefined);
          assert.deepEqual(kept, all.slice(store.first), `seed ${seed} at line ${n}`);
        }
      }
    }
  });

  it('a line longer than the whole store keeps its head; clear() empties it and counts what went', () => {
    const store = new LineStore({ maxLines: 10, maxBytes: 64 * 1024 });
    store.push({ stream: 'stdout', text: 'a' });
    store.push({ stream: 'stdout', text: 'b'.repeat(200_000) });
    const long = store.at(1)!;
    assert.ok(long.text.length > 20_000 && long.text.length < 64 * 1024 && /^b+$/.test(long.text));
    store.clear();
    assert.equal(store.length, 0);
    assert.equal(store.evicted, 2);
    assert.deepEqual(store.range(0), []);
    store.push({ stream: 'stdout', text: 'after' });
    assert.deepEqual(store.at(2), { stream: 'stdout', text: 'after' });
  });
});
