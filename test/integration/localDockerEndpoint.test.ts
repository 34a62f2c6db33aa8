// The Local Docker engine in the real extension host: the endpoint the docker CLI would use
// (here DOCKER_HOST of this process), wired through the HostsController. ssh:// rides the
// verified SSH connection with the incidentDesk.ssh.knownHostsFiles of the settings; plain tcp://
// waits for incidentDesk.docker.allowInsecureTcp. A real dockerd (also on 127.0.0.1 tcp) and a real
// sshd, started here and stopped by pid.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ensureBusyboxImage } from '../services/busyboxImage';
import { runContainer } from '../services/containers';
import { type Dockerd, startDockerd } from '../services/dockerd';
import { type ManagedProcess, processes } from '../services/processes';
import { type Sshd, freePort, startSshd } from '../services/sshd';
import { type TestCertificates, makeCertificates } from '../services/tlsCertificates';
import { localDockerItem, tooltipText, waitFor } from './helpers';

const AUTH_LINE = /publickey|password|keyboard-interactive|Accepted|Failed|Postponed|authenticating user|userauth/i;
const VARS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'SSH_AUTH_SOCK'] as const;

describe('Local Docker engine endpoint in the extension host (real dockerd on tcp, real sshd)', function () {
  this.timeout(120_000);
  let dockerd: Dockerd;
  let tlsDockerd: Dockerd;
  let certs: TestCertificates;
  let sshd: Sshd;
  let agent: ManagedProcess | undefined;
  let tmp: string;
  let knownHosts: string;
  const saved = new Map<string, string | undefined>();
  const container = 'local-endpoint-1';

  before(async () => {
    for (const v of VARS) saved.set(v, process.env[v]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-local-endpoint-'));
    dockerd = await startDockerd({ tcp: { port: await freePort() } });
    await ensureBusyboxImage(dockerd);
    await runContainer(dockerd, { name: container, cmd: ['sh', '-c', 'while true; do echo tick; sleep 1; done'] });
    certs = await makeCertificates(tmp, 'tls');
    tlsDockerd = await startDockerd({ tcp: { port: await freePort(), tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } } });
    await ensureBusyboxImage(tlsDockerd);
    await runContainer(tlsDockerd, { name: container, cmd: ['sh', '-c', 'while true; do echo tick; sleep 1; done'] });
    sshd = await startSshd({ dockerHost: dockerd.dockerHost });
    // The login key comes from an ssh-agent of our own (the URL names no identity file).
    const socket = path.join(tmp, 'agent.sock');
    agent = processes.spawn('ssh-agent', 'ssh-agent', ['-D', '-a', socket], { logPath: path.join(tmp, 'agent.log') });
    await waitFor(() => fs.existsSync(socket), 'ssh-agent to listen');
    execFileSync('ssh-add', [sshd.userKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
    for (const v of VARS) delete process.env[v];
    process.env.SSH_AUTH_SOCK = socket;
    // Never the real ~/.docker of this machine.
    process.env.DOCKER_CONFIG = path.join(tmp, 'docker-config');
    knownHosts = path.join(tmp, 'known_hosts');
    await vscode.workspace.getConfiguration('incidentDesk').update('ssh.knownHostsFiles', [knownHosts], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Logs:')) t.dispose();
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('ssh.knownHostsFiles', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('docker.allowInsecureTcp', undefined, vscode.ConfigurationTarget.Global);
    for (const [v, value] of saved) {
      if (value === undefined) delete process.env[v];
      else process.env[v] = value;
    }
    await agent?.stop();
    await sshd?.stop();
    await dockerd?.stop();
    await tlsDockerd?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const localItem = localDockerItem;
  const tooltip = tooltipText;

  function follow(): Thenable<string | undefined> {
    return vscode.commands.executeCommand<string>('incidentDesk.docker.followLogs', { host: 'local', target: { kind: 'container', id: container }, tail: 0 });
  }

  it('DOCKER_HOST=ssh:// with a known host key: followed through the verified connection (agent login, dial-stdio on the host)', async () => {
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    process.env.DOCKER_HOST = `ssh://${sshd.user}@127.0.0.1:${sshd.port}`;
    assert.equal((await localItem()).description, `ssh://${sshd.user}@127.0.0.1:${sshd.port}`);
    const offset = sshd.readLog().length;
    assert.equal(await follow(), `${container} on local`);
    assert.match(sshd.readLog().slice(offset), new RegExp(`Accepted publickey for ${sshd.user} from 127\\.0\\.0\\.1`));
  });

  it('DOCKER_HOST=ssh:// with a changed host key: refused before any authentication reaches sshd', async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Logs:')) t.dispose();
    const stranger = path.join(tmp, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger], { stdio: 'pipe' });
    const pub = fs.readFileSync(`${stranger}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${pub}\n`);
    process.env.DOCKER_HOST = `ssh://${sshd.user}@127.0.0.1:${sshd.port}`;
    const offset = sshd.readLog().length;
    assert.equal(await follow(), undefined, 'the command gave up');
    const log = sshd.readLog().slice(offset);
    assert.match(log, /Connection from 127\.0\.0\.1/, 'it did reach the server');
    assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], 'no authentication attempt reached sshd');
  });

  it('plain tcp:// is refused (the Hosts view says why) until incidentDesk.docker.allowInsecureTcp allows it', async () => {
    process.env.DOCKER_HOST = dockerd.tcpHost;
    const refused = await localItem();
    assert.equal(refused.description, 'refused');
    assert.match(tooltip(refused), /plain-text, unauthenticated.*incidentDesk\.docker\.allowInsecureTcp/);
    assert.equal(await follow(), undefined, 'refused');

    await vscode.workspace.getConfiguration('incidentDesk').update('docker.allowInsecureTcp', true, vscode.ConfigurationTarget.Global);
    assert.match(String((await localItem()).description), /^tcp:\/\/127\.0\.0\.1:\d+ \(plain text, unauthenticated\)$/);
    assert.equal(await follow(), `${container} on local`);
  });

  it('DOCKER_TLS_VERIFY with DOCKER_CERT_PATH: followed over https with the certificates inside the extension host (its patched https)', async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Logs:')) t.dispose();
    Object.assign(process.env, { DOCKER_HOST: tlsDockerd.tcpHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.clientDir });
    try {
      assert.match(String((await localItem()).description), /^tcp:\/\/127\.0\.0\.1:\d+ \(TLS\)$/);
      assert.equal(await follow(), `${container} on local`);
    } finally {
      delete process.env.DOCKER_TLS_VERIFY;
      delete process.env.DOCKER_CERT_PATH;
    }
  });

  it('DOCKER_TLS_VERIFY with a CA that did not sign the daemon: refused inside the extension host too (verification not lost to its patched https)', async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Logs:')) t.dispose();
    const otherCa = await makeCertificates(tmp, 'other-ca');
    const wrong = path.join(tmp, 'wrong-ca');
    fs.mkdirSync(wrong);
    fs.copyFileSync(otherCa.ca, path.join(wrong, 'ca.pem'));
    for (const f of ['cert.pem', 'key.pem']) fs.copyFileSync(path.join(certs.clientDir, f), path.join(wrong, f));
    Object.assign(process.env, { DOCKER_HOST: tlsDockerd.tcpHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: wrong });
    try {
      assert.equal(await follow(), undefined, 'refused');
    } finally {
      delete process.env.DOCKER_TLS_VERIFY;
      delete process.env.DOCKER_CERT_PATH;
    }
  });
});
