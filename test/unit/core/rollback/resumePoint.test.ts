// Where Resume carries an interrupted rollback on, and whose lock it may adopt (pure).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { type InterruptedRollback, interruptedRollback, isOwnLock, resumePoint } from '../../../../src/core/rollback/interruptedRun';
import type { TimelineEvent } from '../../../../src/core/timeline/events';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ev = (type: string, data: Record<string, unknown>): TimelineEvent => ({ ts: '2026-11-20T10:00:00.000Z', type, actor: 'dana', text: type, data });
const started = ev('rollback_started', { host: 'web-1', from: B, to: A, strategy: 'redeploy', commands: ['one', 'two', 'three'] });
const cmd = (index: number, runId = `rb-${index}`) => ev('rollback_command_started', { host: 'web-1', index, command: ['one', 'two', 'three'][index], runId });
const end = (index: number, exitCode = 0) => ev('rollback_command_finished', { host: 'web-1', index, exitCode });

describe('resuming an interrupted rollback: where, and whose lock', () => {
  it('a command started and not seen to end: resumed there, by its run id', () => {
    assert.deepEqual(resumePoint(interruptedRollback([started, cmd(0)])!), { index: 0, runId: 'rb-0' });
    assert.deepEqual(resumePoint(interruptedRollback([started, cmd(0), end(0), cmd(1)])!), { index: 1, runId: 'rb-1' });
  });

  it('a second reload mid-resume: the resumed run\'s own events (no second rollback_started) move the point on', () => {
    const resumed = (e: TimelineEvent) => ({ ...e, data: { ...e.data, resumed: true } });
    const r = interruptedRollback([started, cmd(0), resumed(end(0)), resumed(cmd(1, 'rb-new-2'))])!;
    assert.deepEqual(resumePoint(r), { index: 1, runId: 'rb-new-2' });
    assert.equal(r.commands.length, 3, 'the commands are still the ones recorded first');
  });

  it('nothing to resume: no command started, the last one ended, a run id that is no run id', () => {
    assert.equal(resumePoint(interruptedRollback([started])!), undefined);
    assert.equal(resumePoint(interruptedRollback([started, cmd(0), end(0)])!), undefined);
    assert.equal(resumePoint(interruptedRollback([started, cmd(0, '../../etc')])!), undefined);
    assert.equal(resumePoint(interruptedRollback([started, ev('rollback_command_started', { host: 'web-1', index: 0 })])!), undefined);
  });

  it('a step beyond the recorded commands is never resumed (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 12 }), fc.boolean(), (of, step, stepFinished) => {
      const r: InterruptedRollback = { host: 'h', from: B, to: A, strategy: 'redeploy', commands: Array.from({ length: of }, (_, i) => `c${i}`), startedAt: '', step, stepFinished, runId: 'rb-x' };
      const p = resumePoint(r);
      return p === undefined ? (step < 1 || step > of || stepFinished) : p.index === step - 1 && p.index < of;
    }));
  });

  it('a lock is this incident\'s own only when it names this incident', () => {
    assert.equal(isOwnLock({ incidentId: 'inc-1' }, 'inc-1'), true);
    assert.equal(isOwnLock({ incidentId: 'inc-2' }, 'inc-1'), false);
    assert.equal(isOwnLock({}, 'inc-1'), false, 'a lock without an incident is nobody\'s own');
    assert.equal(isOwnLock(undefined, 'inc-1'), false);
    assert.equal(isOwnLock({ incidentId: undefined }, undefined), false);
    assert.equal(isOwnLock({ incidentId: '' }, ''), false);
  });
});
