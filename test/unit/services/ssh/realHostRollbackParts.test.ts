import * as assert from 'node:assert/strict';
import { followToEnd, startDetached } from '../../../../src/services/ssh/detachedCommand';
import { acquireHostLock, releaseHostLock } from '../../../../src/services/ssh/hostLock';
import { readLiveCommit } from '../../../../src/services/ssh/liveCommit';
import { shellWord } from '../../../../src/core/runbooks/placeholderFill';
import { TempDirs } from '../../support/tempDirs';
import { cloneFixtureOnHost, realHost } from './hostWorld';

// The host parts of a rollback together, as the wizard will use them, on a real sshd: two windows
// on one host, the lock deciding which rolls back; the checkout run detached (the connection
// dropped in the middle of it); the host's live commit then the target.

const temp = new TempDirs();
after(() => temp.cleanup());

describe('host rollback parts together (real sshd, a clone owned by the login user)', function () {
  this.timeout(90_000);
  const host = realHost(temp);
  const connect = () => host.connect();

  it('lock, a detached checkout of the target surviving a drop, live commit = target, release; the second window waits its turn', async () => {
    const [windowA, windowB] = [await connect(), await connect()];
    const { first: target, second: live } = await cloneFixtureOnHost(host.sshd, host.world, windowA, temp, 'shop');
    assert.ok((await readLiveCommit(windowA, { workDir: 'shop' })).kind === 'found');

    const lock = await acquireHostLock(windowA, { who: 'alice', incidentId: '2026-01-12-checkout-500s' });
    assert.equal(lock.kind, 'acquired');
    const second = await acquireHostLock(windowB, { who: 'bob', incidentId: '2026-01-12-checkout-500s' });
    assert.ok(second.kind === 'held' && second.holder?.who === 'alice' && !second.stale, JSON.stringify(second));

    // The step: slow enough to drop the connection in the middle of it.
    const ref = { id: 'rollback-2026-01-12-step-1' };
    await startDetached(windowA, { ...ref, cwd: 'shop', command: `echo "from $(git rev-parse HEAD)"; sleep 1; git checkout -q --detach ${shellWord(target)} && echo "now $(git rev-parse HEAD)"` });
    let output = '';
    let dropped = false;
    const following = followToEnd(windowA, async () => connect(), ref, {
      reconnectDelayMs: 200,
      onData: (_s, c) => {
        output += c.toString();
        if (!dropped && output.includes('from')) {
          dropped = true;
          void host.sshd.dropConnections();
        }
      },
    });
    const { outcome } = await following;
    assert.ok(dropped, 'the connection was dropped mid-step');
    assert.deepEqual(outcome, { outcome: 'exited', exitCode: 0, cancelled: false });
    assert.equal(output, `from ${live}\nnow ${target}\n`);

    const after = await connect();
    const now = await readLiveCommit(after, { workDir: 'shop' });
    assert.ok(now.kind === 'found' && now.source === 'git' && now.sha === target && now.dirty === false && now.branch === undefined, JSON.stringify(now));
    assert.deepEqual(await releaseHostLock(after, (lock as Extract<typeof lock, { kind: 'acquired' }>).lock), { kind: 'ok' });
    assert.equal((await acquireHostLock(after, { who: 'bob' })).kind, 'acquired');
  });
});
