// The rollback wizard's Strategy, Run, Verify and Record steps in the real extension host, against
// a real OpenSSH sshd on loopback and real git: the host's work dir is a clone of the workspace's
// app repository owned by the login user, and its `deploy` commands check out the target and serve
// www/ with busybox httpd on the host's loopback (the health URL, polled from the host over SSH).
// The panel's host side is driven with the messages the app sends (validated as on arrival).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shellWord } from '../../src/core/runbooks/placeholderFill';
import { startDetached } from '../../src/services/ssh/detachedCommand';
import { acquireHostLock, releaseHostLock } from '../../src/services/ssh/hostLock';
import type { RollbackPanel } from '../../src/webviews/rollback/rollbackPanel';
import type { StrategyData } from '../../src/webviews/rollback/protocolRun';
import type { Sshd } from '../services/sshd';
import { api, timelineOf, waitFor, workspaceRoot } from './helpers';
import { git, openWizard, shopApp, shopHost, tearDown } from './rollbackWorld';

describe('rollback wizard: strategy, run, verify, record (real sshd, real git)', function () {
  this.timeout(180_000);
  let sshd: Sshd;
  let tmp: string;
  let app: string;
  let work: string;
  let id: string;
  let panel: RollbackPanel;
  let good: string;
  let bad: string;
  const cfg = () => vscode.workspace.getConfiguration('incidentDesk');

  before(async () => {
    await api();
    app = path.join(workspaceRoot(), 'rollback-run-app');
    ({ good, bad } = await shopApp(app, 'run-shop'));
    const h = await shopHost(app, bad, 'incident-desk-rbrun-it-');
    ({ sshd, tmp, work } = h);
    const { port, knownHosts } = h;
    const login = { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, workDir: work };
    const serve = `if [ -f ../httpd.pid ]; then kill "$(cat ../httpd.pid)" 2>/dev/null; sleep 0.3; fi; nohup busybox httpd -f -p 127.0.0.1:${port} -h "$PWD/www" >/dev/null 2>&1 & echo $! > ../httpd.pid; echo "serving \${short_sha}"`;
    await cfg().update('ssh.knownHostsFiles', [knownHosts], vscode.ConfigurationTarget.Global);
    await cfg().update('rollback.health', { consecutive: 2, windowSeconds: 6, intervalSeconds: 1 }, vscode.ConfigurationTarget.Global);
    await cfg().update('hosts', [
      { name: 'shop-host', ...login, healthUrl: `http://127.0.0.1:${port}/health`, deploy: ['git checkout --quiet --detach ${sha}', serve] },
      { name: 'shop-fail', ...login, deploy: ['echo before', 'echo "no space left" >&2; exit 3', 'echo never'] },
      { name: 'shop-slow', ...login, deploy: ['echo started-slow; sleep 30; echo never'] },
      { name: 'shop-compose', ...login, composeFile: 'compose prod.yaml', service: 'web' },
    ], vscode.ConfigurationTarget.Global);
    await (await api()).container.views.hosts.reload();

    ({ id, panel } = await openWizard('Shop health gone', 'run-shop'));
  });

  after(() => tearDown({ panel, tmp, hosts: ['shop-host', 'shop-fail', 'shop-slow', 'shop-compose'], sshd, app, id }));

  /** Target → Preview → Strategy on `host`, from the start. */
  async function planOn(host: string, target = good): Promise<StrategyData> {
    await panel.dispatch('goTo', { step: 'target' });
    await panel.dispatch('goTo', { step: 'preview', target: { sha: target, label: target.slice(0, 12) } });
    await panel.dispatch('goTo', { step: 'strategy' });
    return (await panel.dispatch('strategies', { host })) as StrategyData;
  }

  async function runAndWait(host: string, strategy: 'redeploy' | 'teamCommand', data: StrategyData, extra: Record<string, unknown> = {}) {
    const o = data.options.find((x) => x.strategy === strategy)!;
    await panel.dispatch('goTo', { step: 'run' });
    const r = (await panel.dispatch('run', { host, strategy, commands: o.commands.map((c) => c.command), ...extra })) as { ok: boolean; message: string };
    assert.ok(r.ok, r.message);
    await waitFor(() => panel.lastRun?.state.phase === 'done', `the rollback on ${host} to end`, 90_000);
    return panel.lastRun!;
  }

  /** Starts shop-slow's 30 s command and waits until it printed its first line. */
  async function startSlow(): Promise<void> {
    const d = await planOn('shop-slow', bad);
    const o = d.options.find((x) => x.strategy === 'redeploy')!;
    await panel.dispatch('goTo', { step: 'run' });
    assert.ok(((await panel.dispatch('run', { host: 'shop-slow', strategy: 'redeploy', commands: o.commands.map((c) => c.command) })) as { ok: boolean }).ok);
    await waitFor(() => (panel.lastRun?.output[0] ?? '').includes('started-slow'), 'the slow command\'s first output', 30_000);
  }

  const types = () => timelineOf(id).filter((e) => e.type.startsWith('rollback_') || e.type === 'note').map((e) => e.type);

  it('Strategy: the host\'s own deploy commands with the target filled in and quoted, shown before anything runs; the team command asks for its setting; revert in git planned', async () => {
    const d = await planOn('shop-host');
    assert.equal(d.host, 'shop-host');
    assert.deepEqual(d.hosts.map((h) => h.name), ['shop-host', 'shop-fail', 'shop-slow', 'shop-compose']);
    const redeploy = d.options.find((o) => o.strategy === 'redeploy')!;
    assert.ok(redeploy.available && redeploy.preferred, JSON.stringify(redeploy));
    assert.equal(redeploy.commands[0]!.command, `git checkout --quiet --detach ${good}`);
    assert.match(redeploy.commands[1]!.command, new RegExp(`echo "serving ${good.slice(0, 12)}"`));
    assert.match(redeploy.where ?? '', new RegExp(`in ${work}`));
    assert.match(d.options.find((o) => o.strategy === 'teamCommand')!.problems.join(' '), /incidentDesk\.rollback\.command/);
    const revert = d.options.find((o) => o.strategy === 'revert')!;
    assert.ok(revert.available, revert.problems.join('; '));
    assert.match(revert.commands.map((c) => c.command).join('\n'), new RegExp(`revert --no-edit .*${bad}`));
    assert.equal(git(work, ['rev-parse', 'HEAD']), bad, 'nothing ran on the host');
  });

  it('Strategy on a host without deploy commands: the default redeploy with the compose the host has, asked over SSH, the compose file quoted', async () => {
    const d = await planOn('shop-compose');
    const cli = /^docker-compose /.test(d.compose ?? '') ? 'docker-compose' : /^docker compose /.test(d.compose ?? '') ? 'docker compose' : undefined;
    assert.ok(cli, `compose detected on the host: ${d.compose} ${d.hostProblem}`);
    const o = d.options.find((x) => x.strategy === 'redeploy')!;
    assert.ok(o.available && o.preferred, JSON.stringify(o));
    assert.deepEqual(o.commands.map((c) => c.command), [
      `git cat-file -e ${shellWord(`${good}^{commit}`)} 2>/dev/null || git fetch --quiet origin`,
      `git checkout --quiet --detach ${good}`,
      `${cli} -f 'compose prod.yaml' up -d --build --remove-orphans`,
    ]);
    assert.equal(d.hosts.find((h) => h.name === 'shop-compose')?.service, 'web');
  });

  it('Run: commands the user was not shown are refused; the redeploy runs, its output live, verified from the host, on the timeline, with a ledger line', async () => {
    const d = await planOn('shop-host');
    await panel.dispatch('goTo', { step: 'run' });
    const forged = (await panel.dispatch('run', { host: 'shop-host', strategy: 'redeploy', commands: ['touch /tmp/pwned'] })) as { ok: boolean; message: string };
    assert.equal(forged.ok, false);
    assert.match(forged.message, /not the ones planned/);
    const run = await runAndWait('shop-host', 'redeploy', d);
    const s = run.state;
    assert.equal(s.outcome?.kind, 'verified', JSON.stringify(s.outcome));
    assert.deepEqual(s.commands.map((c) => c.state), ['ok', 'ok']);
    assert.match(run.output[1] ?? '', new RegExp(`serving ${good.slice(0, 12)}`));
    assert.deepEqual(s.outcome!.checks.map((c) => [c.name, c.status]), [['health', 'passed'], ['containers', 'skipped'], ['liveCommit', 'passed']]);
    assert.ok(s.probes.length >= 2 && s.probeFrom === 'host');
    assert.match(s.outcome!.ledgerLine ?? '', new RegExp(`"sha":"${good}".*"kind":"rollback"`));
    assert.equal(git(work, ['rev-parse', 'HEAD']), good);
    await waitFor(() => types().includes('rollback_verified'), 'the verified event on the timeline');
    assert.deepEqual(types(), ['rollback_started', 'rollback_command_started', 'rollback_command_finished', 'rollback_command_started', 'rollback_command_finished', 'rollback_verified']);
    assert.deepEqual(s.recorded.map((r) => r.type), types());
    assert.match(git(app, ['notes', '--ref=deploys', 'show', good]), /"kind":"rollback"/);
    await panel.dispatch('goTo', { step: 'verify' });
    await panel.dispatch('goTo', { step: 'record' });
    await assert.rejects(panel.dispatch('goTo', { step: 'strategy' }), /start over/);
  });

  it('Record: the revert branch after a host redeploy, made in a temporary worktree (the user\'s branch untouched), back to the target\'s tree; then pushed to origin as its own step, never forced', async () => {
    const head = git(app, ['rev-parse', 'HEAD']);
    const r = (await panel.dispatch('makeRevertBranch', {})) as { ok: boolean; branch: string; message: string; pushed: boolean };
    assert.ok(r.ok, r.message);
    assert.equal(r.branch, `rollback/${id}`);
    assert.equal(git(app, ['rev-parse', `${r.branch}^{tree}`]), git(app, ['rev-parse', `${good}^{tree}`]));
    assert.equal(git(app, ['rev-parse', 'HEAD']), head);
    assert.equal(git(app, ['symbolic-ref', '--short', 'HEAD']), 'main');
    assert.equal(r.pushed, false);
    await waitFor(() => timelineOf(id).some((e) => e.type === 'note' && e.data?.kind === 'rollback_revert_branch'), 'the revert branch noted');
    // Pushing is its own step: only the branch this wizard made, to origin, never forced.
    const origin = path.join(tmp, 'origin.git');
    git(tmp, ['init', '-q', '--bare', origin]);
    git(app, ['remote', 'add', 'origin', origin]);
    try {
      const other = (await panel.dispatch('pushRevertBranch', { branch: 'main' })) as { ok: boolean; message: string };
      assert.deepEqual([other.ok, /Only the branch this wizard made/.test(other.message)], [false, true]);
      const pushed = (await panel.dispatch('pushRevertBranch', { branch: r.branch })) as { ok: boolean; pushed: boolean; message: string };
      assert.ok(pushed.ok && pushed.pushed, pushed.message);
      assert.equal(git(origin, ['rev-parse', `refs/heads/${r.branch}`]), git(app, ['rev-parse', r.branch]));
      assert.equal(git(origin, ['for-each-ref', '--format=%(refname)', 'refs/heads/']), `refs/heads/${r.branch}`, 'nothing else pushed');
      await waitFor(() => timelineOf(id).some((e) => e.type === 'note' && e.data?.kind === 'rollback_revert_pushed'), 'the push noted');
    } finally {
      git(app, ['remote', 'remove', 'origin']);
    }
  });

  it('a failing command stops the rollback: recorded failed, the commands after it never run, no ledger line', async () => {
    const before = timelineOf(id).length;
    // The host runs the first commit now (and the ledger says so): a new rollback goes elsewhere.
    const run = await runAndWait('shop-fail', 'redeploy', await planOn('shop-fail', bad));
    const s = run.state;
    assert.deepEqual([s.outcome?.kind, s.outcome?.stage], ['failed', 'command'], JSON.stringify(s.outcome));
    assert.deepEqual(s.commands.map((c) => [c.state, c.exitCode]), [['ok', 0], ['failed', 3], ['pending', null]]);
    assert.match(run.output[1] ?? '', /no space left/);
    assert.equal(s.outcome?.ledgerLine, null);
    await waitFor(() => timelineOf(id).slice(before).some((e) => e.type === 'rollback_failed'), 'the failure on the timeline');
    assert.equal(timelineOf(id).slice(before).filter((e) => e.type === 'rollback_command_started').length, 2);
  });

  it('Cancel signals the command on the host: recorded cancelled, nothing after it', async () => {
    await startSlow();
    await assert.rejects(panel.dispatch('goTo', { step: 'verify' }), /Wait for the rollback to end/);
    await panel.dispatch('cancel', {});
    await waitFor(() => panel.lastRun?.state.phase === 'done', 'the cancelled run to end', 30_000);
    const s = panel.lastRun!.state;
    assert.equal(s.outcome?.kind, 'failed', JSON.stringify(s.outcome));
    assert.equal(s.commands[0]!.state, 'cancelled');
    assert.doesNotMatch(panel.lastRun!.output[0] ?? '', /never/);
  });

  it('a lock held by someone else: refused with who and since when, nothing run', async () => {
    const conn = await (await api()).container.views.hosts.connection('shop-host');
    const held = await acquireHostLock(conn, { who: 'bob', incidentId: 'another-incident' });
    assert.equal(held.kind, 'acquired');
    try {
      const before = timelineOf(id).length;
      const run = await runAndWait('shop-host', 'redeploy', await planOn('shop-host', bad));
      const o = run.state.outcome!;
      assert.deepEqual([o.kind, o.stale, o.holder?.who, o.holder?.incidentId], ['refused', false, 'bob', 'another-incident']);
      assert.match(o.message, /being rolled back by bob \(incident another-incident\) since/);
      assert.deepEqual(run.state.commands.map((c) => c.state), ['pending', 'pending']);
      assert.equal(timelineOf(id).length, before, 'nothing recorded: nothing ran');
    } finally {
      if (held.kind === 'acquired') await releaseHostLock(conn, held.lock);
    }
  });

  it('a stale lock: shown with its holder and taken over only when that holding is confirmed', async () => {
    const conn = await (await api()).container.views.hosts.connection('shop-host');
    const held = await acquireHostLock(conn, { who: 'carol', incidentId: 'old-incident' });
    assert.equal(held.kind, 'acquired');
    // Two hours without a renewal, by the host's clock (the login user's home is on this machine).
    const home = execFileSync('getent', ['passwd', sshd.user], { encoding: 'utf8' }).split(':')[5]!;
    const state = path.join(home, '.incident-desk', 'locks', 'rollback.lock', 'state');
    const [sid, tok, since] = fs.readFileSync(state, 'utf8').trim().split(' ');
    fs.writeFileSync(state, `${sid} ${tok} ${Number(since) - 7200}\n`);
    // The hosts share the login user's home, so its lock: shop-fail's commands stop early, which is all this needs.
    const d = await planOn('shop-fail', bad);
    const refused = await runAndWait('shop-fail', 'redeploy', d);
    const o = refused.state.outcome!;
    assert.deepEqual([o.kind, o.stale, o.holder?.who, o.holder?.incidentId], ['refused', true, 'carol', 'old-incident']);
    assert.ok((o.holder?.ageSeconds ?? 0) >= 7200);
    assert.match(o.message, /not taken over without confirmation/);
    // A take-over naming another holding is not one.
    const wrong = await runAndWait('shop-fail', 'redeploy', d, { takeOverHolderId: '0123456789abcdef' });
    assert.equal(wrong.state.outcome?.kind, 'refused');
    const run = await runAndWait('shop-fail', 'redeploy', d, { takeOverHolderId: o.holder!.id });
    assert.deepEqual([run.state.outcome?.kind, run.state.outcome?.stage], ['failed', 'command'], JSON.stringify(run.state.outcome));
    assert.deepEqual(run.state.commands.map((c) => c.state), ['ok', 'failed', 'pending'], 'it ran, under the lock taken over');
    assert.equal(run.state.outcome?.lockReleased, true);
    await waitFor(() => timelineOf(id).some((e) => e.type === 'rollback_started' && (e.data?.tookOverFrom as { who?: string } | undefined)?.who === 'carol'), 'the take-over on the timeline');
  });

  it('after a reload: a rollback the timeline shows started without an end is offered; Resume follows its command by run id to the end and verifies; Abandon is recorded', async () => {
    const store = (await api()).container.incidents.requireStore();
    const conn = await (await api()).container.views.hosts.connection('shop-host');
    const runId = `rollback-it-resume-${process.pid}`;
    const command = 'echo resumed-output';
    await startDetached(conn, { id: runId, command, cwd: work });
    const rec = (type: 'rollback_started' | 'rollback_command_started', data: Record<string, unknown>) =>
      store.record(id, { event: { ts: new Date().toISOString(), type, actor: 'old window', text: type, data }, apply: (c) => c });
    await rec('rollback_started', { host: 'shop-host', from: bad, to: good, strategy: 'redeploy', commands: [command], cwd: work });
    await rec('rollback_command_started', { host: 'shop-host', index: 0, command, runId });
    await panel.dispatch('goTo', { step: 'target' });
    await panel.dispatch('reload', {});
    await waitFor(() => panel.lastInterrupted !== null, 'the interrupted rollback to be offered', 20_000);
    assert.equal(panel.lastInterrupted?.summary, 'step 1 of 1 started, outcome unknown');
    assert.equal(panel.lastInterrupted?.canResume, true);
    const r = (await panel.dispatch('interrupted', { action: 'resume', commands: panel.lastInterrupted!.remaining })) as { ok: boolean; message: string };
    assert.ok(r.ok, r.message);
    await waitFor(() => panel.lastRun?.state.phase === 'done', 'the resumed run to end', 60_000);
    assert.equal(panel.lastRun!.state.outcome?.kind, 'verified', JSON.stringify(panel.lastRun!.state.outcome));
    assert.match(panel.lastRun!.output[0] ?? '', /resumed-output/);
    await waitFor(() => timelineOf(id).some((e) => e.type === 'rollback_command_finished' && e.data?.runId === runId && e.data?.resumed === true), 'the resumed command\'s end recorded');

    await rec('rollback_started', { host: 'shop-host', from: bad, to: good, strategy: 'redeploy', commands: [command], cwd: work });
    await panel.dispatch('goTo', { step: 'target' });
    await panel.dispatch('reload', {});
    await waitFor(() => panel.lastInterrupted !== null, 'the second interrupted rollback', 20_000);
    assert.match(panel.lastInterrupted!.summary, /no command was recorded as started/);
    await panel.dispatch('interrupted', { action: 'abandon' });
    await waitFor(() => timelineOf(id).some((e) => e.type === 'rollback_unknown' && e.data?.stage === 'abandoned'), 'the abandon recorded');
    await panel.dispatch('goTo', { step: 'target' });
    await panel.dispatch('reload', {});
    await new Promise((r2) => setTimeout(r2, 1000));
    assert.equal(panel.lastInterrupted, null, 'nothing left to settle');
  });

  it('a target that is broken too: the health check fails, the rollback is recorded failed (not verified), and Roll Forward Again goes back to the commit rolled back from', async () => {
    await panel.dispatch('goTo', { step: 'target' });
    await panel.dispatch('reload', {});
    await waitFor(() => panel.lastTarget?.live?.sha === good, 'the ledger\'s rollback line to make the target live', 20_000);
    await panel.dispatch('goTo', { step: 'preview', target: { sha: bad, label: 'v2' } });
    await panel.dispatch('goTo', { step: 'strategy' });
    const d = (await panel.dispatch('strategies', { host: 'shop-host' })) as StrategyData;
    const o = d.options.find((x) => x.strategy === 'redeploy')!;
    await panel.dispatch('goTo', { step: 'run' });
    assert.ok(((await panel.dispatch('run', { host: 'shop-host', strategy: 'redeploy', commands: o.commands.map((c) => c.command) })) as { ok: boolean }).ok);
    await waitFor(() => panel.lastRun?.state.phase === 'done', 'the broken target\'s verification to end', 60_000);
    const out = panel.lastRun!.state.outcome!;
    assert.deepEqual([out.kind, out.stage], ['failed', 'verify'], JSON.stringify(out));
    assert.equal(out.checks.find((c) => c.name === 'health')?.status, 'failed');
    assert.match(out.checks.find((c) => c.name === 'health')!.detail, /did not answer 2 times in a row within 6 s from the host/);
    assert.equal(out.ledgerLine, null);
    assert.ok(panel.lastRun!.state.probes.some((p) => !p.ok));
    await waitFor(() => timelineOf(id).some((e) => e.type === 'rollback_failed' && e.data?.stage === 'verify'), 'the failed verification on the timeline');
    await panel.dispatch('goTo', { step: 'verify' });
    const forward = (await panel.dispatch('rollForward', {})) as { target: { sha: string } };
    assert.equal(forward.target.sha, good);
    assert.equal(panel.currentStep, 'target');
    await panel.dispatch('goTo', { step: 'preview', target: forward.target });
    await panel.dispatch('goTo', { step: 'strategy' });
    const again = (await panel.dispatch('strategies', { host: 'shop-host' })) as StrategyData;
    const run = await runAndWait('shop-host', 'redeploy', again);
    assert.equal(run.state.outcome?.kind, 'verified', JSON.stringify(run.state.outcome));
    assert.deepEqual([run.state.from, run.state.to], [bad, good]);
  });

  it('the wizard closed mid-run: the run goes on, and the wizard opened again shows it (not as interrupted) and can cancel it', async () => {
    // Last: the wizard opened again reads the ledger, where the earlier rollbacks made the first commit live.
    await startSlow();
    const report = panel.lastRun;
    panel.panel.dispose();
    await vscode.commands.executeCommand('incidentDesk.incident.rollback', id);
    const launcher = (await api()).container.rollback;
    await waitFor(async () => { const p = await launcher.panel(id); return !!p && p !== panel && !!p.lastTarget; }, 'the wizard opened again', 60_000);
    panel = (await launcher.panel(id))!;
    assert.equal(panel.lastRun, report, 'the same run');
    assert.equal(panel.currentStep, 'run');
    assert.equal(panel.lastInterrupted, null);
    assert.equal(report!.state.phase, 'running');
    await panel.dispatch('cancel', {});
    await waitFor(() => report!.state.phase === 'done', 'the cancelled run to end', 30_000);
    assert.equal(report!.state.commands[0]!.state, 'cancelled');
  });
});
