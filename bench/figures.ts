// The shape of a benchmark figure, the statistics the benchmarks share, and the table they print.
// A figure is a measurement, not a test: `ok` says whether it met its target, and nothing fails.

/** One line of bench-results.json. */
export interface Figure {
  readonly name: string;
  /** Our measured value, in `unit`; null when the figure could not be measured. */
  readonly value: number | null;
  readonly unit: string;
  /** The plain tool doing the same work, in `unit`; null for absolute figures (sizes, activate()). */
  readonly baseline: number | null;
  /** value / baseline when there is a baseline. */
  readonly ratio: number | null;
  /**
   * The bar to meet. Applies to `ratio` when the figure has a baseline, else to `value` (in `unit`);
   * always an upper bound. Null: reported for information only.
   */
  readonly target: number | null;
  /** Whether the target was met; null when there is no target or no value. */
  readonly ok: boolean | null;
}

/** Extra lines printed under the table (absolute numbers, method, why something is missing). */
export interface FigureGroup {
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
}

export function figure(name: string, unit: string, value: number | null, baseline: number | null, target: number | null): Figure {
  const ratio = value !== null && baseline !== null && baseline > 0 ? value / baseline : null;
  const measured = baseline === null ? value : ratio;
  const ok = target === null || measured === null ? null : measured <= target;
  return { name, value, unit, baseline, ratio, target, ok };
}

/** Linear-interpolated percentile (p in 0..100) of unsorted samples. */
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

function round(n: number): number {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return Number(n.toFixed(digits));
}

/** Rounds for bench-results.json: enough digits to compare, no float noise. */
export function rounded(f: Figure): Figure {
  const r = (n: number | null): number | null => (n === null ? null : round(n));
  return { ...f, value: r(f.value), baseline: r(f.baseline), ratio: f.ratio === null ? null : Number(f.ratio.toFixed(3)) };
}

function formatValue(n: number | null, unit: string): string {
  if (n === null) return '—';
  if (unit === 'B') {
    if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB (${n.toLocaleString('en-US')} B)`;
    return `${(n / 1024).toFixed(1)} KiB (${n.toLocaleString('en-US')} B)`;
  }
  return `${round(n)} ${unit}`;
}

function formatTarget(f: Figure): string {
  if (f.target === null) return 'info';
  if (f.baseline !== null) return `ratio ≤ ${f.target}`;
  if (f.unit === 'B') return `≤ ${(f.target / 1_000_000).toFixed(2)} MB`;
  return `≤ ${f.target} ${f.unit}`;
}

function formatOk(f: Figure): string {
  if (f.ok === null) return f.value === null ? '✗ not measured' : '·';
  return f.ok ? '✓' : '✗ MISSED';
}

/** The results as a fixed-width table, one block per group, with each group's notes under it. */
export function renderTable(groups: readonly FigureGroup[]): string {
  const header = ['figure', 'value', 'baseline (plain tool)', 'ratio', 'target', 'ok'];
  const rows: string[][] = [];
  const groupStarts = new Map<number, FigureGroup>();
  for (const g of groups) {
    groupStarts.set(rows.length, g);
    for (const f of g.figures) {
      rows.push([f.name, formatValue(f.value, f.unit), formatValue(f.baseline, f.unit), f.ratio === null ? '—' : `${f.ratio.toFixed(2)}×`, formatTarget(f), formatOk(f)]);
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
