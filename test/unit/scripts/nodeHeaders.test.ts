// scripts/node-headers.mjs finds the C headers code-server's native modules are compiled against
// (handed to node-gyp as --nodedir, so nothing is downloaded and no ~/.npmrc is needed), or says
// what to install. Run as scripts/ensure-code-server.sh runs it: a real node process.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDirs } from '../support/tempDirs';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'node-headers.mjs');
const VERSION = process.version.slice(1);

function run(nodedir?: string): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.INCIDENT_DESK_NODEDIR;
  if (nodedir !== undefined) env.INCIDENT_DESK_NODEDIR = nodedir;
  const r = spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A headers folder as nodejs.org's headers tarball unpacks it: <dir>/include/node/… */
function fakeHeaders(dir: string, version: string): void {
  const [major, minor, patch] = version.split('.');
  fs.mkdirSync(path.join(dir, 'include', 'node'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'include', 'node', 'node_version.h'),
    `#ifndef SRC_NODE_VERSION_H_\n#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n#define NODE_PATCH_VERSION ${patch}\n`,
  );
  fs.writeFileSync(path.join(dir, 'include', 'node', 'common.gypi'), '{}\n');
}

describe('Node headers for native modules (scripts/node-headers.mjs)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it("finds this Node's own headers where Node is installed, for this exact version", () => {
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    const dir = r.stdout.trim();
    const header = fs.readFileSync(path.join(dir, 'include', 'node', 'node_version.h'), 'utf8');
    const [major, minor, patch] = VERSION.split('.');
    assert.match(header, new RegExp(`NODE_MAJOR_VERSION ${major}\\b[\\s\\S]*NODE_MINOR_VERSION ${minor}\\b[\\s\\S]*NODE_PATCH_VERSION ${patch}\\b`));
    assert.equal(dir, path.dirname(path.dirname(fs.realpathSync(process.execPath))));
  });

  it('takes INCIDENT_DESK_NODEDIR when it holds the headers of this version', async () => {
    const dir = await temp.make();
    fakeHeaders(dir, VERSION);
    assert.deepEqual(run(dir), { status: 0, stdout: `${dir}\n`, stderr: '' });
  });

  it('without headers: exit 1, naming where it looked and what to install', async () => {
    const dir = await temp.make();
    const r = run(dir);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`headers of Node v${VERSION.replace(/\./g, '\\.')}`));
    assert.ok(r.stderr.includes(`${path.join(dir, 'include', 'node')}: no node_version.h`), r.stderr);
    assert.match(r.stderr, /apt-get install libnode-dev/);
    assert.ok(r.stderr.includes(`node-v${VERSION}-headers.tar.gz`), r.stderr);
  });

  it("headers of another Node are not taken: their version is named beside this Node's", async () => {
    const dir = await temp.make();
    fakeHeaders(dir, '18.20.4');
    const r = run(dir);
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes(`headers of Node 18.20.4, not of this Node ${VERSION}`), r.stderr);
  });
});
