// The Local Docker engine against real parts: a real dockerd listening on 127.0.0.1 with
// --tlsverify (certificates made by openssl here), another on plain tcp, and a real sshd whose
// sessions reach a daemon through `docker system dial-stdio`. The endpoint comes from the process
// environment and the docker CLI's config folder, as in the extension host, so each case also says
// what the code did before (docker-modem reading DOCKER_HOST on its own).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { type DockerClient, type DockerTarget, type DockerTunnel, createDockerClient } from '../../../../src/services/docker/dockerClient';
import { type SshDockerEndpoint, sshEndpointProfile } from '../../../../src/services/docker/dockerEndpoint';
import { DockerError } from '../../../../src/services/docker/dockerError';
import type { HostKeyAnswer, HostKeyQuestion } from '../../../../src/services/ssh/hostKeyVerifier';
import { connectSsh } from '../../../../src/services/ssh/sshConnection';
import { SshError } from '../../../../src/services/ssh/sshError';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import { ensureBusyboxImage } from '../../../services/busyboxImage';
import { runContainer } from '../../../services/containers';
import { type Dockerd, dockerCli, startDockerd } from '../../../services/dockerd';
import { type TestCertificates, makeCertificates } from '../../../services/tlsCertificates';
import { type ManagedProcess, processes, sleep } from '../../../services/processes';
import { type Sshd, freePort, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';

/** sshd log lines that mean an authentication request reached the server. */
const AUTH_LINE = /publickey|password|keyboard-interactive|hostbased|Accepted|Failed|Postponed|Invalid user|authenticating user|userauth/i;
const DOCKER_VARS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONFIG', 'SSH_AUTH_SOCK'] as const;
type DockerVars = Partial<Record<(typeof DOCKER_VARS)[number], string>>;

/** A docker context as `docker context create` stores it: meta.json under the sha256 of its name, TLS files beside it. */
async function writeContext(configDir: string, name: string, host: string, tlsFrom?: string): Promise<void> {
  const id = createHash('sha256').update(name).digest('hex');
  await fsp.mkdir(path.join(configDir, 'contexts', 'meta', id), { recursive: true });
  await fsp.writeFile(path.join(configDir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  if (!tlsFrom) return;
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  await fsp.mkdir(tlsDir, { recursive: true });
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await fsp.copyFile(path.join(tlsFrom, f), path.join(tlsDir, f));
}

describe('Local Docker engine: every connection verifies its host (real dockerd with TLS and plain tcp, real sshd)', function () {
  this.timeout(240_000);
  const temp = new TempDirs();
  let dir: string;
  let tlsDockerd: Dockerd;
  let plainDockerd: Dockerd;
  let sshd: Sshd;
  let agentProcess: ManagedProcess | undefined;
  let agentSocket: string;
  let good: TestCertificates;
  let other: TestCertificates;
  const tlsName = `ide-tls-${process.pid}`;
  const plainName = `ide-plain-${process.pid}`;
  const saved: DockerVars = {};
  const clients: DockerClient[] = [];

  before(async function () {
    dir = await temp.make('ide-endpoint-');
    good = await makeCertificates(dir, 'good');
    other = await makeCertificates(dir, 'other');
    tlsDockerd = await startDockerd({ tcp: { port: await freePort(), tls: { ca: good.ca, cert: good.serverCert, key: good.serverKey } } });
    plainDockerd = await startDockerd({ tcp: { port: await freePort() } });
    for (const d of [tlsDockerd, plainDockerd]) await ensureBusyboxImage(d);
    await runContainer(tlsDockerd, { name: tlsName, cmd: ['sleep', '600'] });
    await runContainer(plainDockerd, { name: plainName, cmd: ['sleep', '600'] });
    // Remote `docker system dial-stdio` on this sshd reaches the plain daemon's unix socket.
    sshd = await startSshd({ dockerHost: plainDockerd.dockerHost });
    // An ssh-agent holding the user key: what docker-modem's own ssh client logs in with.
    agentSocket = path.join(dir, 'agent.sock');
    agentProcess = processes.spawn('ssh-agent', 'ssh-agent', ['-D', '-a', agentSocket], { logPath: path.join(dir, 'agent.log') });
    for (let i = 0; !existsSync(agentSocket); i++) {
      if (!agentProcess.running || i > 200) throw new Error('ssh-agent did not start');
      await sleep(25);
    }
    execFileSync('ssh-add', [sshd.userKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: 'pipe' });
    for (const name of DOCKER_VARS) saved[name] = process.env[name];
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.dispose();
    for (const name of DOCKER_VARS) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  after(async () => {
    await agentProcess?.stop();
    if (tlsDockerd) await dockerCli(tlsDockerd, ['rm', '-f', tlsName]).catch(() => undefined);
    if (plainDockerd) await dockerCli(plainDockerd, ['rm', '-f', plainName]).catch(() => undefined);
    await sshd?.stop();
    await tlsDockerd?.stop();
    await plainDockerd?.stop();
    await temp.cleanup();
  });

  /** The extension host's environment for this case; DOCKER_CONFIG always points at a private folder, never the real ~/.docker. */
  async function environment(vars: DockerVars): Promise<string> {
    const configDir = vars.DOCKER_CONFIG ?? (await fsp.mkdtemp(path.join(dir, 'docker-config-')));
    for (const name of DOCKER_VARS) delete process.env[name];
    Object.assign(process.env, { ...vars, DOCKER_CONFIG: configDir });
    return configDir;
  }

  async function connect(target: DockerTarget): Promise<DockerClient> {
    const client = await createDockerClient(target);
    clients.push(client);
    return client;
  }

  async function names(client: DockerClient): Promise<string[]> {
    return (await client.listContainers({ all: true }, { timeoutMs: 15_000 })).map((c) => c.name);
  }

  async function failure(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      (v) => assert.fail(`expected a failure, but it succeeded: ${v === undefined ? '(no value)' : JSON.stringify(v)}`),
      (e: unknown) => e,
    );
  }

  describe('tcp:// with TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
    it('connects to the --tlsverify daemon with the certificates in DOCKER_CERT_PATH', async () => {
      await environment({ DOCKER_HOST: tlsDockerd.tcpHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: good.clientDir });
      assert.deepEqual(await names(await connect({ kind: 'local' })), [tlsName]);
    });

    it("fails closed with a wrong CA: a typed DockerError 'tls', not a retried 'unreachable'", async () => {
      const wrong = path.join(dir, 'wrong-ca');
      await fsp.mkdir(wrong, { recursive: true });
      // Our valid client certificate, but a CA that did not sign the server's certificate.
      for (const f of ['cert.pem', 'key.pem']) await fsp.copyFile(path.join(good.clientDir, f), path.join(wrong, f));
      await fsp.copyFile(other.ca, path.join(wrong, 'ca.pem'));
      await environment({ DOCKER_HOST: tlsDockerd.tcpHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: wrong });
      const client = await connect({ kind: 'local' });
      const e = await failure(client.ping({ timeoutMs: 15_000 }));
      assert.ok(DockerError.is(e, 'tls'), `DockerError 'tls', got ${String(e)} (${(e as DockerError).reason})`);
      assert.match(e.message, /TLS failed/);
      assert.equal(((e as Error).cause as NodeJS.ErrnoException).code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    });

    it('a client certificate the daemon did not issue is refused by the daemon: DockerError tls', async () => {
      await environment({ DOCKER_HOST: tlsDockerd.tcpHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: other.clientDir });
      // other.clientDir's ca.pem does not sign the server either: give it the right CA, keep the foreign client certificate.
      await fsp.copyFile(good.ca, path.join(other.clientDir, 'ca.pem'));
      const e = await failure(connect({ kind: 'local' }).then((c) => c.ping({ timeoutMs: 15_000 })));
      assert.ok(DockerError.is(e, 'tls'), `DockerError 'tls', got ${String(e)} (${(e as DockerError).reason})`);
    });

    it('a docker context with tcp:// and its TLS files connects with verification', async () => {
      const configDir = await environment({});
      await writeContext(configDir, 'tls-ctx', tlsDockerd.tcpHost!, good.clientDir);
      await fsp.writeFile(path.join(configDir, 'config.json'), JSON.stringify({ currentContext: 'tls-ctx' }));
      assert.deepEqual(await names(await connect({ kind: 'local' })), [tlsName]);
    });
  });

  describe('plain tcp:// (no TLS)', () => {
    it('is refused without incidentDesk.docker.allowInsecureTcp, before any request', async () => {
      await environment({ DOCKER_HOST: plainDockerd.tcpHost });
      const e = await failure(connect({ kind: 'local', endpoint: { insecureTcpSetting: 'incidentDesk.docker.allowInsecureTcp' } }).then((c) => c.listContainers({ all: true })));
      assert.ok(DockerError.is(e, 'refused'), `DockerError 'refused', got ${String(e)}`);
      assert.match(e.message, /plain-text, unauthenticated.*incidentDesk\.docker\.allowInsecureTcp/);
    });

    it('works with the setting, and says so (a warning) before the first request', async () => {
      await environment({ DOCKER_HOST: plainDockerd.tcpHost });
      const warnings: string[] = [];
      const client = await connect({ kind: 'local', endpoint: { allowInsecureTcp: true }, onInsecure: (m) => warnings.push(m) });
      assert.equal(warnings.length, 1, 'one warning');
      assert.match(warnings[0]!, new RegExp(`tcp://127\\.0\\.0\\.1:\\d+ \\(plain text, unauthenticated\\)`));
      assert.deepEqual(await names(client), [plainName]);
    });

    it('a docker context with plain tcp:// is refused the same way (today: ignored, the default socket used instead)', async () => {
      const configDir = await environment({});
      await writeContext(configDir, 'plain-ctx', plainDockerd.tcpHost!);
      process.env.DOCKER_CONTEXT = 'plain-ctx';
      const e = await failure(connect({ kind: 'local' }).then((c) => c.ping({ timeoutMs: 5000 })));
      assert.ok(DockerError.is(e, 'refused'), `DockerError 'refused', got ${String(e)}`);
      assert.match(e.message, /context "plain-ctx" \(from DOCKER_CONTEXT\)/);
    });
  });

  describe('ssh:// through the verified SSH path (same known_hosts, same question, same login)', () => {
    interface SshWorld {
      readonly knownHosts: string;
      readonly asked: HostKeyQuestion[];
      answer: HostKeyAnswer;
      target(): DockerTarget;
    }

    /** ~/.ssh/config with an alias for the test sshd, a known_hosts with `lines`, and the dialer the HostsController gives createDockerClient. */
    async function sshWorld(lines: string[]): Promise<SshWorld> {
      const home = await fsp.mkdtemp(path.join(dir, 'home-'));
      const knownHosts = path.join(home, 'known_hosts');
      await fsp.writeFile(knownHosts, lines.map((l) => `${l}\n`).join(''));
      const sshConfig = ['Host docker-box', '  HostName 127.0.0.1', `  Port ${sshd.port}`, `  User ${sshd.user}`, `  IdentityFile ${sshd.userKeyPath}`, ''].join('\n');
      const trustStore = new TrustStore(path.join(home, 'store', 'known_hosts'), { protectedFiles: [knownHosts] });
      const w: SshWorld = {
        knownHosts,
        asked: [],
        answer: 'reject',
        target: () => ({
          kind: 'local',
          ssh: async (endpoint: SshDockerEndpoint): Promise<DockerTunnel> => {
            const profile = sshEndpointProfile(endpoint, sshConfig, { homeDir: home, localUser: sshd.user });
            const conn = await connectSsh(profile, {
              hostKey: { knownHostsFiles: [knownHosts], trustStore, ask: async (q) => (w.asked.push(q), w.answer) },
              agentSocket,
              homeDir: home,
              readyTimeoutMs: 15_000,
            });
            const agent = conn.dockerAgent();
            return { agent, release: () => (agent.destroy(), conn.end()) };
          },
        }),
      };
      return w;
    }

    function strangerKeyLine(): string {
      const file = path.join(dir, `stranger-${Math.random().toString(36).slice(2)}`);
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'pipe' });
      const pub = execFileSync('cat', [`${file}.pub`], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ');
      return `[127.0.0.1]:${sshd.port} ${pub}`;
    }

    function assertNoAuth(logOffset: number): void {
      const log = sshd.readLog().slice(logOffset);
      assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], 'no authentication attempt reached sshd');
    }

    it('an unknown host key is asked about and refused when the answer is no, before any login (even with a key in ssh-agent)', async () => {
      const w = await sshWorld([]);
      await environment({ DOCKER_HOST: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, SSH_AUTH_SOCK: agentSocket });
      const offset = sshd.readLog().length;
      const e = await failure(connect(w.target()).then((c) => c.listContainers({ all: true }, { timeoutMs: 15_000 })));
      assert.ok(DockerError.is(e, 'permission'), `DockerError 'permission', got ${String(e)}`);
      assert.ok(SshError.is(e.cause, 'hostKeyRejected'), `caused by SshError hostKeyRejected, got ${String(e.cause)}`);
      assert.deepEqual(w.asked.map((q) => [q.host, q.port, q.fingerprint]), [['127.0.0.1', sshd.port, sshd.hostKeyFingerprint]]);
      assertNoAuth(offset);
    });

    it('an unknown host key answered "trust once" connects (an ~/.ssh/config alias, resolved as ssh would)', async () => {
      const w = await sshWorld([]);
      w.answer = 'once';
      await environment({ DOCKER_HOST: 'ssh://docker-box' });
      assert.deepEqual(await names(await connect(w.target())), [plainName]);
      assert.equal(w.asked.length, 1);
    });

    it('a changed host key is refused without a question, before authentication', async () => {
      const w = await sshWorld([strangerKeyLine()]);
      await environment({ DOCKER_HOST: 'ssh://docker-box', SSH_AUTH_SOCK: agentSocket });
      const offset = sshd.readLog().length;
      const e = await failure(connect(w.target()).then((c) => c.ping({ timeoutMs: 15_000 })));
      assert.ok(DockerError.is(e, 'permission'), `DockerError 'permission', got ${String(e)}`);
      assert.ok(SshError.is(e.cause, 'hostKeyChanged'), `caused by SshError hostKeyChanged, got ${String(e.cause)}`);
      assert.deepEqual(w.asked, [], 'a changed key is not a question');
      assertNoAuth(offset);
    });

    it('a known host key connects without a question and reaches the daemon behind the host', async () => {
      const w = await sshWorld([sshd.knownHostsLine]);
      await environment({ DOCKER_HOST: 'ssh://docker-box' });
      assert.deepEqual(await names(await connect(w.target())), [plainName]);
      assert.deepEqual(w.asked, []);
    });

    /** ~/.docker/config.json's currentContext naming a context whose endpoint is ssh://docker-box. */
    async function sshContext(): Promise<void> {
      const configDir = await environment({ SSH_AUTH_SOCK: agentSocket });
      await writeContext(configDir, 'vps', 'ssh://docker-box');
      await fsp.writeFile(path.join(configDir, 'config.json'), JSON.stringify({ currentContext: 'vps' }));
    }

    it('the current docker context pointing at ssh:// is honoured: known key works', async () => {
      const w = await sshWorld([sshd.knownHostsLine]);
      await sshContext();
      assert.deepEqual(await names(await connect(w.target())), [plainName]);
    });

    it('the current docker context pointing at ssh:// is honoured: changed key refused before authentication, unknown key asked and refused', async () => {
      await sshContext();
      const changed = await sshWorld([strangerKeyLine()]);
      let offset = sshd.readLog().length;
      let e = await failure(connect(changed.target()).then((c) => c.ping({ timeoutMs: 15_000 })));
      assert.ok(DockerError.is(e, 'permission') && SshError.is(e.cause, 'hostKeyChanged'), `hostKeyChanged, got ${String(e)}`);
      assertNoAuth(offset);
      const unknown = await sshWorld([]);
      offset = sshd.readLog().length;
      e = await failure(connect(unknown.target()).then((c) => c.ping({ timeoutMs: 15_000 })));
      assert.ok(DockerError.is(e, 'permission') && SshError.is(e.cause, 'hostKeyRejected'), `hostKeyRejected, got ${String(e)}`);
      assert.equal(unknown.asked.length, 1);
      assertNoAuth(offset);
    });

    it('without the verified SSH path (no dialer), an ssh:// endpoint is refused, never dialled another way', async () => {
      await environment({ DOCKER_HOST: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, SSH_AUTH_SOCK: agentSocket });
      const offset = sshd.readLog().length;
      const e = await failure(connect({ kind: 'local' }).then((c) => c.ping({ timeoutMs: 15_000 })));
      assert.ok(DockerError.is(e, 'refused'), `DockerError 'refused', got ${String(e)}`);
      assert.doesNotMatch(sshd.readLog().slice(offset), /Connection from|Accepted/);
    });
  });
});
