/** A secret found in a text: where it is and what kind it is (never its value). */
export interface Finding {
  /** Offsets into the text, end exclusive. */
  start: number;
  end: number;
  /** Shown as `[redacted: <kind>]`: `github-token`, `private-key`, `jwt`, `url-password`, `assignment`, `pattern`… */
  kind: string;
  /** Who found it: the maintained rule set, our own rules, or a team's patterns. */
  source: 'secretlint' | 'own' | 'pattern';
}

/** What replaces a secret. */
export function label(kind: string): string {
  return `[redacted: ${kind}]`;
}

/** Labels already in a text: nothing inside one is found again, so a second pass changes nothing. */
const LABEL = /\[redacted: [A-Za-z0-9_.-]+\]/g;

/**
 * When two findings overlap they become one span; its kind is the most specific one (a provider's
 * token over a generic `token=` assignment, a JWT over the header it sits in).
 */
const GENERIC_RANK: Record<string, number> = { 'private-key': 1, jwt: 2, 'url-password': 3, 'basic-auth': 3, authorization: 4, assignment: 5, pattern: 6 };

function rank(f: Finding): number {
  return GENERIC_RANK[f.kind] ?? 0;
}

/** Replaces every finding by its label; overlapping findings are merged first. Returns the kinds, in order of appearance. */
export function applyFindings(text: string, findings: readonly Finding[]): { text: string; kinds: string[] } {
  const labels = [...text.matchAll(LABEL)].map((m) => [m.index, m.index + m[0].length] as const);
  const usable = findings
    .filter((f) => f.end > f.start && !labels.some(([s, e]) => f.start < e && s < f.end))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  if (usable.length === 0) return { text, kinds: [] };
  const spans: Array<{ start: number; end: number; best: Finding }> = [];
  for (const f of usable) {
    const last = spans[spans.length - 1];
    if (last && f.start < last.end) {
      last.end = Math.max(last.end, f.end);
      if (rank(f) < rank(last.best) || (rank(f) === rank(last.best) && f.end - f.start > last.best.end - last.best.start)) last.best = f;
    } else {
      spans.push({ start: f.start, end: f.end, best: f });
    }
  }
  let out = '';
  let at = 0;
  const kinds: string[] = [];
  for (const s of spans) {
    out += text.slice(at, s.start) + label(s.best.kind);
    at = s.end;
    if (!kinds.includes(s.best.kind)) kinds.push(s.best.kind);
  }
  return { text: out + text.slice(at), kinds };
}
