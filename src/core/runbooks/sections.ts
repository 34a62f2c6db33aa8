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
  return s.replace(/\s+/g, ' ').trim();
}

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
const part = (words: string): RegExp => new RegExp(`^(?:${words})${QUALIFIER}`);
const PARTS: ReadonlyArray<[SectionPart, RegExp]> = [
  ['symptoms', part('symptoms?|signs|indicators|detection|how to (?:detect|recogni[sz]e)(?: it)?')],
  ['immediate', part('immediate(?: response)?|first|triage')],
  ['diagnosis', part('diagnosis|diagnose|diagnostics|investigation|investigate|troubleshooting|root cause analysis')],
  ['escalation', part('escalation|escalate')],
  ['communication', part('communications?|status updates?|notifications?|stakeholder updates?')],
  ['postIncident', part('post[ -]?incident|post[ -]?mortem|retrospective|lessons learned|after the incident')],
  ['verification', part('verification|verify|validation|validate|confirm(?:ation)?')],
  ['prevention', part('prevention|preventive|preventative|prevent recurrence|follow[ -]?ups?')],
  ['resolution', part('resolution|resolve|procedures?|fix(?:es)?|remediation|recovery|mitigation|workaround|actions|steps')],
];

/** Drops leading numbering ("1.", "2)") and noise so "### 1. Immediate Action" reads as "immediate action". */
function partKey(title: string): string {
  return title.toLowerCase().replace(/^\s*(?:\d{1,3}[.)]\s*)?/, '').replace(/[:.]+\s*$/, '').trim();
}

/** The part a heading names, also after a prefix such as "CRITICAL - Immediate Actions". */
export function partOf(title: string): SectionPart | undefined {
  const key = partKey(title);
  const candidates = [key];
  // Only a one-word prefix ("CRITICAL - Immediate Actions"): "P1 Incident - Resolution" is not a part.
  const sep = /^[^\s]+\s[-–—:]\s/.exec(key);
  if (sep) candidates.push(key.slice(sep[0].length));
  for (const candidate of candidates) {
    for (const [part, re] of PARTS) {
      if (re.test(candidate)) return part;
    }
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
