import * as vscode from 'vscode';
import { LogScreen } from '../services/docker/logs/logScreen';
import type { LogFilter } from '../services/docker/logs/logScreen';
import type { LogLine } from '../services/docker/logs/logPipeline';
import { stripAll } from '../services/docker/logs/sanitize';

/** Where a view's lines come from (a followed container or compose service). */
export interface LogSource {
  /** Shown in the terminal's name and on the timeline, e.g. `shop/backend on prod-1`. */
  readonly label: string;
  readonly host: string;
  start(sink: LogSink): void;
  stop(): void;
}

export interface LogSink {
  /** Lines in arrival order (already sanitised: colours only); `dropped` lines were lost before them. */
  lines(lines: readonly LogLine[], dropped: number): void;
  /** A fault handled on the way (restart, reconnect, gap): shown as a marker line. */
  marker(text: string): void;
  /** The source ended for good (container removed, stopped by the user, an error). */
  end(reason: string): void;
}

/** Parses what the user typed: `/regex/flags` or plain text (case-insensitive). Throws on a bad regex. */
export function parseLogFilter(input: string): LogFilter | undefined {
  const text = input.trim();
  if (!text) return undefined;
  const m = /^\/(.+)\/([a-z]*)$/.exec(text);
  if (m) {
    const re = new RegExp(m[1], m[2].replace(/[gy]/g, ''));
    return { source: text, test: (s) => re.test(stripAll(s)) };
  }
  const needle = text.toLowerCase();
  return { source: text, test: (s) => stripAll(s).toLowerCase().includes(needle) };
}

/**
 * A followed log in a terminal: live lines, Space pauses and resumes, `/` filters (text or
 * /regex/), `p` pins lines to the incident's timeline, `q` stops following. What is drawn, and in
 * which order, is LogScreen's (services/docker/logs/logScreen.ts); this is its terminal.
 */
export class LogView implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly screen: LogScreen;
  private ended = false;
  private closed = false;

  constructor(
    readonly source: LogSource,
    options: { maxLines: number; timestamps: boolean },
    private readonly actions: { pin(view: LogView): void; filter(view: LogView): void },
  ) {
    this.screen = new LogScreen(options, (text) => {
      if (!this.closed && text) this.writeEmitter.fire(text);
    });
  }

  /** Lines delivered to the view. */
  get received(): number {
    return this.screen.received;
  }

  /** Lines lost before reaching the view (the pipeline's buffer was full): counted and shown, never drawn. */
  get droppedUpstream(): number {
    return this.screen.droppedUpstream;
  }

  /** Lines that fell out of the bounded history (the oldest first). */
  get droppedFromHistory(): number {
    return this.screen.droppedFromHistory;
  }

  /** How many lines the view kept in its history now (at most incidentDesk.logs.maxLines). */
  get kept(): number {
    return this.screen.kept;
  }

  get paused(): boolean {
    return this.screen.paused;
  }

  get filterText(): string | undefined {
    return this.screen.filterText;
  }

  open(): void {
    this.screen.notice(`Following ${this.source.label}. Space: pause/resume · /: filter · p: pin to timeline · q: stop`);
    this.source.start({
      lines: (lines, dropped) => this.screen.lines(lines, dropped),
      marker: (text) => this.screen.marker(text),
      end: (reason) => {
        // Stopped here (q, or the terminal closed): that was already said.
        if (this.ended) return;
        this.ended = true;
        this.screen.end(reason);
      },
    });
  }

  /** The last `n` lines kept (filtered if a filter is on), as plain text for the timeline. */
  lastLines(n: number, filtered: boolean): string[] {
    return this.screen.lastLines(n, filtered);
  }

  togglePause(): void {
    this.screen.togglePause();
  }

  setFilter(filter: LogFilter | undefined): void {
    this.screen.setFilter(filter);
  }

  handleInput(data: string): void {
    if (data === ' ') this.togglePause();
    else if (data === '/') this.actions.filter(this);
    else if (data === 'p') this.actions.pin(this);
    else if (data === 'q' || data === '\x03') this.stopFollowing();
  }

  stopFollowing(): void {
    if (this.ended) return;
    this.ended = true;
    this.source.stop();
    // What came while paused is drawn first, so the notice comes after it.
    if (this.screen.paused) this.screen.togglePause();
    this.screen.notice('── stopped following; the lines stay here until the terminal is closed ──');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.ended) this.source.stop();
    this.ended = true;
    this.screen.close();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
