import * as assert from 'node:assert/strict';
import { type RollbackRequest, runRollback } from '../../../../src/services/rollback/runRollback';
import { describeOwnLockRelease, releaseOwnLock } from '../../../../src/services/rollback/ownLock';
import { startDetached } from '../../../../src/services/ssh/detachedCommand';
import { acquireHostLock, readHostLock, releaseHostLock, renewHostLock } from '../../../../src/services/ssh/hostLock';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import { TempDirs } from '../../support/tempDirs';
import { acquired, realHost } from '../ssh/hostWorld';
import { type ShopRepo, recorder, shopOnHost } from './rollbackWorld';

// A rollback interrupted by a reload, carried on by runRollback on a real sshd: the interrupted
// command followed by its run id, the commands after it run (exactly those recorded), verified and
// recorded; the interrupted run's lock adopted when it is this incident's, anyone else's refused
// and left as it is. Abandon's release of the incident's own lock (releaseOwnLock) likewise.

const temp = new TempDirs();
after(() => temp.cleanup());

const INCIDENT = '2026-01-12-shop-down';

describe('resuming an interrupted rollback on a real sshd: the rest of its commands, its own lock', function () {
  this.timeout(120_000);
  const host = realHost(temp);
  let conn: SshConnection;
  let shop: ShopRepo;

  before(async () => {
    ({ conn, shop } = await shopOnHost(host, temp, 'ids-rbr-repo-'));
  });

  afterEach(async () => {
    await host.world.sh(conn, 'rm -rf .incident-desk/locks/rollback.lock shop/*.mark');
  });

  /** What the old window did before the reload: took the lock, started command 1 detached. */
  async function interrupted(commands: string[], lockFor = INCIDENT) {
    const lock = acquired(await acquireHostLock(conn, { who: 'old window', incidentId: lockFor }));
    const runId = `rollback-resume-${Math.random().toString(16).slice(2, 10)}-1`;
    await startDetached(conn, { id: runId, command: commands[0]!, cwd: 'shop' });
    return { lock, runId };
  }

  function resume(commands: string[], runId: string, extra: Partial<RollbackRequest> = {}) {
    const rec = recorder();
    const ledger: unknown[] = [];
    const run = runRollback(
      { host: 'shop-1', who: 'alice', incidentId: INCIDENT, from: shop.bad, to: shop.good, strategy: 'redeploy', cwd: 'shop',
        commands: commands.map((command, n) => ({ command, label: `command ${n + 1}` })), resume: { index: 0, runId }, ...extra },
      { connection: conn, reconnect: () => host.connect(), emit: rec.emit, onOutput: rec.onOutput, appendLedger: async (e) => ledger.push(e), reconnectDelayMs: 100 },
    );
    return { run, rec, ledger };
  }

  it('the interrupted command followed to its end, commands 2 and 3 run, verified, the ledger line written, the adopted lock released', async () => {
    const commands = ['sleep 1; echo one; touch 1.mark', `git checkout --quiet --detach ${shop.good} && echo two && touch 2.mark`, 'echo three; touch 3.mark'];
    const old = await interrupted(commands);
    const r = resume(commands, old.runId, { verify: { workDir: 'shop' } });
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'verified' && outcome.lockReleased, JSON.stringify(outcome));
    assert.equal(r.rec.output, 'one\ntwo\nthree\n');
    assert.deepEqual(r.rec.types(), ['rollback_command_finished', 'rollback_command_started', 'rollback_command_finished', 'rollback_command_started', 'rollback_command_finished', 'rollback_verified'], 'no second rollback_started');
    const [followed, second] = r.rec.events;
    assert.deepEqual([followed!.data.index, followed!.data.runId, followed!.data.exitCode, followed!.data.resumed], [0, old.runId, 0, true]);
    assert.deepEqual(followed!.data.adoptedLock, { who: 'old window', at: (followed!.data.adoptedLock as { at: string }).at, incidentId: INCIDENT });
    assert.deepEqual([second!.data.index, second!.data.command, second!.data.resumed], [1, commands[1], true]);
    assert.notEqual(second!.data.runId, old.runId);
    assert.deepEqual(r.ledger, [{ sha: shop.good, host: 'shop-1', env: 'production', status: 'succeeded', at: (r.ledger[0] as { at: string }).at, by: 'alice', kind: 'rollback', from: shop.bad }]);
    assert.equal((await host.world.sh(conn, 'cd shop && ls *.mark | tr "\\n" " "')).trim(), '1.mark 2.mark 3.mark');
    assert.deepEqual(await readHostLock(conn), { kind: 'absent' }, 'no lock left on the host');
    assert.equal((await renewHostLock(conn, old.lock)).kind, 'lost', 'the old window, were it alive, finds its lock gone');
  });

  it('no lock left on the host (it was released or lost): Resume takes a new one and releases it', async () => {
    const commands = ['echo one', 'echo two'];
    const old = await interrupted(commands);
    assert.deepEqual(await releaseHostLock(conn, old.lock), { kind: 'ok' });
    const r = resume(commands, old.runId);
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'ran' && outcome.lockReleased, JSON.stringify(outcome));
    assert.equal(r.rec.events[0]!.data.adoptedLock, undefined);
    assert.equal(r.rec.output, 'one\ntwo\n');
    assert.deepEqual(await readHostLock(conn), { kind: 'absent' });
  });

  it('a lock of another incident: refused with who and since when, nothing followed or run, the lock untouched', async () => {
    const commands = ['echo one', 'touch after.mark'];
    const old = await interrupted(commands, 'another-incident');
    const r = resume(commands, old.runId);
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'refused' && !outcome.stale && outcome.holder?.incidentId === 'another-incident', JSON.stringify(outcome));
    assert.match(outcome.message, /shop-1 is being rolled back by old window \(incident another-incident\) since /);
    assert.deepEqual(r.rec.events, []);
    const still = await readHostLock(conn);
    assert.ok(still.kind === 'held' && still.holder?.id === old.lock.id, JSON.stringify(still));
    assert.equal((await host.world.sh(conn, 'ls shop/after.mark 2>/dev/null || echo absent')).trim(), 'absent');
    assert.deepEqual(await releaseHostLock(conn, old.lock), { kind: 'ok' }, 'still its holder\'s to release');
  });

  it('a failing command stops the resumed run: recorded failed, the ones after it not run, the lock released', async () => {
    const commands = ['echo one', 'echo no >&2; exit 4', 'touch never.mark'];
    const old = await interrupted(commands);
    const r = resume(commands, old.runId);
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'failed' && outcome.stage === 'command' && outcome.index === 1 && outcome.exitCode === 4 && outcome.lockReleased, JSON.stringify(outcome));
    assert.equal(r.rec.events.at(-1)!.type, 'rollback_failed');
    assert.equal((await host.world.sh(conn, 'ls shop/never.mark 2>/dev/null || echo absent')).trim(), 'absent');
    assert.deepEqual(r.ledger, []);
  });

  it('Cancel while following the interrupted command: signalled on the host, recorded cancelled, nothing after it, the lock released', async () => {
    const commands = ['echo waiting; sleep 30; touch slow.mark', 'touch after.mark'];
    const old = await interrupted(commands);
    const r = resume(commands, old.runId);
    await new Promise((res) => setTimeout(res, 1500));
    r.run.cancel();
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'failed' && outcome.stage === 'command' && outcome.index === 0 && outcome.cancelled && outcome.lockReleased, JSON.stringify(outcome));
    assert.deepEqual(r.rec.types(), ['rollback_command_finished', 'rollback_failed']);
    assert.equal((await host.world.sh(conn, 'ls shop/slow.mark shop/after.mark 2>/dev/null || echo absent')).trim(), 'absent');
    assert.deepEqual(await readHostLock(conn), { kind: 'absent' });
  });

  it('Abandon\'s release: this incident\'s lock released; another incident\'s left untouched; none: said so', async () => {
    const own = acquired(await acquireHostLock(conn, { who: 'old window', incidentId: INCIDENT }));
    const released = await releaseOwnLock(conn, { incidentId: INCIDENT, who: 'alice' });
    assert.ok(released.kind === 'released' && released.holder.id === own.id, JSON.stringify(released));
    assert.match(describeOwnLockRelease(released, 'shop-1'), /the interrupted run's lock on shop-1 \(taken by old window \(incident 2026-01-12-shop-down\) since .*\) was released/);
    assert.deepEqual(await readHostLock(conn), { kind: 'absent' });
    assert.deepEqual(await releaseOwnLock(conn, { incidentId: INCIDENT, who: 'alice' }), { kind: 'absent' });
    const other = acquired(await acquireHostLock(conn, { who: 'bob', incidentId: 'another-incident' }));
    const left = await releaseOwnLock(conn, { incidentId: INCIDENT, who: 'alice' });
    assert.ok(left.kind === 'other' && left.holder?.who === 'bob', JSON.stringify(left));
    assert.match(describeOwnLockRelease(left, 'shop-1'), /held by bob \(incident another-incident\) since .*, not this incident: left untouched/);
    const still = await readHostLock(conn);
    assert.ok(still.kind === 'held' && still.holder?.id === other.id);
    assert.deepEqual(await releaseHostLock(conn, other), { kind: 'ok' });
  });

  it('adopting is only by the holding\'s id: a fresh lock adopted with it, never without it or with another id', async () => {
    const own = acquired(await acquireHostLock(conn, { who: 'old window', incidentId: INCIDENT }));
    await assert.rejects(acquireHostLock(conn, { who: 'alice', incidentId: INCIDENT, adopt: true, takeOver: true }), /holding's id/);
    const wrong = await acquireHostLock(conn, { who: 'alice', incidentId: INCIDENT, adopt: true, takeOver: true, expectedHolderId: 'ffffffffffffffff' });
    assert.ok(wrong.kind === 'held' && wrong.why === 'changed', JSON.stringify(wrong));
    const adopted = acquired(await acquireHostLock(conn, { who: 'alice', incidentId: INCIDENT, adopt: true, takeOver: true, expectedHolderId: own.id }));
    assert.equal(adopted.tookOverFrom?.id, own.id);
    assert.equal((await releaseHostLock(conn, own)).kind, 'lost');
    assert.deepEqual(await releaseHostLock(conn, adopted), { kind: 'ok' });
  });
});
