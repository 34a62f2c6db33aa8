// Runs inside a real VS Code extension host (the workbench `payload`'s extensionTestsPath, as the
// integration tests do) and times the activation of Incident Desk and of an empty extension loaded
// next to it. Appends one JSON line per launch to the results file; the launcher
// (bench/activation.ts) reads it, because the host's console goes to the browser.
//
// What is timed per extension: see ExtensionTiming in activationProtocol.ts.
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { BENCH_PROFILE_ENV, BENCH_RESULTS_ENV, EMPTY_ID, REAL_ID } from './activationProtocol';
import type { ExtensionTiming, LaunchResult } from './activationProtocol';

function resultsFile(): string {
  const fromEnv = process.env[BENCH_RESULTS_ENV];
  if (fromEnv) return fromEnv;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error(`${BENCH_RESULTS_ENV} is not set and no workspace folder is open`);
  return path.join(path.dirname(folder), 'activation-results.jsonl');
}

/** A CPU profile of `body` written to `file` (V8 .cpuprofile, opens in Chrome DevTools or VS Code). */
async function profiled<T>(file: string | undefined, body: () => Promise<T>): Promise<T> {
  if (!file) return body();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

async function time(id: string, profileFile: string | undefined): Promise<ExtensionTiming> {
  const ext = vscode.extensions.getExtension<{ activationMs?: unknown }>(id);
  if (!ext) return { id, wasActive: false, moduleLoadMs: null, activateCallMs: null, activationMs: null, error: `${id} is not loaded in this host` };
  const wasActive = ext.isActive;
  try {
    let moduleLoadMs: number | null = null;
    let activateCallMs: number | null = null;
    let loaded: string[] | undefined;
    if (!wasActive) {
      const before = new Set(Object.keys(require.cache));
      const main = (ext.packageJSON as { main?: string }).main ?? './extension.js';
      const load = createRequire(__filename);
      const mainFile = load.resolve(path.join(ext.extensionPath, main));
      await profiled(profileFile, async () => {
        let t = performance.now();
        load(mainFile);
        moduleLoadMs = performance.now() - t;
        t = performance.now();
        await ext.activate();
        activateCallMs = performance.now() - t;
      });
      const root = ext.extensionPath + path.sep;
      loaded = Object.keys(require.cache).filter((f) => !before.has(f) && f.startsWith(root)).map((f) => path.relative(ext.extensionPath, f));
    }
    const reported = (await ext.activate())?.activationMs;
    const activationMs = typeof reported === 'number' ? reported : null;
    return { id, wasActive, moduleLoadMs, activateCallMs, activationMs, loaded, ...(activationMs === null ? { error: 'exports.activationMs is not a number' } : {}) };
  } catch (e) {
    return { id, wasActive, moduleLoadMs: null, activateCallMs: null, activationMs: null, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
}

/** Built-in extensions activate on startup finished, right when this module runs; let them settle. */
const SETTLE_MS = 2000;

export async function run(): Promise<void> {
  const file = resultsFile();
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  let launch = 0;
  try {
    launch = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    // first launch: no file yet
  }
  // Whoever activates first in a fresh host may pay one-off costs; alternate who that is.
  const order = launch % 2 === 0 ? [REAL_ID, EMPTY_ID] : [EMPTY_ID, REAL_ID];
  const timings: ExtensionTiming[] = [];
  const profileDir = process.env[BENCH_PROFILE_ENV];
  for (const id of order) timings.push(await time(id, profileDir && id === REAL_ID ? path.join(profileDir, `activation-${launch + 1}.cpuprofile`) : undefined));
  const result: LaunchResult = { launch, order, timings };
  fs.appendFileSync(file, JSON.stringify(result) + '\n');
}
