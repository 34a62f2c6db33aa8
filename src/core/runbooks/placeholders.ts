import type { Placeholder } from './model';
import { interpreterFor } from './interpreters';
import { WELL_KNOWN, assignedNames, isCharClass, isNameChar, isPlainChar, isShellLanguage, isUpperName, isWordChar } from './shellWords';

export { assignedNames, isShellLanguage } from './shellWords';

/**
 * Placeholders are the parts of a command the author meant to be filled in: `[backup-file]`,
 * `<commit-hash>`, `$DATABASE_URL`, `${workdir}`. Detection is one left-to-right pass that knows
 * enough shell (quotes, comments, heredoc bodies) to skip `[ -f x ]`, `[[ … ]]`, `arr[i]`, `<<EOF`,
 * `< file`, `$1`, `$?`, `$(…)`, `'$LITERAL'` and variables the block assigns itself.
 */

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

export interface Occurrence {
  start: number;
  end: number;
  placeholder: Placeholder;
  context: Context;
  /** In a heredoc body: its delimiter and the body line the placeholder is on. */
  heredoc?: { delim: string; strip: boolean; lineStart: number; lineEnd: number };
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

export function scan(run: string, language: string, assigned: ReadonlySet<string>, ownNames?: readonly string[]): Occurrence[] {
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

export function dedupe(list: Placeholder[]): Placeholder[] {
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
