// Issue 11: the timeline of a 10,000-event incident in the REAL extension host and the REAL webview
// (code-server + headless Chromium, as bench/hostLogs.ts): the time from running "Incident: Open
// Timeline" to the first rows painted, measured in the webview and reported back to the host (the
// panel's metrics); the rows in the DOM (virtualised); the webview's JS heap; and an event appended
// to timeline.jsonl by another process (with fsync) until its row is on screen, p95 over the appends.
// Each round is a fresh extension host (a new workbench page); the probe (host/timelineProbe.ts)
// writes one JSON result. The baseline: reading + parsing the same file in that host.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startCodeServer } from '../test/runner/codeServer';
import type { CodeServer } from '../test/runner/codeServer';
import { appState } from '../test/e2e/timelineWebview';
import { absoluteFigure, comparedFigure, type FigureGroup } from './figures';
import { BENCH_RESULTS_ENV } from './host/activationProtocol';
import { TIMELINE_ENV, type TimelineProbeBare, type TimelineProbeOk, type TimelineProbeRequest, type TimelineProbeResult } from './host/timelineProtocol';
import { SAMPLE_INCIDENT_ID, writeSampleIncident } from './postmortemDraft';
import { REPO_ROOT, sleep } from './scratch';
import { compareRounds, median, percentile, spreadOf } from './stats';
import { TIMELINE_APPEND_SHOWN_P95_TARGET_MS, TIMELINE_FIRST_PAINT_TARGET_MS, TIMELINE_RENDERED_ROWS_TARGET } from './targets';

/** An append not on screen within the probe's timeout counts as this long (a miss either way). */
const NOT_SHOWN_MS = 5_000;

async function untilFile(file: string, timeoutMs: number, failed: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (failed()) return;
    if (Date.now() > deadline) throw new Error(`no ${path.basename(file)} from the extension host`);
    await sleep(50);
  }
}

/** Ticks "Follow new events" in the timeline panel, as a user watching appends would. */
async function tickFollow(page: Page): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const f of page.frames()) {
      if (!(await appState(f))) continue;
      // As the e2e tests tick a checkbox: focus, Space.
      const box = f.locator('timeline-app vscode-checkbox[label="Follow new events"]');
      await box.focus({ timeout: 10_000 });
      await page.keyboard.press('Space');
      const deadlineTicked = Date.now() + 5_000;
      while (!(await box.evaluate((e) => (e as unknown as { checked: boolean }).checked))) {
        if (Date.now() > deadlineTicked) throw new Error('"Follow new events" did not tick');
        await sleep(50);
      }
      return;
    }
    if (Date.now() > deadline) throw new Error('no timeline webview frame in the page');
    await sleep(100);
  }
}

const splitText = (s: TimelineProbeOk['split']): string => [s.createdMs, s.pageMs, s.readyMs, s.sentMs, s.receivedMs, s.paintedMs].map((v) => (v === null ? '?' : v.toFixed(0))).join(' / ');

async function roundOnce(server: CodeServer, browser: Browser, probe: string, req: TimelineProbeRequest, results: string): Promise<TimelineProbeOk | TimelineProbeBare> {
  for (const f of [results, req.paintedFlag, req.followFlag]) fs.rmSync(f, { force: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(server.workbenchUrl({ payload: [['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)], ['extensionTestsPath', server.remoteUri(probe)]] }));
    await untilFile(req.paintedFlag, 180_000, () => fs.existsSync(results));
    if (!fs.existsSync(results)) {
      await tickFollow(page);
      fs.writeFileSync(req.followFlag, '');
    }
    await untilFile(results, 180_000, () => false);
  } finally {
    await page.close().catch(() => undefined);
  }
  const result = JSON.parse(fs.readFileSync(results, 'utf8')) as TimelineProbeResult;
  if (!result.ok) throw new Error(`the probe failed: ${result.error}`);
  return result;
}

export async function benchTimelineHost(opts: { events: number; appends: number; rounds: number }): Promise<FigureGroup> {
  const probe = path.join(REPO_ROOT, 'out', 'bench', 'host', 'timelineProbe.js');
  const appender = path.join(REPO_ROOT, 'out', 'bench', 'host', 'timelineAppender.js');
  for (const need of [path.join(REPO_ROOT, 'dist', 'extension.js'), path.join(REPO_ROOT, 'dist', 'webview', 'timeline.js'), probe, appender]) {
    if (!fs.existsSync(need)) throw new Error(`${need} is missing (npm run package, or npm run bench -- size timeline)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-bench-timeline-'));
  const workspace = path.join(tmp, 'workspace');
  const results = path.join(tmp, 'timeline-result.json');
  const req: TimelineProbeRequest = { incidentId: SAMPLE_INCIDENT_ID, events: opts.events, appends: opts.appends, paintedFlag: path.join(tmp, 'painted'), followFlag: path.join(tmp, 'follow'), appender, bareFlag: path.join(tmp, 'bare') };
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace: (fs.mkdirSync(workspace, { recursive: true }), workspace), env: { [BENCH_RESULTS_ENV]: results, [TIMELINE_ENV]: JSON.stringify(req) } });
    browser = await launchChromium();
    const runs: TimelineProbeOk[] = [];
    const bares: TimelineProbeBare[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      // A fresh incident each round: the previous round's appends are gone.
      fs.rmSync(path.join(workspace, 'incidents'), { recursive: true, force: true });
      writeSampleIncident(path.join(workspace, 'incidents'), opts.events, true);
      // Interleaved with the plain tool: a bare webview, the first in a fresh window as well.
      const order = r % 2 === 0 ? ['timeline', 'bare'] : ['bare', 'timeline'];
      for (const what of order) {
        if (what === 'bare') fs.writeFileSync(req.bareFlag, '');
        try {
          const got = await roundOnce(server, browser, probe, req, results);
          if ('bare' in got) bares.push(got);
          else runs.push(got);
        } finally {
          fs.rmSync(req.bareFlag, { force: true });
        }
      }
    }
    const appendMs = (x: TimelineProbeOk) => x.appendShownMs.map((v) => v ?? NOT_SHOWN_MS);
    const p95 = spreadOf(runs.map((x) => percentile(appendMs(x), 95)));
    const p50 = spreadOf(runs.map((x) => percentile(appendMs(x), 50)));
    const missing = runs.reduce((n, x) => n + x.appendShownMs.filter((v) => v === null).length, 0);
    const n = opts.events.toLocaleString('en-US');
    const heaps = runs.map((x) => x.heapBytes).filter((h): h is number => h !== null);
    return {
      title: `timeline webview in the real extension host (${n} events)`,
      figures: [
        absoluteFigure(`timeline (${n} events): Open Timeline to first rows painted (webview clock)`, 'ms', spreadOf(runs.map((x) => x.paintMs)), TIMELINE_FIRST_PAINT_TARGET_MS),
        comparedFigure(`timeline (${n} events): first paint vs a bare webview's first script (the first in a fresh window too)`, 'ms', compareRounds(runs.map((x) => x.paintMs), bares.map((x) => x.scriptMs)), null),
        comparedFigure(`timeline (${n} events): first paint vs reading + parsing timeline.jsonl in the host`, 'ms', compareRounds(runs.map((x) => x.paintMs), runs.map((x) => median(x.parseMs))), null),
        comparedFigure(`timeline (${n} events): panel closed and opened again, to first rows painted, vs a second bare webview`, 'ms', compareRounds(runs.map((x) => x.warmPaintMs), bares.map((x) => x.warmScriptMs)), null),
        absoluteFigure(`timeline (${n} events): rows in the DOM at the first paint`, 'rows', spreadOf(runs.map((x) => Math.max(x.renderedRows, x.warmRenderedRows))), TIMELINE_RENDERED_ROWS_TARGET),
        absoluteFigure(`timeline: appended event, fsync (another process) to on screen, p95 of ${opts.appends}`, 'ms', p95, TIMELINE_APPEND_SHOWN_P95_TARGET_MS),
        absoluteFigure(`timeline: appended event, fsync to on screen, p50 of ${opts.appends}`, 'ms', p50, null),
        absoluteFigure(`timeline (${n} events): webview JS heap at the first paint`, 'B', heaps.length ? spreadOf(heaps) : null, null),
      ],
      notes: [
        `${opts.rounds} round(s), each a fresh extension host (new workbench page, 1280×800) on a fresh copy of the incident, and a bare webview's round (also a fresh page), in alternating order; median (min–max) over rounds`,
        `first paint: from executeCommand('incidentDesk.incident.openTimeline') in the host to the webview's Date.now() after the first rows are in the DOM and a frame passed (its "painted" report); the webview's own figure, from the command time the host handed it: ${runs.map((x) => x.webviewSinceCommandMs.toFixed(0)).join(', ')} ms`,
        `where the first paint's time went (ms after the command: panel created / app page load starts / app ready / host posted the first rows / app received them / painted): ${runs.map((x) => splitText(x.split)).join('; ')}; reopened: ${runs.map((x) => splitText(x.warmSplit)).join('; ')}`,
        `the bare webview (createWebviewPanel, then a page whose one inline script posts back): page load starts / script runs: ${bares.map((x) => `${x.pageMs.toFixed(0)} / ${x.scriptMs.toFixed(0)}`).join('; ')} ms; a second one in the same window: ${bares.map((x) => x.warmScriptMs.toFixed(0)).join(', ')} ms`,
        `rows painted of all: ${runs.map((x) => `${x.renderedRows}/${x.totalRows}`).join(', ')} (the list is virtualised); after reopening: ${runs.map((x) => x.warmRenderedRows).join(', ')}`,
        `appends: ${opts.appends} a round, one at a time (O_APPEND + fsync in another node process, 150 ms apart), "Follow new events" ticked in the panel first; ${missing} not on screen within ${NOT_SHOWN_MS / 1000} s (counted as ${NOT_SHOWN_MS} ms); all rounds' samples: ${runs.flatMap(appendMs).map((v) => v.toFixed(0)).join(' ')}`,
        `plain read + split + JSON.parse of the timeline in the host: ${runs.map((x) => median(x.parseMs).toFixed(1)).join(', ')} ms (median of 5 a round)`,
        heaps.length ? `webview heap: performance.memory.usedJSHeapSize (Chromium, bucketed)` : 'webview heap: not reported (performance.memory absent)',
        `code-server ${server.baseUrl}, headless Chromium`,
      ],
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
