// The shape of a benchmark figure and the table they print. A figure is a measurement, not a test:
// `ok` says whether it met its target; `npm run bench` fails on a miss only with --strict.
import type { Comparison, Spread } from './stats';

/** min and max over the rounds. */
export type Range = readonly [number, number];

/** One line of bench-results.json. */
export interface Figure {
  readonly name: string;
  /** 'ratio': ours against the plain tool, the target bounds the ratio; 'absolute': the target bounds the value. */
  readonly kind: 'ratio' | 'absolute';
  /** Our measured value in `unit`: the median over rounds; null when the figure could not be measured. */
  readonly value: number | null;
  readonly unit: string;
  /** The plain tool doing the same work, in `unit` (median over rounds); null for absolute figures (sizes, activate()). */
  readonly baseline: number | null;
  /** The median over rounds of each round's value / baseline (not the ratio of the medians). */
  readonly ratio: number | null;
  /**
   * The bar to meet. Applies to `ratio` for a 'ratio' figure, else to `value` (in `unit`);
   * always an upper bound. Null: reported for information only.
   */
  readonly target: number | null;
  /**
   * With a baseline: the target is also met when ours is at most this much above the plain tool (in
   * `unit`, median over rounds of value − baseline). Sub-millisecond figures need it: 0.05 ms of
   * scheduler noise is a large ratio.
   */
  readonly tolerance: number | null;
  /** Median over rounds of value − baseline; null without a baseline. */
  readonly diff: number | null;
  /** Whether the target was met; null when there is no target or no value. */
  readonly ok: boolean | null;
  /** min–max over the rounds of value, baseline and ratio; null where there is one measurement or none. */
  readonly spread: { readonly value: Range | null; readonly baseline: Range | null; readonly ratio: Range | null };
  /** Rounds the medians are taken over (1: a single measurement); null when not measured. */
  readonly rounds: number | null;
}

/** Extra lines printed under the table (absolute numbers, method, why something is missing). */
export interface FigureGroup {
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
}

const range = (s: Spread | null): Range | null => (s && s.n > 1 ? [s.min, s.max] : null);

/** Ours against the plain tool; `target` bounds the ratio, `tolerance` (in unit) is the absolute leeway. */
export function comparedFigure(name: string, unit: string, cmp: Comparison | null, target: number | null, tolerance: number | null = null): Figure {
  if (!cmp) return notMeasured(name, 'ratio', unit, target, tolerance);
  const ratio = cmp.ratio.median;
  const diff = cmp.diff.median;
  const ok = target === null ? null : ratio <= target || (tolerance !== null && diff <= tolerance);
  return {
    name, kind: 'ratio', value: cmp.value.median, unit, baseline: cmp.baseline.median, ratio, diff, target, tolerance, ok,
    spread: { value: range(cmp.value), baseline: range(cmp.baseline), ratio: range(cmp.ratio) },
    rounds: cmp.ratio.n,
  };
}

/** A figure without a baseline (a size, activate()'s own time, a memory bound); `target` bounds the value. */
export function absoluteFigure(name: string, unit: string, value: Spread | number | null, target: number | null): Figure {
  if (value === null) return notMeasured(name, 'absolute', unit, target, null);
  const s: Spread = typeof value === 'number' ? { median: value, min: value, max: value, n: 1 } : value;
  return {
    name, kind: 'absolute', value: s.median, unit, baseline: null, ratio: null, diff: null, target, tolerance: null,
    ok: target === null ? null : s.median <= target,
    spread: { value: range(s), baseline: null, ratio: null },
    rounds: s.n,
  };
}

function notMeasured(name: string, kind: Figure['kind'], unit: string, target: number | null, tolerance: number | null): Figure {
  return { name, kind, value: null, unit, baseline: null, ratio: null, diff: null, target, tolerance, ok: null, spread: { value: null, baseline: null, ratio: null }, rounds: null };
}

function round(n: number): number {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return Number(n.toFixed(digits));
}

/** Rounds for bench-results.json: enough digits to compare, no float noise. */
export function rounded(f: Figure): Figure {
  const r = (n: number | null): number | null => (n === null ? null : round(n));
  const rr = (x: Range | null, by: (n: number) => number = round): Range | null => (x === null ? null : [by(x[0]), by(x[1])]);
  const ratio = (n: number): number => Number(n.toFixed(3));
  return {
    ...f,
    value: r(f.value), baseline: r(f.baseline), ratio: f.ratio === null ? null : ratio(f.ratio), diff: r(f.diff),
    spread: { value: rr(f.spread.value), baseline: rr(f.spread.baseline), ratio: rr(f.spread.ratio, ratio) },
  };
}

function formatNumber(n: number, unit: string): string {
  if (unit === 'B') return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)}` : `${(n / 1024).toFixed(1)}`;
  return String(round(n));
}

function unitLabel(n: number, unit: string): string {
  if (unit === 'B') return n >= 1024 * 1024 ? 'MiB' : 'KiB';
  return unit;
}

function formatValue(n: number | null, spread: Range | null, unit: string): string {
  if (n === null) return '—';
  const main = `${formatNumber(n, unit)} ${unitLabel(n, unit)}`;
  if (!spread) return unit === 'B' ? `${main} (${n.toLocaleString('en-US')} B)` : main;
  // The range in the median's unit, so the three numbers read together.
  const inUnit = (x: number): string => (unit === 'B' ? (n >= 1024 * 1024 ? (x / 1024 / 1024).toFixed(1) : (x / 1024).toFixed(1)) : String(round(x)));
  return `${main} (${inUnit(spread[0])}–${inUnit(spread[1])})`;
}

function formatRatio(f: Figure): string {
  if (f.ratio === null) return '—';
  const s = f.spread.ratio;
  return s ? `${f.ratio.toFixed(2)}× (${s[0].toFixed(2)}–${s[1].toFixed(2)})` : `${f.ratio.toFixed(2)}×`;
}

function formatTarget(f: Figure): string {
  if (f.target === null) return 'info';
  if (f.kind === 'ratio') return f.tolerance === null ? `≤ ${f.target}×` : `≤ ${f.target}× or +${f.tolerance} ${f.unit}`;
  if (f.unit === 'B') return `≤ ${(f.target / 1_000_000).toFixed(f.target % 1_000_000 === 0 ? 0 : 2)} MB`;
  return `≤ ${f.target} ${f.unit}`;
}

function formatOk(f: Figure): string {
  if (f.ok === null) return f.value === null ? '✗ not measured' : '·';
  if (!f.ok) return '✗ MISSED';
  // Met only through the absolute tolerance: say so.
  return f.ratio !== null && f.target !== null && f.ratio > f.target ? `✓ (+${round(f.diff ?? 0)} ${f.unit})` : '✓';
}

/** The results as a fixed-width table, one block per group, with each group's notes under it. */
export function renderTable(groups: readonly FigureGroup[]): string {
  const header = ['figure', 'ours: median (min–max)', 'plain tool: median (min–max)', 'ratio: median (min–max)', 'target', 'met'];
  const rows: string[][] = [];
  const groupStarts = new Map<number, FigureGroup>();
  for (const g of groups) {
    groupStarts.set(rows.length, g);
    for (const f of g.figures) {
      rows.push([f.name, formatValue(f.value, f.spread.value, f.unit), formatValue(f.baseline, f.spread.baseline, f.unit), formatRatio(f), formatTarget(f), formatOk(f)]);
    }
  }
  // Width by code points, so ✓, ≤ and × count as one column.
  const len = (s: string): number => [...s].length;
  const widths = header.map((h, i) => Math.max(len(h), ...rows.map((r) => len(r[i]))));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c + ' '.repeat(widths[i] - len(c))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [line(header), rule];
  rows.forEach((r, i) => {
    const g = groupStarts.get(i);
    if (g && i > 0) out.push('');
    if (g) out.push(`· ${g.title}`);
    out.push(line(r));
  });
  out.push(rule);
  for (const g of groups) {
    if (g.notes.length === 0) continue;
    out.push(`${g.title}:`);
    for (const n of g.notes) out.push(`  ${n}`);
  }
  return out.join('\n');
}
