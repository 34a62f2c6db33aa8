// What a log view draws, apart from VS Code: the history, the frames, pause and resume, the filter
// and the markers, as text for a terminal. The Pseudoterminal (src/terminals/logView.ts) only
// passes keys in and this text out, so all of this is tested with plain mocha and xterm.js headless.
import { LineStore } from './lineStore';
import type { LogLine } from './logPipeline';
import { stripAll } from './sanitize';

/** A filter the user typed (text or /regex/). */
export interface LogFilter {
  readonly source: string;
  readonly test: (text: string) => boolean;
}

export interface LogScreenOptions {
  /** History kept (incidentDesk.logs.maxLines). */
  readonly maxLines: number;
  readonly timestamps: boolean;
}

/** Runs `draw` after a frame's delay; returns how to cancel it. setTimeout by default. */
export type FrameScheduler = (draw: () => void) => () => void;

/**
 * What one frame draws at most: in a burst the rest stay in history (shown on pause) and are
 * counted in a marker. 5,000 lines or 2.5 MB a second is more than anyone reads, and keeps the
 * terminal's renderer, and the extension host's queue of data for it, from filling up: a
 * Pseudoterminal has no flow control, so what it is given is buffered until the UI draws it.
 */
export const MAX_DRAWN_PER_FRAME = 500;
const MAX_DRAWN_CHARS_PER_FRAME = 256 * 1024;
const FRAME_MS = 100;
/** Markers kept while paused (a container flapping for hours); the oldest beyond are counted. */
const MAX_QUEUED_MARKERS = 1000;

const DIM = '\x1b[2m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

const frameTimer: FrameScheduler = (draw) => {
  const timer = setTimeout(draw, FRAME_MS);
  return () => clearTimeout(timer);
};

/** A marker that came while paused: drawn on resume before line number `at` (after the lines before it). */
interface QueuedMarker {
  readonly at: number;
  readonly text: string;
}

/**
 * Live lines, pause and resume, a filter, markers; history bounded (maxLines, the oldest dropped
 * and counted), a burst drawn at most MAX_DRAWN_PER_FRAME lines per frame. Markers are drawn in
 * order with the lines around them, also while paused: they wait with the lines and come on
 * resume where they happened. Every text that did not come from here (marker texts hold container
 * names and daemon messages) is stripped of control sequences before it is drawn; lines arrive
 * sanitised by the pipeline.
 */
export class LogScreen {
  private readonly history: LineStore;
  private pending: LogLine[] = [];
  private skippedInFrame = 0;
  private cancelFrame: (() => void) | undefined;
  private pausedAt: number | undefined;
  private queued: QueuedMarker[] = [];
  private queuedDropped = 0;
  private filter: LogFilter | undefined;
  private closed = false;
  /** Lines delivered. */
  received = 0;
  /** Lines lost before reaching the view (the pipeline's buffer was full): counted and shown, never drawn. */
  droppedUpstream = 0;

  constructor(
    private readonly options: LogScreenOptions,
    private readonly print: (text: string) => void,
    private readonly schedule: FrameScheduler = frameTimer,
  ) {
    // Room for lines of 512 bytes on average; longer lines mean fewer kept, never more memory.
    this.history = new LineStore({ maxLines: options.maxLines, maxBytes: Math.min(Math.max(options.maxLines * 512, 1024 * 1024), 512 * 1024 * 1024) });
  }

  /** Lines that fell out of the bounded history (the oldest first). */
  get droppedFromHistory(): number {
    return this.history.evicted;
  }

  /** How many lines are kept now (at most maxLines). */
  get kept(): number {
    return this.history.length;
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  get filterText(): string | undefined {
    return this.filter?.source;
  }

  /** A plain notice (the header, "stopped following"): drawn at once. */
  notice(text: string): void {
    this.flush();
    this.print(`${DIM}${stripAll(text)}${RESET}\r\n`);
  }

  lines(lines: readonly LogLine[], dropped: number): void {
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
    this.cancelFrame ??= this.schedule(() => {
      this.cancelFrame = undefined;
      this.flush();
    });
  }

  /** A fault handled on the way (restart, reconnect, gap, lines dropped): a line between the log lines. */
  marker(text: string): void {
    this.markerLine(`${YELLOW}── ${stripAll(text)} ──${RESET}\r\n`);
  }

  /** The source ended: said in order with the lines, like a marker. */
  end(reason: string): void {
    this.markerLine(`${RED}── ${stripAll(reason)} ──${RESET}\r\n`);
  }

  private markerLine(text: string): void {
    if (this.closed) return;
    if (this.paused) {
      this.queued.push({ at: this.history.end, text });
      if (this.queued.length > MAX_QUEUED_MARKERS) {
        this.queued.shift();
        this.queuedDropped++;
      }
      return;
    }
    this.flush();
    this.print(text);
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

  togglePause(): void {
    if (this.pausedAt === undefined) {
      this.flush();
      this.pausedAt = this.history.end;
      this.print(`${YELLOW}── paused: new lines are kept (up to ${this.options.maxLines.toLocaleString('en-US')}); Space resumes ──${RESET}\r\n`);
      return;
    }
    this.resume(this.pausedAt);
  }

  /**
   * Draws what came while paused, in arrival order: the markers where they happened, the newest
   * frame's worth of lines, and for the lines not drawn a count at their place.
   */
  private resume(from: number): void {
    this.pausedAt = undefined;
    const markers = this.queued;
    const markersDropped = this.queuedDropped;
    this.queued = [];
    this.queuedDropped = 0;
    const end = this.history.end;
    const kept = Math.max(from, this.history.first);
    // The newest frame's worth of lines (filtered), decoded; the rest are counted.
    const drawn: { n: number; line: LogLine }[] = [];
    for (let i = end - 1; i >= kept && drawn.length < MAX_DRAWN_PER_FRAME; i--) {
      const line = this.history.at(i) as LogLine;
      if (!this.filter || this.filter.test(line.text)) drawn.push({ n: i, line });
    }
    drawn.reverse();
    const firstDrawn = drawn.length ? drawn[0].n : end;
    const total = this.countShown(from, firstDrawn) + drawn.length;
    let out = `${YELLOW}── resumed: ${total.toLocaleString('en-US')} lines while paused ──${RESET}\r\n`;
    if (markersDropped) out += `${YELLOW}── ${markersDropped.toLocaleString('en-US')} earlier markers not kept ──${RESET}\r\n`;
    let at = from;
    let m = 0;
    const skipped = (to: number): string => {
      const n = this.countShown(at, to);
      at = to;
      return n ? this.skippedLine(n) : '';
    };
    for (; m < markers.length && markers[m].at <= firstDrawn; m++) out += skipped(markers[m].at) + markers[m].text;
    out += skipped(firstDrawn);
    for (const { n, line } of drawn) {
      for (; m < markers.length && markers[m].at <= n; m++) out += markers[m].text;
      out += this.format(line);
    }
    for (; m < markers.length; m++) out += markers[m].text;
    this.pending = [];
    this.skippedInFrame = 0;
    this.print(out);
  }

  /** Lines numbered [from, to) that the view would show (all, or those the filter passes; lines no longer kept count as shown). */
  private countShown(from: number, to: number): number {
    if (to <= from) return 0;
    if (!this.filter) return to - from;
    let n = Math.max(0, Math.min(to, this.history.first) - from);
    for (let i = Math.max(from, this.history.first); i < to; i++) if (this.filter.test((this.history.at(i) as LogLine).text)) n++;
    return n;
  }

  setFilter(filter: LogFilter | undefined): void {
    this.flush();
    this.filter = filter;
    this.print(`${YELLOW}── ${filter ? `filter: ${stripAll(filter.source)}` : 'filter cleared'} ──${RESET}\r\n`);
    // Redraw the recent history through the new filter.
    const recent: LogLine[] = [];
    for (let i = this.history.end - 1; i >= this.history.first && recent.length < 200; i--) {
      const line = this.history.at(i) as LogLine;
      if (!filter || filter.test(line.text)) recent.push(line);
    }
    this.print(recent.reverse().map((l) => this.format(l)).join(''));
  }

  /** Stops drawing for good and lets go of the history. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelFrame?.();
    this.cancelFrame = undefined;
    this.history.clear();
    this.pending = [];
    this.queued = [];
  }

  private trimPending(): void {
    if (this.pending.length <= MAX_DRAWN_PER_FRAME) return;
    this.skippedInFrame += this.pending.length - MAX_DRAWN_PER_FRAME;
    this.pending = this.pending.slice(-MAX_DRAWN_PER_FRAME);
  }

  private flush(): void {
    this.cancelFrame?.();
    this.cancelFrame = undefined;
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
    this.print(this.skippedLine(this.skippedInFrame));
    this.skippedInFrame = 0;
  }

  private skippedLine(n: number): string {
    return `${DIM}── ${n.toLocaleString('en-US')} lines not drawn (burst); pause to see the last ${this.options.maxLines.toLocaleString('en-US')} ──${RESET}\r\n`;
  }

  private format(line: LogLine): string {
    const ts = this.options.timestamps && line.timestamp ? `${DIM}${line.timestamp}${RESET} ` : '';
    const err = line.stream === 'stderr' ? `${RED}▌${RESET}` : '';
    // The pipeline kept colours only; a reset after each line keeps one line's colour from bleeding.
    return `${ts}${err}${line.text}${RESET}\r\n`;
  }
}
