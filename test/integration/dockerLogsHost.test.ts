// Docker logs followed into a log view inside the real extension host, against a real dockerd of
// our own (test/services/dockerd.ts, a private socket, stopped by pid): a 1,000,000-line burst with
// this host's memory measured, and the daemon restarted under a live view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ensureBusyboxImage } from '../services/busyboxImage';
import { burstContainerCmd, runContainer } from '../services/containers';
import { dockerCli, startDockerd, type Dockerd } from '../services/dockerd';
import { api, waitFor } from './helpers';
import { followBurst } from './logBurst';

const MB = 1024 * 1024;
const BURST_LINES = 1_000_000;

describe('docker logs in the extension host: bursts and daemon restarts (real dockerd)', function () {
  this.timeout(240_000);
  let dockerd: Dockerd;
  const previousDockerHost = process.env.DOCKER_HOST;

  before(async () => {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    // The local engine of these tests is the private dockerd.
    process.env.DOCKER_HOST = dockerd.dockerHost;
  });

  after(async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Logs:')) t.dispose();
    if (previousDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previousDockerHost;
    await dockerd?.stop();
  });

  it('a 1,000,000-line burst: every line counted, the view bounded, host memory growth under 100 MB', async function () {
    await runContainer(dockerd, { name: 'burst', cmd: burstContainerCmd(BURST_LINES) });
    const result = await followBurst('burst', BURST_LINES, async () => {
      await dockerCli(dockerd, ['kill', '-s', 'USR1', 'burst']);
    }, 180_000);
    const summary = `${result.lines} lines in ${(result.ms / 1000).toFixed(1)} s; heap+external growth ${(result.memoryGrowth / MB).toFixed(1)} MiB, RSS growth ${(result.rssGrowth / MB).toFixed(1)} MiB, retained after GC ${(result.retainedGrowth / MB).toFixed(1)} MiB; received ${result.received}, dropped upstream ${result.droppedUpstream}, kept ${result.kept}, drawn ${result.drawn} (${result.notDrawnMarkers} burst markers)`;
    // The figures go into the reported title (the host's console is not the runner's).
    this.test!.title += ` [${summary}]`;
    // Every line is accounted for: shown, or counted as dropped (and said so); the last one arrived.
    assert.equal(result.received + result.droppedUpstream, BURST_LINES + 1, summary);
    assert.equal(result.lastLine?.slice(0, 8), '1000000 ', `the last burst line is kept: ${result.lastLine}`);
    assert.equal(result.received - result.kept, result.droppedFromHistory, 'what the history let go is counted');
    const maxLines = vscode.workspace.getConfiguration('incidentDesk').get<number>('logs.maxLines', 10_000);
    assert.ok(result.kept <= maxLines, `kept ${result.kept} > incidentDesk.logs.maxLines ${maxLines}`);
    // The terminal was not flooded: lines beyond a frame's worth were counted, not drawn.
    assert.ok(result.drawn < result.received / 2, summary);
    assert.ok(result.notDrawnMarkers > 0, `a "lines not drawn (burst)" marker: ${summary}`);
    assert.ok(result.memoryGrowth < 100 * MB, summary);
  });

  it('the daemon restarts under a live view: disconnected and reconnected markers, no line twice or missing', async () => {
    const desk = await api();
    // Each run of the container numbers its lines from 1 under a new boot id (restart: always brings it back).
    await runContainer(dockerd, { name: 'survivor', restart: 'always', cmd: ['sh', '-c', 'b=$(busybox od -An -N4 -tx4 /dev/urandom | busybox tr -d " "); i=0; while true; do i=$((i+1)); echo "boot $b line $i"; sleep 0.05; done'] });
    const label = await vscode.commands.executeCommand<string>('incidentDesk.docker.followLogs', { host: 'local', target: { kind: 'container', id: 'survivor' }, tail: 0 });
    const view = desk.container.views.logViews.all().find((v) => v.source.label === label);
    assert.ok(view, `a view for ${label}`);
    let output = '';
    const writes = view.onDidWrite((text) => (output += text));
    try {
      await waitFor(() => view.received >= 20, '20 lines', 30_000);
      await dockerd.restart();
      await waitFor(() => /reconnected after/.test(output), 'the reconnected marker', 60_000);
      const at = view.received;
      await waitFor(() => view.received >= at + 20, '20 lines after reconnecting', 30_000);
      view.stopFollowing();
    } finally {
      writes.dispose();
    }
    assert.match(output, /── connection to Docker \(local\) lost; reconnecting ──/, output.slice(-2000));
    const ours = view.lastLines(100_000, false);
    // The same lines as the daemon's own log, in the same order, from the first one the view got.
    const daemon = (await dockerCli(dockerd, ['logs', 'survivor'])).split('\n').filter(Boolean);
    const from = daemon.indexOf(ours[0]);
    assert.ok(from >= 0, `the view's first line ${ours[0]} is in the daemon's log`);
    assert.deepEqual(ours, daemon.slice(from, from + ours.length));
    assert.equal(new Set(ours).size, ours.length, 'no line twice');
    const boots = new Set(ours.map((l) => l.split(' ')[1]));
    assert.equal(boots.size, 2, `two runs of the container (before and after the daemon restart): ${[...boots].join(', ')}`);
  });
});
