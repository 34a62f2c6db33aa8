// Figure 4: activation inside the REAL extension host. One code-server on loopback (see
// test/runner/codeServer.ts), one headless Chromium; every launch opens a fresh workbench page, which
// starts a fresh extension host with Incident Desk in development mode (the repository, i.e.
// dist/extension.js) and runs out/bench/host/activationProbe.js in it. The baseline, an empty
// extension (bench/fixtures/empty-extension), is packed with vsce and installed into the server's
// extensions folder: the workbench keeps only one extensionDevelopmentPath (its payload becomes a
// Map). The workspace holds no incidents/, so nothing activates Incident Desk before the probe does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { launchChromium, startCodeServer } from '../test/runner/codeServer';
import type { CodeServer } from '../test/runner/codeServer';
import { absoluteFigure, comparedFigure } from './figures';
import type { Figure, FigureGroup } from './figures';
import { compareRounds, spreadOfPresent } from './stats';
import type { Comparison } from './stats';
import { BENCH_PROFILE_ENV, BENCH_RESULTS_ENV, EMPTY_ID, REAL_ID } from './host/activationProtocol';
import type { ExtensionTiming, LaunchResult } from './host/activationProtocol';
import { REPO_ROOT, sleep } from './scratch';
import { ACTIVATION_TARGET_MS } from './targets';

export interface ActivationOptions {
  /** The extension folder loaded in development mode: the repository, or a candidate build to compare. */
  readonly extensionPath: string;
  readonly launches: number;
  readonly launchTimeoutMs: number;
  /** Start no further launch once this much time has gone into launches (the first always runs). */
  readonly budgetMs: number;
  /** Write a CPU profile of Incident Desk's load + activate per launch here (timings then include the profiler's overhead). */
  readonly profileDir?: string;
}


function readLaunches(file: string): LaunchResult[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LaunchResult);
  } catch {
    return [];
  }
}

async function launchOnce(server: CodeServer, browser: Browser, extensionPath: string, results: string, index: number, timeoutMs: number): Promise<LaunchResult> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
      ['extensionTestsPath', server.remoteUri(path.join(REPO_ROOT, 'out', 'bench', 'host', 'activationProbe.js'))],
    ] as const;
    await page.goto(server.workbenchUrl({ payload }));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = readLaunches(results);
      if (got.length > index) return got[index];
      if (Date.now() > deadline) throw new Error(`launch ${index + 1}: no result from the extension host after ${timeoutMs} ms`);
      await sleep(100);
    }
  } finally {
    await page.close().catch(() => undefined);
  }
}

const total = (t: ExtensionTiming | undefined): number | null =>
  t && t.moduleLoadMs !== null && t.activateCallMs !== null ? t.moduleLoadMs + t.activateCallMs : null;

/** Per launch, ours against the empty extension in the same host (launches where both were measured). */
function perLaunch(real: ReadonlyArray<number | null>, empty: ReadonlyArray<number | null>): Comparison | null {
  const pairs = real.map((r, i) => [r, empty[i]] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null && p[1] > 0);
  return pairs.length ? compareRounds(pairs.map((p) => p[0]), pairs.map((p) => p[1])) : null;
}

function activationFigures(launches: readonly LaunchResult[]): Figure[] {
  const pick = (id: string): Array<ExtensionTiming | undefined> => launches.map((l) => l.timings.find((t) => t.id === id));
  const real = pick(REAL_ID);
  const empty = pick(EMPTY_ID);
  const load = (t: ExtensionTiming | undefined): number | null => t?.moduleLoadMs ?? null;
  return [
    absoluteFigure('activate(): exports.activationMs', 'ms', spreadOfPresent(real.map((t) => t?.activationMs)), ACTIVATION_TARGET_MS),
    comparedFigure('host: require(main) + ext.activate()', 'ms', perLaunch(real.map(total), empty.map(total)), null),
    comparedFigure('host: require(dist/extension.js)', 'ms', perLaunch(real.map(load), empty.map(load)), null),
  ];
}

function describeTiming(t: ExtensionTiming | undefined): string {
  if (!t) return 'missing';
  if (t.error) return `error: ${t.error.split('\n')[0]}`;
  const f = (n: number | null): string => (n === null ? '—' : n.toFixed(2));
  const loaded = t.loaded === undefined ? '' : `; loaded: ${t.loaded.length ? t.loaded.join(', ') : 'nothing new'}`;
  return `activate() ${f(t.activationMs)} ms, require ${f(t.moduleLoadMs)} ms, ext.activate() ${f(t.activateCallMs)} ms${t.wasActive ? ' (was already active)' : ''}${loaded}`;
}

const EMPTY_EXTENSION_DIR = path.join(REPO_ROOT, 'bench', 'fixtures', 'empty-extension');

/**
 * Packs the empty baseline extension with vsce (a few seconds) into out/bench, reusing the last
 * .vsix while it is newer than every file of the fixture.
 */
function packEmptyExtension(): string {
  const out = path.join(REPO_ROOT, 'out', 'bench', 'empty-extension.vsix');
  const newest = Math.max(...fs.readdirSync(EMPTY_EXTENSION_DIR).map((f) => fs.statSync(path.join(EMPTY_EXTENSION_DIR, f)).mtimeMs));
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs > newest) return out;
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
      cwd: EMPTY_EXTENSION_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`packing the empty extension failed: ${e.message}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
  return out;
}

export async function benchActivation(opts: ActivationOptions): Promise<FigureGroup> {
  const notes: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-bench-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(workspace, 'README.md'), '# Benchmark workspace\n\nNo incidents/ here: the probe activates the extension itself.\n');
  const results = path.join(tmp, 'activation-results.jsonl');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const launches: LaunchResult[] = [];
  try {
    for (const need of [path.join(opts.extensionPath, 'dist', 'extension.js'), path.join(REPO_ROOT, 'out', 'bench', 'host', 'activationProbe.js')]) {
      if (!fs.existsSync(need)) throw new Error(`${need} is missing (npm run bench builds it)`);
    }
    if (opts.extensionPath !== REPO_ROOT) notes.push(`extension under test: ${opts.extensionPath}`);
    let t = performance.now();
    const elapsed = (): string => ((performance.now() - t) / 1000).toFixed(1);
    const emptyVsix = packEmptyExtension();
    const packSecs = elapsed();
    t = performance.now();
    const env: Record<string, string> = { [BENCH_RESULTS_ENV]: results };
    if (opts.profileDir) env[BENCH_PROFILE_ENV] = opts.profileDir;
    server = await startCodeServer({ workspace, installExtensions: [emptyVsix], env });
    const serverSecs = elapsed();
    t = performance.now();
    browser = await launchChromium();
    notes.push(`setup: empty extension .vsix ready in ${packSecs} s; code-server ${server.baseUrl} (pid ${server.pid}) installed it and started in ${serverSecs} s; Chromium in ${elapsed()} s`);
    const launchesStarted = performance.now();
    let slowest = 0;
    for (let i = 0; i < opts.launches; i++) {
      // Keep `npm run bench` short on a busy machine: no launch that would likely end past the budget.
      const spent = performance.now() - launchesStarted;
      if (i > 0 && spent + slowest > opts.budgetMs) {
        notes.push(`stopped after ${i} of ${opts.launches} launches: the next would pass the ${opts.budgetMs / 1000} s budget (BENCH_ACTIVATION_BUDGET_S)`);
        break;
      }
      const started = performance.now();
      const launch = await launchOnce(server, browser, opts.extensionPath, results, i, opts.launchTimeoutMs);
      launches.push(launch);
      slowest = Math.max(slowest, performance.now() - started);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const first = launch.order[0] === REAL_ID ? 'Incident Desk first' : 'empty first';
      notes.push(`launch ${i + 1} (${secs} s, ${first}): Incident Desk ${describeTiming(launch.timings.find((x) => x.id === REAL_ID))}`);
      notes.push(`${' '.repeat(`launch ${i + 1} (${secs} s, ${first}): `.length)}empty ext     ${describeTiming(launch.timings.find((x) => x.id === EMPTY_ID))}`);
    }
  } catch (e) {
    notes.push(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
    if (server) notes.push(`code-server log (last lines):\n${fs.readFileSync(server.logFile, 'utf8').split('\n').slice(-15).map((l) => `    ${l}`).join('\n')}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (opts.profileDir) notes.push(`CPU profiles (timings include profiler overhead): ${opts.profileDir}/activation-<launch>.cpuprofile`);
  notes.push(
    `median (min–max) of ${launches.length} host launch(es), each a fresh extension host; activationMs: time inside activate(), as the extension reports it (target absolute, ≤ ${ACTIVATION_TARGET_MS} ms)`,
    'host rows (info): our require() of the main file timed in the probe before activation, plus the wall time of await ext.activate(); baseline = the same for an empty extension (installed from a .vsix) in the same host, who goes first alternating per launch; ratio per launch',
    '"loaded": the files require() loaded from the extension\'s folder during its require + activate() (the lazy remote bundle, dist/remote.js, must not be among them)',
  );
  return { title: 'activation in the real extension host (code-server)', figures: activationFigures(launches), notes };
}
