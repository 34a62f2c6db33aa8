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

/** Takes the lock in this process and keeps it until `release` is called. */
async function holdLock(dir: string): Promise<{ release: () => void; holder: Promise<void> }> {
  let release!: () => void;
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  const holder = withRecordLock(dir, () => {
    entered();
    return new Promise<void>((r) => (release = r));
  });
  await inside;
  return { release, holder };
}

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

  /** Makes the lock (and the holder's token inside it) look as old as one left by a crash. */
  function ageLock(dir: string): void {
    const lock = path.join(dir, LOCK_FILE);
    const old = new Date(Date.now() - STALE_LOCK_MS - 1000);
    if (fs.statSync(lock).isDirectory()) for (const n of fs.readdirSync(lock)) fs.utimesSync(path.join(lock, n), old, old);
    fs.utimesSync(lock, old, old);
  }

  /** A lock as a crashed window leaves it: held, never released. */
  async function crashedHolder(dir: string): Promise<void> {
    let held!: () => void;
    const acquired = new Promise<void>((r) => (held = r));
    void withRecordLock(dir, () => {
      held();
      return new Promise<void>(() => undefined); // never returns: the window died holding it
    });
    await acquired;
    ageLock(dir);
  }

  it('takes over a lock left by a crashed window once it is stale', async () => {
    const dir = await temps.make();
    await crashedHolder(dir);
    let ran = false;
    await withRecordLock(dir, async () => {
      ran = true;
    });
    assert.equal(ran, true);
    assert.deepEqual(fs.readdirSync(dir), [], 'a lock or its pieces were left behind');
  });

  it('takes over a stale lock file left by an earlier version', async () => {
    const dir = await temps.make();
    fs.writeFileSync(path.join(dir, LOCK_FILE), '999999@elsewhere\n');
    ageLock(dir);
    let ran = false;
    await withRecordLock(dir, async () => {
      ran = true;
    });
    assert.equal(ran, true);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("removes a contender's directory left by a window that crashed while waiting, once it is stale", async () => {
    const dir = await temps.make();
    const leftover = path.join(dir, '.incident.yaml.0123456789abcdef0123456789abcdef.lock');
    fs.mkdirSync(leftover);
    fs.writeFileSync(path.join(leftover, 'holder-0123456789abcdef0123456789abcdef'), '999999@elsewhere\n');
    const young = path.join(dir, '.incident.yaml.fedcba9876543210fedcba9876543210.lock');
    fs.mkdirSync(young);
    const old = new Date(Date.now() - STALE_LOCK_MS - 1000);
    fs.utimesSync(leftover, old, old);
    await withRecordLock(dir, async () => undefined);
    assert.deepEqual(fs.readdirSync(dir), [path.basename(young)], 'a stale leftover was kept, or a waiting contender was removed');
  });

  it('waits for a fresh lock held by another window, and runs once it is released', async () => {
    const dir = await temps.make();
    const { release, holder } = await holdLock(dir);
    let ran = false;
    let busy = 0;
    const waiter = withRecordLock(dir, async () => {
      ran = true;
    }, {
      onBusy: () => {
        busy++;
        assert.equal(ran, false);
        if (busy === 3) release(); // it has found the lock held three times: now let go
      },
    });
    await Promise.all([holder, waiter]);
    assert.equal(ran, true);
    assert.ok(busy >= 3);
  });

  it('gives up on a fresh lock after the wait, naming the holder: this window itself, or another process', async () => {
    const dir = await temps.make();
    const { release, holder } = await holdLock(dir);
    await assert.rejects(withRecordLock(dir, async () => assert.fail('ran under a held lock'), { waitMs: 200 }),
      (e: Error) => /held for over 0\.2 s by this window \(one of its own writes did not release it\), since \d{4}-/.test(e.message) && /taken over/.test(e.message));
    // The same lock seen from another process on this machine.
    const script = `require(${JSON.stringify(path.join(OUT_SRC, 'core/incidents/recordLock.js'))}).withRecordLock(process.argv[1], async () => {}, { waitMs: 200 }).then(() => process.exit(3), (e) => { process.stdout.write(e.message); process.exit(0); });`;
    const child = spawn(process.execPath, ['-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0, 'the other process ran under a held lock');
    assert.match(out, new RegExp(`by process ${process.pid} on this machine, since`));
    release();
    await holder;
  });

  it('two contenders paused between judging a lock stale and taking it over: one holder at a time', async () => {
    const dir = await temps.make();
    await crashedHolder(dir);
    let inside = 0;
    let most = 0;
    let judged = 0;
    let bothJudged!: () => void;
    const allJudged = new Promise<void>((r) => (bothJudged = r));
    let someoneInside!: () => void;
    const firstInside = new Promise<void>((r) => (someoneInside = r));
    // The first holder keeps the lock until the other contender has got in too (the race) or
    // has found the lock held (correct waiting).
    let letGo!: () => void;
    const otherMoved = new Promise<void>((r) => (letGo = r));
    const contender = () => withRecordLock(dir, async () => {
      inside++;
      most = Math.max(most, inside);
      if (inside > 1) letGo();
      someoneInside();
      await otherMoved;
      inside--;
    }, {
      beforeTakeover: async () => {
        // Both judge the crashed holder stale; the later one resumes only once the earlier is inside.
        const second = ++judged === 2;
        if (second) bothJudged();
        await allJudged;
        if (second) await firstInside;
      },
      onBusy: () => {
        if (inside > 0) letGo();
      },
      waitMs: 30_000,
    });
    await Promise.all([contender(), contender()]);
    assert.equal(judged, 2, 'both contenders judged the crashed holder stale');
    assert.equal(most, 1, 'two contenders held the lock at once');
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("a holder taken over as stale does not release its successor's lock", async () => {
    const dir = await temps.make();
    const held = () => {
      let entered!: () => void;
      let finish!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const body = () => {
        entered();
        return new Promise<void>((r) => (finish = r));
      };
      return { inside, body, finish: () => finish() };
    };
    const a = held();
    const aDone = withRecordLock(dir, a.body);
    await a.inside;
    ageLock(dir); // A is slow past the stale limit: B takes over while A is still inside
    const b = held();
    const bDone = withRecordLock(dir, b.body, { waitMs: 30_000 });
    await b.inside;
    a.finish();
    await aDone; // A releases after it was taken over
    let cRan = false;
    let foundBusy!: () => void;
    const busy = new Promise<void>((r) => (foundBusy = r));
    const cDone = withRecordLock(dir, async () => {
      cRan = true;
    }, { onBusy: () => foundBusy(), waitMs: 30_000 });
    await Promise.race([busy, cDone]);
    assert.equal(cRan, false, "A's release removed B's lock: a third window got in while B held it");
    b.finish();
    await Promise.all([bDone, cDone]);
    assert.equal(cRan, true);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('16 processes at once, racing to take over a crashed window\'s lock, each counting to 50 under it: exact count, one holder at a time', async function () {
    this.timeout(120_000);
    const dir = await temps.make();
    await crashedHolder(dir);
    const counter = path.join(dir, 'counter');
    fs.writeFileSync(counter, '0');
    const child = `
const fs = require('node:fs');
const path = require('node:path');
const { withRecordLock } = require(${JSON.stringify(path.join(OUT_SRC, 'core/incidents/recordLock.js'))});
const [dir, counter] = process.argv.slice(1);
const inside = path.join(dir, 'inside');
(async () => {
  process.stdout.write('ready\\n');
  await new Promise((r) => process.stdin.once('data', r));
  for (let i = 0; i < 50; i++) {
    await withRecordLock(dir, async () => {
      fs.mkdirSync(inside); // EEXIST: someone else holds the lock right now
      const n = Number(fs.readFileSync(counter, 'utf8'));
      await new Promise((r) => setImmediate(r));
      fs.writeFileSync(counter, String(n + 1));
      fs.rmdirSync(inside);
    }, { waitMs: 100000 });
  }
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;
    const kids = Array.from({ length: 16 }, () => spawn(process.execPath, ['-e', child, dir, counter], { stdio: ['pipe', 'pipe', 'inherit'] }));
    await Promise.all(kids.map((k) => new Promise((r) => k.stdout!.once('data', r))));
    kids.forEach((k) => k.stdin!.write('go\n'));
    const codes = await Promise.all(kids.map((k) => new Promise<number | null>((r) => k.on('exit', r))));
    assert.deepEqual(codes, Array(16).fill(0), 'a process failed (two holders at once, or an error)');
    assert.equal(fs.readFileSync(counter, 'utf8'), String(16 * 50));
  });
});
