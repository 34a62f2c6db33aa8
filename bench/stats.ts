// The statistics every benchmark shares, so a figure measures the code and not the machine's mood:
// ours and the plain tool run interleaved, in rounds; each round yields one number per side (its
// median, or its p99), the per-round ratio ours / plain is taken inside the round (both sides saw the
// same noise), and a figure reports the median over rounds with the min–max beside it.
//
// Memory: a peak sampled while the program runs depends on when V8 happens to collect, so it can
// double from one run to the next. What a component keeps is measured after forced full GCs
// (`RetainedSampler`); the peak stays beside it, labelled as GC-timing dependent.
import { performance } from 'node:perf_hooks';
import { gcFunction, MemoryPeak } from '../test/services/memory';

/** The median of a set of measurements with its min and max. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many measurements (usually rounds). */
  readonly n: number;
}

/** Linear-interpolated percentile (p in 0..100) of unsorted samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function spreadOf(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('no samples');
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length };
}

/** A spread of the measurements that exist; null when none does. */
export function spreadOfPresent(samples: ReadonlyArray<number | null | undefined>): Spread | null {
  const xs = samples.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return xs.length ? spreadOf(xs) : null;
}

/** Ours against the plain tool, round by round. */
export interface Comparison {
  /** Our per-round figure: median over rounds, min–max. */
  readonly value: Spread;
  readonly baseline: Spread;
  /** Per-round ours / plain. */
  readonly ratio: Spread;
  /** Per-round ours − plain, in the figure's unit (for targets with an absolute tolerance). */
  readonly diff: Spread;
}

/** Pairs per-round figures (same length, round i of ours with round i of the plain tool). */
export function compareRounds(ours: readonly number[], plain: readonly number[]): Comparison {
  if (ours.length !== plain.length || ours.length === 0) throw new Error(`rounds do not pair: ${ours.length} ours, ${plain.length} plain`);
  return {
    value: spreadOf(ours),
    baseline: spreadOf(plain),
    ratio: spreadOf(ours.map((o, i) => o / plain[i])),
    diff: spreadOf(ours.map((o, i) => o - plain[i])),
  };
}

export interface RoundOptions {
  /** Rounds: each yields one figure per side. */
  readonly rounds: number;
  /** Runs of each side per round (default 1). */
  readonly perRound?: number;
  /** Untimed runs of each side before the first round (JIT, page cache, first fork); default 1. */
  readonly warmup?: number;
  /**
   * Called before every run, off the clock: e.g. a forced GC, so the garbage one side left is not
   * collected on the next side's clock (allocation-heavy figures).
   */
  readonly beforeEach?: () => void;
}

/** samples[side][round] = that side's measurements in that round, in run order. */
export type RoundSamples<K extends string, T = number> = Record<K, T[][]>;

/**
 * Runs every side `perRound` times per round, side by side run by run (A B A B…, or A B C A B C…),
 * the side that goes first rotating every run and every round, so disk, cache and scheduler noise
 * lands on all of them alike. Each runner returns its own measurement (so it can exclude set-up and
 * tear-down from the clock).
 */
export async function interleave<K extends string, T = number>(sides: Readonly<Record<K, () => Promise<T>>>, opts: RoundOptions): Promise<RoundSamples<K, T>> {
  const names = Object.keys(sides) as K[];
  const perRound = opts.perRound ?? 1;
  const run = (n: K): Promise<T> => {
    opts.beforeEach?.();
    return sides[n]();
  };
  for (let w = 0; w < (opts.warmup ?? 1); w++) for (const n of names) await run(n);
  const out = Object.fromEntries(names.map((n) => [n, [] as T[][]])) as RoundSamples<K, T>;
  for (let r = 0; r < opts.rounds; r++) {
    for (const n of names) out[n].push([]);
    for (let i = 0; i < perRound; i++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(r + i + k) % names.length];
        out[n][r].push(await run(n));
      }
    }
  }
  return out;
}

/** Wall time and this process's CPU time (user + system, all its threads) of one run, in ms. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/**
 * Times `body` on both clocks. On a machine shared with other work the wall clock mostly measures
 * the scheduler; for CPU-bound work the CPU time is the code's own cost (on an idle machine the two
 * agree), so such figures are compared on it, the wall time shown beside.
 */
export async function timed(body: () => Promise<unknown>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

/** One statistic per round (its median, a percentile…) of a side's samples. */
export function perRound(rounds: readonly (readonly number[])[], stat: (xs: readonly number[]) => number = median): number[] {
  return rounds.map((xs) => stat(xs));
}

export interface MemoryUse {
  /**
   * Growth of heapUsed + external over the GC'd baseline, measured right after forced full GCs:
   * what the run still holds. The largest such sample. Does not depend on when V8 collects.
   */
  readonly retained: number;
  /** Peak growth sampled every few ms between GCs: GC-timing dependent, shown for information. */
  readonly peak: number;
  /** Peak growth of the resident set size (GC-timing dependent too). */
  readonly rss: number;
  /** GC'd samples taken (the checkpoints plus the one at stop()). */
  readonly gcSamples: number;
}

/** When a RetainedSampler takes its GC'd samples: each further 1/`checkpoints` of `total` items. */
export interface CheckpointPlan {
  readonly total: number;
  readonly checkpoints: number;
}

/**
 * Retained memory of a run: a forced full GC at every checkpoint (by `progress()` against the plan,
 * or `checkpoint()`) and at `stop()`, while the caller still holds what it measures, with the heap +
 * external growth right after it; the peak between GCs alongside (test/services/memory.ts's sampler).
 * A GC costs milliseconds: a few checkpoints per run, not one per item.
 */
export class RetainedSampler {
  private readonly peak: MemoryPeak;
  /** Largest heapUsed + external right after a forced GC (absolute; the baseline is subtracted at stop()). */
  private retainedAbsolute = 0;
  private samples = 0;
  private calls = 0;
  private nextCheckpoint: number;
  private stopped: MemoryUse | undefined;

  constructor(
    private readonly plan: CheckpointPlan | undefined = undefined,
    private readonly gc: () => void = gcFunction(),
  ) {
    this.peak = new MemoryPeak(gc);
    this.nextCheckpoint = plan ? plan.total / plan.checkpoints : Infinity;
  }

  /**
   * From the run's hot callback: `done` items of the plan's total so far. Samples the peak every 64
   * calls and checkpoints when another share of the plan is done (the last share is stop()'s).
   */
  progress(done: number): void {
    if (++this.calls % 64 === 0) this.peak.sample();
    if (this.plan && done >= this.nextCheckpoint && done < this.plan.total) {
      this.nextCheckpoint += this.plan.total / this.plan.checkpoints;
      this.checkpoint();
    }
  }

  /** Forces a full GC and records what is still held. */
  checkpoint(): void {
    if (this.stopped) return;
    this.peak.sample(); // the peak just before the GC, not after it
    this.gc();
    const m = process.memoryUsage();
    this.retainedAbsolute = Math.max(this.retainedAbsolute, m.heapUsed + m.external);
    this.samples++;
  }

  /** A last checkpoint, then stops sampling. Call it while what was measured is still referenced. */
  stop(): MemoryUse {
    if (this.stopped) return this.stopped;
    this.checkpoint();
    const growth = this.peak.stop();
    this.stopped = { retained: Math.max(0, this.retainedAbsolute - growth.baseline), peak: growth.memory, rss: growth.rss, gcSamples: this.samples };
    return this.stopped;
  }
}
