import * as assert from 'node:assert/strict';
import { planRedeploy } from '../../../../src/core/rollback/redeployPlan';
import { openRepository } from '../../../../src/services/git/gitRepository';
import { appendLedger, readLedger } from '../../../../src/services/git/deployLedger';
import { runRollback } from '../../../../src/services/rollback/runRollback';
import { probeScript, verifyRollback } from '../../../../src/services/rollback/verify';
import { runHostScript } from '../../../../src/services/ssh/hostScript';
import { detectComposeCommand } from '../../../../src/services/ssh/composeCommand';
import { readLiveCommit } from '../../../../src/services/ssh/liveCommit';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import { ensureBusyboxImage } from '../../../services/busyboxImage';
import { type Dockerd, dockerCli, startDockerd } from '../../../services/dockerd';
import { type Sshd, freePort, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';
import { type HostWorld, hostWorld } from '../ssh/hostWorld';
import { type ShopRepo, cloneOnHost, dockerDeploy, recorder, shopRepo } from './rollbackWorld';

// A rollback through real parts: a real sshd host whose work dir is a clone owned by the login
// user, a real Docker engine running the app (busybox httpd serving /health), the host's deploy
// commands run detached, verify polling /health from the host with curl, the live commit read
// back, the ledger line written into a real repository's notes.

const temp = new TempDirs();
after(() => temp.cleanup());

describe('rollback on a real host with a real Docker engine', function () {
  this.timeout(240_000);
  let dockerd: Dockerd;
  let sshd: Sshd;
  let world: HostWorld;
  let conn: SshConnection;
  let shop: ShopRepo;
  let port: number;
  const conns: SshConnection[] = [];
  const container = `ids${process.pid}-web-1`;
  const connect = async () => {
    const c = await world.connect();
    conns.push(c);
    return c;
  };

  before(async () => {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    sshd = await startSshd({ dockerHost: dockerd.dockerHost });
    world = await hostWorld(sshd, temp);
    conn = await connect();
    port = await freePort();
    shop = await shopRepo(await temp.make('ids-rb-repo-'), port);
    await cloneOnHost(sshd, world, conn, temp, shop.repo, 'shop');
  });
  after(async () => {
    for (const c of conns) c.end();
    if (dockerd) await dockerCli(dockerd, ['rm', '-f', container]).catch(() => undefined);
    await sshd?.stop();
    await dockerd?.stop();
  });

  const host = () => ({ name: 'shop-1', workDir: 'shop', deploy: dockerDeploy(container) });
  const verify = () => ({ healthUrl: `http://127.0.0.1:${port}/health`, consecutive: 3, intervalMs: 200, windowMs: 4000, service: 'web', project: 'shop', workDir: 'shop' });

  async function rollback(from: string, to: string, withVerify = true) {
    const plan = planRedeploy({ strategy: 'redeploy', sha: to, host: host() });
    assert.equal(plan.kind, 'plan', JSON.stringify(plan));
    if (plan.kind !== 'plan') throw new Error('no plan');
    const rec = recorder();
    const repo = await openRepository(shop.repo);
    const run = runRollback(
      { host: 'shop-1', who: 'alice', incidentId: '2026-01-12-shop-down', from, to, strategy: plan.strategy, commands: plan.commands, cwd: plan.cwd, service: 'web', ...(withVerify ? { verify: verify() } : {}) },
      { connection: conn, reconnect: connect, emit: rec.emit, onOutput: rec.onOutput, appendLedger: (e) => appendLedger(repo, e) },
    );
    return { outcome: await run.done, rec, plan, repo };
  }

  it('deploys the faulty commit (the live one), then rolls back to a good commit: verified healthy (3 in a row from the host), live commit = target, ledger marks the faulty one', async () => {
    const first = await rollback(shop.good, shop.bad, false);
    assert.equal(first.outcome.kind, 'ran', JSON.stringify(first.outcome));

    const { outcome, rec, plan, repo } = await rollback(shop.bad, shop.good);
    assert.equal(outcome.kind, 'verified', `${JSON.stringify(outcome)}\n${rec.output}`);
    assert.equal(outcome.lockReleased, true);
    assert.deepEqual(rec.types(), ['rollback_started', ...plan.commands.flatMap(() => ['rollback_command_started', 'rollback_command_finished']), 'rollback_verified']);
    const started = rec.events[0]!;
    assert.deepEqual({ from: started.data.from, to: started.data.to, strategy: started.data.strategy, host: started.data.host }, { from: shop.bad, to: shop.good, strategy: 'redeploy', host: 'shop-1' });
    assert.deepEqual(started.data.commands, plan.commands.map((c) => c.command));
    assert.ok(rec.events.filter((e) => e.type === 'rollback_command_finished').every((e) => e.data.exitCode === 0));
    assert.match(rec.output, new RegExp(`running ${shop.good.slice(0, 12)}`));

    const checks = outcome.kind === 'verified' ? outcome.checks : [];
    assert.deepEqual(checks.map((c) => [c.name, c.status]), [['health', 'passed'], ['containers', 'passed'], ['liveCommit', 'passed']]);
    assert.match(checks[0]!.detail, /answered 3 times in a row from the host \(curl; 3 probes\)/);
    assert.match(checks[2]!.detail, new RegExp(`runs ${shop.good.slice(0, 12)} \\(from the work dir\\)`));

    const live = await readLiveCommit(conn, { workDir: 'shop', service: 'web', project: 'shop' });
    assert.ok(live.kind === 'found' && live.sha === shop.good && !live.notes.some((n) => /image label says/.test(n)), JSON.stringify(live));
    assert.equal((await world.sh(conn, `curl -fsS http://127.0.0.1:${port}/health`)).trim(), 'v1');

    // Each HTTP client verify may fall back to polls the same way on the host: success on /health, the 404 named otherwise.
    for (const client of ['curl', 'wget', 'busybox wget'] as const) {
      assert.match((await runHostScript(conn, probeScript(client, `http://127.0.0.1:${port}/health`, 5))).stdout, /^probe\tok$/m, client);
      const missing = (await runHostScript(conn, probeScript(client, `http://127.0.0.1:${port}/missing`, 5))).stdout;
      assert.match(missing, /^probe\tfail\texit [1-9]\d*: .*404/m, `${client}: ${missing}`);
    }

    const ledger = await readLedger(repo);
    const line = ledger.entries.find((e) => e.kind === 'rollback');
    assert.ok(line, JSON.stringify(ledger));
    assert.deepEqual({ sha: line.sha, from: line.from, host: line.host, service: line.service, status: line.status, by: line.by }, { sha: shop.good, from: shop.bad, host: 'shop-1', service: 'web', status: 'succeeded', by: 'alice' });
  });

  it('a target that is broken too: the commands succeed but it is reported failed, naming the health check; nothing recorded', async () => {
    const { outcome, rec, repo } = await rollback(shop.good, shop.alsoBad);
    assert.ok(outcome.kind === 'failed' && outcome.stage === 'verify', JSON.stringify(outcome));
    assert.equal(outcome.lockReleased, true);
    assert.ok(!rec.types().includes('rollback_verified'));
    const failed = rec.events.find((e) => e.type === 'rollback_failed')!;
    assert.match(failed.text, /not verified: health: http:\/\/127\.0\.0\.1:\d+\/health did not answer 3 times in a row within 4 s from the host/);
    const checks = outcome.kind === 'failed' && outcome.stage === 'verify' ? outcome.checks : [];
    assert.deepEqual(checks.map((c) => [c.name, c.status]), [['health', 'failed'], ['containers', 'passed'], ['liveCommit', 'passed']]);
    assert.match(checks[0]!.detail, /last failure: exit 0: 404|last failure: .*404/);
    assert.equal((await readLedger(repo)).entries.filter((e) => e.sha === shop.alsoBad).length, 0);
  });

  it('verify alone: a stopped container fails the containers check (named), and the health check with it', async () => {
    await dockerCli(dockerd, ['stop', '-t', '1', container]);
    const result = await verifyRollback({ ...verify(), windowMs: 1000, target: shop.alsoBad }, { connection: conn });
    assert.equal(result.verified, false);
    const c = result.checks.find((x) => x.name === 'containers')!;
    assert.ok(c.status === 'failed' && /1 of 1 container\(s\) of web not running or not healthy: [0-9a-f]{12} Exited/.test(c.detail), JSON.stringify(result));
    assert.equal(result.checks.find((x) => x.name === 'health')!.status, 'failed');
  });

  it('the default redeploy (fetch if missing, detached checkout, compose up --build) with the compose the host has, detected (docker-compose v1 here: Debian has no v2 plugin)', async () => {
    const compose = await detectComposeCommand(conn);
    // The test services install docker-compose (test/services/packages.ts): a host without any compose is a broken setup here.
    assert.notEqual(compose.kind, 'none', JSON.stringify(compose));
    if (compose.kind === 'none') return;
    await dockerCli(dockerd, ['rm', '-f', container]);
    const plan = planRedeploy({ strategy: 'redeploy', sha: shop.good2, host: { name: 'shop-1', workDir: 'shop', composeFile: 'docker-compose.yml' }, compose: compose.command });
    assert.ok(plan.kind === 'plan' && plan.commands[2]!.command === `${compose.command} -f docker-compose.yml up -d --build --remove-orphans`, JSON.stringify(plan));
    const rec = recorder();
    const outcome = await runRollback(
      { host: 'shop-1', who: 'alice', from: shop.alsoBad, to: shop.good2, strategy: 'redeploy', commands: plan.commands, cwd: plan.cwd, verify: verify() },
      { connection: conn, reconnect: connect, emit: rec.emit, onOutput: rec.onOutput },
    ).done;
    assert.equal(outcome.kind, 'verified', `${JSON.stringify(outcome)}\n${rec.output}`);
    assert.equal((await world.sh(conn, `curl -fsS http://127.0.0.1:${port}/health`)).trim(), 'v4');
    const checks = outcome.kind === 'verified' ? outcome.checks : [];
    assert.match(checks.find((c) => c.name === 'containers')!.detail, /1 container\(s\) of web running/, 'compose labelled its container project shop, service web');
    assert.match(checks.find((c) => c.name === 'liveCommit')!.detail, new RegExp(`runs ${shop.good2.slice(0, 12)} \\(from the work dir\\)`));
  });
});
