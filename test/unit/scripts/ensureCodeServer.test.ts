// scripts/ensure-code-server.sh as npm start and npm test run it: what it does when it cannot
// finish. The successful install (minutes: download and native rebuild) is proven by the `setup`
// phase (test/setup/npmStart.setup.ts), from an empty home.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDirs } from '../support/tempDirs';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'ensure-code-server.sh');
/** A version npm cannot install (no such release), so the install fails early, online or not. */
const MISSING_VERSION = '0.0.0-incident-desk-test';

function ensure(cache: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [SCRIPT], {
    env: { ...process.env, INCIDENT_DESK_CACHE: cache, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The pid of a process that has exited (a killed run's). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('code-server install (scripts/ensure-code-server.sh)', function () {
  this.timeout(150_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it("without this Node's headers: stops before installing anything and says what to install", async () => {
    const cache = await temp.make();
    const noHeaders = await temp.make();
    const r = ensure(cache, { INCIDENT_DESK_NODEDIR: noHeaders });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /apt-get install libnode-dev/);
    assert.match(r.stderr, /cannot build code-server's native modules/);
    assert.deepEqual(fs.readdirSync(cache), []);
  });

  it('a failed install leaves nothing a later run could take for a cache, and no temporary folder', async () => {
    const cache = await temp.make();
    const r = ensure(cache, { CODE_SERVER_VERSION: MISSING_VERSION });
    assert.notEqual(r.status, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(cache), []);
  });

  it("a killed run's temporary folder is removed by the next run; a running one's is left alone", async () => {
    const cache = await temp.make();
    const killed = path.join(cache, `.code-server-${MISSING_VERSION}.tmp-${await deadPid()}`);
    const running = path.join(cache, `.code-server-${MISSING_VERSION}.tmp-${process.pid}`);
    for (const dir of [killed, running]) fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    ensure(cache, { CODE_SERVER_VERSION: MISSING_VERSION });
    assert.deepEqual(fs.readdirSync(cache), [path.basename(running)]);
  });
});
