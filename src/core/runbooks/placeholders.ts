import type { Placeholder } from './model';
import { type Interpreter, interpreterFor } from './interpreters';
import { SHELL_FENCES } from './shellCommands';

/**
 * Placeholders are the parts of a command the author meant to be filled in: `[backup-file]`,
 * `<commit-hash>`, `$DATABASE_URL`, `${workdir}`. Detection is one left-to-right pass that knows
 * enough shell (quotes, comments, heredoc bodies) to skip `[ -f x ]`, `[[ … ]]`, `arr[i]`, `<<EOF`,
 * `< file`, `$1`, `$?`, `$(…)`, `'$LITERAL'` and variables the block assigns itself.
 */


/** Variables every shell or login environment already has: never something to ask the user for. */
const WELL_KNOWN = new Set([
  'HOME', 'PATH', 'USER', 'PWD', 'OLDPWD', 'SHELL', 'HOSTNAME', 'HOST', 'UID', 'EUID', 'PPID', 'RANDOM', 'LINENO',
  'SECONDS', 'IFS', 'TERM', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TMP', 'TEMP', 'EDITOR', 'VISUAL',
  'PAGER', 'LOGNAME', 'DISPLAY', 'SHLVL', 'PS1', 'PS2', 'PS4', 'REPLY', 'OPTARG', 'OPTIND', 'OSTYPE', 'HOSTTYPE',
  'MACHTYPE', 'COLUMNS', 'LINES', 'BASH', 'BASH_SOURCE', 'BASH_VERSION', 'BASHPID', 'FUNCNAME', 'PIPESTATUS',
  'GROUPS', 'HISTFILE', 'HISTSIZE', 'MAIL', 'SSH_AUTH_SOCK', 'SSH_CLIENT', 'SSH_CONNECTION', 'SSH_TTY', 'TZ',
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR', 'ZSH_VERSION', 'CDPATH', 'EPOCHSECONDS',
]);

/**
 * Where a placeholder sits, which decides how a value is written into it: an unquoted word (also
 * an assignment's value, a concatenation, the word of an unquoted `${…}`), inside '…', inside "…",
 * inside "…" nested in the word of a `${…}` that is itself in double quotes, inside `$'…'`, inside
 * backticks, in `$((…))`, in a heredoc body (delimiter unquoted or quoted); `ambiguous` where the
 * shells disagree on what the text means; `text` in a language that is not shell.
 */
export type PlaceholderContext =
  | 'plain' | 'single' | 'double' | 'paramDouble' | 'doubleInParam' | 'ansiC' | 'backtick' | 'arithmetic' | 'heredoc' | 'heredocQuoted' | 'ambiguous' | 'text';
type Context = PlaceholderContext;

interface Occurrence {
  start: number;
  end: number;
  placeholder: Placeholder;
  context: Context;
  /** In a heredoc body: its delimiter and the body line the placeholder is on. */
  heredoc?: { delim: string; strip: boolean; lineStart: number; lineEnd: number };
}

export function isShellLanguage(language: string): boolean {
  // The same languages that make a block runnable (shellCommands), plus an unlabelled block.
  return language === '' || SHELL_FENCES.has(language);
}

const ASSIGNMENT = /(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare|typeset)\s+(?:-[A-Za-z]+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]\n]*\])?\+?=/g;
const FOR_OR_READ = /(?:^|[\s;&|(])(?:for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b|read\s+((?:-[A-Za-z]+\s+(?:\S+\s+)?)*)([A-Za-z_][A-Za-z0-9_ ]*))/g;

/** Names a command assigns (`FOO=1`, `export FOO=…`, `for f in`, `read -r A B`): later `$FOO` are not placeholders. */
export function assignedNames(run: string): string[] {
  const names: string[] = [];
  if (!run.includes('=') && !run.includes('for') && !run.includes('read')) return names;
  for (const m of run.matchAll(ASSIGNMENT)) names.push(m[1]);
  for (const m of run.matchAll(FOR_OR_READ)) {
    if (m[1]) names.push(m[1]);
    else if (m[3]) for (const n of m[3].trim().split(/\s+/)) names.push(n);
  }
  return names;
}

/**
 * Characters that neither start a placeholder (`[`, `<`, `$`) nor change the shell state (quotes,
 * backslash, `#`, newline, blanks, `;&|(`): letters, digits and `_-./:=,@%+*!?^~]>)}{`.
 */
const PLAIN_CHARS = (() => {
  const t = new Uint8Array(128);
  for (let c = 33; c < 127; c++) t[c] = 1;
  for (const ch of '[<$\'"\\#;&|(`') t[ch.charCodeAt(0)] = 0;
  return t;
})();

function isPlainChar(c: number): boolean {
  return c < 128 && PLAIN_CHARS[c] === 1;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isWordChar(c) || c === 45; // letters, digits, _ and -
}

function isUpperName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]+$/.test(name);
}

/** `[a-z]`, `[0-9A-F]`: character classes, not names to fill in. */
function isCharClass(name: string): boolean {
  return /^(?:[A-Za-z0-9]-[A-Za-z0-9])+$/.test(name);
}

/** Reads `[name]` / `<name>` starting at `i` (the opening char); returns the end index or -1. */
function bracketed(run: string, i: number, close: number): number {
  let j = i + 1;
  let letter = false;
  while (j < run.length && j - i <= 64) {
    const c = run.charCodeAt(j);
    if (c === close) break;
    if (!isNameChar(c)) return -1;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letter = true;
    j++;
  }
  if (j >= run.length || run.charCodeAt(j) !== close || !letter || j - i < 3) return -1;
  return j + 1;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * What the scanner is inside. `cmd` is unquoted shell: the top level and every `$(…)` (a fresh
 * quoting level, even inside double quotes); `param` is the word of `${…}`; `arith` is `$((…))`.
 */
type Frame =
  | { kind: 'cmd'; sub: boolean; parens: number }
  | { kind: 'dq' }
  | { kind: 'param'; inDq: boolean; sawSingleQuote: boolean }
  | { kind: 'arith'; parens: number }
  | { kind: 'backtick' };

interface PendingHeredoc {
  delim: string;
  quoted: boolean;
  strip: boolean;
}

const HEREDOC_START = /^<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|\\?([A-Za-z0-9_.-]+))/;

/** The context a placeholder has when read with `stack`'s innermost frame on top. */
function contextOf(stack: readonly Frame[]): Context {
  const top = stack[stack.length - 1];
  switch (top.kind) {
    case 'cmd': return 'plain';
    case 'arith': return 'arithmetic';
    case 'backtick': return 'backtick';
    case 'param':
      if (!top.inDq) return 'plain';
      return top.sawSingleQuote ? 'ambiguous' : 'paramDouble';
    case 'dq': {
      const parent = stack[stack.length - 2];
      return parent?.kind === 'param' && parent.inDq ? (parent.sawSingleQuote ? 'ambiguous' : 'doubleInParam') : 'double';
    }
  }
}

function scan(run: string, language: string, assigned: ReadonlySet<string>, ownNames?: readonly string[]): Occurrence[] {
  const shell = isShellLanguage(language);
  const env = shell;
  const out: Occurrence[] = [];
  const names = shell ? ownNames ?? assignedNames(run) : [];
  const own = names.length ? new Set(names) : NO_NAMES;
  const interpreter = interpreterFor(language) ?? interpreterFor('bash');
  const stack: Frame[] = [{ kind: 'cmd', sub: false, parens: 0 }];
  let wordStart = true;
  /** Heredoc delimiters announced on the current line, read as bodies from the next line on. */
  const pending: PendingHeredoc[] = [];
  let body: PendingHeredoc | undefined;
  let i = 0;
  const n = run.length;
  /** A quoted string that nests nothing (`'…'`, `$'…'`), from `i` at its first character; returns the index after its closing quote. */
  const quotedString = (from: number, ctx: Context, backslashes: boolean): number => {
    let j = from;
    while (j < n) {
      const c = run.charCodeAt(j);
      if (c === 39) return j + 1;
      if (backslashes && c === 92) {
        j += 2;
        continue;
      }
      j = scanOne(run, j, ctx, false, assigned, own, out);
    }
    return n;
  };
  /** `$…` at `i`: a placeholder, or the start of `$(`, `$((`, `${`, `$'`; returns the next index. */
  const dollar = (ctx: Context): number => {
    const next = run.charCodeAt(i + 1);
    if (next === 40) {
      if (run.charCodeAt(i + 2) === 40) {
        stack.push({ kind: 'arith', parens: 0 });
        return i + 3;
      }
      stack.push({ kind: 'cmd', sub: true, parens: 0 });
      wordStart = true;
      return i + 2;
    }
    if (next === 123) {
      const end = scanOne(run, i, ctx, env, assigned, own, out);
      if (end > i + 1) return end; // `${name}`: a placeholder, or a variable the shell has
      stack.push({ kind: 'param', inDq: ctx !== 'plain' && ctx !== 'arithmetic', sawSingleQuote: false });
      return i + 2;
    }
    if (next === 39 && (ctx === 'plain')) {
      // `$'…'`: ANSI-C quoting in bash, zsh and ksh; `$` and a plain single-quoted string in dash.
      if (!interpreter?.ansiCCertain) return quotedString(i + 2, 'ambiguous', true);
      if (interpreter.ansiC) return quotedString(i + 2, 'ansiC', true);
      return quotedString(i + 2, 'single', false);
    }
    return scanOne(run, i, ctx, env, assigned, own, out);
  };
  while (i < n) {
    if (body) {
      // A heredoc body line: quotes mean nothing here; `$VAR` expands only when the delimiter is unquoted.
      let eol = run.indexOf('\n', i);
      if (eol < 0) eol = n;
      const line = run.slice(i, eol);
      if ((body.strip ? line.replace(/^\t+/, '') : line) === body.delim) {
        body = pending.shift();
        i = eol + 1;
        continue;
      }
      const ctx: Context = body.quoted ? 'heredocQuoted' : 'heredoc';
      const from = out.length;
      scanText(run, i, eol, ctx, !body.quoted && env, assigned, own, out);
      for (let k = from; k < out.length; k++) out[k].heredoc = { delim: body.delim, strip: body.strip, lineStart: i, lineEnd: eol };
      i = eol + 1;
      continue;
    }
    const c = run.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (isPlainChar(c) && !CLOSERS.has(c)) {
      // Letters, digits and punctuation that start nothing: skip the run of them (as scanOne would,
      // one at a time); outside quotes each ends a word start.
      i++;
      while (i < n && isPlainChar(run.charCodeAt(i)) && !CLOSERS.has(run.charCodeAt(i))) i++;
      if (top.kind === 'cmd' && shell) wordStart = false;
      continue;
    }
    if (c === 32 || c === 9) { // a blank: starts a word outside quotes, and never a placeholder
      if (top.kind === 'cmd') wordStart = true;
      i++;
      continue;
    }
    if (c === 10) {
      if (top.kind === 'cmd' && pending.length) body = pending.shift();
      wordStart = true;
      i++;
      continue;
    }
    if (!shell) {
      i = scanOne(run, i, 'text', false, assigned, own, out);
      continue;
    }
    if (c === 92) { // backslash: the next char is literal
      i += 2;
      if (top.kind === 'cmd') wordStart = false;
      continue;
    }
    if (top.kind === 'backtick') {
      if (c === 96) stack.pop();
      else {
        i = scanOne(run, i, 'backtick', env, assigned, own, out);
        continue;
      }
      i++;
      continue;
    }
    if (c === 96) {
      stack.push({ kind: 'backtick' });
      i++;
      wordStart = false;
      continue;
    }
    if (top.kind === 'dq') {
      if (c === 34) {
        stack.pop();
        i++;
      } else if (c === 36) {
        i = dollar(contextOf(stack));
      } else {
        i = scanOne(run, i, contextOf(stack), env, assigned, own, out);
      }
      continue;
    }
    if (top.kind === 'arith') {
      if (c === 40) top.parens++;
      else if (c === 41) {
        if (top.parens > 0) top.parens--;
        else if (run.charCodeAt(i + 1) === 41) {
          stack.pop();
          i += 2;
          continue;
        }
      } else if (c === 36) {
        i = dollar('arithmetic');
        continue;
      } else if (c === 34) {
        stack.push({ kind: 'dq' });
      } else {
        i = scanOne(run, i, 'arithmetic', env, assigned, own, out);
        continue;
      }
      i++;
      continue;
    }
    if (top.kind === 'param' && top.inDq) {
      if (c === 125) stack.pop();
      else if (c === 34) stack.push({ kind: 'dq' });
      else if (c === 39) top.sawSingleQuote = true; // literal to the expansion, yet bash pairs it while looking for `}`
      else if (c === 36) {
        i = dollar(contextOf(stack));
        continue;
      } else {
        i = scanOne(run, i, contextOf(stack), env, assigned, own, out);
        continue;
      }
      i++;
      continue;
    }
    // Unquoted: the top level, `$(…)`, or the word of an unquoted `${…}`.
    if (c === 39) { i = quotedString(i + 1, 'single', false); wordStart = false; continue; }
    if (c === 34) { stack.push({ kind: 'dq' }); i++; wordStart = false; continue; }
    if (c === 36) { i = dollar('plain'); wordStart = false; continue; }
    if (top.kind === 'param') {
      if (c === 125) {
        stack.pop();
        i++;
        continue;
      }
    } else {
      if (c === 35 && wordStart) { // a comment runs to the end of the line
        const eol = run.indexOf('\n', i);
        i = eol < 0 ? n : eol;
        continue;
      }
      if (c === 40) top.parens++;
      if (c === 41 && top.sub) {
        if (top.parens > 0) top.parens--;
        else {
          stack.pop();
          i++;
          wordStart = false;
          continue;
        }
      }
      if (c === 60 && run.charCodeAt(i + 1) === 60 && run.charCodeAt(i + 2) !== 60) {
        const m = HEREDOC_START.exec(run.slice(i, i + 80));
        if (m) {
          pending.push({ delim: m[2] ?? m[3] ?? m[4], quoted: m[2] !== undefined || m[3] !== undefined || m[0].includes('\\'), strip: m[1] === '-' });
          i += m[0].length;
          wordStart = false;
          continue;
        }
      }
    }
    wordStart = c === 32 || c === 9 || c === 59 || c === 38 || c === 124 || c === 40;
    i = scanOne(run, i, 'plain', env, assigned, own, out);
  }
  return out;
}

/** Plain characters that still close a frame: `)` and `}`, and `(` which opens a nested group. */
const CLOSERS = new Set([40, 41, 125]);

function scanText(run: string, from: number, to: number, ctx: Context, env: boolean, assigned: ReadonlySet<string>, own: ReadonlySet<string>, out: Occurrence[]): void {
  let i = from;
  while (i < to) i = scanOne(run, i, ctx, env, assigned, own, out);
}

/** Looks for a placeholder starting at `i`; records it and returns the index after it, else `i + 1`. */
function scanOne(run: string, i: number, ctx: Context, env: boolean, assigned: ReadonlySet<string>, own: ReadonlySet<string>, out: Occurrence[]): number {
  const c = run.charCodeAt(i);
  const prev = i > 0 ? run.charCodeAt(i - 1) : 32;
  if (c === 91 /* [ */ && !isWordChar(prev) && prev !== 36 && prev !== 91 && prev !== 93) {
    const end = bracketed(run, i, 93);
    if (end > 0 && run.charCodeAt(end) !== 93) {
      const name = run.slice(i + 1, end - 1);
      if (!isCharClass(name)) {
        out.push({ start: i, end, context: ctx, placeholder: { token: run.slice(i, end), name, kind: 'bracket' } });
        return end;
      }
    }
  } else if (c === 60 /* < */ && !isWordChar(prev) && prev !== 60) {
    const end = bracketed(run, i, 62);
    if (end > 0) {
      const name = run.slice(i + 1, end - 1);
      out.push({ start: i, end, context: ctx, placeholder: { token: run.slice(i, end), name, kind: 'angle' } });
      return end;
    }
  } else if (c === 36 /* $ */ && env) {
    const next = run.charCodeAt(i + 1);
    if (next === 123 /* { */) {
      let j = i + 2;
      while (j < run.length && isWordChar(run.charCodeAt(j))) j++;
      const name = run.slice(i + 2, j);
      if (run.charCodeAt(j) === 125 && /^[A-Za-z_]/.test(name)) {
        if (!WELL_KNOWN.has(name) && !assigned.has(name) && !own.has(name)) {
          out.push({ start: i, end: j + 1, context: ctx, placeholder: { token: run.slice(i, j + 1), name, kind: isUpperName(name) ? 'env' : 'variable' } });
        }
        return j + 1;
      }
    } else if (next >= 65 && next <= 90) {
      let j = i + 1;
      while (j < run.length && isWordChar(run.charCodeAt(j))) j++;
      const name = run.slice(i + 1, j);
      if (isUpperName(name) && !WELL_KNOWN.has(name) && !assigned.has(name) && !own.has(name)) {
        out.push({ start: i, end: j, context: ctx, placeholder: { token: run.slice(i, j), name, kind: 'env' } });
      }
      return j;
    }
  }
  return i + 1;
}

function dedupe(list: Placeholder[]): Placeholder[] {
  const seen = new Set<string>();
  const out: Placeholder[] = [];
  for (const p of list) {
    if (seen.has(p.token)) continue;
    seen.add(p.token);
    out.push(p);
  }
  return out;
}

/**
 * The placeholders in `run`, deduplicated by token, in order of first appearance. `language` is the
 * fence language (`''` for none): env-style `$NAME` / `${name}` are only looked for in shell.
 * `assigned` names variables set earlier in the same block (see `assignedNames`).
 */
export function findPlaceholders(run: string, language: string, assigned: ReadonlySet<string> = NO_NAMES): Placeholder[] {
  return placeholdersIn(run, language, assigned);
}

/** findPlaceholders(), given what `assignedNames(run)` returns when the caller has it already. */
export function placeholdersIn(run: string, language: string, assigned: ReadonlySet<string>, ownNames?: readonly string[]): Placeholder[] {
  if (!run.includes('[') && !run.includes('<') && !run.includes('$')) return [];
  return dedupe(scan(run, language, assigned, ownNames).map((o) => o.placeholder));
}

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
