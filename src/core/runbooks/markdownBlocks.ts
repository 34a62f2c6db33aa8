import type MarkdownIt from 'markdown-it';

/**
 * The block structure of a markdown runbook, from markdown-it's CommonMark block parser (plus GFM
 * tables): headings (ATX and setext), paragraphs, lists, block quotes, fenced and indented code,
 * HTML blocks, thematic breaks, link reference definitions. Only the block pass runs: inline markup
 * is never parsed (headings and items keep their raw text, which sections.ts reads), so the cost is
 * one linear pass that allocates a flat token array and no tree.
 */
export type BlockToken = MarkdownIt.Token;

/**
 * How deep containers may nest (a block quote is one level, a list two: the list and its item).
 * markdown-it's recursion goes as deep as this and no deeper; what lies beyond is not read (see
 * tooDeep), which no runbook written by a person ever reaches.
 */
export const MAX_BLOCK_NESTING = 100;

let parser: MarkdownIt | undefined;

/**
 * Required on first use, not imported: the bundler then leaves markdown-it (and its entity tables)
 * unevaluated until a runbook needs more than its first line, instead of on every extension load.
 */
function createParser(): MarkdownIt {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  const MarkdownItParser = require('markdown-it') as typeof MarkdownIt;
  // markdown-it reads `maxNesting` (its recursion limit) but its published types leave it out.
  const options: MarkdownIt.Options & { maxNesting: number } = { html: true, maxNesting: MAX_BLOCK_NESTING };
  return new MarkdownItParser('commonmark', options).enable('table');
}

/** The block tokens of a text, and where each of its lines starts and ends. */
export interface Blocks {
  tokens: BlockToken[];
  /** Offset in the text where each 0-based line starts. */
  lineStarts: readonly number[];
  /** Offset of each line's end (its line feed, or the end of the text). */
  lineEnds: readonly number[];
}

/**
 * Block tokens of `src` (line feeds only: CR and CRLF already turned into LF, no NUL), with 0-based
 * line maps `[first, end)` relative to `src`.
 */
export function blockTokens(src: string): Blocks {
  parser ??= createParser();
  const tokens: BlockToken[] = [];
  // ParserBlock.parse, keeping its state: its line marks spare splitting the text a second time.
  const state = new parser.block.State(src, parser, {}, tokens);
  if (src) parser.block.tokenize(state, state.line, state.lineMax);
  return { tokens, lineStarts: state.bMarks, lineEnds: state.eMarks };
}

/**
 * A container opened so deep that markdown-it reads nothing inside it, and skips the rest of its
 * enclosing block (for a list, the rest of the file).
 */
export function tooDeep(t: BlockToken): boolean {
  return t.nesting === 1 && t.level >= MAX_BLOCK_NESTING - 1 && (t.type === 'blockquote_open' || t.type === 'list_item_open' || t.type === 'bullet_list_open' || t.type === 'ordered_list_open');
}

const CLOSING_FENCE = /^[ \t>]*(`{3,}|~{3,})[ \t]*$/;

/** Whether a fence token ends with a closing fence (markdown-it ends an unclosed one with its container). */
export function fenceClosed(t: BlockToken, blocks: Blocks, src: string): boolean {
  const [start, end] = t.map ?? [0, 0];
  if (end - 1 <= start) return false;
  const m = CLOSING_FENCE.exec(src.slice(blocks.lineStarts[end - 1], blocks.lineEnds[end - 1]));
  return !!m && m[1].charAt(0) === t.markup.charAt(0) && m[1].length >= t.markup.length;
}

export interface FrontMatter {
  title?: string;
  severity?: string;
  /** Lines it takes, both `---` included. */
  lines: number;
  /** Characters it takes, up to and including the line feed after the closing `---`. */
  length: number;
}

/**
 * YAML front matter (`---` on the first line, closed by `---` or `...`): its `title` and `severity`,
 * and how much text it takes. `'open'` when it starts but is never closed; undefined when there is none.
 */
export function frontMatter(src: string): FrontMatter | 'open' | undefined {
  if (!src.startsWith('---') || (src.length > 3 && src.charAt(3) !== '\n')) return undefined;
  const fm: FrontMatter = { lines: 1, length: 4 };
  let start = 4;
  while (start <= src.length) {
    let end = src.indexOf('\n', start);
    if (end < 0) end = src.length;
    const line = src.slice(start, end);
    fm.lines++;
    fm.length = Math.min(end + 1, src.length);
    if (line === '---' || line === '...') return fm;
    const m = /^(title|severity):\s*['"]?(.*?)['"]?\s*$/.exec(line);
    if (m && m[2]) {
      if (m[1] === 'title') fm.title = m[2];
      else fm.severity = m[2];
    }
    start = end + 1;
  }
  return 'open';
}

/** A fence info string that is just a language name (`bash`, `shell-session`): read as is. */
function isPlainLanguage(info: string): boolean {
  if (!info.length) return false;
  for (let i = 0; i < info.length; i++) {
    const ch = info.charCodeAt(i);
    if (!((ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 45 || ch === 95 || ch === 43)) return false;
  }
  return true;
}

/** The language a fence's info string names, lowercased (`bash`, `{.sh}` → `sh`), or `''`. */
export function fenceLanguage(rawInfo: string): string {
  const info = rawInfo.trim();
  return (isPlainLanguage(info) ? info : /^\{?\.?([^\s{}]*)/.exec(info)?.[1] ?? '').toLowerCase();
}

/** The lines of a code block's content, without the line feed that ends the last one. */
export function contentLines(content: string): string[] {
  if (!content) return [];
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The first line that can make a level-1 heading: `# Title`, or a setext `===` underline. The text
 * up to it and one line more (a table's delimiter row is the only construct that looks one line
 * ahead and can turn a `#` line into something else) reads the same as in the whole file.
 */
export const H1_CANDIDATE = /^ {0,3}(?:#(?:[ \t][^\n]*)?|=+[ \t]*)$/m;

/**
 * The text of a `# Title` written as the first non-blank line, read as CommonMark reads an ATX
 * heading (closing `#`s dropped), or undefined when the first line is anything else. A document's
 * first line has no container or paragraph before it, so such a line is always a level-1 heading,
 * unless a `|` in it makes it the header row of a table: then the parser decides.
 */
export function firstLineTitle(body: string): string | undefined {
  let at = 0;
  for (;;) {
    let end = body.indexOf('\n', at);
    if (end < 0) end = body.length;
    let i = at;
    while (i < end && body.charCodeAt(i) === 32) i++;
    if (i < end && body.charCodeAt(i) === 9) return undefined; // a tab first: indented code, or blank
    if (i === end) {
      if (end === body.length) return undefined;
      at = end + 1;
      continue;
    }
    if (i - at > 3 || body.charCodeAt(i) !== 35 /* # */) return undefined;
    const next = body.charCodeAt(i + 1);
    if (i + 1 < end && next !== 32 && next !== 9) return undefined; // `##…` or `#word`
    const line = body.slice(i + 1, end);
    if (line.includes('|')) return undefined;
    let content = line.trim();
    // A closing sequence: `#`s at the end, after a blank (or the whole content).
    let k = content.length;
    while (k > 0 && content.charCodeAt(k - 1) === 35) k--;
    if (k < content.length && (k === 0 || content.charCodeAt(k - 1) === 32 || content.charCodeAt(k - 1) === 9)) content = content.slice(0, k).trim();
    return content;
  }
}
