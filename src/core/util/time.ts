/** ISO-8601 UTC with milliseconds, the one time format written to disk. */
export function isoNow(now: number = Date.now()): string {
  return new Date(now).toISOString();
}

export function isIsoUtc(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)) return false;
  const ms = Date.parse(value);
  // Date.parse rolls impossible dates over (2026-02-30 is read as 2 March, 24:00 as the next day).
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
}

/** `1h 05m`, `1h`, `12m`, `45s`, `2d 3h`, `1d`: compact enough for a tree row or the status bar. */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  let out: string;
  if (d > 0) out = h ? `${d}d ${h}h` : `${d}d`;
  else if (h > 0) out = m ? `${h}h ${String(m).padStart(2, '0')}m` : `${h}h`;
  else if (m > 0) out = `${m}m`;
  else out = `${s}s`;
  return neg ? `-${out}` : out;
}

/** `2026-11-22` for the UTC day of `ms`. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `14:05 UTC`: the clock time of an ISO-8601 UTC string, for messages sent to people. */
export function utcClock(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

/** `2026-11-22 14:05 UTC`: date and clock time of an ISO-8601 UTC string. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${utcClock(iso)}`;
}
