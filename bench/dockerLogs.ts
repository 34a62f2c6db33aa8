// Figure: the Docker log pipeline on a real daemon. A container (in a dockerd of our own, on a
// private socket) printed 1,000,000 lines of ~80 bytes; then, interleaved:
//   (a) ours: the logs endpoint through our client (dockerode's modem, streamed, all lines, with
//       timestamps as the follower always asks) → demux → lines → sanitise → the view's ring buffer;
//   (b) the plain tool: `docker -H unix://<sock> logs <id> > /dev/null`.
// Figure = time ratio ours / CLI (≤ 1.25 is a throughput ratio ≥ 0.8), the lines per second, and
// how much this process's memory grows during (a) (≤ 100 MB).
//
// Run alone: npx tsc -p test && node out/bench/dockerLogs.js
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createDockerClient } from '../src/services/docker/dockerClient';
import type { DockerClient } from '../src/services/docker/dockerClient';
import { LogPipeline } from '../src/services/docker/logs/logPipeline';
import { ensureBusyboxImage } from '../test/services/busyboxImage';
import { burstPrinter, runContainer } from '../test/services/containers';
import { dockerCli, dockerEnv, startDockerd } from '../test/services/dockerd';
import type { Dockerd } from '../test/services/dockerd';
import { gcFunction, MemoryPeak } from '../test/services/memory';
import { ensureServiceTools } from '../test/services/packages';
import { figure, median } from './figures';
import type { FigureGroup } from './figures';

export interface DockerLogsBenchOptions {
  /** Lines the container prints; default 1,000,000. */
  readonly lines?: number;
  /** Measured runs of each side, alternating which goes first; default 5. */
  readonly iterations?: number;
  /** Unmeasured runs of each side first; default 1. */
  readonly warmup?: number;
}

const MB = 1024 * 1024;

interface OursRun {
  readonly ms: number;
  readonly lines: number;
  readonly bytes: number;
  /** Peak growth of heapUsed + external (JS objects and Buffers) during the run. */
  readonly memoryGrowth: number;
  readonly rssGrowth: number;
}

/** (a): all the container's lines through our client and the pipeline, into the default view buffer. */
async function runOurs(client: DockerClient, id: string, gc: () => void): Promise<OursRun> {
  const memory = new MemoryPeak(gc);
  const t = performance.now();
  try {
    const pipeline = new LogPipeline({ tty: false, timestamps: true });
    let lines = 0;
    let batches = 0;
    pipeline.onLines((batch) => {
      lines += batch.lines.length + batch.dropped;
      // Sampled in the pipeline's own callback too, so a short run still has samples.
      if (++batches % 64 === 0) memory.sample();
    });
    const stream = await client.containerLogs(id, { follow: false, stdout: true, stderr: true, timestamps: true });
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => pipeline.write(chunk));
      stream.once('end', () => {
        pipeline.end();
        resolve();
      });
      stream.once('error', reject);
    });
    const ms = performance.now() - t;
    const growth = memory.stop();
    return { ms, lines, bytes: pipeline.counters.bytes, memoryGrowth: growth.memory, rssGrowth: growth.rss };
  } finally {
    memory.stop();
  }
}

/** (b): `docker logs <id> > /dev/null`, the CLI writing to /dev/null as a user's shell would. */
function runCli(docker: string, dockerd: Dockerd, id: string): Promise<number> {
  const env = dockerEnv(dockerd);
  delete env.DOCKER_HOST;
  const devNull = fs.openSync('/dev/null', 'w');
  const t = performance.now();
  return new Promise<number>((resolve, reject) => {
    const child = spawn(docker, ['-H', dockerd.dockerHost, 'logs', id], { env, stdio: ['ignore', devNull, devNull] });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - t;
      if (code === 0) resolve(ms);
      else reject(new Error(`docker logs exited with ${code}`));
    });
  }).finally(() => fs.closeSync(devNull));
}

export async function benchDockerLogs(opts: DockerLogsBenchOptions = {}): Promise<FigureGroup> {
  const lines = opts.lines ?? 1_000_000;
  const iterations = opts.iterations ?? 5;
  const warmup = opts.warmup ?? 1;
  const docker = ensureServiceTools().docker;
  const gc = gcFunction();
  const dockerd = await startDockerd();
  let client: DockerClient | undefined;
  try {
    await ensureBusyboxImage(dockerd);
    let t = performance.now();
    const id = await runContainer(dockerd, { name: 'bench-logs', cmd: ['sh', '-c', burstPrinter(lines)] });
    const exit = (await dockerCli(dockerd, ['wait', id], { timeoutMs: 600_000 })).trim();
    if (exit !== '0') throw new Error(`the printing container exited with ${exit}`);
    const printSeconds = (performance.now() - t) / 1000;
    const lastLine = (await dockerCli(dockerd, ['logs', '--tail', '1', id])).trim();
    if (!lastLine.startsWith(String(lines).padStart(7, '0'))) throw new Error(`last line is not line ${lines}: ${lastLine}`);
    client = await createDockerClient({ kind: 'local', socketPath: dockerd.socketPath });

    for (let i = 0; i < warmup; i++) {
      await runOurs(client, id, gc);
      await runCli(docker, dockerd, id);
    }
    const ours: OursRun[] = [];
    const cli: number[] = [];
    t = performance.now();
    for (let i = 0; i < iterations; i++) {
      // Alternating which goes first, so page cache and daemon warmth favour neither.
      if (i % 2 === 0) {
        ours.push(await runOurs(client, id, gc));
        cli.push(await runCli(docker, dockerd, id));
      } else {
        cli.push(await runCli(docker, dockerd, id));
        ours.push(await runOurs(client, id, gc));
      }
    }
    for (const run of ours) if (run.lines !== lines) throw new Error(`our pipeline counted ${run.lines} lines, not ${lines}`);

    const oursMs = median(ours.map((r) => r.ms));
    const cliMs = median(cli);
    const oursRate = lines / (oursMs / 1000);
    const cliRate = lines / (cliMs / 1000);
    const memory = Math.max(...ours.map((r) => r.memoryGrowth));
    const rss = Math.max(...ours.map((r) => r.rssGrowth));
    const mb = (n: number): string => `${(n / MB).toFixed(1)} MiB`;
    const ms = (n: number): string => `${n.toFixed(0)} ms`;
    const k = (n: number): string => `${Math.round(n / 1000).toLocaleString('en-US')}k lines/s`;
    return {
      title: `docker logs pipeline (${lines.toLocaleString('en-US')} lines from a real container)`,
      figures: [
        figure('docker logs 1M lines: ours (client → demux → lines → sanitise → ring buffer) vs docker logs CLI', 'ms', oursMs, cliMs, 1.25),
        figure('docker logs 1M lines: our throughput', 'lines/s', oursRate, null, null),
        figure('docker logs 1M lines: memory growth of our process (peak heap + buffers)', 'B', memory, null, 100_000_000),
      ],
      notes: [
        `throughput ratio ours / CLI = ${(oursRate / cliRate).toFixed(2)} (target ≥ 0.8; the table's time ratio ≤ 1.25 is the same bar): ours ${k(oursRate)}, CLI ${k(cliRate)}`,
        `ours: ${mb(ours[0].bytes)} read per run (timestamps on, as the follower always asks, 8-byte frame headers), default view buffer (10,000 lines / 8 MiB); CLI: docker logs without timestamps to /dev/null, -H unix://<private socket>`,
        `${iterations} runs each (+${warmup} warm-up), alternating which goes first; medians. ours ${ours.map((r) => ms(r.ms)).join(', ')}; CLI ${cli.map(ms).join(', ')}`,
        `memory: growth of heapUsed + external over a GC'd baseline, sampled every 10 ms and every 64 batches; worst run ${mb(memory)}; RSS growth worst run ${mb(rss)}`,
        `the container printed its ${lines.toLocaleString('en-US')} lines (~${Math.round(ours[0].bytes / lines - 39)} bytes each with the newline) in ${printSeconds.toFixed(1)} s into the json-file log driver, vfs storage; measured after it exited`,
        `measured in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      ],
    };
  } finally {
    client?.dispose();
    await dockerd.stop();
  }
}

if (require.main === module) {
  void (async () => {
    const { renderTable } = await import('./figures');
    const group = await benchDockerLogs({
      lines: Number(process.env.BENCH_DOCKER_LINES ?? 1_000_000),
      iterations: Number(process.env.BENCH_DOCKER_ITERATIONS ?? 5),
    });
    console.log(renderTable([group]));
  })().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
