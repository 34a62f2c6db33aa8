// A burst of 1,000,000 lines from a real container, followed live into a small view buffer: every
// line is accounted for (delivered or counted as dropped), in order, and this process's heap stays
// bounded, because the lines go through a ring buffer and are never all held at once.
import * as assert from 'node:assert/strict';
import { createDockerClient } from '../../../../src/services/docker/dockerClient';
import type { DockerClient } from '../../../../src/services/docker/dockerClient';
import { followLogs } from '../../../../src/services/docker/logFollower';
import { ensureBusyboxImage } from '../../../services/busyboxImage';
import { runContainer } from '../../../services/containers';
import { startDockerd } from '../../../services/dockerd';
import type { Dockerd } from '../../../services/dockerd';
import { sleep } from '../../../services/processes';
import { gcFunction } from '../../../services/memory';

const LINES = 1_000_000;
const MB = 1024 * 1024;

describe('followLogs: a 1,000,000-line burst from a real container', function () {
  this.timeout(300_000);
  let dockerd: Dockerd;
  let client: DockerClient;

  before(async function () {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    client = await createDockerClient({ kind: 'local', socketPath: dockerd.socketPath });
  });

  after(async function () {
    client?.dispose();
    await dockerd?.stop();
  });

  it('every line counted (delivered + dropped = 1,000,000), in order, heap growth under 100 MB', async function () {
    const gc = gcFunction();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);

    await runContainer(dockerd, { name: 'burst', cmd: ['seq', '1', String(LINES)] });
    let delivered = 0;
    let dropped = 0;
    let last = 0;
    let outOfOrder = 0;
    let lastLine = '';
    const t = Date.now();
    const follower = followLogs(client, { kind: 'container', id: 'burst' }, {
      tail: 'all',
      // A small view: 2,000 lines, 256 KiB.
      capacity: { lines: 2000, bytes: 256 * 1024 },
      onBatch: (batch) => {
        dropped += batch.dropped;
        delivered += batch.lines.length;
        for (const line of batch.lines) {
          const n = Number(line.text);
          if (!(n > last)) outOfOrder++;
          last = n;
        }
        if (batch.lines.length > 0) lastLine = batch.lines[batch.lines.length - 1].text;
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      },
    });
    try {
      const deadline = Date.now() + 240_000;
      while (delivered + dropped < LINES && Date.now() < deadline) await sleep(100);
      const seconds = (Date.now() - t) / 1000;
      // Whatever else comes (nothing should) would show in the counters.
      await sleep(300);
      const counters = follower.counters;
      clearInterval(sampler);
      gc();
      const heapAfter = process.memoryUsage().heapUsed;
      console.log(
        `      ${LINES.toLocaleString('en-US')} lines in ${seconds.toFixed(1)} s (container writing and us following): delivered ${delivered.toLocaleString('en-US')}, dropped ${dropped.toLocaleString('en-US')}; ` +
          `heap before ${(heapBefore / MB).toFixed(1)} MB, peak +${((peakHeap - heapBefore) / MB).toFixed(1)} MB, after GC +${((heapAfter - heapBefore) / MB).toFixed(1)} MB`,
      );
      assert.equal(delivered + dropped, LINES);
      assert.equal(counters.lines, LINES);
      assert.equal(counters.dropped, dropped);
      assert.equal(lastLine, String(LINES));
      assert.equal(outOfOrder, 0);
      assert.ok(peakHeap - heapBefore < 100 * MB, `peak heap growth ${((peakHeap - heapBefore) / MB).toFixed(1)} MB`);
      assert.ok(heapAfter - heapBefore < 20 * MB, `heap growth after GC ${((heapAfter - heapBefore) / MB).toFixed(1)} MB`);
    } finally {
      clearInterval(sampler);
      follower.stop();
    }
  });
});
