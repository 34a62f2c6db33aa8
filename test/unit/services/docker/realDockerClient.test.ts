// The Docker client, the container list and the actions against a real dockerd on a private
// socket (test/services/dockerd.ts): local, and through an injected http.Agent the way the SSH
// tunnel will supply one. Errors are classified from real failures (a missing container, a
// stopped daemon), and from the error shapes of the layers below for the cases a root test
// process cannot produce (permission refused).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { restartContainer, statsSnapshot } from '../../../../src/services/docker/containerActions';
import { groupByProject, listContainers, resolveComposeService } from '../../../../src/services/docker/containers';
import { createDockerClient } from '../../../../src/services/docker/dockerClient';
import type { DockerClient } from '../../../../src/services/docker/dockerClient';
import { DockerError, toDockerError } from '../../../../src/services/docker/dockerError';
import { SshError } from '../../../../src/services/ssh/sshError';
import { ensureBusyboxImage } from '../../../services/busyboxImage';
import { composeLabels, runContainer } from '../../../services/containers';
import { dockerCli, startDockerd } from '../../../services/dockerd';
import type { Dockerd } from '../../../services/dockerd';
import { sleep } from '../../../services/processes';

/** An agent that opens each connection to the daemon's unix socket itself, standing in for the SSH dial-stdio agent. */
class SocketAgent extends http.Agent {
  connections = 0;
  constructor(private readonly socketPath: string) {
    super({ keepAlive: false });
  }
  override createConnection(): net.Socket {
    this.connections++;
    return net.connect(this.socketPath);
  }
}

const FOREVER = ['sh', '-c', 'while true; do sleep 1; done'];

describe('docker client, containers and actions (real dockerd)', function () {
  this.timeout(180_000);
  let dockerd: Dockerd;
  let client: DockerClient;

  before(async function () {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    client = await createDockerClient({ kind: 'local', socketPath: dockerd.socketPath });
    await runContainer(dockerd, { name: 'shop-backend-1', cmd: FOREVER, labels: composeLabels('shop', 'backend') });
    await runContainer(dockerd, { name: 'shop-backend-2', cmd: FOREVER, labels: composeLabels('shop', 'backend') });
    await runContainer(dockerd, { name: 'shop-backend-10', cmd: FOREVER, labels: composeLabels('shop', 'backend') });
    await runContainer(dockerd, { name: 'shop-db-1', cmd: ['sh', '-c', 'exit 3'], labels: composeLabels('shop', 'db') });
    await runContainer(dockerd, { name: 'billing-api-1', cmd: FOREVER, labels: composeLabels('billing', 'api'), tty: true });
    await runContainer(dockerd, { name: 'loose', cmd: FOREVER });
    // A `docker compose run backend` container: same labels plus oneoff=True; compose logs leaves it out.
    await runContainer(dockerd, { name: 'shop-backend-run-1a2b', cmd: FOREVER, labels: { ...composeLabels('shop', 'backend'), 'com.docker.compose.oneoff': 'True' } });
    await dockerCli(dockerd, ['wait', 'shop-db-1']);
  });

  after(async function () {
    client?.dispose();
    await dockerd?.stop();
  });

  it('lists running and stopped containers with compose project/service and the TTY flag, grouped by project', async function () {
    const all = await listContainers(client);
    const byName = new Map(all.map((c) => [c.name, c]));
    assert.deepEqual([...byName.keys()].sort(), ['billing-api-1', 'loose', 'shop-backend-1', 'shop-backend-10', 'shop-backend-2', 'shop-backend-run-1a2b', 'shop-db-1']);
    const db = byName.get('shop-db-1');
    assert.equal(db?.state, 'exited');
    assert.match(db?.status ?? '', /^Exited \(3\)/);
    assert.equal(db?.project, 'shop');
    assert.equal(db?.service, 'db');
    assert.equal(byName.get('billing-api-1')?.tty, true);
    assert.equal(byName.get('shop-backend-1')?.tty, false);
    assert.equal(byName.get('shop-backend-1')?.state, 'running');
    assert.equal(byName.get('loose')?.project, undefined);
    assert.match(byName.get('loose')?.id ?? '', /^[0-9a-f]{64}$/);
    assert.equal(byName.get('loose')?.image, 'local/busybox:1');

    const groups = groupByProject(all);
    assert.deepEqual(
      groups.map((g) => [g.project ?? '(none)', g.containers.map((c) => c.name)]),
      [
        ['billing', ['billing-api-1']],
        ['shop', ['shop-backend-1', 'shop-backend-2', 'shop-backend-10', 'shop-backend-run-1a2b', 'shop-db-1']],
        ['(none)', ['loose']],
      ],
    );
  });

  it('resolves a compose service to its replicas (one-off run containers left out) with compose-style prefixes', async function () {
    const members = await resolveComposeService(client, 'shop', 'backend');
    assert.deepEqual(
      members.map((m) => [m.container.name, m.prefix]),
      [
        ['shop-backend-1', 'backend-1  | '],
        ['shop-backend-2', 'backend-2  | '],
        ['shop-backend-10', 'backend-10 | '],
      ],
    );
    assert.deepEqual(await resolveComposeService(client, 'shop', 'nope'), []);
    assert.deepEqual(
      (await resolveComposeService(client, 'shop', 'db')).map((m) => m.prefix),
      ['db-1 | '],
      'a stopped service container is still a member (compose logs shows it)',
    );
  });

  it('inspect: a missing container is DockerError notFound with the status, never a message match', async function () {
    await assert.rejects(client.inspectContainer('no-such-container'), (e: unknown) => DockerError.is(e, 'notFound') && e.statusCode === 404);
    const info = await client.inspectContainer('shop-db-1');
    assert.equal(info.running, false);
    assert.equal(info.exitCode, 3);
    assert.equal(info.name, 'shop-db-1');
  });

  it('a daemon socket that is not there is DockerError unreachable (ENOENT), from the first attempt', async function () {
    const nowhere = await createDockerClient({ kind: 'local', socketPath: `${dockerd.runDir}/missing.sock` });
    try {
      // The cause is the connect's own ENOENT: the error comes from that attempt, not from a deadline.
      await assert.rejects(nowhere.ping(), (e: unknown) => DockerError.is(e, 'unreachable') && (e.cause as { code?: string }).code === 'ENOENT');
    } finally {
      nowhere.dispose();
    }
  });

  it('a daemon that does not answer in time is DockerError unreachable, and nothing is left scheduled', async function () {
    // A socket that accepts and never answers: what a hung daemon or tunnel looks like.
    const silent = net.createServer(() => undefined);
    const sockPath = `${dockerd.runDir}/silent.sock`;
    await new Promise<void>((resolve) => silent.listen(sockPath, resolve));
    const hung = await createDockerClient({ kind: 'local', socketPath: sockPath });
    try {
      const timersBefore = activeTimeouts();
      // The socket never answers, so only the 300 ms deadline can end this call.
      await assert.rejects(hung.ping({ timeoutMs: 300 }), (e: unknown) => DockerError.is(e, 'unreachable'));
      assert.equal(activeTimeouts(), timersBefore, 'the deadline timer was cleared');
      const controller = new AbortController();
      const pending = hung.ping({ signal: controller.signal });
      controller.abort();
      await assert.rejects(pending, (e: unknown) => DockerError.is(e, 'cancelled'));
    } finally {
      hung.dispose();
      silent.close();
    }
  });

  it('through an injected http.Agent (the SSH tunnel shape), dockerode uses the agent for every request', async function () {
    const agent = new SocketAgent(dockerd.socketPath);
    const remote = await createDockerClient({ kind: 'agent', agent, label: 'vps-1' });
    try {
      assert.equal(remote.label, 'vps-1');
      await remote.ping();
      const viaAgent = (await listContainers(remote)).map((c) => c.id).sort();
      const local = (await listContainers(client)).map((c) => c.id).sort();
      assert.deepEqual(viaAgent, local);
      // ping + list + one inspect per container, each a connection of ours (no keep-alive).
      assert.equal(agent.connections, 2 + local.length);
      const stream = await remote.containerLogs('shop-db-1', { follow: false, stdout: true, stderr: true, timestamps: false });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).length, 0, 'shop-db-1 printed nothing');
      assert.equal(agent.connections, 3 + local.length);
      await assert.rejects(remote.inspectContainer('no-such-container'), (e: unknown) => DockerError.is(e, 'notFound'));
    } finally {
      remote.dispose();
      agent.destroy();
    }
  });

  it('an agent whose connections fail makes DockerError unreachable with the label', async function () {
    const agent = new SocketAgent(`${dockerd.runDir}/missing.sock`);
    const remote = await createDockerClient({ kind: 'agent', agent, label: 'vps-2' });
    try {
      await assert.rejects(remote.listContainers({ all: true }), (e: unknown) => DockerError.is(e, 'unreachable') && e.message.includes('vps-2'));
    } finally {
      remote.dispose();
      agent.destroy();
    }
  });

  it('restartContainer: a new run (StartedAt changes) that is running again', async function () {
    const before = await client.inspectContainer('loose');
    await restartContainer(client, 'loose', { timeoutSeconds: 1 });
    const after = await client.inspectContainer('loose');
    assert.equal(after.running, true);
    assert.notEqual(after.startedAt, before.startedAt);
    assert.ok(Date.parse(after.startedAt) > Date.parse(before.startedAt));
    await assert.rejects(restartContainer(client, 'no-such-container', { timeoutSeconds: 1 }), (e: unknown) => DockerError.is(e, 'notFound'));
  });

  it('statsSnapshot: every running container once, a busy one near 100 % CPU, memory within its limit', async function () {
    await runContainer(dockerd, { name: 'busy', cmd: ['sh', '-c', 'while true; do :; done'] });
    await sleep(1500);
    const stats = await statsSnapshot(client);
    const running = (await client.listContainers({ all: false })).map((c) => c.name).sort();
    assert.deepEqual(stats.map((s) => s.name).sort(), running);
    assert.ok(!stats.some((s) => s.name === 'shop-db-1'), 'a stopped container has no stats');
    const busy = stats.find((s) => s.name === 'busy');
    const idle = stats.find((s) => s.name === 'loose');
    assert.ok(busy && idle);
    // One shell spinning: about one CPU (100 %), less when the machine is shared.
    assert.ok(busy.cpuPercent > 20 && busy.cpuPercent < 130, `busy cpu ${busy.cpuPercent}`);
    assert.ok(idle.cpuPercent < 10, `idle cpu ${idle.cpuPercent}`);
    for (const s of stats) {
      assert.ok(s.memUsage > 0 && s.memUsage < 64 * 1024 * 1024, `${s.name} memory ${s.memUsage}`);
      assert.ok(s.memLimit >= s.memUsage, `${s.name} limit ${s.memLimit}`);
      assert.ok(Math.abs(s.memPercent - (s.memUsage / s.memLimit) * 100) < 1e-9);
    }
    // The docker CLI's own figure for the same container, as a cross-check of the formula.
    const cli = (await dockerCli(dockerd, ['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}}', 'busy'])).trim();
    const cliCpu = Number(cli.split(' ')[1].replace('%', ''));
    assert.ok(Math.abs(cliCpu - busy.cpuPercent) < 40, `ours ${busy.cpuPercent.toFixed(1)} vs docker stats ${cliCpu}`);
    await dockerCli(dockerd, ['rm', '-f', 'busy']);
  });
});

describe('DockerError classification (the error shapes of docker-modem, Node, ssh2 and our SSH layer)', function () {
  const classify = (e: unknown): string => toDockerError(e, 'list containers', 'local').reason;

  it('HTTP statuses: 404 notFound, 401/403 permission, others api, with the status kept', function () {
    assert.equal(classify({ statusCode: 404, message: '(HTTP code 404) no such container' }), 'notFound');
    assert.equal(classify({ statusCode: 403, message: 'x' }), 'permission');
    assert.equal(classify({ statusCode: 401, message: 'x' }), 'permission');
    const api = toDockerError({ statusCode: 409, message: 'conflict' }, 'restart', 'local');
    assert.equal(api.reason, 'api');
    assert.equal(api.statusCode, 409);
  });

  it('errno: socket permission is permission; refused, reset, missing socket are unreachable', function () {
    const errno = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code });
    assert.equal(classify(errno('EACCES')), 'permission');
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT']) assert.equal(classify(errno(code)), 'unreachable', code);
  });

  it('ssh2 levels and SshError reasons: refusals are permission (not retried), drops are unreachable', function () {
    assert.equal(classify(Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' })), 'permission');
    assert.equal(classify(Object.assign(new Error('read ECONNRESET'), { level: 'client-socket' })), 'unreachable');
    assert.equal(classify(new SshError('hostKeyChanged', 'the host key changed')), 'permission');
    assert.equal(classify(new SshError('hostKeyRejected', 'declined')), 'permission');
    assert.equal(classify(new SshError('dropped', 'connection lost')), 'unreachable');
  });

  it('an abort is cancelled; a DockerError passes through unchanged', function () {
    assert.equal(classify(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' })), 'cancelled');
    const e = new DockerError('removed', 'gone');
    assert.equal(toDockerError(e, 'x', 'y'), e);
  });
});

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
