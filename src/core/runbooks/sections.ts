import type { SectionPart } from './model';

/**
 * Helpers that read what a heading (or a bold label standing in for one) says: its display title,
 * a severity written in it, and which part of an incident guide it is. All are single passes over
 * one short line; none uses a regex that can backtrack badly.
 */

/** Private-use (the Apple logo that Mac Roman mojibake starts with), U+FFFD, and Latin-1/Mac Roman/cp1252 look-alikes. */
function isMojibakeChar(cp: number): boolean {
  return (cp >= 0x80 && cp <= 0x24f) || (cp >= 0x2b0 && cp <= 0x2ff) || (cp >= 0x2000 && cp <= 0x2bff)
    || cp === 0xfffd || (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp >= 0x1f000
    || cp === 0x3c0 || cp === 0x3a9 || cp === 0x394 || cp === 0x3a0 || cp === 0x3a3 || cp === 0x3bc;
}

const NOISE_PUNCT = /^[\p{P}\p{S}\p{Co}\p{Cf}\p{M}\uFFFD]+$/u;
const ASCII_ALNUM = /[A-Za-z0-9]/;

/**
 * A leading token is noise when it is emoji, punctuation or symbols only, or when it is a short run
 * of mis-decoded bytes (`üö®`, `‚ö°`, `ðŸš¨`) with no ASCII letter or digit in it. Words in scripts
 * outside Latin-1 (Cyrillic, CJK, Greek) are never noise.
 */
function isNoiseToken(token: string): boolean {
  if (NOISE_PUNCT.test(token)) return true;
  if (ASCII_ALNUM.test(token) || token.length > 8) return false;
  for (const ch of token) {
    if (!isMojibakeChar(ch.codePointAt(0) ?? 0)) return false;
  }
  return true;
}

/** Markdown inline markers removed for display: `**bold**`, `__bold__`, `` `code` `` (text kept), `[text](url)`. */
const MARKUP = /[*_`[\t\n\r]| {2}/;

export function plainText(md: string): string {
  if (!MARKUP.test(md)) return md.trim();
  let s = md;
  if (s.includes('](')) s = s.replace(/\[([^\]\n]*)\]\([^)\s]*\)/g, '$1');
  if (s.includes('**')) s = s.split('**').join('');
  if (s.includes('__')) s = s.split('__').join('');
  if (s.includes('`')) s = s.split('`').join('');
  if (s.includes('*')) s = s.replace(/(^|\s)\*(\S(?:[^*\n]*\S)?)\*(?=$|[\s.,:;!?)])/g, '$1$2');
  s = s.trim();
  // Collapsing whitespace only changes something when a run of two or a non-space blank is left.
  return SPACE_TO_COLLAPSE.test(s) ? s.replace(/\s+/g, ' ') : s;
}

const SPACE_TO_COLLAPSE = /\s\s|[^\S ]/;

/** The heading's display title: inline markers removed and leading emoji/mojibake/punctuation noise dropped. */
export function headingTitle(raw: string): string {
  const text = plainText(raw);
  const first = text.charCodeAt(0);
  if ((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || (first >= 48 && first <= 57)) return text;
  const tokens = text.split(' ');
  let i = 0;
  while (i < tokens.length - 1 && isNoiseToken(tokens[i])) i++;
  // The last token is kept even when noisy: a heading made only of an emoji still needs a name.
  return tokens.slice(i).join(' ');
}

/** `P1` (P0-P4) or `SEV2` / `Sev 1` / `SEV-1`, normalised to upper case without spaces. */
export function severityIn(text: string): string | undefined {
  const p = /(?:^|[^A-Za-z0-9])[Pp]([0-4])(?![A-Za-z0-9])/.exec(text);
  const sev = /(?:^|[^A-Za-z0-9])sev(?:erity)?[ _-]?([0-9])(?![A-Za-z0-9])/i.exec(text);
  if (p && (!sev || p.index <= sev.index)) return `P${p[1]}`;
  if (sev) return `SEV${sev[1]}`;
  return undefined;
}

/**
 * A `Severity: High` / `**Severity:** Critical` / `**Severity**: P1` line. Returns the id when one is
 * written (P1, SEV2), else the first word as written, capitalised ("High"), so a consumer can match
 * it against the severity policy's labels.
 */
export function severityLine(line: string): string | undefined {
  const m = /^\s{0,3}(?:[*_]{1,2})?severity(?:[*_]{1,2})?\s*:\s*(?:[*_]{1,2})?\s*(.*)$/i.exec(line);
  if (!m) return undefined;
  const rest = plainText(m[1]);
  const id = severityIn(rest);
  if (id) return id;
  const word = /^[A-Za-z]+/.exec(rest);
  return word ? word[0][0].toUpperCase() + word[0].slice(1).toLowerCase() : undefined;
}

/** Order matters: "Escalation Procedures" is escalation, not resolution. */
const QUALIFIER = String.raw`(?:\s+(?:steps?|procedures?|plan|actions?|checklist|review|templates?|meeting|process|notes|measures|path|policy|matrix|guide))?$`;
const PART_WORDS: ReadonlyArray<[SectionPart, string]> = [
  ['symptoms', 'symptoms?|signs|indicators|detection|how to (?:detect|recogni[sz]e)(?: it)?'],
  ['immediate', 'immediate(?: response)?|first|triage'],
  ['diagnosis', 'diagnosis|diagnose|diagnostics|investigation|investigate|troubleshooting|root cause analysis'],
  ['escalation', 'escalation|escalate'],
  ['communication', 'communications?|status updates?|notifications?|stakeholder updates?'],
  ['postIncident', 'post[ -]?incident|post[ -]?mortem|retrospective|lessons learned|after the incident'],
  ['verification', 'verification|verify|validation|validate|confirm(?:ation)?'],
  ['prevention', 'prevention|preventive|preventative|prevent recurrence|follow[ -]?ups?'],
  ['resolution', 'resolution|resolve|procedures?|fix(?:es)?|remediation|recovery|mitigation|workaround|actions|steps'],
];
/**
 * One regex for all parts, a capture group each, tried in the order above: the alternation
 * backtracks into the next group when one (with the qualifier and `$`) fails, so the first part
 * that matches wins, as with one regex per part, in one pass.
 */
const PARTS = new RegExp(`^(?:${PART_WORDS.map(([, words]) => `(${words})`).join('|')})${QUALIFIER}`);

/** Drops leading numbering ("1.", "2)") and noise so "### 1. Immediate Action" reads as "immediate action". */
function partKey(title: string): string {
  let key = title.toLowerCase();
  const first = key.charCodeAt(0);
  // Only a digit or a blank (ASCII, NBSP, or one of the Unicode spaces above U+1000) can start a prefix to drop.
  if ((first >= 48 && first <= 57) || first <= 32 || first === 160 || first > 0x1000) key = key.replace(/^\s*(?:\d{1,3}[.)]\s*)?/, '');
  if (key.includes(':') || key.includes('.')) key = key.replace(/[:.]+\s*$/, '');
  return key.trim();
}

/** The part a heading names, also after a prefix such as "CRITICAL - Immediate Actions". */
export function partOf(title: string): SectionPart | undefined {
  const key = partKey(title);
  const candidates = [key];
  // Only a one-word prefix ("CRITICAL - Immediate Actions"): "P1 Incident - Resolution" is not a part.
  const sep = /^[^\s]+\s[-–—:]\s/.exec(key);
  if (sep) candidates.push(key.slice(sep[0].length));
  for (const candidate of candidates) {
    const m = PARTS.exec(candidate);
    if (!m) continue;
    for (let g = 1; g < m.length; g++) if (m[g] !== undefined) return PART_WORDS[g - 1][0];
  }
  return undefined;
}

/**
 * A line that is only a bold label naming a part (`**Symptoms:**`, `**Resolution Steps**:`), the way
 * many guides mark the parts of a section instead of using a deeper heading.
 */
export function boldPartLabel(line: string): { title: string; part: SectionPart } | undefined {
  const m = /^\s{0,3}(\*\*|__)([^*_\n]{1,80}?)\1\s*:?\s*$/.exec(line);
  if (!m) return undefined;
  const title = m[2].trim().replace(/\s*:$/, '');
  const part = partOf(title);
  return part ? { title: headingTitle(title), part } : undefined;
}
