import type { Runbook, RunbookSection } from './model';
import { stem } from './stem';

/** Words that say nothing about what broke (compared before stemming). */
const STOP = new Set([
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'be', 'with', 'by', 'at', 'from', 'not', 'no', 'all', 'every', 'some',
  'our', 'we', 'us', 'it', 'its', 'this', 'that', 'these', 'those', 'returns', 'return', 'after', 'since', 'was', 'were', 'been', 'has', 'have', 'had',
  'but', 'can', 'cannot', 'into', 'than', 'then', 'when', 'while', 'during', 'about', 'any', 'more', 'very', 'just', 'still', 'again', 'now', 'why',
  'what', 'which', 'who', 'how', 'there', 'their', 'them', 'they', 'you', 'your', 'if', 'do', 'does', 'did', 'get', 'got', 'use', 'using', 'see',
  'issue', 'issues', 'problem', 'problems', 'incident', 'incidents',
]);

/** Word stems worth matching in `text`, each with the first word it came from (to show). */
export function stemsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.toLowerCase().normalize('NFKD').split(/[^a-z0-9]+/)) {
    if (raw.length < 3 || STOP.has(raw) || /^\d+$/.test(raw)) continue;
    const s = stem(raw);
    if (!out.has(s)) out.set(s, raw);
  }
  return out;
}

/** Lower-case word stems worth matching (drops stop words and digits-only tokens). */
export function keywords(text: string): Set<string> {
  return new Set(stemsOf(text).keys());
}

export interface Suggestion {
  runbook: Runbook;
  score: number;
  /** The incident's words that matched, to show why. */
  matched: string[];
}

/**
 * How much a shared word counts by where the runbook has it: its title or services say what it is
 * for; its symptoms say when it applies; its section and step titles, commands and checklists
 * show what it checks (a runbook that runs `df -h` under "Check the disk" is about disks too).
 */
export const WEIGHTS = { title: 3, symptoms: 1.5, steps: 1 } as const;

interface RunbookStems {
  readonly title: Set<string>;
  readonly symptoms: Set<string>;
  readonly steps: Set<string>;
}

/** Per parsed runbook object (a re-read makes a new one): the view asks on every refresh. */
const cache = new WeakMap<Runbook, RunbookStems>();

function sectionText(s: RunbookSection, out: string[]): void {
  out.push(s.title);
  for (const step of s.steps) {
    out.push(step.title);
    for (const c of step.commands) out.push(c.label ?? '', c.run);
  }
  for (const item of s.checklist) out.push(item.text);
  for (const child of s.sections) sectionText(child, out);
}

function stemsOfRunbook(runbook: Runbook): RunbookStems {
  let stems = cache.get(runbook);
  if (!stems) {
    const steps: string[] = [];
    for (const s of runbook.sections) sectionText(s, steps);
    stems = { title: keywords(`${runbook.title} ${runbook.services.join(' ')}`), symptoms: keywords(runbook.symptoms.join(' ')), steps: keywords(steps.join('\n')) };
    cache.set(runbook, stems);
  }
  return stems;
}

/**
 * Runbooks that fit an incident, best first: the stems of its title, service and summary found in
 * a runbook's title and services, symptoms, and steps (weighted as WEIGHTS says; each word counts
 * once, where it weighs most). A runbook is suggested from 2 points: one title word, or two
 * words from anywhere; one symptom or step word alone is chance.
 */
export function suggestRunbooks(incident: { title: string; service: string; summary: string }, runbooks: readonly Runbook[], max = 3): Suggestion[] {
  const wanted = stemsOf(`${incident.title} ${incident.service} ${incident.summary}`);
  if (wanted.size === 0) return [];
  const scored: Suggestion[] = [];
  for (const runbook of runbooks) {
    const stems = stemsOfRunbook(runbook);
    let score = 0;
    const matched: string[] = [];
    for (const [s, word] of wanted) {
      const weight = stems.title.has(s) ? WEIGHTS.title : stems.symptoms.has(s) ? WEIGHTS.symptoms : stems.steps.has(s) ? WEIGHTS.steps : 0;
      if (weight === 0) continue;
      score += weight;
      matched.push(word);
    }
    if (score >= 2) scored.push({ runbook, score, matched });
  }
  return scored.sort((a, b) => b.score - a.score || a.runbook.title.localeCompare(b.runbook.title)).slice(0, max);
}
