// Reads a post-mortem markdown file into what the post-mortem editor's form shows: the front
// matter's top-level fields and the `## ` sections, each with the exact character range it came
// from, so that a form change can be written back as an edit of that range only. Pure: no vscode,
// no node (the webview bundles it too).
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

/** A half-open range of character offsets `[start, end)` into the document's text. */
export interface TextRange {
  start: number;
  end: number;
}

/** A top-level front matter key. `range` is where its value is written (empty for a key with no value). */
export interface FrontMatterField {
  key: string;
  /** A scalar as text; a list joined with ", ". */
  value: string;
  kind: 'scalar' | 'list';
  range: TextRange;
}

export interface PostmortemSection {
  /** The heading's text as a slug (`## What went well` → `what-went-well`); repeated headings get `-2`, `-3`. */
  id: string;
  title: string;
  /** The line of help (a `<!-- … -->` comment right under the heading), not part of `body`. */
  help: string | undefined;
  /** Generated regions that open the section (after the help), shown read-only; not part of `body`. */
  generated: { name: string; content: string }[];
  /** What the user writes: the rest of the section, without leading blank lines and trailing whitespace. */
  body: string;
  /**
   * Where `body` is. When the body is empty: a point at the end of the last line before it (the
   * heading, the help or the last generated region's closing marker).
   */
  range: TextRange;
  /** True when `body` is empty (nothing but whitespace after the help and generated regions). */
  empty: boolean;
  /** True when a `## ` heading (or a `# ` one) follows this section. */
  followed: boolean;
}

export interface ParsedPostmortem {
  /** `\r\n` when the file's first line ends so, else `\n`. */
  eol: string;
  /** Undefined when the file does not start with a `---` line closed by another. */
  frontMatter: { fields: FrontMatterField[]; error?: string } | undefined;
  /** The `# ` heading's text, if there is one. */
  title: string | undefined;
  sections: PostmortemSection[];
}

interface Line {
  start: number;
  /** End of the content, before the line break. */
  end: number;
  /** Start of the next line. */
  next: number;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      if (start < text.length) out.push({ start, end: text.length, next: text.length });
      break;
    }
    out.push({ start, end: nl > start && text[nl - 1] === '\r' ? nl - 1 : nl, next: nl + 1 });
    start = nl + 1;
  }
  return out;
}

/** A heading id: lower-case words joined by `-` (`Root cause` → `root-cause`). */
export function sectionId(title: string): string {
  return title.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'section';
}

const REGION_OPEN = /^\s*<!--\s*incident-desk:([a-z0-9-]+)\s*-->\s*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function parseFrontMatter(text: string, all: Line[]): { fields: FrontMatterField[]; error?: string; endLine: number } | undefined {
  if (!all.length || text.slice(all[0].start, all[0].end) !== '---') return undefined;
  const close = all.findIndex((l, i) => i > 0 && text.slice(l.start, l.end) === '---');
  if (close < 0) return undefined;
  const from = all[0].next;
  const inner = text.slice(from, all[close].start);
  const doc = parseDocument(inner, { keepSourceTokens: false });
  if (doc.errors.length) return { fields: [], error: doc.errors[0].message, endLine: close };
  const fields: FrontMatterField[] = [];
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const keyEnd = pair.key.range ? pair.key.range[1] : 0;
      const value = pair.value;
      if (value === null || value === undefined || (isScalar(value) && value.value === null && !value.source)) {
        // `key:` with nothing after: the value goes after the colon.
        const colon = inner.indexOf(':', keyEnd);
        const at = from + (colon < 0 ? keyEnd : colon + 1);
        fields.push({ key, value: '', kind: 'scalar', range: { start: at, end: at } });
      } else if (isScalar(value) && value.range) {
        fields.push({ key, value: value.value === null ? '' : String(value.value), kind: 'scalar', range: { start: from + value.range[0], end: from + value.range[1] } });
      } else if (isSeq(value) && value.range && value.items.every((i) => isScalar(i))) {
        const items = value.items.map((i) => (isScalar(i) ? String(i.value ?? '') : ''));
        fields.push({ key, value: items.join(', '), kind: 'list', range: { start: from + value.range[0], end: from + value.range[1] } });
      }
    }
  }
  return { fields, endLine: close };
}

/** Parses the front matter and the sections. Never throws: a file it cannot read has no fields. */
export function parsePostmortem(text: string): ParsedPostmortem {
  const all = lines(text);
  const eol = all.length && text[all[0].end] === '\r' ? '\r\n' : '\n';
  const fm = parseFrontMatter(text, all);
  const headings: { line: number; level: number; title: string }[] = [];
  let fence: string | undefined;
  for (let i = fm ? fm.endLine + 1 : 0; i < all.length; i++) {
    const content = text.slice(all[i].start, all[i].end);
    const f = FENCE.exec(content);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && !content.slice(f[0].length).trim()) fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    const h = /^(#{1,2})[ \t]+(.*?)[ \t#]*$/.exec(content);
    if (h) headings.push({ line: i, level: h[1].length, title: h[2] });
  }
  const sections: PostmortemSection[] = [];
  const seen = new Map<string, number>();
  headings.forEach((h, k) => {
    if (h.level !== 2) return;
    const head = all[h.line];
    const nextHeading = headings[k + 1];
    const lastLine = nextHeading ? nextHeading.line : all.length;
    const bodyEnd = nextHeading ? all[nextHeading.line].start : text.length;
    // The help comment and the generated regions at the top of the section are the form's labels
    // and read-only blocks; what follows them is the user's text.
    let i = h.line + 1;
    let headEnd = head.end;
    let help: string | undefined;
    const generated: { name: string; content: string }[] = [];
    const lineText = (n: number) => text.slice(all[n].start, all[n].end);
    const skipBlank = () => {
      let j = i;
      while (j < lastLine && !lineText(j).trim()) j++;
      return j;
    };
    let j = skipBlank();
    const comment = j < lastLine ? /^<!--\s*(.*?)\s*-->\s*$/.exec(lineText(j)) : null;
    if (comment && !REGION_OPEN.test(lineText(j))) {
      help = comment[1];
      headEnd = all[j].end;
      i = j + 1;
      j = skipBlank();
    }
    for (;;) {
      const open = j < lastLine ? REGION_OPEN.exec(lineText(j)) : null;
      if (!open) break;
      const closeAt = all.findIndex((l, n) => n > j && n < lastLine && text.slice(l.start, l.end).trim() === `<!-- /incident-desk:${open[1]} -->`);
      if (closeAt < 0) break;
      generated.push({ name: open[1], content: closeAt > j + 1 ? text.slice(all[j + 1].start, all[closeAt - 1].end).replace(/\r\n/g, '\n') : '' });
      headEnd = all[closeAt].end;
      i = closeAt + 1;
      j = skipBlank();
    }
    const bodyStart = i < all.length && i < lastLine ? all[i].start : bodyEnd;
    const raw = text.slice(bodyStart, bodyEnd);
    const lead = /^(?:[ \t]*\r?\n)*/.exec(raw)?.[0].length ?? 0;
    const trimmedEnd = raw.replace(/\s+$/, '').length;
    const empty = trimmedEnd <= lead;
    const base = sectionId(h.title);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    sections.push({
      id: n === 1 ? base : `${base}-${n}`,
      title: h.title,
      help,
      generated,
      body: empty ? '' : raw.slice(lead, trimmedEnd).replace(/\r\n/g, '\n'),
      range: empty ? { start: headEnd, end: headEnd } : { start: bodyStart + lead, end: bodyStart + trimmedEnd },
      empty,
      followed: !!nextHeading,
    });
  });
  const h1 = headings.find((h) => h.level === 1);
  return { eol, frontMatter: fm ? { fields: fm.fields, ...(fm.error ? { error: fm.error } : {}) } : undefined, title: h1?.title, sections };
}
