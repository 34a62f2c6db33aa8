import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { type RedeployHost, planRedeploy } from '../../../../src/core/rollback/redeployPlan';
import { shellWord } from '../../../../src/core/runbooks/placeholderFill';
import { type RollbackPorts, type RollbackRequest, runRollback } from '../../../../src/services/rollback/runRollback';
import { acquireHostLock, releaseHostLock } from '../../../../src/services/ssh/hostLock';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import { TempDirs } from '../../support/tempDirs';
import { realHost, waitFor } from '../ssh/hostWorld';
import { type ShopRepo, recorder, shopOnHost } from './rollbackWorld';

// The orchestrator's promises on a real sshd (no Docker needed): one rollback per host (the second
// refused, naming the holder; a stale lock taken over only when confirmed); a dropped connection
// reattached and the command's status read; `unknown` when it cannot be, never success; cancel
// signalling the remote command; values with quotes, $(…), backticks and ; running nothing extra.

const temp = new TempDirs();
after(() => temp.cleanup());

describe('rollback orchestration on a real sshd: lock, drops, unknown, cancel, quoting', function () {
  this.timeout(120_000);
  const host = realHost(temp);
  let conn: SshConnection;
  let shop: ShopRepo;

  before(async () => {
    ({ conn, shop } = await shopOnHost(host, temp, 'ids-rbs-repo-'));
  });

  function start(h: RedeployHost, opts: { who?: string; to?: string; ports?: Partial<RollbackPorts>; req?: Partial<RollbackRequest>; compose?: 'docker-compose' } = {}) {
    const to = opts.to ?? shop.good;
    const plan = planRedeploy({ strategy: 'redeploy', sha: to, host: h, compose: opts.compose });
    if (plan.kind !== 'plan') throw new Error(JSON.stringify(plan));
    const rec = recorder();
    let ledgerCalls = 0;
    const run = runRollback(
      { host: h.name, who: opts.who ?? 'alice', incidentId: '2026-01-12-shop-down', from: shop.bad, to, strategy: 'redeploy', commands: plan.commands, cwd: plan.cwd, ...opts.req },
      { connection: conn, reconnect: () => host.connect(), emit: rec.emit, onOutput: rec.onOutput, appendLedger: async () => ledgerCalls++, reconnectDelayMs: 100, ...opts.ports },
    );
    return { run, rec, plan, ledgerCalls: () => ledgerCalls };
  }

  it('values with quotes, $(…), backticks and ; in the work dir and compose file reach the commands as exactly themselves; no marker file is made', async () => {
    const workDir = "shop 'q' \"$(touch pwned1)\" ;touch pwned2; `touch pwned3`";
    const composeFile = 'x"; touch pwned4; ".yml';
    await host.world.sh(conn, `git clone -q shop ${shellWord(workDir)}`);
    // A stand-in docker-compose (the test machines have none) that says what it was given and where.
    const bin = await temp.make('ids-rbs-bin-');
    await fsp.writeFile(path.join(bin, 'docker-compose'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$HOME/compose.args"; pwd >> "$HOME/compose.args"\n', { mode: 0o755 });
    host.sshd.giveToUser(bin);
    await host.world.sh(conn, `echo 'PATH=${bin}:$PATH' >> ~/.bashrc`);

    const byDefault = start({ name: 'odd', workDir, composeFile }, { compose: 'docker-compose' });
    const outcome = await byDefault.run.done;
    assert.equal(outcome.kind, 'ran', `${JSON.stringify(outcome)}\n${byDefault.rec.output}`);
    const home = (await host.world.sh(conn, 'pwd')).trim();
    assert.equal(await host.world.sh(conn, 'cat compose.args'), `-f\n${composeFile}\nup\n-d\n--build\n--remove-orphans\n${home}/${workDir}\n`);
    assert.equal((await host.world.sh(conn, `git -C ${shellWord(workDir)} rev-parse HEAD`)).trim(), shop.good);

    const listed = start({ name: 'odd', workDir, composeFile, deploy: ['printf "%s|" ${work_dir} "${work_dir}" ${compose_file} > "$HOME/list.args"'] });
    assert.equal((await listed.run.done).kind, 'ran');
    assert.equal(await host.world.sh(conn, 'cat list.args'), `${workDir}|${workDir}|${composeFile}|`);
    assert.equal((await host.world.sh(conn, "find . -name 'pwned*'")).trim(), '', 'nothing extra ran');
    await host.world.sh(conn, "sed -i '$d' ~/.bashrc");
  });

  it('the default redeploy on a clone without the target and without an origin: stops at the fetch with git\'s words, nothing checked out', async () => {
    await host.world.sh(conn, 'git init -q -b main lonely && git -C lonely -c user.name=t -c user.email=t@t commit -q --allow-empty -m only');
    const before = (await host.world.sh(conn, 'git -C lonely rev-parse HEAD')).trim();
    const r = start({ name: 'lonely', workDir: 'lonely' }, { compose: 'docker-compose' });
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'failed' && outcome.stage === 'command' && outcome.index === 0 && outcome.exitCode !== 0, JSON.stringify(outcome));
    assert.match(r.rec.output, /origin/);
    assert.equal(r.rec.events.filter((e) => e.type === 'rollback_command_started').length, 1);
    assert.equal((await host.world.sh(conn, 'git -C lonely rev-parse HEAD')).trim(), before);
  });

  it('two orchestrators on one host: the second is refused by the lock, the holder named; the first finishes and releases', async () => {
    const first = start({ name: 'shop-1', workDir: 'shop', deploy: ['echo first-begins; sleep 2; echo first-ends'] });
    await first.rec.waitForEvent('rollback_command_started');
    const second = start({ name: 'shop-1', workDir: 'shop', deploy: ['touch second-ran'] }, { who: 'bob' });
    const refused = await second.run.done;
    assert.ok(refused.kind === 'refused' && !refused.stale && refused.holder?.who === 'alice' && refused.holder.incidentId === '2026-01-12-shop-down', JSON.stringify(refused));
    assert.match(refused.message, /shop-1 is being rolled back by alice \(incident 2026-01-12-shop-down\) since .*: one rollback per host at a time/);
    assert.deepEqual(second.rec.events, [], 'nothing ran, nothing recorded');
    const done = await first.run.done;
    assert.ok(done.kind === 'ran' && done.lockReleased, JSON.stringify(done));
    assert.equal(first.rec.output, 'first-begins\nfirst-ends\n');
    assert.equal((await host.world.sh(conn, 'ls shop/second-ran 2>/dev/null || echo absent')).trim(), 'absent');
    assert.equal((await start({ name: 'shop-1', workDir: 'shop', deploy: ['true'] }, { who: 'bob' }).run.done).kind, 'ran', 'the lock is free again');
  });

  it('a long command keeps its lock fresh (renewed while it runs): a second window willing to take over a stale lock finds none', async () => {
    const first = start({ name: 'shop-1', workDir: 'shop', deploy: ['sleep 3'] }, { ports: { renewEveryMs: 300 } });
    await first.rec.waitForEvent('rollback_command_started');
    await new Promise((r) => setTimeout(r, 2200));
    let asked = false;
    const second = await start({ name: 'shop-1', workDir: 'shop', deploy: ['touch shop/second-ran'] }, { who: 'bob', req: { staleAfterSeconds: 2 }, ports: { confirmTakeover: async () => (asked = true) } }).run.done;
    assert.ok(second.kind === 'refused' && !second.stale && second.holder?.who === 'alice' && !asked, JSON.stringify(second));
    assert.equal((await first.run.done).kind, 'ran');
  });

  it('the lock taken over by someone else during a command (they confirmed it stale): the commands after it do not run', async () => {
    const r = start({ name: 'shop-1', workDir: 'shop', deploy: ['echo one; sleep 1', 'touch shop/after-lost'] });
    await r.rec.waitForEvent('rollback_command_started');
    const other = await acquireHostLock(conn, { who: 'carol', takeOver: true, staleAfterSeconds: 0 });
    assert.equal(other.kind, 'acquired', JSON.stringify(other));
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'failed' && outcome.stage === 'lock' && outcome.holder?.who === 'carol' && !outcome.lockReleased, JSON.stringify(outcome));
    assert.match(r.rec.events.at(-1)!.text, /taken over by carol after command 1/);
    assert.equal((await host.world.sh(conn, 'ls shop/after-lost 2>/dev/null || echo absent')).trim(), 'absent');
    if (other.kind === 'acquired') assert.deepEqual(await releaseHostLock(conn, other.lock), { kind: 'ok' });
  });

  it('a command the host cannot start (its runs folder cannot be made): failed at the start with the host\'s reason, nothing after it run', async () => {
    await host.world.sh(conn, 'mv .incident-desk/runs .incident-desk/runs.aside && touch .incident-desk/runs');
    try {
      const r = start({ name: 'shop-1', workDir: 'shop', deploy: ['touch shop/not-started', 'touch shop/not-started-2'] });
      const outcome = await r.run.done;
      assert.ok(outcome.kind === 'failed' && outcome.stage === 'start' && /cannot create/.test(outcome.message) && outcome.lockReleased, JSON.stringify(outcome));
      assert.deepEqual(r.rec.types(), ['rollback_started', 'rollback_failed']);
    } finally {
      await host.world.sh(conn, 'rm -f .incident-desk/runs && mv .incident-desk/runs.aside .incident-desk/runs');
    }
    assert.equal((await host.world.sh(conn, 'ls shop/not-started shop/not-started-2 2>/dev/null || echo absent')).trim(), 'absent');
  });

  it('a timeline that cannot be written does not stop the rollback half-way: the commands run, the lock is released, the refused records are named', async () => {
    const r = start({ name: 'shop-1', workDir: 'shop', deploy: ['echo a', 'echo b'] }, { ports: { emit: () => Promise.reject(new Error('disk full')) } });
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'ran' && outcome.lockReleased, JSON.stringify(outcome));
    assert.equal(outcome.recordErrors?.length, 5);
    assert.match(outcome.recordErrors![0]!, /^rollback_started: disk full$/);
    assert.equal(r.rec.output, 'a\nb\n');
  });

  it('cancel signals the remote command (its TERM trap answers); the commands after it never start; reported failed, cancelled', async () => {
    const r = start({ name: 'shop-1', workDir: 'shop', deploy: ['trap "echo got-term; exit 5" TERM; echo ready; sleep 30 & wait', 'touch after-cancel'] });
    await waitFor(() => r.rec.output.includes('ready'), 20_000, 'ready');
    r.run.cancel();
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'failed' && outcome.stage === 'command' && outcome.cancelled && outcome.exitCode === 5 && outcome.lockReleased, JSON.stringify(outcome));
    assert.match(r.rec.output, /got-term/);
    assert.deepEqual(r.rec.types(), ['rollback_started', 'rollback_command_started', 'rollback_command_finished', 'rollback_failed']);
    assert.equal(r.rec.events[2]!.data.cancelled, true);
    assert.equal((await host.world.sh(conn, 'ls shop/after-cancel 2>/dev/null || echo absent')).trim(), 'absent');
  });

  it('a connection dropped mid-command: reattached, the rest of the output read once, the real status, the next command run', async () => {
    let dropped = false;
    const r = start({ name: 'shop-1', workDir: 'shop', deploy: ['echo begin; sleep 2; echo end-of-step', 'echo second'] }, {
      ports: {
        onOutput: (i, s, c) => {
          r.rec.onOutput!(i, s, c);
          if (!dropped && r.rec.output.includes('begin')) {
            dropped = true;
            void host.sshd.dropConnections();
          }
        },
      },
    });
    const outcome = await r.run.done;
    conn = await host.connect();
    assert.ok(dropped);
    assert.ok(outcome.kind === 'ran' && outcome.lockReleased, JSON.stringify(outcome));
    assert.equal(r.rec.output, 'begin\nend-of-step\nsecond\n');
    assert.deepEqual(r.rec.events.filter((e) => e.type === 'rollback_command_finished').map((e) => e.data.exitCode), [0, 0]);
  });

  it('dropped, and the status files gone when it reconnects: unknown, never verified nor recorded', async () => {
    let dropped = false;
    const r = start({ name: 'shop-1', workDir: 'shop', deploy: ['echo begin; sleep 2', 'touch after-unknown'] }, {
      req: { verify: { healthUrl: 'http://127.0.0.1:1/health', workDir: 'shop' } },
      ports: {
        onOutput: (i, s, c) => {
          r.rec.onOutput!(i, s, c);
          if (!dropped && r.rec.output.includes('begin')) {
            dropped = true;
            void host.sshd.dropConnections();
          }
        },
        reconnect: async () => {
          const fresh = await host.connect();
          const runId = String(r.rec.events.find((e) => e.type === 'rollback_command_started')!.data.runId);
          await host.world.sh(fresh, `rm -rf .incident-desk/runs/${runId}`);
          return fresh;
        },
      },
    });
    const outcome = await r.run.done;
    conn = await host.connect();
    assert.ok(outcome.kind === 'unknown' && outcome.lockReleased, JSON.stringify(outcome));
    assert.deepEqual(r.rec.types(), ['rollback_started', 'rollback_command_started', 'rollback_unknown']);
    assert.match(r.rec.events[2]!.text, /Whether command 1 on shop-1 finished is unknown/);
    assert.equal(r.ledgerCalls(), 0);
    assert.equal((await host.world.sh(conn, 'ls shop/after-unknown 2>/dev/null || echo absent')).trim(), 'absent');
  });

  it('the host unreachable after a drop: unknown, the lock left; the next rollback sees it stale and takes it over only when confirmed', async () => {
    let dropped = false;
    const r = start({ name: 'shop-1', workDir: 'shop', deploy: ['echo begin; sleep 1'] }, {
      ports: {
        reconnectAttempts: 2,
        onOutput: (i, s, c) => {
          r.rec.onOutput!(i, s, c);
          if (!dropped && r.rec.output.includes('begin')) {
            dropped = true;
            void host.sshd.dropConnections();
          }
        },
        reconnect: async () => {
          throw new Error('host unreachable (test)');
        },
      },
    });
    const outcome = await r.run.done;
    assert.ok(outcome.kind === 'unknown' && !outcome.lockReleased && /could not be made again/.test(outcome.message), JSON.stringify(outcome));
    assert.ok(!r.rec.types().includes('rollback_command_finished'));
    conn = await host.connect();

    const asked: string[] = [];
    const declined = await start({ name: 'shop-1', workDir: 'shop', deploy: ['true'] }, { who: 'bob', req: { staleAfterSeconds: 0 }, ports: { confirmTakeover: async (h) => (asked.push(h?.who ?? '?'), false) } }).run.done;
    assert.ok(declined.kind === 'refused' && declined.stale && declined.holder?.who === 'alice', JSON.stringify(declined));
    assert.match(declined.message, /stale rollback lock on shop-1 is held by alice/);
    const taken = start({ name: 'shop-1', workDir: 'shop', deploy: ['true'] }, { who: 'bob', req: { staleAfterSeconds: 0 }, ports: { confirmTakeover: async (h) => (asked.push(h?.who ?? '?'), true) } });
    const outcome2 = await taken.run.done;
    assert.ok(outcome2.kind === 'ran' && outcome2.lockReleased, JSON.stringify(outcome2));
    assert.deepEqual(asked, ['alice', 'alice']);
    assert.equal((taken.rec.events[0]!.data.tookOverFrom as { who: string }).who, 'alice');
  });
});
