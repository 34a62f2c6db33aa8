// What the timeline view does with its rows: time order, T+ and clock formatting, filters, and the
// markdown export. Pure (no vscode, no DOM): the webview bundles it, the tests run it directly.
import type { TimelineRow } from './timelineRows';

/** Time order (where each row is placed), file order for equal times: two merged branches interleave by `ts`. */
export function compareRows(a: TimelineRow, b: TimelineRow): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq;
}

export function orderRows(rows: readonly TimelineRow[]): TimelineRow[] {
  return [...rows].sort(compareRows);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `T+0:00`, `T+12:05`, `T+1:02:03`, `T+2d 1:02:03`; `T−…` before the declaration. */
export function formatTPlus(ms: number): string {
  const sign = ms < 0 ? 'T−' : 'T+';
  let s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86400); s -= days * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const clock = h > 0 || days > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  return `${sign}${days > 0 ? `${days}d ` : ''}${clock}`;
}

/** A duration between milestones: `45s`, `12m 05s`, `1h 05m`, `2d 3h`. */
export function formatSpan(ms: number): string {
  let s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86400); s -= days * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (days > 0) return `${days}d ${h}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/**
 * The absolute time: `2026-11-02 10:05:00 UTC`, or local `2026-11-02 11:05:00 UTC+1` (the zone of
 * `offsetMinutes`, east positive; default the machine's). '' for a row without a time.
 */
export function formatClock(iso: string, utc: boolean, offsetMinutes?: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const off = utc ? 0 : offsetMinutes ?? -new Date(t).getTimezoneOffset();
  const d = new Date(t + off * 60_000);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (utc) return `${day} UTC`;
  const a = Math.abs(off);
  return `${day} UTC${off < 0 ? '−' : '+'}${Math.floor(a / 60)}${a % 60 ? `:${pad(a % 60)}` : ''}`;
}

export function tPlusOf(row: TimelineRow, declaredAt: string): string {
  return row.at ? formatTPlus(Date.parse(row.at) - Date.parse(declaredAt)) : '';
}

export interface TimelineFilter {
  /** Event types to show; empty: all. */
  types: string[];
  /** One actor, or '' for all. */
  actor: string;
  /** Case-insensitive words, all of which must appear in the row (text, actor, type or details). */
  text: string;
  /** Only starred events, milestones, backdated notes and damaged lines. */
  keyOnly: boolean;
}

export const NO_FILTER: TimelineFilter = { types: [], actor: '', text: '', keyOnly: false };

export function isKeyMoment(row: TimelineRow): boolean {
  return row.starred || row.milestone !== null || row.kind === 'damaged';
}

function haystack(row: TimelineRow): string {
  return [row.text, row.actor, row.type, ...row.details.map((d) => `${d.label} ${d.text}`)].join('\n').toLowerCase();
}

export function filterRows(rows: readonly TimelineRow[], f: TimelineFilter): TimelineRow[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  const types = new Set(f.types);
  return rows.filter((r) =>
    (types.size === 0 || types.has(r.type) || r.kind === 'damaged') &&
    (f.actor === '' || r.actor === f.actor) &&
    (!f.keyOnly || isKeyMoment(r)) &&
    (words.length === 0 || words.every((w) => haystack(r).includes(w))));
}

/** The types and actors present, for the filter pickers (sorted; damaged lines have neither). */
export function facets(rows: readonly TimelineRow[]): { types: string[]; actors: string[] } {
  const types = new Set<string>();
  const actors = new Set<string>();
  for (const r of rows) {
    if (r.kind !== 'event') continue;
    types.add(r.type);
    if (r.actor) actors.add(r.actor);
  }
  return { types: [...types].sort(), actors: [...actors].sort((a, b) => a.localeCompare(b)) };
}

/** Text from the file, safe to paste into markdown: one line, markdown and HTML characters escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`);
}

export interface ExportOptions {
  title: string;
  declaredAt: string;
  utc: boolean;
  offsetMinutes?: number;
}

/** The shown rows as markdown for a chat or a ticket: one bullet per event, key moments starred. */
export function timelineMarkdown(rows: readonly TimelineRow[], o: ExportOptions): string {
  const lines = [`## Timeline: ${escapeMarkdown(o.title)}`, ''];
  for (const r of rows) {
    if (r.kind === 'damaged') {
      lines.push(`- ⚠ ${escapeMarkdown(r.text)}`);
      continue;
    }
    const marks = [r.starred ? '★ ' : '', r.milestone ? `**${r.milestone}** ` : ''].join('');
    const when = `${tPlusOf(r, o.declaredAt)} (${formatClock(r.at, o.utc, o.offsetMinutes)}${r.backdated ? `, backdated: written ${formatClock(r.ts, o.utc, o.offsetMinutes)}` : ''})`;
    lines.push(`- ${marks}${when} · ${escapeMarkdown(r.actor)} · ${escapeMarkdown(r.type)}: ${escapeMarkdown(r.text)}`);
  }
  return `${lines.join('\n')}\n`;
}
