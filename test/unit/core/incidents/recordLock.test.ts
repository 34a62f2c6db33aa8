import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acknowledge, changeSeverity } from '../../../../src/core/incidents/actions';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import { LOCK_FILE, STALE_LOCK_MS, withRecordLock } from '../../../../src/core/incidents/recordLock';
import { TempDirs } from '../../support/tempDirs';

const OUT_SRC = path.resolve(__dirname, '..', '..', '..', '..', 'src');

/** A child process that records one change on a signal, as a second VS Code window would. */
const CHILD = `
const { IncidentStore } = require(${JSON.stringify(path.join(OUT_SRC, 'core/incidents/incidentStore.js'))});
const A = require(${JSON.stringify(path.join(OUT_SRC, 'core/incidents/actions.js'))});
const [root, id, which] = process.argv.slice(1);
(async () => {
  const s = new IncidentStore({ root }); await s.loadAll();
  const inc = s.get(id).incident;
  const change = which === 'a' ? A.acknowledge(inc, 'A', new Date().toISOString()) : A.changeSeverity(inc, 'P2', 'B', new Date().toISOString());
  process.stdout.write('ready\\n');
  await new Promise((r) => process.stdin.once('data', r));
  await s.record(id, change);
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('record lock: two windows changing one incident at once', () => {
  const temps = new TempDirs();
  after(() => temps.cleanup());

  it('keeps both changes when two stores in one process record at the same moment (40 rounds)', async () => {
    for (let round = 0; round < 40; round++) {
      const root = await temps.make();
      const a = new IncidentStore({ root });
      await a.loadAll();
      const { id } = await a.declare({ title: 'Race', severity: 'P1', service: 'web' }, 'D');
      const b = new IncidentStore({ root });
      await b.loadAll();
      const inc = b.get(id)!.incident;
      await Promise.all([
        a.record(id, acknowledge(inc, 'A', new Date().toISOString())),
        b.record(id, changeSeverity(inc, 'P2', 'B', new Date().toISOString())),
      ]);
      const check = new IncidentStore({ root });
      await check.loadAll();
      const after = check.get(id)!.incident;
      assert.ok(after.acknowledgedAt, `round ${round}: the acknowledgement was lost`);
      assert.equal(after.severity, 'P2', `round ${round}: the severity change was lost`);
      assert.equal(fs.existsSync(path.join(root, 'incidents', id, LOCK_FILE)), false, 'lock left behind');
    }
  });

  it('keeps both changes across two processes started together (10 rounds)', async function () {
    this.timeout(60_000);
    for (let round = 0; round < 10; round++) {
      const root = await temps.make();
      const s = new IncidentStore({ root });
      await s.loadAll();
      const { id } = await s.declare({ title: 'Race', severity: 'P1', service: 'web' }, 'D');
      const kids = ['a', 'b'].map((w) => spawn(process.execPath, ['-e', CHILD, root, id, w], { stdio: ['pipe', 'pipe', 'inherit'] }));
      await Promise.all(kids.map((k) => new Promise((r) => k.stdout!.once('data', r))));
      kids.forEach((k) => k.stdin!.write('go\n'));
      const codes = await Promise.all(kids.map((k) => new Promise<number | null>((r) => k.on('exit', r))));
      assert.deepEqual(codes, [0, 0]);
      const check = new IncidentStore({ root });
      await check.loadAll();
      const after = check.get(id)!.incident;
      assert.ok(after.acknowledgedAt && after.severity === 'P2', `round ${round}: a change was lost (${JSON.stringify({ ack: after.acknowledgedAt, sev: after.severity })})`);
    }
  });

  it('takes over a lock left by a crashed window once it is stale, and not before', async () => {
    const dir = await temps.make();
    const lock = path.join(dir, LOCK_FILE);
    fs.writeFileSync(lock, '999999@elsewhere\n');
    const old = new Date(Date.now() - STALE_LOCK_MS - 1000);
    fs.utimesSync(lock, old, old);
    let ran = false;
    await withRecordLock(dir, async () => {
      ran = true;
    });
    assert.equal(ran, true);
    assert.equal(fs.existsSync(lock), false);
    assert.deepEqual(fs.readdirSync(dir), [], 'a stale lock was left aside');
  });

  it('waits for a fresh lock held by another window', async () => {
    const dir = await temps.make();
    const lock = path.join(dir, LOCK_FILE);
    fs.writeFileSync(lock, 'other\n');
    const release = setTimeout(() => fs.unlinkSync(lock), 200);
    const started = Date.now();
    let ranAt = 0;
    await withRecordLock(dir, async () => {
      ranAt = Date.now();
    });
    clearTimeout(release);
    assert.ok(ranAt - started >= 150, `ran after ${ranAt - started} ms, while the other window held the lock`);
  });
});
