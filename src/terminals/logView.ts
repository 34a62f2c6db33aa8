import * as vscode from 'vscode';
import { LineStore } from '../services/docker/logs/lineStore';
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

/**
 * What one frame draws at most: in a burst the rest stay in history (shown on pause) and are
 * counted in a marker. 5,000 lines or 2.5 MB a second is more than anyone reads, and keeps the
 * terminal's renderer, and the extension host's queue of data for it, from filling up: a
 * Pseudoterminal has no flow control, so what it is given is buffered until the UI draws it.
 */
const MAX_DRAWN_PER_FRAME = 500;
const MAX_DRAWN_CHARS_PER_FRAME = 256 * 1024;
const FRAME_MS = 100;

const DIM = '\x1b[2m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

interface Filter {
  readonly source: string;
  readonly test: (text: string) => boolean;
}

/** Parses what the user typed: `/regex/flags` or plain text (case-insensitive). Throws on a bad regex. */
export function parseLogFilter(input: string): Filter | undefined {
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
 * /regex/), `p` pins lines to the incident's timeline, `q` stops following. History is bounded
 * (incidentDesk.logs.maxLines, the oldest dropped and counted), and a burst is drawn at most
 * MAX_DRAWN_PER_FRAME lines per frame, so neither memory nor the UI grows without end.
 */
export class LogView implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly history: LineStore;
  private pending: LogLine[] = [];
  private skippedInFrame = 0;
  private frame: NodeJS.Timeout | undefined;
  private pausedAt: number | undefined;
  private filter: Filter | undefined;
  private ended = false;
  private closed = false;
  /** Lines delivered to the view. */
  received = 0;
  /** Lines lost before reaching the view (the pipeline's buffer was full): counted and shown, never drawn. */
  droppedUpstream = 0;

  /** Lines that fell out of the bounded history (the oldest first). */
  get droppedFromHistory(): number {
    return this.history.evicted;
  }

  /** How many lines the view kept in its history now (at most incidentDesk.logs.maxLines). */
  get kept(): number {
    return this.history.length;
  }

  constructor(
    readonly source: LogSource,
    private readonly options: { maxLines: number; timestamps: boolean },
    private readonly actions: { pin(view: LogView): void; filter(view: LogView): void },
  ) {
    // Room for lines of 512 bytes on average; longer lines mean fewer kept, never more memory.
    this.history = new LineStore({ maxLines: options.maxLines, maxBytes: Math.min(Math.max(options.maxLines * 512, 1024 * 1024), 512 * 1024 * 1024) });
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  get filterText(): string | undefined {
    return this.filter?.source;
  }

  open(): void {
    this.print(`${DIM}Following ${this.source.label}. Space: pause/resume · /: filter · p: pin to timeline · q: stop${RESET}\r\n`);
    this.source.start({
      lines: (lines, dropped) => this.onLines(lines, dropped),
      marker: (text) => this.marker(text),
      end: (reason) => {
        // Stopped here (q, or the terminal closed): that was already said.
        if (this.ended) return;
        this.ended = true;
        this.flush();
        this.print(`${RED}── ${reason} ──${RESET}\r\n`);
      },
    });
  }

  private onLines(lines: readonly LogLine[], dropped: number): void {
    if (this.closed) return;
    this.received += lines.length;
    if (dropped) {
      this.droppedUpstream += dropped;
      this.marker(`${dropped.toLocaleString('en-US')} lines dropped (more than the view keeps)`);
    }
    for (const line of lines) this.history.push(line);
    if (this.paused) return;
    for (const line of lines) if (!this.filter || this.filter.test(line.text)) this.pending.push(line);
    // Trimmed to a frame's worth now and then (not on every batch: that copy would be per batch).
    if (this.pending.length > 2 * MAX_DRAWN_PER_FRAME) this.trimPending();
    this.frame ??= setTimeout(() => this.flush(), FRAME_MS);
  }

  private trimPending(): void {
    if (this.pending.length <= MAX_DRAWN_PER_FRAME) return;
    this.skippedInFrame += this.pending.length - MAX_DRAWN_PER_FRAME;
    this.pending = this.pending.slice(-MAX_DRAWN_PER_FRAME);
  }

  /** The last `n` lines kept (filtered if a filter is on), as plain text for the timeline. */
  lastLines(n: number, filtered: boolean): string[] {
    const out: string[] = [];
    for (let i = this.history.end - 1; i >= this.history.first && out.length < n; i--) {
      const line = this.history.at(i) as LogLine;
      if (filtered && this.filter && !this.filter.test(line.text)) continue;
      out.push(`${this.options.timestamps && line.timestamp ? `${line.timestamp} ` : ''}${line.stream === 'stderr' ? '[stderr] ' : ''}${stripAll(line.text)}`);
    }
    return out.reverse();
  }

  private flush(): void {
    if (this.frame) clearTimeout(this.frame);
    this.frame = undefined;
    this.trimPending();
    if (this.pending.length) {
      // The newest lines that fit the frame's character budget (at least one, which was cut to size upstream).
      const drawn: string[] = [];
      let chars = 0;
      for (let i = this.pending.length - 1; i >= 0; i--) {
        const text = this.format(this.pending[i]);
        if (drawn.length > 0 && chars + text.length > MAX_DRAWN_CHARS_PER_FRAME) {
          this.skippedInFrame += i + 1;
          break;
        }
        drawn.push(text);
        chars += text.length;
      }
      if (this.skippedInFrame) this.printSkipped();
      this.print(drawn.reverse().join(''));
      this.pending = [];
    } else if (this.skippedInFrame) {
      this.printSkipped();
    }
  }

  private printSkipped(): void {
    this.print(`${DIM}── ${this.skippedInFrame.toLocaleString('en-US')} lines not drawn (burst); pause to see the last ${this.options.maxLines.toLocaleString('en-US')} ──${RESET}\r\n`);
    this.skippedInFrame = 0;
  }

  private format(line: LogLine): string {
    const ts = this.options.timestamps && line.timestamp ? `${DIM}${line.timestamp}${RESET} ` : '';
    const err = line.stream === 'stderr' ? `${RED}▌${RESET}` : '';
    // The pipeline kept colours only; a reset after each line keeps one line's colour from bleeding.
    return `${ts}${err}${line.text}${RESET}\r\n`;
  }

  private marker(text: string): void {
    this.flush();
    this.print(`${YELLOW}── ${text} ──${RESET}\r\n`);
  }

  togglePause(): void {
    if (this.pausedAt === undefined) {
      this.flush();
      this.pausedAt = this.history.end;
      this.print(`${YELLOW}── paused: new lines are kept (up to ${this.options.maxLines.toLocaleString('en-US')}); Space resumes ──${RESET}\r\n`);
      return;
    }
    // Only the last frame's worth is decoded to draw; the rest is counted (all that came, kept or not).
    const from = this.pausedAt;
    this.pausedAt = undefined;
    const recent: LogLine[] = [];
    let count = this.filter ? 0 : this.history.end - from;
    for (let i = this.history.end - 1; i >= Math.max(from, this.history.first); i--) {
      if (!this.filter && recent.length === MAX_DRAWN_PER_FRAME) break;
      const line = this.history.at(i) as LogLine;
      if (this.filter && !this.filter.test(line.text)) continue;
      if (this.filter) count++;
      if (recent.length < MAX_DRAWN_PER_FRAME) recent.push(line);
    }
    this.print(`${YELLOW}── resumed: ${count.toLocaleString('en-US')} lines while paused ──${RESET}\r\n`);
    this.pending = recent.reverse();
    this.skippedInFrame = Math.max(0, count - recent.length);
    this.flush();
  }

  setFilter(filter: Filter | undefined): void {
    this.flush();
    this.filter = filter;
    this.print(`${YELLOW}── ${filter ? `filter: ${filter.source}` : 'filter cleared'} ──${RESET}\r\n`);
    // Redraw the recent history through the new filter.
    const recent: LogLine[] = [];
    for (let i = this.history.end - 1; i >= this.history.first && recent.length < 200; i--) {
      const line = this.history.at(i) as LogLine;
      if (!filter || filter.test(line.text)) recent.push(line);
    }
    this.print(recent.reverse().map((l) => this.format(l)).join(''));
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
    this.flush();
    this.print(`${DIM}── stopped following; the lines stay here until the terminal is closed ──${RESET}\r\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.ended) this.source.stop();
    this.ended = true;
    if (this.frame) clearTimeout(this.frame);
    this.history.clear();
    this.pending = [];
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private print(text: string): void {
    if (!this.closed && text) this.writeEmitter.fire(text);
  }
}
