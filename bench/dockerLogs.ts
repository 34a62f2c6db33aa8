// Figure: the Docker log pipeline on a real daemon. A container (in a dockerd of our own, on a
// private socket) printed 1,000,000 lines of ~80 bytes; then, interleaved:
//   (a) ours: the logs endpoint through our client (dockerode's modem, streamed, all lines, with
//       timestamps as the follower always asks) → demux → lines → sanitise → the view's ring buffer;
//   (b) the plain tool: `docker -H unix://<sock> logs <id> > /dev/null`.
// Figures: the time ratio ours / CLI per round (median over rounds, min–max), the lines per second,
// and the memory this process retains during (a), measured after forced GCs (the peak between GCs,
// which depends on when V8 collects, beside it for information).
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
import { gcFunction } from '../test/services/memory';
import { ensureServiceTools } from '../test/services/packages';
import { absoluteFigure, comparedFigure } from './figures';
import type { FigureGroup } from './figures';
import { compareRounds, interleave, perRound, RetainedSampler, spreadOf } from './stats';
import type { MemoryUse } from './stats';
import { DOCKER_LOGS_TARGET_RATIO, PIPELINE_MEMORY_TARGET_BYTES } from './targets';

export interface DockerLogsBenchOptions {
  /** Lines the container prints; default 1,000,000. */
  readonly lines?: number;
  /** Rounds, one run of each side per round, alternating which goes first; default 5. */
  readonly rounds?: number;
  /** Unmeasured runs of each side first; default 1. */
  readonly warmup?: number;
}

const MB = 1024 * 1024;

interface OursRun {
  readonly ms: number;
  readonly lines: number;
  readonly bytes: number;
  readonly memory: MemoryUse;
}

/** GC'd memory checkpoints per run: each costs a few ms of the run's time (see the notes). */
const GC_CHECKPOINTS = 4;

/** (a): all the container's lines through our client and the pipeline, into the default view buffer. */
async function runOurs(client: DockerClient, id: string, expected: number, gc: () => void): Promise<OursRun> {
  const memory = new RetainedSampler({ total: expected, checkpoints: GC_CHECKPOINTS }, gc);
  const t = performance.now();
  try {
    const pipeline = new LogPipeline({ tty: false, timestamps: true });
    let lines = 0;
    pipeline.onLines((batch) => {
      lines += batch.lines.length + batch.dropped;
      memory.progress(lines);
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
    // While the pipeline (and its view buffer) is still referenced: what it holds counts.
    const use = memory.stop();
    return { ms, lines, bytes: pipeline.counters.bytes, memory: use };
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
    const connected = await createDockerClient({ kind: 'local', socketPath: dockerd.socketPath });
    client = connected;

    const runs: OursRun[] = [];
    t = performance.now();
    const rounds = await interleave(
      {
        ours: async () => {
          const run = await runOurs(connected, id, lines, gc);
          runs.push(run);
          return run.ms;
        },
        cli: () => runCli(docker, dockerd, id),
      },
      { rounds: opts.rounds ?? 5, warmup },
    );
    const measured = runs.slice(warmup);
    for (const run of runs) if (run.lines !== lines) throw new Error(`our pipeline counted ${run.lines} lines, not ${lines}`);

    const time = compareRounds(perRound(rounds.ours), perRound(rounds.cli));
    const rate = (ms: number): number => lines / (ms / 1000);
    const mb = (n: number): string => `${(n / MB).toFixed(1)} MiB`;
    const ms = (n: number): string => `${n.toFixed(0)} ms`;
    const k = (n: number): string => `${Math.round(n / 1000).toLocaleString('en-US')}k lines/s`;
    const n = lines.toLocaleString('en-US');
    const range = (xs: number[], f: (x: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
    return {
      title: `docker logs pipeline (${n} lines from a real container)`,
      figures: [
        comparedFigure(`docker logs ${n} lines: ours (client → demux → lines → sanitise → ring buffer) vs docker logs CLI`, 'ms', time, DOCKER_LOGS_TARGET_RATIO),
        absoluteFigure(`docker logs ${n} lines: our throughput`, 'lines/s', spreadOf(measured.map((r) => rate(r.ms))), null),
        absoluteFigure(`docker logs ${n} lines: memory our process retains (after forced GCs)`, 'B', spreadOf(measured.map((r) => r.memory.retained)), PIPELINE_MEMORY_TARGET_BYTES),
        absoluteFigure(`docker logs ${n} lines: memory peak between GCs (GC-timing dependent)`, 'B', spreadOf(measured.map((r) => r.memory.peak)), null),
      ],
      notes: [
        `throughput (median run): ours ${k(rate(time.value.median))}, CLI ${k(rate(time.baseline.median))}; time ratio ≤ ${DOCKER_LOGS_TARGET_RATIO} is a throughput ratio ≥ ${(1 / DOCKER_LOGS_TARGET_RATIO).toFixed(2)}`,
        `ours: ${mb(measured[0].bytes)} read per run (timestamps on, as the follower always asks, 8-byte frame headers), default view buffer (10,000 lines / 8 MiB); CLI: docker logs without timestamps to /dev/null, -H unix://<private socket>`,
        `${opts.rounds ?? 5} rounds, one run of each (+${warmup} warm-up), alternating which goes first; the per-round ratio's median. ours ${rounds.ours.flat().map(ms).join(', ')}; CLI ${rounds.cli.flat().map(ms).join(', ')}`,
        `memory: heapUsed + external over a GC'd baseline. retained = the largest value right after a forced full GC (${GC_CHECKPOINTS - 1} during the run, one at its end with the pipeline still referenced; each GC's few ms count in our time); peak = sampled every 10 ms and every 64 batches between GCs, so it depends on when V8 collects (${range(measured.map((r) => r.memory.peak), mb)}); RSS growth ${range(measured.map((r) => r.memory.rss), mb)}`,
        `the container printed its ${n} lines (~${Math.round(measured[0].bytes / lines - 39)} bytes each with the newline) in ${printSeconds.toFixed(1)} s into the json-file log driver, vfs storage; measured after it exited`,
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
      rounds: Number(process.env.BENCH_DOCKER_ROUNDS ?? 5),
    });
    console.log(renderTable([group]));
  })().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
