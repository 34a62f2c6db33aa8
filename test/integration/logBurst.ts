// A burst of log lines followed into a log view inside the real extension host, measured there: the
// same path a user takes (Incident: Follow Docker Logs → a terminal-like view), with this process's
// memory sampled while the lines go through dockerode, the pipeline and the view. Shared by the
// integration test (which asserts the bounds) and the benchmark probe (which reports the figures).
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { LogView } from '../../src/terminals/logView';
import { gcFunction, MemoryPeak } from '../services/memory';
import { api, waitFor } from './helpers';

export interface BurstResult {
  readonly lines: number;
  /** From the signal to the last line reaching the view. */
  readonly ms: number;
  /** Peak growth of heapUsed + external (JS objects and Buffers) over a GC'd baseline. */
  readonly memoryGrowth: number;
  readonly rssGrowth: number;
  /** Growth of heapUsed + external after a full GC, with the view still open (its history full). */
  readonly retainedGrowth: number;
  readonly received: number;
  readonly droppedUpstream: number;
  readonly droppedFromHistory: number;
  /** Lines the view kept (bounded by incidentDesk.logs.maxLines). */
  readonly kept: number;
  /** Lines written to the terminal (drawn), markers included. */
  readonly drawn: number;
  /** "N lines not drawn (burst)" markers written. */
  readonly notDrawnMarkers: number;
  readonly lastLine: string | undefined;
  readonly output: string;
}

/**
 * Follows `container` (quiet until signalled) on the local engine through the command, from a second ago on, calls
 * `start()` (which signals the burst), and waits until all `lines` lines plus the done marker went
 * through the view. The view is closed at the end.
 */
export async function followBurst(container: string, lines: number, start: () => Promise<void>, timeoutMs: number): Promise<BurstResult> {
  const desk = await api();
  // Everything the container writes from now on, whenever the follower attaches: the daemon serves
  // what it logged before the attach from its log file, so no sleep is needed to be sure of every line.
  const since = new Date(Date.now() - 1000).toISOString();
  const label = await vscode.commands.executeCommand<string>('incidentDesk.docker.followLogs', { host: 'local', target: { kind: 'container', id: container }, since, tail: lines + 10 });
  const view: LogView | undefined = desk.container.views.logViews.all().find((v) => v.source.label === label);
  if (!view) throw new Error(`no log view for ${String(label)}`);
  let output = '';
  let drawn = 0;
  let notDrawnMarkers = 0;
  const writes = view.onDidWrite((text) => {
    // Only the tail of the text is kept for the assertions; lines and markers are counted as they go.
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) drawn++;
    for (let i = text.indexOf(' lines not drawn (burst)'); i !== -1; i = text.indexOf(' lines not drawn (burst)', i + 1)) notDrawnMarkers++;
    output = (output + text).slice(-20_000);
  });
  const terminal = vscode.window.terminals.find((t) => t.name === `Logs: ${label}`);
  const gc = gcFunction();
  try {
    await waitFor(() => output.includes('Following'), 'the log view to open', 20_000);
    const memory = new MemoryPeak(gc);
    const t = performance.now();
    try {
      await start();
      await waitFor(() => view.received + view.droppedUpstream >= lines + 1, `${lines} lines and the done marker in the view`, timeoutMs);
    } catch (e) {
      memory.stop();
      throw e;
    }
    const growth = memory.stop();
    const ms = performance.now() - t;
    const last = view.lastLines(2, false);
    gc();
    const after = process.memoryUsage();
    return {
      lines,
      ms,
      memoryGrowth: growth.memory,
      rssGrowth: growth.rss,
      retainedGrowth: after.heapUsed + after.external - growth.baseline,
      received: view.received,
      droppedUpstream: view.droppedUpstream,
      droppedFromHistory: view.droppedFromHistory,
      kept: view.kept,
      drawn,
      notDrawnMarkers,
      lastLine: last[0],
      output,
    };
  } finally {
    writes.dispose();
    terminal?.dispose();
  }
}
