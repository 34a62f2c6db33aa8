import type { Runbook } from './model';

const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'be', 'with', 'by', 'at', 'from', 'not', 'no', 'all', 'every', 'some', 'our', 'we', 'it', 'its', 'this', 'that', 'returns', 'return', 'after', 'since']);

/** Lower-case word stems worth matching (drops stop words, digits-only tokens and a plural s). */
export function keywords(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.toLowerCase().normalize('NFKD').split(/[^a-z0-9]+/)) {
    if (raw.length < 3 || STOP.has(raw) || /^\d+$/.test(raw)) continue;
    out.add(raw.length > 4 && raw.endsWith('s') ? raw.slice(0, -1) : raw);
  }
  return out;
}

export interface Suggestion {
  runbook: Runbook;
  score: number;
  /** The words that matched, to show why. */
  matched: string[];
}

/**
 * Runbooks that fit an incident, best first: words of its title, service and summary found in a
 * runbook's title and services (weighted), symptoms and section titles.
 */
export function suggestRunbooks(incident: { title: string; service: string; summary: string }, runbooks: readonly Runbook[], max = 3): Suggestion[] {
  const wanted = keywords(`${incident.title} ${incident.service} ${incident.summary}`);
  if (wanted.size === 0) return [];
  const scored: Suggestion[] = [];
  for (const runbook of runbooks) {
    const strong = keywords(`${runbook.title} ${runbook.services.join(' ')}`);
    const weak = keywords(`${runbook.symptoms.join(' ')} ${runbook.sections.map((s) => s.title).join(' ')}`);
    let score = 0;
    const matched: string[] = [];
    for (const w of wanted) {
      if (strong.has(w)) score += 3;
      else if (weak.has(w)) score += 1;
      else continue;
      matched.push(w);
    }
    // One shared word in a symptom list is chance; a title word or two symptom words is a hint.
    if (score >= 2) scored.push({ runbook, score, matched });
  }
  return scored.sort((a, b) => b.score - a.score || a.runbook.title.localeCompare(b.runbook.title)).slice(0, max);
}
