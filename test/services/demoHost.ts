// npm start's demo host, also for tests: a private Docker engine (dockerd.ts: own data-root and
// sockets, no bridge), a loopback sshd (sshd.ts) with its own host key (kept in the state folder,
// so it stays the same across starts) and an unprivileged login user whose sessions reach that
// engine (DOCKER_HOST), an ssh-agent holding the login key (the extension authenticates through
// it: no key path in settings), a git daemon on loopback serving the demo repository's origin (the
// login user cannot read the sandbox: it is in the project's owner's home), and on the host a work
// dir cloned by the login user from that origin, at the commit the ledger says is live, running
// checkout-api with docker-compose. Everything is started through the process registry, so stop() (or this process
// exiting) stops it by pid.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBusyboxImage } from './busyboxImage';
import { type Dockerd, dockerCli, startDockerd } from './dockerd';
import { DEMO_COMPOSE_FILE, DEMO_HOST_NAME, DEMO_SERVICE, demoLiveCommit } from './demoRepo';
import { type ManagedProcess, processes, sleep } from './processes';
import { type Sshd, freePort, startSshd } from './sshd';

export interface DemoHostOptions {
  /** The demo workspace's repository (createDemoRepository): what is live is read from its ledger. */
  readonly workspace: string;
  /** Its bare origin, which the host's work dir is cloned from and fetches from. */
  readonly origin: string;
  /** Kept across starts: the host key and the known_hosts file naming it. */
  readonly stateDir: string;
  /** One line per phase, with its time. */
  readonly log?: (line: string) => void;
}

/** The `incidentDesk.hosts[]` entry for the demo host. */
export interface DemoHostProfile {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly workDir: string;
  readonly composeFile: string;
  readonly healthUrl: string;
  readonly service: string;
}

export interface DemoHost {
  readonly sshd: Sshd;
  readonly dockerd: Dockerd;
  /** For SSH_AUTH_SOCK: the agent holding the login key. */
  readonly agentSocket: string;
  readonly agentPid: number;
  /** `[127.0.0.1]:PORT ssh-ed25519 …`, also written to `knownHostsFile`. */
  readonly knownHostsFile: string;
  readonly profile: DemoHostProfile;
  /** The app on the host's loopback (this machine's: the container shares the host's network). */
  readonly appUrl: string;
  /** The commit the work dir was checked out at. */
  readonly liveCommit: string;
  /** `git://127.0.0.1:PORT/<origin's name>`: the work dir's origin. */
  readonly originUrl: string;
  readonly gitDaemonPid: number;
  /** Runs `command` on the host as the login user with the system ssh client (agent, StrictHostKeyChecking=yes). */
  ssh(command: string): Promise<string>;
  /** Removes the app's containers, then stops the agent, sshd (its user and home go with it) and the engine. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the demo host; on a failure, stops what it had started and throws. */
export async function startDemoHost(opts: DemoHostOptions): Promise<DemoHost> {
  const log = opts.log ?? (() => undefined);
  const phase = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const value = await fn();
    log(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return value;
  };
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const live = await demoLiveCommit(opts.workspace);
  let dockerd: Dockerd | undefined;
  let sshd: Sshd | undefined;
  let agent: ManagedProcess | undefined;
  let gitDaemon: ManagedProcess | undefined;
  let agentDir: string | undefined;
  let cancelAgentDirCleanup: (() => void) | undefined;
  try {
    dockerd = await phase('Docker engine started, busybox image loaded', async () => {
      const d = await startDockerd();
      await ensureBusyboxImage(d);
      return d;
    });
    const engine = dockerd;
    const hostKey = path.join(opts.stateDir, 'ssh_host_ed25519_key');
    if (!fs.existsSync(hostKey) || !fs.existsSync(`${hostKey}.pub`)) {
      fs.rmSync(hostKey, { force: true });
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'incident-desk-demo-host', '-f', hostKey], { stdio: 'pipe' });
    }
    sshd = await phase('sshd started', () => startSshd({ dockerHost: engine.dockerHost, hostKey, userPrefix: 'demo' }));
    const server = sshd;
    const knownHostsFile = path.join(opts.stateDir, 'known_hosts');
    fs.writeFileSync(knownHostsFile, `${server.knownHostsLine}\n`);

    agentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idd-agent-'));
    const socketDir = agentDir;
    // Also when this process exits without stop() (npm start's Ctrl-C): the registry runs it after stopping the agent.
    cancelAgentDirCleanup = processes.atExit(() => fs.rmSync(socketDir, { recursive: true, force: true }));
    const agentSocket = path.join(agentDir, 'agent.sock');
    agent = await phase('ssh-agent started with the login key', async () => {
      const a = processes.spawn('ssh-agent', 'ssh-agent', ['-D', '-a', agentSocket], { logPath: path.join(agentDir!, 'agent.log'), stopTimeoutMs: 3000 });
      for (let i = 0; !fs.existsSync(agentSocket); i++) {
        if (!a.running || i > 100) throw new Error(`ssh-agent did not make ${agentSocket}`);
        await sleep(50);
      }
      execFileSync('ssh-add', ['-q', server.userKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: 'pipe' });
      return a;
    });
    // The login key is in the agent now: only the agent logs in from here on.
    fs.rmSync(server.userKeyPath, { force: true });

    const gitPort = await freePort();
    const originUrl = `git://127.0.0.1:${gitPort}/${path.basename(opts.origin)}`;
    gitDaemon = await phase(`git daemon serving the origin at ${originUrl}`, async () => {
      // Only this repository (--strict-paths), read-only (upload-pack is the only service on by default).
      const args = ['daemon', '--listen=127.0.0.1', `--port=${gitPort}`, '--reuseaddr', '--export-all', '--informative-errors', `--base-path=${path.dirname(opts.origin)}`, '--strict-paths', opts.origin];
      const d = processes.spawn('git-daemon', 'git', args, { logPath: path.join(opts.stateDir, 'git-daemon.log'), stopTimeoutMs: 3000 });
      for (let i = 0; !(await listening(gitPort)); i++) {
        if (!d.running || i > 100) throw new Error(`git daemon did not listen on 127.0.0.1:${gitPort} (see ${path.join(opts.stateDir, 'git-daemon.log')})`);
        await sleep(50);
      }
      return d;
    });
    const ssh = (command: string): Promise<string> => sshCommand(server, knownHostsFile, agentSocket, command);
    const appPort = await freePort();
    const workDir = path.join(await ssh('printf %s "$HOME"'), 'checkout');
    await phase(`work dir cloned at ${live.slice(0, 12)}, ${DEMO_SERVICE} up`, async () => {
      const q = shellQuote;
      await ssh(
        [
          `git clone -q ${q(originUrl)} ${q(workDir)}`,
          `cd ${q(workDir)}`,
          `git checkout -q --detach ${q(live)}`,
          `printf 'APP_PORT=%s\\n' ${appPort} > app/.env`,
          // `docker compose` as runbooks write it: Debian has only docker-compose 1.29, behind the v2 command here.
          `mkdir -p ~/.docker/cli-plugins && printf %s ${q(COMPOSE_PLUGIN)} > ~/.docker/cli-plugins/docker-compose && chmod 755 ~/.docker/cli-plugins/docker-compose`,
          `docker-compose -f ${q(DEMO_COMPOSE_FILE)} up -d 2>&1`,
        ].join(' && '),
      );
      await waitForHttp(`http://127.0.0.1:${appPort}/version`, 30_000);
    });
    const profile: DemoHostProfile = {
      name: DEMO_HOST_NAME,
      host: server.host,
      port: server.port,
      user: server.user,
      workDir,
      composeFile: DEMO_COMPOSE_FILE,
      healthUrl: `http://127.0.0.1:${appPort}/health`,
      service: DEMO_SERVICE,
    };
    let stopped = false;
    const started = { dockerd: engine, sshd: server, agent, gitDaemon, agentDir, cancelAgentDirCleanup };
    return {
      sshd: server,
      dockerd: engine,
      agentSocket,
      agentPid: agent.pid,
      knownHostsFile,
      profile,
      appUrl: `http://127.0.0.1:${appPort}/`,
      liveCommit: live,
      originUrl,
      gitDaemonPid: gitDaemon.pid,
      ssh,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll(started);
      },
    };
  } catch (e) {
    await stopAll({ dockerd, sshd, agent, gitDaemon, agentDir, cancelAgentDirCleanup });
    throw e;
  }
}

/** A docker CLI plugin that runs docker-compose (v1) for `docker compose …`. */
const COMPOSE_PLUGIN = [
  '#!/bin/sh',
  'if [ "$1" = docker-cli-plugin-metadata ]; then',
  '  echo \'{"SchemaVersion":"0.1.0","Vendor":"Incident Desk demo host","Version":"1.29.2","ShortDescription":"Docker Compose (docker-compose 1.29)"}\'',
  '  exit 0',
  'fi',
  'shift',
  'exec docker-compose "$@"',
  '',
].join('\n');

interface Parts {
  dockerd?: Dockerd;
  sshd?: Sshd;
  agent?: ManagedProcess;
  gitDaemon?: ManagedProcess;
  agentDir?: string;
  cancelAgentDirCleanup?: () => void;
}

async function stopAll(parts: Parts): Promise<void> {
  const { dockerd, sshd, agent, agentDir } = parts;
  if (dockerd) {
    // Every container of this private engine is the demo's: removed (SIGKILL) rather than left to dockerd's 10 s stop.
    const ids = (await dockerCli(dockerd, ['ps', '-aq']).catch(() => '')).split('\n').filter(Boolean);
    if (ids.length > 0) await dockerCli(dockerd, ['rm', '-f', ...ids]).catch(() => undefined);
  }
  await agent?.stop();
  await parts.gitDaemon?.stop();
  if (agentDir) fs.rmSync(agentDir, { recursive: true, force: true });
  parts.cancelAgentDirCleanup?.();
  await sshd?.stop();
  await dockerd?.stop();
}

/** The system ssh client as a user would run it: the agent, this known_hosts only, strict checking. */
function sshCommand(sshd: Sshd, knownHostsFile: string, agentSocket: string, command: string): Promise<string> {
  const args = [
    '-F', '/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'IdentityFile=none',
    '-p', String(sshd.port),
    `${sshd.user}@${sshd.host}`,
    command,
  ];
  return new Promise((resolve, reject) => {
    execFile('ssh', args, { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ssh ${sshd.user}@${sshd.host}:${sshd.port} ${command}: ${err.message}\n${stderr}${stdout}`));
      else resolve(stdout);
    });
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** GET `url` until it answers (any status), or throw after `timeoutMs`. */
async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await new Promise<number | undefined>((resolve) => {
      const req = http.get(url, { timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
    });
    if (status !== undefined) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** Fetches `url` from here: status and body. */
export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}
