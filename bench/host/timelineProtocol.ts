// What the timeline probe (runs in the extension host, imports vscode) and its launcher (plain node,
// drives the page) share: the env var with the request, the handshake files and the result.

/** Env var with the JSON request; the server's environment reaches the extension host. */
export const TIMELINE_ENV = 'INCIDENT_DESK_BENCH_TIMELINE';

export interface TimelineProbeRequest {
  readonly incidentId: string;
  readonly events: number;
  /** Appends by another process, each timed from its fsync to the row on screen. */
  readonly appends: number;
  /** The probe writes this file once the first rows are painted… */
  readonly paintedFlag: string;
  /** …and waits for this one: the launcher has ticked "Follow new events" in the panel, as a user would to watch appends. */
  readonly followFlag: string;
  /** out/bench/host/timelineAppender.js, run as another process. */
  readonly appender: string;
  /** While this file exists, a round measures only the plain tool: a bare webview, the first in its window (TimelineProbeBare). */
  readonly bareFlag: string;
}

/**
 * The plain tool for the first paint: a bare webview panel (createWebviewPanel, a page with one
 * nonce'd inline script that posts Date.now() back), the first webview in a fresh window, as the
 * timeline's cold open is. What VS Code itself takes to show any webview.
 */
export interface TimelineProbeBare {
  readonly ok: true;
  readonly bare: true;
  /** createWebviewPanel to the page's script running (its Date.now(), epoch ms). */
  readonly scriptMs: number;
  /** createWebviewPanel to the page starting to load (its performance.timeOrigin). */
  readonly pageMs: number;
  /** The same, the panel closed and a second one opened in the same window. */
  readonly warmScriptMs: number;
}

export interface TimelineProbeOk {
  readonly ok: true;
  /** executeCommand('incidentDesk.incident.openTimeline') to the first rows painted (the webview's paint time, epoch ms). */
  readonly paintMs: number;
  /** The webview's own figure: from the command time the host passed it to the paint. */
  readonly webviewSinceCommandMs: number;
  readonly renderedRows: number;
  readonly totalRows: number;
  /** The webview's performance.memory.usedJSHeapSize at the first paint; null where Chromium does not report it. */
  readonly heapBytes: number | null;
  /** The same, panel closed and opened again in the same host (webview code cached). */
  readonly warmPaintMs: number;
  readonly warmSplit: TimelineProbeOk['split'];
  readonly warmRenderedRows: number;
  /** Per append: its fsync returned (in the other process) → its row on screen (epoch ms in the webview); null: not shown within the timeout. */
  readonly appendShownMs: ReadonlyArray<number | null>;
  /**
   * Where the first paint's time went, ms after the command: the panel was created, the app's page
   * started loading (its performance.timeOrigin), the app said it
   * was ready (its page loaded), the host posted the first rows, the app received them (its clock), it painted them.
   */
  readonly split: { createdMs: number | null; pageMs: number; readyMs: number | null; sentMs: number | null; receivedMs: number; paintedMs: number };
  /** Plain read + split + JSON.parse of the same timeline.jsonl in this host, one per run. */
  readonly parseMs: readonly number[];
}

export type TimelineProbeResult = TimelineProbeOk | TimelineProbeBare | { readonly ok: false; readonly error: string };
