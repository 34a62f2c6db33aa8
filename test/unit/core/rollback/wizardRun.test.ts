// The pure parts the rollback wizard's later steps stand on: where the health URL is polled from,
// the health window setting, and a rollback the timeline shows started and not ended.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_HEALTH_POLICY, isPublicUrl, normalizeHealthPolicy } from '../../../../src/core/rollback/healthPolicy';
import { describeInterrupted, interruptedRollback } from '../../../../src/core/rollback/interruptedRun';
import type { TimelineEvent } from '../../../../src/core/timeline/events';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
let n = 0;
const ev = (type: string, data: Record<string, unknown>): TimelineEvent => ({ ts: `2026-11-20T10:00:${String(n++ % 60).padStart(2, '0')}.000Z`, type, actor: 'dana', text: type, data });
const started = (host = 'web-1') => ev('rollback_started', { host, from: B, to: A, strategy: 'redeploy', commands: ['git fetch', 'git checkout', 'docker compose up -d'], cwd: 'app' });

describe('rollback health: from here only for a public URL', () => {
  it('loopback, private, link-local, CGNAT, single-label and internal names are polled from the host', () => {
    for (const url of ['http://127.0.0.1:8080/health', 'http://localhost/health', 'http://[::1]/h', 'http://10.1.2.3/h', 'http://172.20.0.1/h', 'http://192.168.1.5/h',
      'http://169.254.169.254/latest', 'http://100.64.0.1/h', 'http://app/h', 'http://app.internal/h', 'http://printer.local/h', 'http://[fd00::1]/h', 'http://[fe80::1]/h',
      'http://[::ffff:10.0.0.1]/h', 'http://0.0.0.0/h', 'ftp://example.com/h', 'not a url']) {
      assert.equal(isPublicUrl(url), false, url);
    }
  });
  it('public names and addresses are polled from here', () => {
    for (const url of ['https://shop.example.com/health', 'http://93.184.216.34/h', 'http://172.32.0.1/h', 'https://[2001:db8::1]/h', 'http://[::ffff:8.8.8.8]/h']) assert.equal(isPublicUrl(url), true, url);
  });
  it('any 10.x.y.z address is private (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (b, c, d) => !isPublicUrl(`http://10.${b}.${c}.${d}:8080/h`)));
  });
  it('the window setting: each field checked, defaults where unset or out of range', () => {
    assert.deepEqual(normalizeHealthPolicy(undefined), DEFAULT_HEALTH_POLICY);
    assert.deepEqual(normalizeHealthPolicy({ consecutive: 2, windowSeconds: 20, intervalSeconds: 1 }), { consecutive: 2, windowSeconds: 20, intervalSeconds: 1 });
    assert.deepEqual(normalizeHealthPolicy({ consecutive: 0, windowSeconds: 1.5, intervalSeconds: 'x' }), DEFAULT_HEALTH_POLICY);
  });
});

describe('a rollback interrupted by a reload, from the timeline', () => {
  it('none when every rollback ended (verified, failed or unknown)', () => {
    for (const end of ['rollback_verified', 'rollback_failed', 'rollback_unknown']) assert.equal(interruptedRollback([started(), ev(end, { host: 'web-1' })]), undefined);
    assert.equal(interruptedRollback([ev('note', { host: 'web-1' })]), undefined);
  });
  it('a command started and not finished: that step, its run id, "outcome unknown"', () => {
    const r = interruptedRollback([
      started(), ev('rollback_command_started', { host: 'web-1', index: 0, command: 'git fetch', runId: 'rb-1' }), ev('rollback_command_finished', { host: 'web-1', index: 0, exitCode: 0, runId: 'rb-1' }),
      ev('rollback_command_started', { host: 'web-1', index: 1, command: 'git checkout', runId: 'rb-2' }),
    ]);
    assert.ok(r);
    assert.deepEqual([r.host, r.from, r.to, r.step, r.stepFinished, r.runId, r.command, r.cwd], ['web-1', B, A, 2, false, 'rb-2', 'git checkout', 'app']);
    assert.equal(describeInterrupted(r), 'step 2 of 3 started, outcome unknown');
  });
  it('the last command ended but nothing closed the rollback (verify cut off): said so', () => {
    const r = interruptedRollback([started(), ...[0, 1, 2].flatMap((i) => [ev('rollback_command_started', { host: 'web-1', index: i, runId: `rb-${i}` }), ev('rollback_command_finished', { host: 'web-1', index: i, exitCode: 0 })])]);
    assert.equal(r && describeInterrupted(r), 'step 3 of 3 ended with exit status 0, and what came after it is unknown');
  });
  it('the newest open one; a rollback of another host does not close it; a host filter', () => {
    const events = [started('web-1'), started('web-2'), ev('rollback_verified', { host: 'web-2' })];
    assert.equal(interruptedRollback(events)?.host, 'web-1');
    assert.equal(interruptedRollback(events, 'web-2'), undefined);
    assert.equal(interruptedRollback([started()])?.step, 0);
  });
});
