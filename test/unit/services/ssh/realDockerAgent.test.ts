import * as assert from 'node:assert/strict';
import { promises as fsp, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { SshDockerAgent } from '../../../../src/services/ssh/dockerAgent';
import type { HostProfile } from '../../../../src/services/ssh/hostProfiles';
import { type SshConnection, connectSsh } from '../../../../src/services/ssh/sshConnection';
import type { ConnectSshDeps } from '../../../../src/services/ssh/sshTypes';
import { SshError } from '../../../../src/services/ssh/sshError';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import { ensureBusyboxImage } from '../../../services/busyboxImage';
import { runContainer } from '../../../services/containers';
import { type Dockerd, dockerCli, startDockerd } from '../../../services/dockerd';
import { descendantsOf } from '../../../services/processes';
import { type Sshd, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';

// dockerode through SshConnection.dockerAgent(): a real sshd whose sessions get DOCKER_HOST of a
// real dockerd on a private socket, so `docker system dial-stdio` on the "remote" reaches it.

/** The frames of docker's multiplexed log stream (non-TTY): [stream, text]. */
function demux(buf: Buffer): Array<[number, string]> {
  const frames: Array<[number, string]> = [];
  for (let at = 0; at + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(at + 4);
    frames.push([buf[at]!, buf.subarray(at + 8, at + 8 + size).toString('utf8')]);
    at += 8 + size;
  }
  return frames;
}

describe('SshConnection.dockerAgent(): dockerode over the verified connection (real sshd + real dockerd)', function () {
  this.timeout(120_000);
  const temp = new TempDirs();
  let dockerd: Dockerd;
  let sshd: Sshd;
  let noDocker: Sshd;
  let containerId: string;
  let conn: SshConnection;
  let agent: SshDockerAgent;
  let docker: Dockerode;
  let deps: ConnectSshDeps;
  const containerName = `ids-agent-${process.pid}`;

  const profileFor = (s: Sshd): HostProfile => ({ name: 'vps', host: s.host, port: s.port, user: s.user, identityFile: s.userKeyPath, source: 'settings' });
  /** `docker system dial-stdio` processes under our sshd: the remote ends of the agent's channels. */
  const dialStdio = (s: Sshd): number[] =>
    descendantsOf(s.pid).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dial-stdio');
      } catch {
        return false;
      }
    });
  async function settled(s: Sshd): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((agent.openChannels > 0 || dialStdio(s).length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  }

  before(async () => {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    sshd = await startSshd({ dockerHost: dockerd.dockerHost });
    noDocker = await startSshd({ dockerHost: 'unix:///nonexistent-incident-desk/docker.sock' });
    containerId = await runContainer(dockerd, { name: containerName, cmd: ['sh', '-c', 'echo hello-from-container; echo to-stderr >&2; while true; do echo tick; sleep 0.2; done'] });
    const dir = await temp.make('ids-agent-');
    const knownHosts = path.join(dir, 'known_hosts');
    await fsp.writeFile(knownHosts, `${sshd.knownHostsLine}\n${noDocker.knownHostsLine}\n`);
    deps = {
      hostKey: { knownHostsFiles: [knownHosts], trustStore: new TrustStore(path.join(dir, 'store'), { protectedFiles: [knownHosts] }), ask: async () => 'reject' },
      agentSocket: false,
      homeDir: dir,
    };
    conn = await connectSsh(profileFor(sshd), deps);
    agent = conn.dockerAgent({ maxSockets: 2 });
    const { default: Docker } = await import('dockerode');
    // @types/dockerode lacks `agent`, which docker-modem honours (modem.js: optionsf.agent = this.agent).
    docker = new Docker({ protocol: 'http', host: 'docker', port: 80, agent } as Dockerode.DockerOptions);
  });
  after(async () => {
    conn?.end();
    if (dockerd) await dockerCli(dockerd, ['rm', '-f', containerName]).catch(() => undefined);
    await noDocker?.stop();
    await sshd?.stop();
    await dockerd?.stop();
    await temp.cleanup();
  });

  it('listContainers and logs see the container on the remote daemon; no second SSH login; each channel closed after its request', async () => {
    const logBefore = sshd.readLog();
    const list = await docker.listContainers();
    assert.deepEqual(
      list.map((c) => [c.Id, c.Names]),
      [[containerId, [`/${containerName}`]]],
    );
    const logs = (await docker.getContainer(containerId).logs({ follow: false, stdout: true })) as unknown as Buffer;
    const frames = demux(logs);
    assert.deepEqual(frames[0], [1, 'hello-from-container\n'], 'stdout frame first');
    assert.ok(frames.every(([stream]) => stream === 1), 'stdout only, as asked');
    assert.ok(!frames.some(([, text]) => text.includes('to-stderr')));

    await settled(sshd);
    assert.equal(agent.openChannels, 0, 'no channel left open');
    assert.deepEqual(dialStdio(sshd), [], 'no dial-stdio left running on the remote');
    const newLog = sshd.readLog().slice(logBefore.length);
    assert.doesNotMatch(newLog, /Accepted|Connection from/, 'the requests rode the existing connection');
    assert.equal((newLog.match(/Starting session: command/g) ?? []).length, 2, 'one exec channel per request');
  });

  it('parallel requests, at most maxSockets channels at once, all answered', async () => {
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, agent.openChannels)), 5);
    try {
      const results = await Promise.all([docker.ping(), docker.version(), docker.listContainers({ all: true }), docker.getContainer(containerId).inspect(), docker.info()]);
      assert.equal(String(results[0]), 'OK');
      assert.equal(results[3].Id, containerId);
      assert.equal(results[3].State.Running, true);
    } finally {
      clearInterval(sample);
    }
    assert.ok(peak >= 1 && peak <= 2, `peak ${peak}`);
    await settled(sshd);
    assert.equal(agent.openChannels, 0);
  });

  it('a followed log stream: live lines arrive; destroying the stream closes its channel and the remote dial-stdio', async () => {
    const stream = (await docker.getContainer(containerId).logs({ follow: true, stdout: true, stderr: true, tail: 1 })) as unknown as Readable;
    let seen = Buffer.alloc(0);
    await new Promise<void>((resolve) =>
      stream.on('data', (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]);
        if (demux(seen).filter(([, t]) => t === 'tick\n').length >= 3) resolve();
      }),
    );
    assert.equal(agent.openChannels, 1);
    assert.equal(dialStdio(sshd).length, 1);
    stream.destroy();
    await settled(sshd);
    assert.equal(agent.openChannels, 0);
    assert.deepEqual(dialStdio(sshd), []);
  });

  it('no docker answering on the remote: a typed channelFailed error with what dial-stdio said, not "socket hang up"', async () => {
    const other = await connectSsh(profileFor(noDocker), deps);
    try {
      const { default: Docker } = await import('dockerode');
      const broken = new Docker({ protocol: 'http', host: 'docker', port: 80, agent: other.dockerAgent() } as Dockerode.DockerOptions);
      await assert.rejects(broken.ping(), (e: unknown) => {
        assert.ok(SshError.is(e, 'channelFailed'), String(e));
        assert.match(e.message, /dial-stdio/);
        assert.match(e.message, /nonexistent-incident-desk/);
        return true;
      });
    } finally {
      other.end();
    }
  });

  it('after end(): requests fail with SshError "closed", nothing is reconnected behind the user', async () => {
    const short = await connectSsh(profileFor(sshd), deps);
    const { default: Docker } = await import('dockerode');
    const viaShort = new Docker({ protocol: 'http', host: 'docker', port: 80, agent: short.dockerAgent() } as Dockerode.DockerOptions);
    assert.equal(String(await viaShort.ping()), 'OK');
    short.end();
    await new Promise<void>((resolve) => short.onClose(() => resolve()));
    await assert.rejects(viaShort.ping(), (e: unknown) => SshError.is(e, 'closed'));
  });
});
