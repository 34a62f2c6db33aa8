import * as assert from 'node:assert/strict';
import { Emitter } from '../../../../src/core/util/emitter';

describe('Emitter', () => {
  it('delivers each value to every listener, in subscription order', () => {
    const e = new Emitter<number>();
    const seen: string[] = [];
    e.event((v) => seen.push(`a${v}`));
    e.event((v) => seen.push(`b${v}`));
    e.fire(1);
    e.fire(2);
    assert.deepEqual(seen, ['a1', 'b1', 'a2', 'b2']);
  });

  it('stops delivering to a disposed subscription only', () => {
    const e = new Emitter<string>();
    const a: string[] = [];
    const b: string[] = [];
    const sub = e.event((v) => a.push(v));
    e.event((v) => b.push(v));
    e.fire('x');
    sub.dispose();
    sub.dispose(); // twice is harmless
    e.fire('y');
    assert.deepEqual(a, ['x']);
    assert.deepEqual(b, ['x', 'y']);
  });

  it('lets a listener unsubscribe itself or another while firing without skipping anyone this round', () => {
    const e = new Emitter<void>();
    const calls: string[] = [];
    const first = e.event(() => { calls.push('first'); first.dispose(); second.dispose(); });
    const second = e.event(() => calls.push('second'));
    e.fire();
    e.fire();
    assert.deepEqual(calls, ['first', 'second']);
  });

  it('dispose() removes every listener', () => {
    const e = new Emitter<number>();
    let count = 0;
    e.event(() => count++);
    e.event(() => count++);
    e.dispose();
    e.fire(1);
    assert.equal(count, 0);
  });

  it('the same function subscribed twice is one listener (a Set)', () => {
    const e = new Emitter<number>();
    let count = 0;
    const l = () => count++;
    e.event(l);
    e.event(l);
    e.fire(1);
    assert.equal(count, 1);
  });
});
