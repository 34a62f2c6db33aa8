/** What parseOccurredAt makes of a typed time: the ISO time, or why it is refused. */
export type OccurredAt = { ok: true; iso: string } | { ok: false; message: string };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const pad = (n: number) => String(n).padStart(2, '0');

function localClock(ms: number, withDate: boolean): string {
  const d = new Date(ms);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}` : clock;
}

function validClock(h: number, m: number, s: number): boolean {
  return h <= 23 && m <= 59 && s <= 59;
}

/** `-20m`, `-2h`, `-1h30m`, `- 1h 5m`: that long before now. */
function relative(text: string, now: number): number | undefined {
  const m = /^-\s*(?:(\d{1,3})\s*h)?\s*(?:(\d{1,4})\s*m(?:in)?)?$/i.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  return now - (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * MINUTE;
}

/**
 * When a note says something happened earlier than it is written: `14:05` (today, local time; or
 * yesterday when today's is still to come and the incident was already open then),
 * `2026-12-02 14:05` (local), `-20m` / `-1h30m` (before now), or an ISO time with a zone (what the
 * timeline view sends). Refuses times in the future and times before the incident was declared
 * (within the declaration's minute counts as the declaration itself). Empty: undefined, "now".
 */
export function parseOccurredAt(input: string, now: number, declaredAt: string): OccurredAt | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  const declared = Date.parse(declaredAt);
  let t = relative(text, now);
  let withDate = true;
  if (t === undefined) {
    const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    const dated = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
    if (clock) {
      const [h, m, s] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
      if (!validClock(h, m, s)) return { ok: false, message: `${text} is not a time of day (use 24-hour HH:MM).` };
      const today = new Date(now);
      t = new Date(today.getFullYear(), today.getMonth(), today.getDate(), h, m, s).getTime();
      // Just after midnight, 23:50 means last night, if the incident was open then.
      if (t > now && t - DAY >= declared - (declared % MINUTE)) t -= DAY;
      withDate = false;
    } else if (dated) {
      const [y, mo, d, h, mi, s] = dated.slice(1).map((v) => Number(v ?? 0));
      const date = new Date(y, mo - 1, d, h, mi, s);
      if (!validClock(h, mi, s) || date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) {
        return { ok: false, message: `${text} is not a date and time that exists.` };
      }
      t = date.getTime();
    } else if (iso && !Number.isNaN(Date.parse(text))) {
      t = Date.parse(text);
    } else {
      return { ok: false, message: `"${text}" is not a time: write 14:05, 2026-12-02 14:05 or -20m (local time), or leave it empty for now.` };
    }
  }
  if (t > now) return { ok: false, message: `${localClock(t, withDate)} is in the future (it is ${localClock(now, withDate)} now).` };
  if (t < declared - (declared % MINUTE)) {
    return { ok: false, message: `${localClock(t, true)} is before the incident was declared (${localClock(declared, true)}); a note cannot tell of a moment before the incident existed.` };
  }
  return { ok: true, iso: new Date(Math.max(t, declared)).toISOString() };
}
