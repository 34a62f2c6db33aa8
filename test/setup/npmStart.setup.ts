// The set-up itself, as a new user meets it: `npm start` from a fresh clone on a machine where the
// user's home folder is empty and npm has no configuration (no ~/.npmrc, and none of the
// npm_config_* variables the parent `npm test` would pass down). With an empty home the code-server
// cache is empty too, so this runs the real install and native rebuild (scripts/ensure-code-server.sh,
// minutes). It must print the URL, the URL must answer, and Ctrl-C must stop all of it.
// Run by scripts/test.sh's `setup` phase; on its own:
//   npm run compile-tests && node out/test/setup/run.js
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../runner/codeServer';
import { dependentSteps } from '../e2e/workbench';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const LOG = path.join(REPO_ROOT, 'test-results', 'setup-npm-start.log');
const CODE_SERVER_VERSION = '4.100.3';
/** A first install compiles code-server's native modules: minutes, more on a busy machine. */
const START_TIMEOUT_MS = 15 * 60_000;

/** This process's environment as a fresh machine would have it: HOME empty, no npm configuration. */
function freshMachineEnv(home: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD') continue; // what `npm test` passes down, npm_config_nodedir too
    if (/^INCIDENT_DESK_/.test(key) || key === 'CODE_SERVER_VERSION') continue; // our own knobs, a cache folder among them
    if (/^XDG_(CONFIG|DATA|CACHE|STATE)_HOME$/.test(key)) continue; // they would point into the real home
    env[key] = value;
  }
  return { ...env, HOME: home, PORT: String(port) };
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 10 s`)));
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** True while any process is in process group `pgid` (kill with signal 0 only checks). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

describe('npm start on a fresh machine: a fresh clone, an empty HOME, no npm configuration', function () {
  dependentSteps(this);
  let tmp: string;
  let clone: string;
  let home: string;
  let port: number;
  let npmStart: ChildProcess | undefined;
  let output = '';
  let url: string;
  let codeServerPid: number | undefined;

  const cleanUp = (): void => {
    killGroup(npmStart?.pid, 'SIGKILL');
    killGroup(codeServerPid, 'SIGKILL');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  before(async function () {
    this.timeout(120_000);
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-setup-')));
    clone = path.join(tmp, 'incident-desk');
    home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    const snapshot = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'snapshot-clone.sh'), clone], { encoding: 'utf8' }).trim();
    // The dependencies as `npm install` made them from the same package-lock.json (see the README).
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'));
    port = await freePort();
    fs.mkdirSync(path.dirname(LOG), { recursive: true });
    fs.writeFileSync(LOG, '');
    console.log(`      ${clone} (${snapshot}), HOME=${home}, PORT=${port}; output in ${path.relative(REPO_ROOT, LOG)}`);
  });

  after(function () {
    this.timeout(300_000); // the clone and a whole code-server install: many files on a busy disk
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
    cleanUp();
  });

  it('prints the URL it serves on', async function () {
    this.timeout(START_TIMEOUT_MS + 10_000);
    const started = Date.now();
    // Its own process group, as in a terminal: Ctrl-C goes to the whole group.
    const child = spawn('npm', ['start'], { cwd: clone, env: freshMachineEnv(home, port), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    npmStart = child;
    let exited: string | undefined;
    const printed = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), START_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        output += text;
        fs.appendFileSync(LOG, text);
        // Progress for whoever watches npm test: the scripts' own lines, not npm's.
        for (const line of text.split('\n')) if (/^\[(start|ensure-code-server)\]/.test(line)) console.log(`      ${line}`);
        const m = /Incident Desk is running: (\S+)[\s\S]*?code-server pid (\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          codeServerPid = Number(m[2]);
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        exited = `exited (${code ?? signal})`;
        resolve(undefined);
      });
    });
    const why = exited ?? `printed nothing of it within ${START_TIMEOUT_MS / 60_000} min`;
    assert.ok(printed, `npm start ${why} without printing the URL. Its output, last lines:\n${tail(output)}`);
    url = printed;
    console.log(`      ${url} after ${Math.round((Date.now() - started) / 1000)} s`);
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?folder=`));
  });

  it('the URL answers: code-server is healthy and serves the workbench with the demo workspace', async () => {
    const health = await get(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200, health.body);
    assert.match(JSON.parse(health.body).status as string, /^(alive|expired)$/);
    const page = await get(url);
    assert.equal(page.status, 200, tail(page.body, 5));
    assert.match(page.body, /<html/i);
    assert.match(page.body, /vs\/code\/browser\/workbench\/workbench/, 'not the VS Code workbench page');
    const extensions = fs.readdirSync(path.join(clone, '.sandbox', 'extensions'));
    assert.ok(extensions.some((e) => e.startsWith('incident-desk.incident-desk-')), `the extension is not installed: ${extensions.join(', ')}`);
  });

  it('installed code-server into the empty home, completely, with no temporary folder left', () => {
    const cache = path.join(home, '.cache', 'incident-desk');
    assert.deepEqual(fs.readdirSync(cache), [`code-server-${CODE_SERVER_VERSION}`]);
    assert.ok(fs.existsSync(path.join(cache, `code-server-${CODE_SERVER_VERSION}`, '.installed')));
  });

  it('Ctrl-C stops it: npm start exits, code-server and everything it started are gone, the port is closed', async function () {
    this.timeout(60_000);
    const child = npmStart!;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    killGroup(child.pid, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    assert.ok(child.exitCode !== null || child.signalCode !== null, `npm start still runs 30 s after Ctrl-C:\n${tail(output)}`);
    assert.ok(await waitFor(() => !groupAlive(codeServerPid!), 10_000), `code-server's process group ${codeServerPid} still has processes after npm start exited`);
    assert.ok(await refused(port), `port ${port} still accepts connections`);
    assert.match(output, /stopping code-server/);
  });
});
