// Figure: memory of the REAL extension host while a followed container bursts 1,000,000 lines into a
// log view, through the user's path (the Follow Docker Logs command, the terminal view). One
// code-server on loopback and one headless Chromium page (as bench/activation.ts); a dockerd of our
// own on a private socket is the host's local engine (DOCKER_HOST). The container waits, quiet,
// until the probe has attached, then prints as fast as it can; the probe samples process memory
// every 10 ms until the last line reached the view, and what it still holds after a full GC with the
// view open (the bounded figure; the peak between GCs depends on when V8 collects). Repeated in
// rounds, each in a fresh extension host.
//
// The time figure is set against the container's own printing time (first to last line, by the
// daemon's timestamps): a ratio near 1 means the view kept up live. `docker logs` reading the same
// lines back afterwards is in the notes (the throughput figure against the CLI is `logs`).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { launchChromium, startCodeServer } from '../test/runner/codeServer';
import type { CodeServer } from '../test/runner/codeServer';
import { ensureBusyboxImage } from '../test/services/busyboxImage';
import { burstContainerCmd, runContainer } from '../test/services/containers';
import { dockerCli, dockerEnv, startDockerd } from '../test/services/dockerd';
import type { Dockerd } from '../test/services/dockerd';
import { ensureServiceTools } from '../test/services/packages';
import { absoluteFigure, comparedFigure } from './figures';
import type { FigureGroup } from './figures';
import { BENCH_RESULTS_ENV } from './host/activationProtocol';
import { BURST_ENV, type BurstProbeRequest, type BurstProbeResult } from './host/logBurstProtocol';
import { REPO_ROOT, sleep } from './scratch';
import { compareRounds, spreadOf } from './stats';
import type { Spread } from './stats';
import { HOST_LOG_VIEW_MEMORY_TARGET_BYTES } from './targets';

const MB = 1024 * 1024;

function dockerLogsToDevNull(dockerd: Dockerd, container: string): Promise<number> {
  const env = dockerEnv(dockerd);
  delete env.DOCKER_HOST;
  const devNull = fs.openSync('/dev/null', 'w');
  const t = performance.now();
  return new Promise<number>((resolve, reject) => {
    const child = spawn(ensureServiceTools().docker, ['-H', dockerd.dockerHost, 'logs', container], { env, stdio: ['ignore', devNull, devNull] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t) : reject(new Error(`docker logs exited with ${code}`))));
  }).finally(() => fs.closeSync(devNull));
}

/** The first line of `docker logs --timestamps` (the CLI is stopped once it has printed it). */
function firstLogLine(dockerd: Dockerd, container: string): Promise<string> {
  const env = dockerEnv(dockerd);
  delete env.DOCKER_HOST;
  return new Promise<string>((resolve, reject) => {
    const child = spawn(ensureServiceTools().docker, ['-H', dockerd.dockerHost, 'logs', '--timestamps', container], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        child.kill();
        resolve(text.slice(0, nl));
      }
    });
    child.once('error', reject);
    child.once('exit', () => reject(new Error('docker logs printed no line')));
  });
}

/** First to last line of the container's log, by the daemon's own timestamps. */
async function printingTime(dockerd: Dockerd, container: string): Promise<number> {
  const first = (await firstLogLine(dockerd, container)).split(' ')[0];
  const last = (await dockerCli(dockerd, ['logs', '--timestamps', '--tail', '1', container])).split(' ')[0];
  const ms = Date.parse(last) - Date.parse(first);
  if (!Number.isFinite(ms)) throw new Error(`cannot read the log's timestamps: ${first} … ${last}`);
  return ms;
}

/** One burst into a fresh extension host (a new workbench page); the container is created anew. */
async function burstOnce(server: CodeServer, browser: Browser, dockerd: Dockerd, probe: string, results: string, container: string, lines: number, timeoutMs: number): Promise<Extract<BurstProbeResult, { ok: true }>> {
  await dockerCli(dockerd, ['rm', '-f', container]).catch(() => undefined);
  fs.rmSync(results, { force: true });
  await runContainer(dockerd, { name: container, cmd: burstContainerCmd(lines) });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(server.workbenchUrl({ payload: [['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)], ['extensionTestsPath', server.remoteUri(probe)]] }));
    const deadline = Date.now() + timeoutMs + 120_000;
    while (!fs.existsSync(results)) {
      if (Date.now() > deadline) throw new Error('no result from the extension host');
      await sleep(250);
    }
  } finally {
    await page.close().catch(() => undefined);
  }
  const result = JSON.parse(fs.readFileSync(results, 'utf8')) as BurstProbeResult;
  if (!result.ok) throw new Error(`the probe failed: ${result.error}`);
  if (result.received + result.droppedUpstream !== lines + 1) throw new Error(`the view counted ${result.received + result.droppedUpstream} lines, not ${lines + 1}`);
  return result;
}

export async function benchHostLogs(opts: { lines: number; rounds: number; timeoutMs: number }): Promise<FigureGroup> {
  const probe = path.join(REPO_ROOT, 'out', 'bench', 'host', 'logBurstProbe.js');
  for (const need of [path.join(REPO_ROOT, 'dist', 'extension.js'), probe]) if (!fs.existsSync(need)) throw new Error(`${need} is missing (npm run bench builds it)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-bench-hostlogs-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(path.join(workspace, 'incidents'), { recursive: true });
  const results = path.join(tmp, 'burst-result.json');
  const dockerd = await startDockerd();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    await ensureBusyboxImage(dockerd);
    const container = 'bench-burst';
    const request: BurstProbeRequest = { container, lines: opts.lines, dockerHost: dockerd.dockerHost, timeoutMs: opts.timeoutMs };
    server = await startCodeServer({ workspace, env: { DOCKER_HOST: dockerd.dockerHost, [BENCH_RESULTS_ENV]: results, [BURST_ENV]: JSON.stringify(request) } });
    browser = await launchChromium();
    const runs: Array<{ result: Extract<BurstProbeResult, { ok: true }>; printMs: number; cliMs: number }> = [];
    for (let r = 0; r < opts.rounds; r++) {
      const result = await burstOnce(server, browser, dockerd, probe, results, container, opts.lines, opts.timeoutMs);
      runs.push({ result, printMs: await printingTime(dockerd, container), cliMs: await dockerLogsToDevNull(dockerd, container) });
    }
    const n = opts.lines.toLocaleString('en-US');
    const of = (f: (run: (typeof runs)[number]) => number): Spread => spreadOf(runs.map(f));
    const mb = (s: Spread): string => `${(s.median / MB).toFixed(1)} MiB (${(s.min / MB).toFixed(1)}–${(s.max / MB).toFixed(1)})`;
    const secs = (s: Spread): string => `${(s.median / 1000).toFixed(1)} s (${(s.min / 1000).toFixed(1)}–${(s.max / 1000).toFixed(1)})`;
    const last = runs[runs.length - 1].result;
    return {
      title: `log view in the real extension host (${n}-line burst from a real container)`,
      figures: [
        absoluteFigure(`host: ${n}-line burst into a log view, memory retained (after a full GC, view open)`, 'B', of((x) => x.result.retainedGrowth), HOST_LOG_VIEW_MEMORY_TARGET_BYTES),
        absoluteFigure(`host: ${n}-line burst, memory peak (heap + buffers, GC-timing dependent)`, 'B', of((x) => x.result.memoryGrowth), null),
        absoluteFigure(`host: ${n}-line burst, RSS growth`, 'B', of((x) => x.result.rssGrowth), null),
        comparedFigure(`host: ${n}-line burst, signal to last line in the view vs the container printing them`, 'ms', compareRounds(runs.map((x) => x.result.ms), runs.map((x) => x.printMs)), null),
      ],
      notes: [
        `${opts.rounds} round(s), each a fresh extension host (new workbench page) and a fresh container; median (min–max) over rounds`,
        `${n} lines + a done marker reached the view ${secs(of((x) => x.result.ms))} after the signal; the container took ${secs(of((x) => x.printMs))} to print them (daemon timestamps of its first and last line); docker logs CLI read them back in ${secs(of((x) => x.cliMs))}`,
        `memory of the extension host process over a GC'd baseline: retained after a full GC with the view still open ${mb(of((x) => x.result.retainedGrowth))} (target ≤ ${HOST_LOG_VIEW_MEMORY_TARGET_BYTES / 1e6} MB); peak heap + external ${mb(of((x) => x.result.memoryGrowth))}, sampled every 10 ms, depends on when V8 collects; RSS ${mb(of((x) => x.result.rssGrowth))}`,
        `last round: the view kept ${last.kept.toLocaleString('en-US')} lines (incidentDesk.logs.maxLines), drew ${last.drawn.toLocaleString('en-US')} (${last.notDrawnMarkers} "not drawn (burst)" markers), ${last.droppedUpstream} dropped upstream`,
        `code-server ${server.baseUrl}, headless Chromium, dockerd on a private socket (vfs)`,
      ],
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await dockerd.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
