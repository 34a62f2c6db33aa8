// A rollback interrupted by a window reload, settled from the wizard in the real extension host
// against a real OpenSSH sshd and real git: Resume follows the interrupted command and runs the
// ones after it (exactly those its rollback_started recorded), verifies, writes the ledger line and
// leaves no lock on the host; Abandon releases this incident's lock and says so on the timeline; a
// lock of another incident is refused and never touched. The reload is simulated as in
// rollbackRun.test.ts: what the old window did is put on the host and on the timeline by hand.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startDetached } from '../../src/services/ssh/detachedCommand';
import { acquireHostLock, readHostLock, releaseHostLock, type HostLockHandle } from '../../src/services/ssh/hostLock';
import type { RollbackPanel } from '../../src/webviews/rollback/rollbackPanel';
import type { Sshd } from '../services/sshd';
import { api, timelineOf, waitFor, workspaceRoot } from './helpers';
import { git, openWizard, shopApp, shopHost, tearDown } from './rollbackWorld';

describe('rollback wizard: resume after a reload runs the rest, leaves no lock (real sshd, real git)', function () {
  this.timeout(180_000);
  let sshd: Sshd;
  let tmp: string;
  let app: string;
  let work: string;
  let id: string;
  let panel: RollbackPanel;
  let good: string;
  let bad: string;
  let commands: string[];
  const HOST = 'resume-host';
  const cfg = () => vscode.workspace.getConfiguration('incidentDesk');
  const conn = async () => (await api()).container.views.hosts.connection(HOST);

  before(async () => {
    await api();
    app = path.join(workspaceRoot(), 'rollback-resume-app');
    ({ good, bad } = await shopApp(app, 'resume-shop'));
    const h = await shopHost(app, bad, 'incident-desk-rbresume-it-');
    ({ sshd, tmp, work } = h);
    const { port, knownHosts } = h;
    // What the old window's rollback_started recorded: three commands, the second checks out the target, the third serves it.
    commands = [
      'sleep 1; echo one',
      `git checkout --quiet --detach ${good} && echo two`,
      `nohup busybox httpd -f -p 127.0.0.1:${port} -h "$PWD/www" >/dev/null 2>&1 & echo $! > ../httpd.pid; echo three`,
    ];
    await cfg().update('ssh.knownHostsFiles', [knownHosts], vscode.ConfigurationTarget.Global);
    await cfg().update('rollback.health', { consecutive: 2, windowSeconds: 6, intervalSeconds: 1 }, vscode.ConfigurationTarget.Global);
    await cfg().update('hosts', [
      { name: HOST, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, workDir: work, healthUrl: `http://127.0.0.1:${port}/health`, deploy: ['echo planned-now-never-run'] },
    ], vscode.ConfigurationTarget.Global);
    await (await api()).container.views.hosts.reload();

    ({ id, panel } = await openWizard('Shop resumed', 'resume-shop'));
  });

  after(() => tearDown({ panel, tmp, hosts: [HOST], sshd, app, id }));

  /** The old window before the reload: the lock taken (for `lockFor`), command 1 started detached, both events on the timeline. */
  async function interruptedAfterCommandOne(lockFor: string): Promise<{ lock: HostLockHandle; runId: string }> {
    const c = await conn();
    const got = await acquireHostLock(c, { who: 'old window', incidentId: lockFor });
    assert.equal(got.kind, 'acquired', JSON.stringify(got));
    const runId = `rollback-it-resume3-${process.pid}-${Date.now()}`;
    await startDetached(c, { id: runId, command: commands[0]!, cwd: work });
    const store = (await api()).container.incidents.requireStore();
    const rec = (type: string, data: Record<string, unknown>) => store.record(id, { event: { ts: new Date().toISOString(), type: type as 'rollback_started', actor: 'old window', text: type, data }, apply: (x) => x });
    await rec('rollback_started', { host: HOST, from: bad, to: good, strategy: 'redeploy', commands, cwd: work, incidentId: id });
    await rec('rollback_command_started', { host: HOST, index: 0, command: commands[0], runId });
    await panel.dispatch('goTo', { step: 'target' });
    await panel.dispatch('reload', {});
    await waitFor(() => panel.lastInterrupted !== null, 'the interrupted rollback to be offered', 20_000);
    assert.equal(panel.lastInterrupted?.summary, 'step 1 of 3 started, outcome unknown');
    assert.equal(panel.lastInterrupted?.canResume, true);
    assert.deepEqual(panel.lastInterrupted?.remaining, commands.slice(1), 'what Resume runs, shown before it runs');
    return { lock: (got as { lock: HostLockHandle }).lock, runId };
  }

  const rollbackEvents = (from: number) => timelineOf(id).slice(from).filter((e) => e.type.startsWith('rollback_'));

  it('a lock of another incident: Resume refused with who and since when, nothing run, the lock untouched; Abandon leaves it too', async () => {
    const old = await interruptedAfterCommandOne('another-incident');
    try {
      const before = timelineOf(id).filter((e) => e.type.startsWith('rollback_')).length; // the SLA watch may add an escalation meanwhile
      assert.ok(((await panel.dispatch('interrupted', { action: 'resume', commands: panel.lastInterrupted!.remaining })) as { ok: boolean }).ok);
      await waitFor(() => panel.lastRun?.state.phase === 'done', 'the refused resume to end', 60_000);
      const o = panel.lastRun!.state.outcome!;
      assert.deepEqual([o.kind, o.stale, o.holder?.who, o.holder?.incidentId, o.lockReleased], ['refused', false, 'old window', 'another-incident', false], JSON.stringify(o));
      assert.equal(o.lockNote, null, 'a refused run never held the lock: no "not released" line beside it');
      assert.match(o.message, /resume-host is being rolled back by old window \(incident another-incident\) since /);
      assert.equal(timelineOf(id).filter((e) => e.type.startsWith('rollback_')).length, before, 'no rollback event recorded: nothing ran');
      assert.equal(git(work, ['rev-parse', 'HEAD']), bad, 'command 2 did not run');
      const still = await readHostLock(await conn());
      assert.ok(still.kind === 'held' && still.holder?.id === old.lock.id, JSON.stringify(still));
      // Refused by the lock, the interrupted run is still there to settle: Abandon records it and leaves the lock.
      assert.ok(((await panel.dispatch('interrupted', { action: 'abandon' })) as { ok: boolean }).ok);
      await waitFor(() => rollbackEvents(before).some((e) => e.data?.stage === 'abandoned'), 'the abandon recorded');
      const abandoned = rollbackEvents(before).find((e) => e.data?.stage === 'abandoned');
      assert.equal(abandoned?.data?.lock, 'other');
      assert.match(abandoned!.text, /held by old window \(incident another-incident\).*not this incident: left untouched/);
      const gaveUp = panel.lastRun!.state.outcome!;
      assert.deepEqual([gaveUp.stage, gaveUp.lockReleased, gaveUp.lockNote], ['abandoned', false, null], JSON.stringify(gaveUp));
      assert.match(gaveUp.message, /not this incident: left untouched/, 'the wizard says whose lock it is, not that ours stayed');
      const after = await readHostLock(await conn());
      assert.ok(after.kind === 'held' && after.holder?.id === old.lock.id, 'untouched');
    } finally {
      await releaseHostLock(await conn(), old.lock);
    }
  });

  it('Resume: command 1 followed to its end, commands 2 and 3 run on the host, verified, the ledger line written, the adopted lock gone from the host', async () => {
    const old = await interruptedAfterCommandOne(id);
    const before = timelineOf(id).length;
    const forged = (await panel.dispatch('interrupted', { action: 'resume', commands: ['touch /tmp/pwned', 'true'] })) as { ok: boolean; message: string };
    assert.deepEqual([forged.ok, /not the ones the interrupted rollback recorded/.test(forged.message)], [false, true]);
    const r = (await panel.dispatch('interrupted', { action: 'resume', commands: panel.lastInterrupted!.remaining })) as { ok: boolean; message: string };
    assert.ok(r.ok, r.message);
    await waitFor(() => panel.lastRun?.state.phase === 'done', 'the resumed run to end', 90_000);
    const s = panel.lastRun!.state;
    assert.equal(s.outcome?.kind, 'verified', JSON.stringify(s.outcome));
    assert.equal(s.resumed, true);
    assert.deepEqual(s.commands.map((c) => [c.command, c.state]), commands.map((c) => [c, 'ok']), 'exactly the recorded commands, never the plan of now');
    assert.deepEqual(panel.lastRun!.output.map((o) => o.trim()), ['one', 'two', 'three']);
    assert.equal(git(work, ['rev-parse', 'HEAD']), good);
    assert.equal(s.outcome!.lockReleased, true);
    assert.match(s.outcome!.ledgerLine ?? '', new RegExp(`"sha":"${good}".*"kind":"rollback".*"from":"${bad}"`));
    assert.match(git(app, ['notes', '--ref=deploys', 'show', good]), /"kind":"rollback"/);
    assert.deepEqual(await readHostLock(await conn()), { kind: 'absent' }, 'no lock left on the host');
    await waitFor(() => rollbackEvents(before).some((e) => e.type === 'rollback_verified'), 'the verified event on the timeline');
    const events = rollbackEvents(before);
    assert.deepEqual(events.map((e) => e.type), ['rollback_command_finished', 'rollback_command_started', 'rollback_command_finished', 'rollback_command_started', 'rollback_command_finished', 'rollback_verified']);
    assert.ok(events.every((e) => e.data?.resumed === true));
    assert.equal(events[0]!.data?.runId, old.runId);
    assert.equal((events[0]!.data?.adoptedLock as { who?: string; incidentId?: string })?.incidentId, id);
    await panel.dispatch('goTo', { step: 'target' });
    await panel.dispatch('reload', {});
    await new Promise((r2) => setTimeout(r2, 1000));
    assert.equal(panel.lastInterrupted, null, 'nothing left to settle');
  });

  it('Abandon: this incident\'s lock released, recorded on the timeline; nothing in the ledger', async () => {
    await interruptedAfterCommandOne(id);
    const before = timelineOf(id).length;
    const notes = git(app, ['notes', '--ref=deploys', 'list']);
    assert.ok(((await panel.dispatch('interrupted', { action: 'abandon' })) as { ok: boolean }).ok);
    const o = panel.lastRun!.state.outcome!;
    assert.deepEqual([o.kind, o.stage, o.lockReleased], ['unknown', 'abandoned', true], JSON.stringify(o));
    await waitFor(() => rollbackEvents(before).some((e) => e.data?.stage === 'abandoned'), 'the abandon recorded');
    const abandoned = rollbackEvents(before).find((e) => e.type === 'rollback_unknown' && e.data?.stage === 'abandoned');
    assert.equal(abandoned?.data?.lock, 'released');
    assert.match(abandoned!.text, /the interrupted run's lock on resume-host \(taken by old window .*\) was released/);
    assert.deepEqual(await readHostLock(await conn()), { kind: 'absent' });
    assert.equal(git(app, ['notes', '--ref=deploys', 'list']), notes);
  });
});
