// `incident-desk run --host`: the built CLI in a child process against a real OpenSSH sshd on
// 127.0.0.1 (test/services/sshd.ts, logging every authentication attempt), each test with its own
// HOME and XDG_CONFIG_HOME. The "host" shares this machine's file system, so a canary file written
// by a command shows whether anything ran.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { IncidentStore } from '../../../src/core/incidents/incidentStore';
import { knownHostsFiles } from '../../../src/services/ssh/knownHostsFiles';
import { connectSsh } from '../../../src/services/ssh/sshConnection';
import { TrustStore } from '../../../src/services/ssh/trustStore';
import { processesMentioning, sleep } from '../../services/processes';
import { type Sshd, startSshd } from '../../services/sshd';
import { TempDirs } from '../support/tempDirs';
import { CLI, FIXTURE, requireFreshBuild, runCli, xtermFired } from './cliHarness';

/** sshd log lines that mean an authentication request reached the server. */
const AUTH_LINE = /publickey|password|keyboard-interactive|hostbased|Accepted|Failed|Postponed|Invalid user|authenticating user|userauth/i;

interface Home {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** The user's own known_hosts (read, never written). */
  readonly userKnownHosts: string;
  readonly userKnownHostsBefore: string;
  /** Where --accept-new remembers keys. */
  readonly cliKnownHosts: string;
  readonly canary: string;
}

describe('incident-desk run --host (real sshd)', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let sshd: Sshd;

  before(async () => {
    requireFreshBuild();
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
    await temp.cleanup();
  });

  /** A fresh HOME: ~/.ssh/config naming the server `target`, a known_hosts of the user's with an unrelated host, no ssh-agent. */
  async function home(): Promise<Home> {
    const dir = await temp.make('idk-cli-home-');
    await fsp.mkdir(path.join(dir, '.ssh'), { mode: 0o700 });
    await fsp.writeFile(
      path.join(dir, '.ssh', 'config'),
      `Host target\n  HostName ${sshd.host}\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ${sshd.userKeyPath}\n  IdentitiesOnly yes\n`,
    );
    const userKnownHosts = path.join(dir, '.ssh', 'known_hosts');
    const userKnownHostsBefore = `# the user's own file\nother.example ${sshd.userKeyPub}\n`;
    await fsp.writeFile(userKnownHosts, userKnownHostsBefore);
    const xdg = path.join(dir, 'xdg');
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: xdg, LANG: 'C.UTF-8' };
    // The host logs in as the test sshd's unprivileged user: the canary goes where that user may write.
    const remote = await temp.make('idk-cli-remote-');
    sshd.giveToUser(remote);
    return { dir, env, userKnownHosts, userKnownHostsBefore, cliKnownHosts: path.join(xdg, 'incident-desk', 'known_hosts'), canary: path.join(remote, 'canary') };
  }

  const run = (h: Home, ...args: string[]) => runCli(['run', FIXTURE, ...args], { cwd: h.dir, env: h.env });

  /** What sshd logged from `offset` on, once it logged the end of that connection. */
  async function logSince(offset: number): Promise<string> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const text = sshd.readLog().slice(offset);
      if (/Connection closed by|Disconnected from|Connection reset by|disconnected by|Close session/.test(text) || Date.now() > deadline) return text;
      await sleep(50);
    }
  }

  it('an unknown host key is refused without --accept-new: nothing runs, nothing is written, no authentication', async () => {
    const h = await home();
    const offset = sshd.readLog().length;
    const r = await run(h, 'Touch the canary', '--host', 'target', '--set', `canary=${h.canary}`, '--yes');
    assert.equal(r.code, 255, r.stderr);
    assert.ok(r.stderr.includes(sshd.hostKeyFingerprint), `the fingerprint is shown:\n${r.stderr}`);
    assert.match(r.stderr, /--accept-new/);
    assert.equal(fs.existsSync(h.canary), false, 'nothing ran on the host');
    assert.equal(fs.existsSync(h.cliKnownHosts), false, 'nothing remembered');
    assert.equal(await fsp.readFile(h.userKnownHosts, 'utf8'), h.userKnownHostsBefore);
    const log = await logSince(offset);
    assert.match(log, /Connection from 127\.0\.0\.1/, 'the connection did reach sshd');
    assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], `no authentication in:\n${log}`);
  });

  it('--accept-new trusts it, runs, and remembers it in the CLI\'s known_hosts (OpenSSH reads it); the user\'s file is untouched', async () => {
    const h = await home();
    const r = await run(h, 'Touch the canary', '--host', 'target', '--set', `canary=${h.canary}`, '--yes', '--accept-new');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.existsSync(h.canary), true, 'ran on the host');
    const lines = (await fsp.readFile(h.cliKnownHosts, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.ok(lines[0]!.startsWith(`${sshd.knownHostsLine} `), `known_hosts line for [host]:port with the server's key:\n${lines[0]}`);
    // OpenSSH itself finds the host in it and logs in with it as its only known_hosts, refusing unknown keys.
    const found = execFileSync('ssh-keygen', ['-F', `[${sshd.host}]:${sshd.port}`, '-f', h.cliKnownHosts], { encoding: 'utf8' });
    assert.ok(found.includes(sshd.hostKeyPub.split(' ')[1]!), found);
    const ssh = spawnSync('ssh', ['-F', '/dev/null', '-o', `UserKnownHostsFile=${h.cliKnownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
      '-i', sshd.userKeyPath, '-p', String(sshd.port), `${sshd.user}@${sshd.host}`, 'echo openssh-ok'], { encoding: 'utf8', env: h.env });
    assert.equal(ssh.stdout.trim(), 'openssh-ok', ssh.stderr);
    assert.equal(await fsp.readFile(h.userKnownHosts, 'utf8'), h.userKnownHostsBefore, 'the user\'s known_hosts is never written');
    // The extension trusts the file too: its known_hosts list (knownHostsFiles) includes it, so it connects without asking.
    const asked: unknown[] = [];
    const conn = await connectSsh(
      { name: 'target', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'ssh-config' },
      {
        hostKey: {
          knownHostsFiles: knownHostsFiles({ homeDir: h.dir, configHome: h.env.XDG_CONFIG_HOME }),
          trustStore: new TrustStore(path.join(h.dir, 'extension-storage', 'known_hosts'), { protectedFiles: [h.userKnownHosts] }),
          ask: (q) => (asked.push(q), Promise.resolve('reject')),
        },
        agentSocket: false,
        homeDir: h.dir,
      },
    );
    conn.end();
    assert.deepEqual(asked, []);
    // Remembered: the next run needs no --accept-new.
    fs.rmSync(h.canary);
    const again = await run(h, 'Touch the canary', '--host', 'target', '--set', `canary=${h.canary}`, '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fs.existsSync(h.canary), true);
  });

  it('the first failing command stops the step, with its exit status', async () => {
    const h = await home();
    const r = await run(h, 'Stop at the first failure', '--host', 'target', '--set', `canary=${h.canary}`, '--yes', '--accept-new');
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout.toString(), 'first\nsecond\n');
    assert.equal(fs.existsSync(h.canary), false, 'the command after the failure did not run');
  });

  it('Ctrl+C stops the remote command itself, not only the CLI; the step ends with the interrupt\'s status', async () => {
    const h = await home();
    // GNU sleep adds its arguments: `sleep 300 0.000<digits>`, the digits marking this run's process.
    const n = `0.000${process.pid}${Math.floor(Math.random() * 1000)}`;
    const child = spawn(process.execPath, [CLI, 'run', FIXTURE, 'Wait on the host', '--host', 'target', '--set', `extra-seconds=${n}`, '--yes', '--accept-new'], { cwd: h.dir, env: h.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    for (const deadline = Date.now() + 30_000; !(out.includes('started') && processesMentioning(n).length > 0); ) {
      if (Date.now() > deadline) assert.fail(`the remote sleep did not start: ${out}${err}`);
      await sleep(25);
    }
    child.kill('SIGINT');
    // The CLI was not simply killed: it passed the interrupt on, saw how the command ended, said so, and exits 128+SIGINT.
    assert.equal(await exited, 130, err);
    assert.match(err, /outcome unknown \(ended by signal SIGINT\); the rest of the step was not run/);
    assert.doesNotMatch(out, /finished/);
    // The remote sleep itself is gone (polled: the host ends it once the interrupt arrives).
    for (const deadline = Date.now() + 10_000; processesMentioning(n).length > 0; ) {
      if (Date.now() > deadline) assert.fail(`still running on the host after Ctrl+C: ${processesMentioning(n).join(', ')}`);
      await sleep(25);
    }
  });

  it('--incident on a host: the events name the host as the target, as the editor records them', async () => {
    const h = await home();
    const store = new IncidentStore({ root: h.dir });
    await store.loadAll();
    const incident = await store.declare({ title: 'Cache down', severity: 'P2', service: 'cache' }, 'Dana');
    const r = await run(h, 'Checks/Say hello', '--set', 'name=db', '--host', 'target', '--incident', `incidents/${incident.id}`, '--yes', '--accept-new');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'hello db\n');
    const events = (await fsp.readFile(path.join(h.dir, 'incidents', incident.id, 'timeline.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; text: string; data?: Record<string, unknown> })
      .filter((e) => e.type.startsWith('runbook_step_'));
    assert.deepEqual(events.map((e) => [e.type, e.data?.target, e.data?.command, e.data?.exitCode]), [
      ['runbook_step_started', 'target', 'echo "hello db"', undefined],
      ['runbook_step_finished', 'target', 'echo "hello db"', 0],
    ]);
    assert.equal(events[1]!.text, '"Say hello" on target: exit 0');
    // What the command printed on the host, its end kept on the finished event.
    assert.deepEqual(events[1]!.data?.output, { text: 'hello db', truncated: false });
  });

  it('remote output goes through the terminal filter: an OSC 52 clipboard write never reaches the terminal', async () => {
    const h = await home();
    const r = await run(h, 'Print a clipboard write', '--host', 'target', '--yes', '--accept-new');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.includes(Buffer.from('\x1b]52')), false);
    const xterm = await xtermFired(r.stdout);
    assert.deepEqual(xterm.fired, []);
    assert.equal(xterm.text, 'beforeafter');
  });

  it('workspace hosts and known_hosts files count only with --trust-workspace', async () => {
    const h = await home();
    // No ~/.ssh/config entry: the host is only in the workspace's settings (JSON with comments and trailing commas).
    await fsp.rm(path.join(h.dir, '.ssh', 'config'));
    const ws = await temp.make('idk-cli-ws-');
    await fsp.mkdir(path.join(ws, '.vscode'));
    await fsp.writeFile(path.join(ws, 'team_known_hosts'), `${sshd.knownHostsLine}\n`);
    await fsp.writeFile(
      path.join(ws, '.vscode', 'settings.json'),
      `{
  // the team's hosts
  "incidentDesk.hosts": [
    { "name": "team-box", "host": "${sshd.host}", "port": ${sshd.port}, "user": "${sshd.user}", "identityFile": "${sshd.userKeyPath}", "workDir": "${path.dirname(h.canary)}", },
  ],
  /* relative to the workspace folder */
  "incidentDesk.ssh.knownHostsFiles": ["team_known_hosts",],
}
`,
    );
    const args = ['run', FIXTURE, 'Touch the canary', '--host', 'team-box', '--set', `canary=${h.canary}`, '--yes'];
    const untrusted = await runCli(args, { cwd: ws, env: h.env });
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stderr, /no host named "team-box".*--trust-workspace/s);
    assert.equal(fs.existsSync(h.canary), false);
    const dry = await runCli([...args, '--trust-workspace', '--dry-run'], { cwd: ws, env: h.env });
    assert.equal(dry.stdout.toString(), `touch "${h.canary}"\n`);
    assert.match(dry.stderr.toString(), new RegExp(`over SSH, in ${path.dirname(h.canary).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, in bash`));
    // Trusted by the team's file: no --accept-new needed, nothing written to the CLI's file.
    const trusted = await runCli([...args, '--trust-workspace'], { cwd: ws, env: h.env });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(fs.existsSync(h.canary), true);
    assert.equal(fs.existsSync(h.cliKnownHosts), false);
  });

  it('a known_hosts file named by the workspace vouches for no key without --trust-workspace', async () => {
    const h = await home();
    const ws = await temp.make('idk-cli-ws-');
    await fsp.mkdir(path.join(ws, '.vscode'));
    await fsp.writeFile(path.join(ws, 'team_known_hosts'), `${sshd.knownHostsLine}\n`);
    await fsp.writeFile(path.join(ws, '.vscode', 'settings.json'), '{ "incidentDesk.ssh.knownHostsFiles": ["team_known_hosts"] }');
    const args = ['run', FIXTURE, 'Touch the canary', '--host', 'target', '--set', `canary=${h.canary}`, '--yes'];
    const cloned = await runCli(args, { cwd: ws, env: h.env });
    assert.equal(cloned.code, 255, cloned.stderr);
    assert.match(cloned.stderr, /is not known/);
    assert.equal(fs.existsSync(h.canary), false);
    const trusted = await runCli([...args, '--trust-workspace'], { cwd: ws, env: h.env });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(fs.existsSync(h.canary), true);
  });

  // Last: it gives the server a new host key.
  it('a changed host key is refused before any authentication, even with --accept-new', async () => {
    const h = await home();
    assert.equal((await run(h, 'Checks/Say hello', '--set', 'name=x', '--host', 'target', '--yes', '--accept-new')).code, 0);
    const remembered = await fsp.readFile(h.cliKnownHosts, 'utf8');
    await sshd.restartWithNewHostKey();
    const offset = sshd.readLog().length;
    const r = await run(h, 'Touch the canary', '--host', 'target', '--set', `canary=${h.canary}`, '--yes', '--accept-new');
    assert.equal(r.code, 255, r.stderr);
    assert.match(r.stderr, /has changed/);
    assert.ok(r.stderr.includes(sshd.hostKeyFingerprint), r.stderr);
    assert.equal(fs.existsSync(h.canary), false, 'nothing ran on the host');
    assert.equal(await fsp.readFile(h.cliKnownHosts, 'utf8'), remembered, 'the new key was not remembered');
    assert.equal(await fsp.readFile(h.userKnownHosts, 'utf8'), h.userKnownHostsBefore);
    const log = await logSince(offset);
    assert.match(log, /Connection from 127\.0\.0\.1/, 'the connection did reach sshd');
    assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], `no authentication in:\n${log}`);
  });
});
