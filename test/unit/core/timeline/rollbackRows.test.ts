import * as assert from 'node:assert/strict';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { isEventType } from '../../../../src/core/timeline/eventTypes';
import { buildRows } from '../../../../src/core/timeline/timelineRows';

// The rollback's events on the timeline: writable types, and rows that say what ran and what was checked.

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

function detailsOf(type: string, data: Record<string, unknown>) {
  const e: TimelineEvent = { id: 'e1', ts: '2026-01-12T10:00:00.000Z', type, actor: 'alice', text: type, data };
  const [row] = buildRows({ events: [e], refs: ['e1'], damaged: [], starred: new Set(), milestones: undefined });
  return Object.fromEntries(row!.details.map((d) => [d.label, d.text]));
}

describe('rollback events on the timeline', () => {
  it('are writable types (the closed list holds them)', () => {
    for (const t of ['rollback_started', 'rollback_command_started', 'rollback_command_finished', 'rollback_verified', 'rollback_failed', 'rollback_unknown']) assert.ok(isEventType(t), t);
  });

  it('rows name the commands, their exit status and each check', () => {
    assert.deepEqual(detailsOf('rollback_started', { host: 'web-1', from: SHA_B, to: SHA_A, strategy: 'redeploy', cwd: '/srv/shop', commands: ['git checkout --detach x', 'docker compose up -d'] }), {
      Host: 'web-1', From: SHA_B, To: SHA_A, Strategy: 'redeploy', 'Work dir': '/srv/shop', Commands: 'git checkout --detach x\ndocker compose up -d',
    });
    assert.equal(detailsOf('rollback_command_finished', { host: 'web-1', command: 'false', exitCode: 1, cancelled: false })['Exit status'], 'exit 1 (failed)');
    const checks = [{ name: 'health', status: 'failed', detail: 'did not answer' }, { name: 'liveCommit', status: 'passed', detail: 'runs aaaa' }, { name: 'containers', status: 'constructor', detail: 'odd' }];
    assert.equal(detailsOf('rollback_failed', { host: 'web-1', stage: 'verify', checks }).Checks, '✗ health: did not answer\n✓ liveCommit: runs aaaa\n• containers: odd');
    assert.equal(detailsOf('rollback_unknown', { host: 'web-1', command: 'sleep 2', reason: 'connectionLost', message: 'could not be made again' }).Why, 'could not be made again');
  });
});
