// Proves the real test services (test/services/) with the real tools a user has: OpenSSH's ssh
// client against our sshd, the docker CLI against our dockerd, locally and over SSH, and that
// everything started is stopped again, by pid, also when the Node process that started it dies.
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'ssh2';
import { BUSYBOX_COMMANDS, ensureBusyboxImage, imageId } from '../../services/busyboxImage';
import { composeLabels, runContainer } from '../../services/containers';
import { dockerCli, ping, startDockerd } from '../../services/dockerd';
import type { Dockerd } from '../../services/dockerd';
import { descendantsOf, isAlive, processes, processesMentioning, sleep } from '../../services/processes';
import { startSshd } from '../../services/sshd';
import type { Sshd } from '../../services/sshd';
import { TempDirs } from '../support/tempDirs';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** OpenSSH's client as a user would run it, isolated from this machine's ssh config and agent. */
function sshArgs(sshd: Sshd, knownHosts: string, command: string): string[] {
  return [
    '-F', '/dev/null',
    '-i', sshd.userKeyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'IdentityAgent=none',
    '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-p', String(sshd.port),
    `${sshd.user}@${sshd.host}`,
    command,
  ];
}

function ssh(sshd: Sshd, knownHosts: string, command: string): Promise<Run> {
  return run('ssh', sshArgs(sshd, knownHosts, command));
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function userExists(user: string): Promise<boolean> {
  return run('id', ['-u', user]).then((r) => r.status === 0);
}

describe('real test services: sshd, dockerd, the busybox image', function () {
  this.timeout(180_000);
  const temp = new TempDirs();
  let dockerd: Dockerd;
  let sshd: Sshd;
  let knownHosts: string;
  const timings: Record<string, number> = {};

  before(async function () {
    let t = Date.now();
    dockerd = await startDockerd();
    timings.startDockerd = Date.now() - t;
    t = Date.now();
    await ensureBusyboxImage(dockerd);
    timings.ensureBusyboxImage = Date.now() - t;
    t = Date.now();
    sshd = await startSshd({ dockerHost: dockerd.dockerHost });
    timings.startSshd = Date.now() - t;
    knownHosts = path.join(await temp.make('realservices-'), 'known_hosts');
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    console.log(`      timings (ms): ${JSON.stringify(timings)}`);
  });

  after(async function () {
    await sshd?.stop();
    await dockerd?.stop();
    await temp.cleanup();
  });

  it('sshd: ssh with the user key and strict host key checking runs a command, and the log shows the login', async function () {
    const r = await ssh(sshd, knownHosts, 'echo ok');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
    assert.match(sshd.readLog(), new RegExp(`Accepted publickey for ${sshd.user} from 127\\.0\\.0\\.1`));
  });

  it('sshd: the user key logs in as an unprivileged user with a clean, empty home, who can use the test dockerd', async function () {
    const r = await ssh(sshd, knownHosts, 'id -u; echo "$HOME"; pwd; ls -A "$HOME" | wc -l; docker version --format "{{.Server.Version}}"');
    assert.equal(r.status, 0, r.stderr);
    const [uid, home, cwd, entries, serverVersion] = r.stdout.trim().split('\n');
    assert.notEqual(uid, '0', 'not root');
    assert.notEqual(sshd.user, 'root');
    assert.equal(home, path.join(sshd.dir, 'home'), 'a home of its own, in the server folder');
    assert.equal(cwd, home);
    assert.equal(entries, '0', 'nothing in it: no .bashrc or .profile from anywhere');
    assert.match(serverVersion ?? '', /^\d+\.\d+/, `docker over SSH reached the test daemon: ${r.stdout} ${r.stderr}`);
  });

  it('sshd: several host key types at once (one HostKey line each), each what ssh-keygen prints', async function () {
    const multi = await startSshd({ hostKeys: ['rsa', 'ecdsa', 'ed25519'] });
    try {
      assert.deepEqual(multi.hostKeys.map((k) => k.keyType), ['ssh-rsa', 'ecdsa-sha2-nistp256', 'ssh-ed25519']);
      const dir = await temp.make('realservices-multi-');
      const algorithms = { rsa: 'rsa-sha2-512', ecdsa: 'ecdsa-sha2-nistp256', ed25519: 'ssh-ed25519' } as const;
      for (const kind of ['rsa', 'ecdsa', 'ed25519'] as const) {
        const key = multi.hostKeyOf(kind);
        const printed = await run('ssh-keygen', ['-lf', `${key.path}.pub`]);
        assert.equal(printed.stdout.split(' ')[1], key.fingerprint);
        // OpenSSH's client, asking for this type only and knowing only this key: the server has it.
        const file = path.join(dir, kind);
        fs.writeFileSync(file, `${key.knownHostsLine}\n`);
        const r = await run('ssh', ['-o', `HostKeyAlgorithms=${algorithms[kind]}`, ...sshArgs(multi, file, 'echo ok')]);
        assert.equal(r.status, 0, `${kind}: ${r.stderr}`);
      }
    } finally {
      await multi.stop();
    }
  });

  it('sshd: the host key fingerprint and known_hosts line are what ssh-keygen prints', async function () {
    const printed = await run('ssh-keygen', ['-lf', `${sshd.hostKeyPath}.pub`]);
    assert.equal(printed.status, 0, printed.stderr);
    assert.equal(printed.stdout.split(' ')[1], sshd.hostKeyFingerprint);
    assert.match(sshd.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(sshd.knownHostsLine, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyPub}`);
    assert.match(sshd.hostKeyPub, /^ssh-ed25519 AAAA\S+$/);
    const found = await run('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', knownHosts]);
    assert.equal(found.status, 0, 'ssh-keygen -F finds the server in the known_hosts file');
  });

  it('busybox image: every linked command is in /bin, and importing again keeps the same image', async function () {
    const before = await imageId(dockerd, 'local/busybox:1');
    assert.ok(before, 'the image exists after ensureBusyboxImage');
    await ensureBusyboxImage(dockerd);
    assert.equal(await imageId(dockerd, 'local/busybox:1'), before, 'the second call keeps the image it found');
    const listing = await dockerCli(dockerd, ['run', '--rm', '--network', 'none', 'local/busybox:1', 'ls', '/bin']);
    const present = listing.split(/\s+/).filter(Boolean);
    for (const cmd of [...BUSYBOX_COMMANDS, 'busybox']) assert.ok(present.includes(cmd), `${cmd} in /bin: ${present.join(' ')}`);
  });

  it('a container labelled as a compose service prints 5 lines that docker logs shows', async function () {
    const id = await runContainer(dockerd, {
      name: 'shop-backend-oneshot',
      cmd: ['sh', '-c', 'for i in $(seq 1 5); do echo line $i; done'],
      labels: composeLabels('shop', 'backend'),
    });
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal((await dockerCli(dockerd, ['wait', id])).trim(), '0');
    const logs = await dockerCli(dockerd, ['logs', id]);
    assert.deepEqual(logs.split('\n').filter(Boolean), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    const labels = JSON.parse(await dockerCli(dockerd, ['inspect', '--format', '{{json .Config.Labels}}', id])) as Record<string, string>;
    assert.equal(labels['com.docker.compose.project'], 'shop');
    assert.equal(labels['com.docker.compose.service'], 'backend');
    const network = (await dockerCli(dockerd, ['inspect', '--format', '{{.HostConfig.NetworkMode}}', id])).trim();
    assert.equal(network, 'none');
  });

  it('a TTY container: docker logs has the raw terminal output (CRLF line ends)', async function () {
    const id = await runContainer(dockerd, { name: 'tty-one', cmd: ['sh', '-c', 'echo tty line'], tty: true });
    await dockerCli(dockerd, ['wait', id]);
    const logs = await dockerCli(dockerd, ['logs', id]);
    assert.equal(logs, 'tty line\r\n');
  });

  it('over SSH, docker ps (DOCKER_HOST from sshd SetEnv) lists a running compose service container', async function () {
    const id = await runContainer(dockerd, {
      name: 'shop-web-1',
      cmd: ['sh', '-c', 'while true; do date; sleep 1; done'],
      labels: composeLabels('shop', 'web'),
      restart: 'always',
    });
    const r = await ssh(sshd, knownHosts, `echo "$DOCKER_HOST"; docker ps --no-trunc --format '{{.ID}} {{.Names}} {{.Label "com.docker.compose.service"}}'`);
    assert.equal(r.status, 0, r.stderr);
    const [hostLine, ...rows] = r.stdout.trim().split('\n');
    assert.equal(hostLine, dockerd.dockerHost);
    assert.deepEqual(rows, [`${id} shop-web-1 web`]);
  });

  it('dockerd.restart() keeps the container list, brings restart:always containers back, and the old daemon is gone', async function () {
    const listAll = async (): Promise<string[]> => (await dockerCli(dockerd, ['ps', '-a', '-q', '--no-trunc'])).split('\n').filter(Boolean).sort();
    const beforeIds = await listAll();
    assert.ok(beforeIds.length >= 3, `containers before: ${beforeIds.length}`);
    const oldPid = dockerd.pid;
    const t = Date.now();
    await dockerd.restart();
    console.log(`      dockerd.restart(): ${Date.now() - t} ms`);
    assert.notEqual(dockerd.pid, oldPid);
    assert.equal(isAlive(oldPid), false, 'the first dockerd process is gone');
    assert.equal(await ping(dockerd.socketPath), true);
    assert.deepEqual(await listAll(), beforeIds);
    await waitFor('shop-web-1 running again', async () => (await dockerCli(dockerd, ['inspect', '--format', '{{.State.Running}}', 'shop-web-1'])).trim() === 'true');
  });

  it('password login (a created user) on a second sshd with an RSA host key; a wrong password is refused', async function () {
    // Per process: another run of this suite at the same time must not share (and delete) the user.
    const user = `idtest-${process.pid}`;
    const existedBefore = await userExists(user);
    const second = await startSshd({ hostKey: 'rsa', password: { user, password: 'corr3ct-horse' } });
    try {
      assert.match(second.hostKeyPub, /^ssh-rsa AAAA/);
      assert.notEqual(second.port, sshd.port);
      const login = (password: string): Promise<string> =>
        new Promise((resolve, reject) => {
          const client = new Client();
          let seenKey = '';
          client
            .on('ready', () => {
              client.exec('echo hello $(id -un)', (err, stream) => {
                if (err) return reject(err);
                let out = '';
                stream.on('data', (d: Buffer) => (out += d.toString()));
                stream.stderr.on('data', () => undefined);
                stream.on('close', () => {
                  client.end();
                  resolve(`${seenKey} ${out.trim()}`);
                });
              });
            })
            .on('error', (e) => reject(e))
            .connect({
              host: second.host,
              port: second.port,
              username: user,
              password,
              tryKeyboard: false,
              hostVerifier: (key: Buffer) => {
                seenKey = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
                return seenKey === second.hostKeyFingerprint;
              },
            });
        });
      assert.equal(await login('corr3ct-horse'), `${second.hostKeyFingerprint} hello ${user}`);
      await assert.rejects(login('wrong'), /authentication methods failed/);
      await waitFor('the refused attempt in the log', () => second.readLog().includes(`Failed password for ${user}`));
      assert.match(second.readLog(), new RegExp(`Accepted password for ${user}`));
    } finally {
      await second.stop();
    }
    assert.equal(await userExists(user), existedBefore, 'a user the helper created is removed again');
  });

  it('dropConnections() cuts a running ssh session; the server keeps listening', async function () {
    const child = spawn('ssh', sshArgs(sshd, knownHosts, 'echo started; sleep 60'), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor('the remote command to start', () => out.includes('started'));
    assert.ok((await sshd.dropConnections()) > 0);
    assert.equal(await exited, 255, 'ssh reports the lost connection');
    const again = await ssh(sshd, knownHosts, 'echo ok');
    assert.equal(again.stdout, 'ok\n', again.stderr);
  });

  it('restartWithNewHostKey(): same port, ssh refuses with "host key changed" and no authentication reaches the server', async function () {
    const port = sshd.port;
    const oldFingerprint = sshd.hostKeyFingerprint;
    await sshd.restartWithNewHostKey();
    assert.equal(sshd.port, port);
    assert.notEqual(sshd.hostKeyFingerprint, oldFingerprint);
    const logBefore = sshd.readLog().length;
    const r = await ssh(sshd, knownHosts, 'echo ok');
    assert.equal(r.status, 255);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.match(r.stderr, /Host key verification failed/);
    assert.ok(r.stderr.includes(sshd.hostKeyFingerprint), 'ssh shows the new fingerprint');
    const attemptLog = sshd.readLog().slice(logBefore);
    assert.match(attemptLog, /Connection from 127\.0\.0\.1/, 'the connection did reach sshd');
    assert.doesNotMatch(attemptLog, /publickey|Accepted|Failed|Postponed/, 'but no authentication attempt did');
    // With the new line the same client gets in again.
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    const ok = await ssh(sshd, knownHosts, 'echo ok');
    assert.equal(ok.stdout, 'ok\n', ok.stderr);
  });

  it('process registry: SIGTERM first, SIGKILL (to the process group too) for one that ignores it', async function () {
    const stubborn = processes.spawn('stubborn', 'sh', ['-c', 'trap "" TERM; while :; do sleep 0.1; done'], { stopTimeoutMs: 300 });
    await sleep(200);
    assert.equal(isAlive(stubborn.pid), true);
    const group = descendantsOf(stubborn.pid);
    const t = Date.now();
    await stubborn.stop();
    assert.ok(Date.now() - t >= 300, 'it was given the SIGTERM grace period');
    assert.equal(stubborn.exitStatus, -1, 'killed by a signal');
    assert.equal(isAlive(stubborn.pid), false);
    for (const pid of group) assert.equal(isAlive(pid), false, `child ${pid} gone with its group`);
    assert.equal(processes.list().includes(stubborn), false);
  });

  for (const ending of ['exit', 'SIGTERM', 'SIGINT'] as const) {
    it(`process registry: a daemon is stopped when the Node process that started it ends by ${ending}`, async function () {
      const registryJs = require.resolve('../../services/processes');
      const script = `
        const { processes } = require(${JSON.stringify(registryJs)});
        const p = processes.spawn('sleeper', 'sleep', ['300']);
        process.stdout.write(p.pid + '\\n');
        process.stdin.once('data', () => process.exit(0));
      `;
      const node = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => node.on('exit', (code, sig) => resolve([code, sig])));
      let out = '';
      node.stdout.on('data', (d: Buffer) => (out += d.toString()));
      let pid = 0;
      try {
        await waitFor('the daemon pid', () => out.includes('\n'));
        pid = Number(out.trim());
        assert.equal(isAlive(pid), true);
        if (ending === 'exit') node.stdin.write('exit now\n');
        else node.kill(ending);
        const [code, sig] = await Promise.race([ended, sleep(15_000).then(() => ['still running', null] as const)]);
        if (ending === 'exit') assert.equal(code, 0);
        else assert.equal(sig, ending, `the signal still ends the process after the cleanup (exit: ${code})`);
        assert.equal(isAlive(pid), false, `sleep ${pid} was stopped`);
      } finally {
        // A failed assertion must not leave either process behind: both were started by this test.
        if (isAlive(node.pid as number)) node.kill('SIGKILL');
        if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    });
  }

  it('a test process killed by SIGTERM with sshd and dockerd running leaves no daemon and no folder', async function () {
    const script = `
      const { startSshd } = require(${JSON.stringify(require.resolve('../../services/sshd'))});
      const { startDockerd } = require(${JSON.stringify(require.resolve('../../services/dockerd'))});
      (async () => {
        const d = await startDockerd();
        const s = await startSshd({ dockerHost: d.dockerHost });
        process.stdout.write(JSON.stringify({ pids: [s.pid, d.pid, d.containerdPid], dirs: [s.dir, d.runDir], user: s.user }) + '\\n');
        setInterval(() => {}, 1000);
      })().catch((e) => { console.error(e); process.exit(3); });
    `;
    const node = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => node.on('exit', (_code, sig) => resolve(sig)));
    let out = '';
    node.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the services to start', () => out.includes('\n'), 60_000);
      const started = JSON.parse(out) as { pids: number[]; dirs: string[]; user: string };
      for (const pid of started.pids) assert.equal(isAlive(pid), true);
      node.kill('SIGTERM');
      assert.equal(await ended, 'SIGTERM');
      for (const pid of started.pids) assert.equal(isAlive(pid), false, `pid ${pid} stopped`);
      for (const dir of started.dirs) assert.equal(fs.existsSync(dir), false, `${dir} removed`);
      assert.equal(await userExists(started.user), false, `the test user ${started.user} removed`);
    } finally {
      if (isAlive(node.pid as number)) node.kill('SIGKILL');
    }
  });

  it('stop() leaves no process, socket or folder behind (run last)', async function () {
    const pids = { sshd: sshd.pid, dockerd: dockerd.pid, containerd: dockerd.containerdPid };
    const shims = processesMentioning(dockerd.containerdSocketPath).filter((pid) => !Object.values(pids).includes(pid));
    assert.ok(shims.length > 0, 'the running shop-web-1 container has a shim');
    const sessions = descendantsOf(sshd.pid);
    let t = Date.now();
    await sshd.stop();
    const sshdStop = Date.now() - t;
    t = Date.now();
    await dockerd.stop();
    console.log(`      stop (ms): sshd ${sshdStop}, dockerd ${Date.now() - t}`);
    for (const [name, pid] of Object.entries(pids)) assert.equal(isAlive(pid), false, `${name} (pid ${pid}) gone`);
    for (const pid of [...shims, ...sessions]) assert.equal(isAlive(pid), false, `pid ${pid} gone`);
    assert.deepEqual(processesMentioning(dockerd.containerdSocketPath), []);
    assert.equal(fs.existsSync(dockerd.socketPath), false);
    assert.equal(fs.existsSync(dockerd.runDir), false);
    assert.equal(fs.existsSync(sshd.dir), false);
    assert.equal(await userExists(sshd.user), false, `the test user ${sshd.user} was removed`);
    assert.equal((await run('ssh', sshArgs(sshd, knownHosts, 'true'), 10_000)).status, 255, 'nothing listens on the port');
    assert.match(sshd.readLog(), /Received signal 15; terminating/, 'the log is still readable after stop');
    const ours = [...Object.values(pids)];
    assert.deepEqual(processes.list().filter((p) => ours.includes(p.pid)), [], 'the registry forgot them');
  });
});
