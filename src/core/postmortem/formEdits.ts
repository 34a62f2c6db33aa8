// Turns a change made in the post-mortem editor's form into the smallest text edit of the file: one
// front matter value or one section's body is rewritten, and of that only the characters that
// differ (common prefix and suffix kept). Never a whole-document replace, so VS Code's undo, dirty
// state and git diffs see exactly what the user changed. Pure: no vscode, no node.
import { parse as parseYaml } from 'yaml';
import { parsePostmortem, type ParsedPostmortem, type TextRange } from './postmortemDocument';

/** One replacement: characters `[start, end)` of the old text become `text`. */
export interface TextEdit extends TextRange {
  text: string;
}

/**
 * A change from the form. `expected` is the value the form showed when the user started changing
 * it: if the file no longer holds that value, the change conflicts with someone else's.
 */
export type FormChange =
  | { kind: 'field'; key: string; expected: string; value: string }
  | { kind: 'section'; id: string; expected: string; body: string };

export type FormEditResult =
  | { kind: 'edits'; edits: TextEdit[] }
  /** The file's value differs from `expected`: shown to the user, who picks. */
  | { kind: 'conflict'; current: string }
  /** The field or section is not in the file (any more). */
  | { kind: 'missing' };

/** The smallest single edit turning `before` into `after` (none when equal), offsets shifted by `at`. */
export function minimalEdit(before: string, after: string, at = 0): TextEdit[] {
  if (before === after) return [];
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  // Never split a surrogate pair or a \r\n between the kept and the replaced parts.
  while (p > 0 && (isLow(before.charCodeAt(p)) || (before[p - 1] === '\r' && before[p] === '\n'))) p--;
  while (s > 0 && (isLow(before.charCodeAt(before.length - s)) || (before[before.length - s - 1] === '\r' && before[before.length - s] === '\n'))) s--;
  return [{ start: at + p, end: at + before.length - s, text: after.slice(p, after.length - s) }];
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Applies edits (non-overlapping, any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_ .:/@+()-]*$/;

/** A YAML scalar for `value`: plain when it reads back as the same string, else double-quoted. */
export function yamlScalar(value: string): string {
  if (PLAIN.test(value) && !value.endsWith(' ')) {
    try {
      const back = (parseYaml(`k: ${value}`) as { k?: unknown } | null)?.k;
      if (back === value) return value;
    } catch {
      // not plain YAML: quoted below
    }
  }
  return JSON.stringify(value);
}

function fieldText(kind: 'scalar' | 'list', value: string): string {
  if (kind === 'scalar') return yamlScalar(value);
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  return `[${items.map(yamlScalar).join(', ')}]`;
}

/**
 * A section body as the form compares and writes it: `\n` line breaks, no leading blank lines, no
 * trailing whitespace (so the blank lines between sections stay as they are).
 */
export function normalizeBody(body: string): string {
  return body.replace(/\r\n/g, '\n').replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');
}

/** The body as the file writes it: the form's `\n` become the file's line break. */
function withEol(body: string, eol: string): string {
  const lf = body.replace(/\r\n/g, '\n');
  return eol === '\n' ? lf : lf.replace(/\n/g, eol);
}

/**
 * The edits that make `text` hold the form's change. The result touches only the field's value or
 * the section's body; `parsed` may be passed when the caller already has it for `text`.
 */
export function formEdits(text: string, change: FormChange, parsed: ParsedPostmortem = parsePostmortem(text)): FormEditResult {
  if (change.kind === 'field') {
    const field = parsed.frontMatter?.fields.find((f) => f.key === change.key);
    if (!field) return { kind: 'missing' };
    if (field.value !== change.expected) return { kind: 'conflict', current: field.value };
    if (field.value === change.value) return { kind: 'edits', edits: [] };
    const before = text.slice(field.range.start, field.range.end);
    const after = field.range.start === field.range.end ? ` ${fieldText(field.kind, change.value)}` : fieldText(field.kind, change.value);
    return { kind: 'edits', edits: minimalEdit(before, after, field.range.start) };
  }
  const section = parsed.sections.find((s) => s.id === change.id);
  if (!section) return { kind: 'missing' };
  if (section.body !== normalizeBody(change.expected)) return { kind: 'conflict', current: section.body };
  const body = withEol(normalizeBody(change.body), parsed.eol);
  if (section.empty) {
    if (!body.trim()) return { kind: 'edits', edits: [] };
    // After the heading line: a blank line, then the body; the heading's own line break follows it.
    const tail = section.followed || section.range.end < text.length ? '' : parsed.eol;
    return { kind: 'edits', edits: [{ start: section.range.start, end: section.range.end, text: `${parsed.eol}${parsed.eol}${body}${tail}` }] };
  }
  const before = text.slice(section.range.start, section.range.end);
  return { kind: 'edits', edits: minimalEdit(before, body, section.range.start) };
}

const MARKER = /<!--\s*(\/?)incident-desk:([a-z0-9-]+)\s*-->/g;

/** The insides of the well-formed generated regions, in order: where they start and end. */
function regionInsides(text: string): TextRange[] {
  const out: TextRange[] = [];
  let open: { name: string; end: number } | undefined;
  for (const m of text.matchAll(MARKER)) {
    const at = m.index ?? 0;
    if (!m[1]) open = { name: m[2], end: at + m[0].length };
    else if (open && open.name === m[2]) {
      out.push({ start: open.end, end: at });
      open = undefined;
    }
  }
  return out;
}

/**
 * The edits that turn `before` into `after` when only the insides of generated regions changed
 * (Refresh from the record): one minimal edit per region, so the text between regions is not even
 * touched by an edit. Falls back to one minimal edit when the regions do not line up.
 */
export function regionEdits(before: string, after: string): TextEdit[] {
  const a = regionInsides(before);
  const b = regionInsides(after);
  if (a.length === b.length) {
    const edits = a.flatMap((r, i) => minimalEdit(before.slice(r.start, r.end), after.slice(b[i].start, b[i].end), r.start));
    if (applyEdits(before, edits) === after) return edits;
  }
  return minimalEdit(before, after);
}
