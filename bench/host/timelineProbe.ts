// Runs inside a real VS Code extension host (the workbench payload's extensionTestsPath) with
// Incident Desk in development mode: opens a 10,000-event incident's timeline through the command a
// user runs, and reads what the webview reported back (the panel's metrics: the paint time, the rows
// in the DOM, its heap, when appended rows were first on screen). Writes one JSON result for the
// launcher (bench/timelineHost.ts), because the host's console goes to the browser.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import type { IncidentDeskApi } from '../../src/extension';
import { newEventId } from '../../src/core/timeline/eventRef';
import { serializeEvent } from '../../src/core/timeline/timelineFile';
import type { TimelinePanel } from '../../src/webviews/timeline/timelinePanel';
import { REAL_ID } from './activationProtocol';
import { runProbe, sleep, until } from './probeParts';
import { TIMELINE_ENV, type TimelineProbeBare, type TimelineProbeOk, type TimelineProbeRequest, type TimelineProbeResult } from './timelineProtocol';


/** Runs the command and waits for the webview's first paint after it; the time is the webview's (epoch ms). */
async function openAndPaint(api: IncidentDeskApi, id: string): Promise<{ ms: number; panel: TimelinePanel; painted: TimelinePanel['metrics']['painted'][number]; split: TimelineProbeOk['split'] }> {
  const before = (await api.container.timeline.panel(id))?.metrics.painted.length ?? 0;
  const t0 = Date.now();
  await vscode.commands.executeCommand('incidentDesk.incident.openTimeline', id);
  const panel = await until('the timeline panel', () => api.container.timeline.panel(id), 30_000);
  const painted = await until('the first paint', () => panel.metrics.painted[before], 30_000);
  // An older build (BENCH_EXTENSION_PATH, or a comparison with the code before) may not report the split.
  const reset = (panel.metrics.resets as TimelinePanel['metrics']['resets'] | undefined)?.at(-1);
  const split = { createdMs: reset ? reset.createdAt - t0 : null, pageMs: painted.pageAt - t0, readyMs: reset?.readyAt != null ? reset.readyAt - t0 : null, sentMs: reset ? reset.sentAt - t0 : null, receivedMs: painted.receivedAt - t0, paintedMs: painted.at - t0 };
  return { ms: painted.at - t0, panel, painted, split };
}

/** Opens a bare webview (one inline script that posts its clock back); ms from createWebviewPanel to its script and to its page's start. */
async function openBare(): Promise<{ scriptMs: number; pageMs: number }> {
  const nonce = Math.random().toString(36).slice(2);
  const t0 = Date.now();
  const panel = vscode.window.createWebviewPanel('incidentDeskBenchBare', 'Bare webview', vscode.ViewColumn.Active, { enableScripts: true });
  try {
    const got = new Promise<{ at: number; origin: number }>((resolve) => panel.webview.onDidReceiveMessage((m: { at: number; origin: number }) => resolve(m)));
    panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'"></head><body><p>bare</p><script nonce="${nonce}">acquireVsCodeApi().postMessage({ at: Date.now(), origin: performance.timeOrigin });</script></body></html>`;
    const m = await Promise.race([got, sleep(30_000).then(() => { throw new Error('the bare webview did not post back'); })]);
    return { scriptMs: m.at - t0, pageMs: m.origin - t0 };
  } finally {
    panel.dispose();
  }
}

export async function measureBare(): Promise<TimelineProbeBare> {
  // As for the timeline: the extension is active and its views are up before the first webview opens.
  const ext = vscode.extensions.getExtension<IncidentDeskApi>(REAL_ID);
  if (!ext) throw new Error(`${REAL_ID} is not loaded`);
  await ext.activate();
  const cold = await openBare();
  await sleep(300);
  const warm = await openBare();
  return { ok: true, bare: true, scriptMs: cold.scriptMs, pageMs: cold.pageMs, warmScriptMs: warm.scriptMs };
}

function plainParse(file: string): number {
  const t = performance.now();
  let n = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line.trim()) n += (JSON.parse(line) as object) ? 1 : 0;
  const ms = performance.now() - t;
  if (n === 0) throw new Error('nothing parsed');
  return ms;
}

async function measure(req: TimelineProbeRequest): Promise<TimelineProbeResult> {
  const ext = vscode.extensions.getExtension<IncidentDeskApi>(REAL_ID);
  if (!ext) throw new Error(`${REAL_ID} is not loaded`);
  const api = await ext.activate();
  const entry = await until('the incident in the store', () => api.container.incidents.store?.get(req.incidentId), 60_000, 50);
  if (entry.events.length !== req.events) throw new Error(`the store has ${entry.events.length} events, not ${req.events}`);
  const file = path.join(entry.dir, 'timeline.jsonl');

  const cold = await openAndPaint(api, req.incidentId);
  fs.writeFileSync(req.paintedFlag, '');
  await until('the launcher to tick Follow new events', () => (fs.existsSync(req.followFlag) ? true : undefined), 60_000, 20);

  const child = spawn(process.execPath, [req.appender], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const synced = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const appendShownMs: Array<number | null> = [];
  try {
    for (let k = 0; k < req.appends; k++) {
      const id = newEventId();
      const line = serializeEvent({ id, ts: new Date().toISOString(), type: 'note', actor: 'Bench', text: `Appended by another process, ${k + 1} of ${req.appends}` });
      child.stdin.write(JSON.stringify({ file, line }) + '\n');
      const next = await synced.next();
      if (next.done) throw new Error('the appender exited');
      const at = Number(next.value);
      const shown = await until(`appended row ${k + 1} on screen`, () => cold.panel.metrics.shown.get(id), 5_000).catch(() => null);
      appendShownMs.push(shown === null ? null : shown - at);
      await sleep(150);
    }
  } finally {
    child.stdin.end();
    child.kill();
  }

  const parseMs: number[] = [];
  for (let i = 0; i < 5; i++) parseMs.push(plainParse(file));

  // Closed and opened again: the webview is rebuilt, its code and the host's modules are warm.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await until('the panel to close', async () => ((await api.container.timeline.panel(req.incidentId)) ? undefined : true), 10_000, 20);
  const warm = await openAndPaint(api, req.incidentId);
  return {
    ok: true, paintMs: cold.ms, webviewSinceCommandMs: cold.painted.sinceCommandMs, renderedRows: cold.painted.renderedRows, totalRows: cold.painted.totalRows,
    heapBytes: cold.painted.heapBytes, split: cold.split, warmPaintMs: warm.ms, warmSplit: warm.split, warmRenderedRows: warm.painted.renderedRows, appendShownMs, parseMs,
  };
}

export async function run(): Promise<void> {
  await runProbe<TimelineProbeRequest, TimelineProbeResult>(TIMELINE_ENV, measureBare, measure);
}
