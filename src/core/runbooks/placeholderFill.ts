// Filling placeholders: each value quoted for the interpreter of its language and for the context
// the scanner (placeholders.ts) found its placeholder in, or refused there with the context named.
import type { Placeholder } from './model';
import { type Interpreter, interpreterFor } from './interpreters';
import { type Occurrence, type PlaceholderContext, dedupe, scan } from './placeholders';

type Context = PlaceholderContext;

/** Characters a value may contain to be written into a shell command as is, in every shell and context. */
const SAFE_VALUE = /^[A-Za-z0-9_@%+:,./-]+$/;
/** C0 controls and DEL: typed, a line editor reads them as keys; quoted, they need `$'\ooo'` to be readable. */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\x00-\x1f\x7f]/;

/** Why a value cannot be written where its placeholder sits, so the command is not run. */
export type RefusalReason =
  | 'backtick' // inside `…`, a value would need a second level of escaping that shells do not agree on
  | 'arithmetic' // inside $((…)) a value is evaluated, not passed: only an integer is taken
  | 'heredocDelimiter' // in a heredoc body, a line of the value would end the body early
  | 'heredocTabs' // in a <<- body, the shell would strip the value's leading tabs
  | 'ambiguous' // the shells read the text around it differently
  | 'controlCharacter'; // typed into a terminal, a control character would act as a key (or, in a heredoc, cannot be quoted)

export interface RefusedValue {
  readonly placeholder: Placeholder;
  readonly context: PlaceholderContext;
  readonly reason: RefusalReason;
  /** For the user: the placeholder and the context, in words. */
  readonly message: string;
}

const CONTEXT_WORDS: Record<Context, string> = {
  plain: 'an unquoted word',
  single: 'single quotes',
  double: 'double quotes',
  paramDouble: 'a ${…} inside double quotes',
  doubleInParam: 'double quotes in a ${…} inside double quotes',
  ansiC: "$'…' quotes",
  backtick: 'backticks (`…`)',
  arithmetic: 'arithmetic $((…))',
  heredoc: 'a heredoc body',
  heredocQuoted: 'a quoted heredoc body',
  ambiguous: 'text the shells read differently',
  text: 'text',
};

const REASON_WORDS: Record<RefusalReason, string> = {
  backtick: 'only letters, digits and _@%+:,./- can be written inside backticks; use $(…) instead',
  arithmetic: 'only an integer can be written inside $((…))',
  heredocDelimiter: 'a line of the value is the heredoc delimiter and would end the body early',
  heredocTabs: 'a line of the value starts with a tab, which <<- strips',
  ambiguous: 'the shells do not agree on what the text around it means',
  controlCharacter: 'it holds a control character that cannot be typed or quoted there',
};

/** The options of fillPlaceholders beyond the values. */
export interface FillOptions {
  /**
   * The command is typed into an interactive shell (a terminal) rather than given to the
   * interpreter as a script: control characters then cannot go where no quoting applies.
   */
  readonly typed?: boolean;
}

/** Octal escape for `$'…'` and printf: `\ooo`, one per UTF-8 byte. */
function octal(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/** `$'…'` holding `value`: quotes, backslashes, `!` and control characters as octal, so it reads the same typed or not. */
function ansiCWord(value: string): string {
  let out = "$'";
  for (const ch of value) {
    if (ch === '\\' || ch === "'" || ch === '!' || CONTROL.test(ch)) out += octal(ch);
    else out += ch;
  }
  return `${out}'`;
}

/**
 * An unquoted shell word that is exactly `value`: single-quoted with `'\''` for each quote (so no
 * `!` ever stands outside single quotes, where history expansion would read it), or one `$'…'`
 * when the value holds control characters and the interpreter reads `$'…'`. `quoteBefore` /
 * `quoteAfter`: the text next to the word is a single quote; an empty `""` then separates them,
 * because zsh with RC_QUOTES reads `''` inside quotes as one quote. (`'\''` is safe from RC_QUOTES:
 * its quotes are never two delimiters in a row inside a string.)
 */
function word(value: string, interpreter: Interpreter, quoteBefore = false, quoteAfter = false): string {
  if (SAFE_VALUE.test(value)) return value;
  if (interpreter.ansiC && CONTROL.test(value)) return ansiCWord(value);
  return `${quoteBefore ? '""' : ''}'${value.replace(/'/g, `'\\''`)}'${quoteAfter ? '""' : ''}`;
}

/**
 * In the word of a `${…}` that is inside double quotes (directly, or in double quotes nested there),
 * where the outer quote cannot be closed: `\ $ ` "` backslash-escaped; `'` (bash pairs it while
 * looking for the `}`), `{` and `}` (bash brace-expands text between nested quotes there), `(` and
 * `)` (bash reads `<(`/`>(` there as a process substitution to match), `!`
 * (history expansion) and control characters produced by printf, whose `$(…)` works the same in
 * bash, dash and zsh. A newline stays literal: `$(…)` would drop it, and in quotes it is harmless.
 */
function inParamWord(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === '\\' || ch === '"' || ch === '$' || ch === '`') out += `\\${ch}`;
    else if ("'{}()!".includes(ch) || (ch !== '\n' && CONTROL.test(ch))) out += `$(printf '${octal(ch)}')`;
    else out += ch;
  }
  return out;
}

/** `line` is a non-empty start of `delim` followed by a non-ASCII character (see heredocRefusal). */
function startsLikeDelimiter(line: string, delim: string): boolean {
  for (let k = 1; k <= delim.length && line.charCodeAt(k - 1) === delim.charCodeAt(k - 1); k++) {
    if (line.charCodeAt(k) >= 0x80) return true;
  }
  return false;
}

/** The heredoc lines a value makes in `run` (with the text around it on its line): none may be the delimiter. */
function heredocRefusal(run: string, o: Occurrence, value: string, interpreter: Interpreter): RefusalReason | undefined {
  const h = o.heredoc;
  if (!h) return undefined;
  const lines = (run.slice(h.lineStart, o.start) + value + run.slice(o.end, h.lineEnd)).split('\n');
  if (lines.some((l) => (h.strip ? l.replace(/^\t+/, '') : l) === h.delim)) return 'heredocDelimiter';
  // dash drops a byte from a body line that starts like the delimiter (any part of it) and goes on
  // with a non-ASCII character there: its end-of-body check pushes that byte back wrongly. `sh`
  // may be dash.
  if ((interpreter.name === 'dash' || interpreter.name === 'sh') && lines.some((l) => startsLikeDelimiter(h.strip ? l.replace(/^\t+/, '') : l, h.delim))) return 'heredocDelimiter';
  // <<- strips every leading tab of a line: the value's own too when only tabs stand before it.
  const valueLines = value.split('\n');
  const first = /^\t*$/.test(run.slice(h.lineStart, o.start)) ? 0 : 1;
  if (h.strip && valueLines.slice(first).some((l) => l.startsWith('\t'))) return 'heredocTabs';
  return undefined;
}

/** `value` written for context `o.context`, or why it cannot be. */
function quoteFor(run: string, o: Occurrence, value: string, interpreter: Interpreter, typed: boolean): string | { reason: RefusalReason } {
  const ctx = o.context;
  if (ctx === 'text') return value;
  // No shell can pass a NUL byte to a program: an argument or a line ends there.
  if (value.includes('\0')) return { reason: 'controlCharacter' };
  // Typed into a shell without `$'…'`, a control character other than a newline or a tab reaches the terminal's line discipline or editor as a key.
  if (typed && !interpreter.ansiC && /[\x00-\x08\x0b-\x1f\x7f]/.test(value)) return { reason: 'controlCharacter' }; // eslint-disable-line no-control-regex
  const before = run.charCodeAt(o.start - 1);
  const after = run.charCodeAt(o.end);
  switch (ctx) {
    case 'plain':
      return word(value, interpreter, before === 39, after === 39);
    case 'single':
      if (interpreter.ansiC && CONTROL.test(value)) return `'${ansiCWord(value)}'`;
      return value.replace(/'/g, `'\\''`);
    case 'double':
      // Closed, the value as a word, reopened: `!` never stands inside double quotes (history
      // expansion reads it there, and `\!` would keep its backslash); nor a control character.
      if (value.includes('!') || (interpreter.ansiC && CONTROL.test(value))) return `"${word(value, interpreter)}"`;
      return value.replace(/[\\"$`]/g, '\\$&');
    case 'paramDouble':
    case 'doubleInParam':
      return inParamWord(value);
    case 'ansiC':
      return ansiCWord(value).slice(2, -1);
    case 'backtick':
      return SAFE_VALUE.test(value) ? value : { reason: 'backtick' };
    case 'arithmetic':
      // An integer as the shells print it back: no leading zeros (octal), no more digits than 64 bits hold.
      return /^-?(?:0|[1-9][0-9]{0,14})$/.test(value) ? value : { reason: 'arithmetic' };
    case 'heredoc':
    case 'heredocQuoted': {
      const refused = heredocRefusal(run, o, value, interpreter);
      if (refused) return { reason: refused };
      // A line editor reads a tab as completion; no quoting applies in a body.
      if (typed && interpreter.lineEditor && CONTROL.test(value.replace(/\n/g, ''))) return { reason: 'controlCharacter' };
      return ctx === 'heredoc' ? value.replace(/[\\$`]/g, '\\$&') : value;
    }
    case 'ambiguous':
      return { reason: 'ambiguous' };
  }
}

export interface FillResult {
  text: string;
  /** Placeholders without a value (their tokens stay in `text`). */
  missing: Placeholder[];
  /** Values that cannot be written where their placeholder sits (tokens stay in `text`): never run `text` then. */
  refused: RefusedValue[];
}

/**
 * Writes `values` (by placeholder name) into `run`, replacing exactly the placeholder tokens. In
 * shell, the value is quoted for where the token sits and for the interpreter of `language`
 * (interpreters.ts), so that the program receives exactly the value, newlines included, and the
 * value can never add or change a command: single-quoted in words and assignments, the double quote
 * closed around a single-quoted value inside "…" (also in `$(…)` nested in "…"), escaped in
 * unquoted heredoc bodies, literal in quoted ones. A value made only of letters, digits and
 * `_@%+:,./-` is written as is. `!` never stands outside single quotes, so a typed command is safe
 * from history expansion. Backticks (unless the value is that plain), `$((…))` (unless an integer),
 * a heredoc line equal to its delimiter and text the shells read differently are refused, with the
 * context named: see `refused`. In other languages the value is written literally. Empty values
 * count as missing.
 */
export function fillPlaceholders(run: string, values: Readonly<Record<string, string>>, language = 'bash', assigned: ReadonlySet<string> = new Set(), options: FillOptions = {}): FillResult {
  const occurrences = scan(run, language, assigned);
  const interpreter = interpreterFor(language) ?? (interpreterFor('bash') as Interpreter);
  const missing: Placeholder[] = [];
  const refused: RefusedValue[] = [];
  let text = '';
  let at = 0;
  for (const o of occurrences) {
    const value = Object.prototype.hasOwnProperty.call(values, o.placeholder.name) ? values[o.placeholder.name] : undefined;
    if (value === undefined || value === '') {
      missing.push(o.placeholder);
      continue;
    }
    const quoted = quoteFor(run, o, value, interpreter, options.typed === true);
    if (typeof quoted !== 'string') {
      refused.push({ placeholder: o.placeholder, context: o.context, reason: quoted.reason, message: `The value for ${o.placeholder.token} cannot be written into ${CONTEXT_WORDS[o.context]}: ${REASON_WORDS[quoted.reason]}.` });
      continue;
    }
    text += run.slice(at, o.start) + quoted;
    at = o.end;
  }
  text += run.slice(at);
  return { text, missing: dedupe(missing), refused };
}

/**
 * `value` as one shell word for the interpreter of `language` (default `sh`): the same quoting
 * runbook steps get for a placeholder in an unquoted word, for code that builds a command for a
 * host itself (the rollback's `git -C <workDir>`, a lock's holder, a run folder). Throws on a NUL
 * byte, which no shell can pass to a program.
 */
export function shellWord(value: string, language = 'sh'): string {
  if (value.includes('\0')) throw new Error('a shell word cannot hold a NUL byte');
  return word(value, interpreterFor(language) ?? (interpreterFor('sh') as Interpreter));
}
