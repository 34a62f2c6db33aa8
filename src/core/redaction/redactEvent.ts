// A timeline event as it may be written: its text, actor and every string inside its data
// (recursively) redacted, and `data.redacted` saying which kinds were taken out (never what).
import type { TimelineEvent } from '../timeline/events';
import { redactTexts, type RedactOptions } from './redact';

/** Calls `visit` on every string inside `value`, in a fixed order; rebuilds the value from what it returns. */
function mapStrings(value: unknown, visit: (s: string) => string): unknown {
  if (typeof value === 'string') return visit(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, visit));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, visit);
    return out;
  }
  return value;
}

/**
 * The event with every secret replaced by `[redacted: <kind>]`, and the kinds found. When something
 * was found, `data.redacted` lists the kinds (merged with any already there); otherwise the event
 * comes back as it was (the same object).
 */
export async function redactEvent<E extends TimelineEvent>(event: E, options?: RedactOptions): Promise<{ event: E; kinds: string[] }> {
  const strings: string[] = [];
  mapStrings([event.text, event.actor, event.data ?? null], (s) => (strings.push(s), s));
  const { texts, kinds } = await redactTexts(strings, options);
  if (kinds.length === 0) return { event, kinds };
  let i = 0;
  const [text, actor, data] = mapStrings([event.text, event.actor, event.data ?? null], () => texts[i++]!) as [string, string, Record<string, unknown> | null];
  const before = Array.isArray(event.data?.redacted) ? event.data.redacted.filter((k): k is string => typeof k === 'string') : [];
  const redacted = [...new Set([...before, ...kinds])];
  return { event: { ...event, text, actor, data: { ...(data ?? {}), redacted } }, kinds };
}
