// Figure: memory of the REAL extension host while a followed container bursts 1,000,000 lines into a
// log view, through the user's path (the Follow Docker Logs command, the terminal view). One
// code-server on loopback and one headless Chromium page (as bench/activation.ts); a dockerd of our
// own on a private socket is the host's local engine (DOCKER_HOST). The container waits, quiet,
// until the probe has attached, then prints as fast as it can; the probe samples process memory
// every 10 ms until the last line reached the view.
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
import { figure } from './figures';
import type { FigureGroup } from './figures';
import { BENCH_RESULTS_ENV } from './host/activationProtocol';
import { BURST_ENV, type BurstProbeRequest, type BurstProbeResult } from './host/logBurstProtocol';
import { REPO_ROOT, sleep } from './scratch';

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

export async function benchHostLogs(opts: { lines: number; timeoutMs: number }): Promise<FigureGroup> {
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
    await runContainer(dockerd, { name: container, cmd: burstContainerCmd(opts.lines) });
    const request: BurstProbeRequest = { container, lines: opts.lines, dockerHost: dockerd.dockerHost, timeoutMs: opts.timeoutMs };
    server = await startCodeServer({ workspace, env: { DOCKER_HOST: dockerd.dockerHost, [BENCH_RESULTS_ENV]: results, [BURST_ENV]: JSON.stringify(request) } });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.workbenchUrl({ payload: [['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)], ['extensionTestsPath', server.remoteUri(probe)]] }));
    const deadline = Date.now() + opts.timeoutMs + 120_000;
    while (!fs.existsSync(results)) {
      if (Date.now() > deadline) throw new Error('no result from the extension host');
      await sleep(250);
    }
    const result = JSON.parse(fs.readFileSync(results, 'utf8')) as BurstProbeResult;
    if (!result.ok) throw new Error(`the probe failed: ${result.error}`);
    if (result.received + result.droppedUpstream !== opts.lines + 1) throw new Error(`the view counted ${result.received + result.droppedUpstream} lines, not ${opts.lines + 1}`);
    const cliMs = await dockerLogsToDevNull(dockerd, container);
    const printMs = await printingTime(dockerd, container);
    const n = opts.lines.toLocaleString('en-US');
    return {
      title: `log view in the real extension host (${n}-line burst from a real container)`,
      figures: [
        figure(`host: ${n}-line burst into a log view, memory growth (peak heap + buffers)`, 'B', result.memoryGrowth, null, 100_000_000),
        figure(`host: ${n}-line burst, RSS growth`, 'B', result.rssGrowth, null, null),
        figure(`host: ${n}-line burst, signal to last line in the view vs the container printing them`, 'ms', result.ms, printMs, null),
      ],
      notes: [
        `${n} lines + a done marker reached the view ${(result.ms / 1000).toFixed(1)} s after the signal; the container took ${(printMs / 1000).toFixed(1)} s to print them (daemon timestamps of its first and last line); docker logs CLI read them back in ${(cliMs / 1000).toFixed(1)} s`,
        `memory of the extension host process: heap + external peak growth ${(result.memoryGrowth / MB).toFixed(1)} MiB over a GC'd baseline (target ≤ 100 MB), RSS ${(result.rssGrowth / MB).toFixed(1)} MiB, ${(result.retainedGrowth / MB).toFixed(1)} MiB still held after a full GC with the view open`,
        `the view kept ${result.kept.toLocaleString('en-US')} lines (incidentDesk.logs.maxLines), drew ${result.drawn.toLocaleString('en-US')} (${result.notDrawnMarkers} "not drawn (burst)" markers), ${result.droppedUpstream} dropped upstream`,
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
