// Memory measurements shared by the tests and the benchmarks that bound a burst's memory: a real
// full GC (without --expose-gc on the command line) and a peak sampler over a GC'd baseline.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** The process's gc(): the global one under --expose-gc, else switched on for a fresh context. */
export function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export interface MemoryGrowth {
  /** Peak growth of heapUsed + external (JS objects and Buffers) over the baseline. */
  readonly memory: number;
  /** Peak growth of the resident set size. */
  readonly rss: number;
  /** heapUsed + external at the baseline. */
  readonly baseline: number;
}

/**
 * Peak memory over a GC'd baseline: sampled every `intervalMs` and whenever `sample()` is called
 * (from a hot callback, so a short run still has samples), until `stop()`.
 */
export class MemoryPeak {
  private readonly baseline: number;
  private readonly baseRss: number;
  private peak: number;
  private peakRss: number;
  private readonly timer: NodeJS.Timeout;

  constructor(gc: () => void, intervalMs = 10) {
    gc();
    const m = process.memoryUsage();
    this.baseline = m.heapUsed + m.external;
    this.baseRss = m.rss;
    this.peak = this.baseline;
    this.peakRss = m.rss;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const m = process.memoryUsage();
    this.peak = Math.max(this.peak, m.heapUsed + m.external);
    this.peakRss = Math.max(this.peakRss, m.rss);
  }

  /** Takes a last sample and stops sampling. */
  stop(): MemoryGrowth {
    clearInterval(this.timer);
    this.sample();
    return { memory: this.peak - this.baseline, rss: this.peakRss - this.baseRss, baseline: this.baseline };
  }
}
