// Generated regions of a post-mortem: the parts Incident Desk fills from the record, between
//   <!-- incident-desk:NAME -->
//   …
//   <!-- /incident-desk:NAME -->
// "Refresh from the record" replaces only what is inside; every byte outside is kept as it was
// (line endings included). Markers that do not pair up are reported and their regions left alone.

export interface MarkerPosition {
  /** 0-based offset of `<!--`. */
  offset: number;
  /** 0-based offset just after `-->`. */
  end: number;
  /** 1-based line and column of `<!--`. */
  line: number;
  column: number;
}

export interface Region {
  name: string;
  open: MarkerPosition;
  close: MarkerPosition;
  /** The replaceable inside: from after the opening marker's line to the start of the closing marker's line. */
  contentStart: number;
  contentEnd: number;
  /** The inside as written. */
  content: string;
}

export interface RegionProblem {
  line: number;
  column: number;
  message: string;
  /** The region the marker names, when it could be read. */
  name?: string;
}

export interface RegionScan {
  regions: Region[];
  problems: RegionProblem[];
}

const NAME = '[a-z0-9][a-z0-9-]*';
/** A well-formed marker. */
const MARKER = new RegExp(`<!--[ \\t]*(/?)incident-desk:(${NAME})[ \\t]*-->`, 'y');
/** Anything that looks like it meant to be one. */
const CANDIDATE = /<!--[ \t]*\/?incident-desk:/g;
const FENCE = /^[ ]{0,3}(`{3,}|~{3,})/;

export function openMarker(name: string): string {
  return `<!-- incident-desk:${name} -->`;
}

export function closeMarker(name: string): string {
  return `<!-- /incident-desk:${name} -->`;
}

interface Found extends MarkerPosition {
  closing: boolean;
  name: string;
}

/** Offsets of line starts, to turn an offset into a line and column. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Finds the regions. Markers inside fenced code blocks are examples, not markers. Problems: a
 * marker that is not closed by `-->` or has a bad name, an opening without its closing, a closing
 * without its opening, a region opened inside another, a name used twice (all copies left alone).
 */
export function findRegions(text: string): RegionScan {
  const starts = lineStarts(text);
  const problems: RegionProblem[] = [];
  const markers: Found[] = [];
  let fence: string | undefined;
  for (let l = 0; l < starts.length; l++) {
    const from = starts[l];
    const to = l + 1 < starts.length ? starts[l + 1] : text.length;
    const lineText = text.slice(from, to).replace(/\r?\n$/, '');
    const f = FENCE.exec(lineText);
    if (fence !== undefined) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && lineText.trim() === f[1]) fence = undefined;
      continue;
    }
    if (f) { fence = f[1]; continue; }
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(lineText); m; m = CANDIDATE.exec(lineText)) {
      const at = from + m.index;
      MARKER.lastIndex = at;
      const full = MARKER.exec(text);
      const pos = { offset: at, line: l + 1, column: m.index + 1 };
      if (!full || full.index !== at || full.index + full[0].length > from + lineText.length) {
        problems.push({ ...pos, message: 'malformed incident-desk marker: expected <!-- incident-desk:NAME --> or <!-- /incident-desk:NAME --> (NAME in a-z, 0-9 and -) on one line' });
        continue;
      }
      markers.push({ ...pos, end: at + full[0].length, closing: full[1] === '/', name: full[2] });
      CANDIDATE.lastIndex = m.index + full[0].length;
    }
  }
  const regions: Region[] = [];
  let open: Found | undefined;
  for (const mk of markers) {
    if (!mk.closing) {
      if (open) problems.push({ line: open.line, column: open.column, name: open.name, message: `region "${open.name}" is not closed before "${mk.name}" opens (line ${mk.line}); left alone` });
      open = mk;
      continue;
    }
    if (!open) { problems.push({ line: mk.line, column: mk.column, name: mk.name, message: `closing marker of "${mk.name}" without its opening marker; left alone` }); continue; }
    if (open.name !== mk.name) {
      problems.push({ line: mk.line, column: mk.column, name: mk.name, message: `closing marker of "${mk.name}" where "${open.name}" (line ${open.line}) is open; left alone` });
      open = undefined;
      continue;
    }
    regions.push(region(text, open, mk));
    open = undefined;
  }
  if (open) problems.push({ line: open.line, column: open.column, name: open.name, message: `region "${open.name}" has no closing marker ${closeMarker(open.name)}; left alone` });
  const count = new Map<string, number>();
  for (const r of regions) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  const unique = regions.filter((r) => {
    if (count.get(r.name) === 1) return true;
    problems.push({ line: r.open.line, column: r.open.column, name: r.name, message: `region "${r.name}" appears more than once; none of its copies is refreshed` });
    return false;
  });
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { regions: unique, problems };
}

function region(text: string, open: Found, close: Found): Region {
  // Inside starts on the line after the opening marker when nothing but blanks follows it…
  let contentStart = open.end;
  const rest = /^[ \t]*\r?\n/.exec(text.slice(open.end, close.offset));
  if (rest) contentStart = open.end + rest[0].length;
  // …and ends at the start of the closing marker's line when only blanks precede it.
  let contentEnd = close.offset;
  const lineStart = text.lastIndexOf('\n', close.offset - 1) + 1;
  if (lineStart >= contentStart && /^[ \t]*$/.test(text.slice(lineStart, close.offset))) contentEnd = lineStart;
  const pos = (f: Found): MarkerPosition => ({ offset: f.offset, end: f.end, line: f.line, column: f.column });
  return { name: open.name, open: pos(open), close: pos(close), contentStart, contentEnd, content: text.slice(contentStart, contentEnd) };
}

/** The file's line ending, as its first line has it. */
export function eolOf(text: string): '\n' | '\r\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/** `content` as the inside of a region: lines ending with the file's line ending, the last one too. */
function inside(r: Region, content: string, eol: string): string {
  const body = content.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  let out = body === '' ? '' : body.split('\n').join(eol) + eol;
  if (r.contentStart === r.open.end) out = eol + out; // the opening marker had text after it on its line
  if (r.contentEnd === r.close.offset && out !== '' && !out.endsWith(eol)) out += eol;
  return out;
}

export interface ReplaceResult {
  text: string;
  /** Regions whose inside changed. */
  replaced: string[];
  /** Names given that the text has no (well-formed, unique) region for. */
  missing: string[];
  problems: RegionProblem[];
}

/**
 * Replaces the inside of each named region with its new content; everything else, including the
 * markers themselves and any region not named, is kept byte for byte. The line ending of the
 * region's own opening marker line is used inside it (so a CRLF file stays CRLF).
 */
export function replaceRegions(text: string, contents: Readonly<Record<string, string>>): ReplaceResult {
  const { regions, problems } = findRegions(text);
  const replaced: string[] = [];
  const seen = new Set<string>();
  let out = '';
  let at = 0;
  for (const r of regions) {
    if (!Object.prototype.hasOwnProperty.call(contents, r.name)) continue;
    seen.add(r.name);
    const lineEnd = text.indexOf('\n', r.open.offset);
    const eol = lineEnd > 0 && text[lineEnd - 1] === '\r' ? '\r\n' : lineEnd > 0 ? '\n' : eolOf(text);
    const next = inside(r, contents[r.name], eol);
    if (next === r.content) continue;
    out += text.slice(at, r.contentStart) + next;
    at = r.contentEnd;
    replaced.push(r.name);
  }
  out += text.slice(at);
  return { text: out, replaced, missing: Object.keys(contents).filter((n) => !seen.has(n)), problems };
}

/** Replaces the inside of one region; see replaceRegions. */
export function replaceRegion(text: string, name: string, content: string): ReplaceResult {
  return replaceRegions(text, { [name]: content });
}

/** A region with its markers, for a new file (lines joined by `eol`). */
export function wrapRegion(name: string, content: string, eol = '\n'): string {
  const body = content.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  return [openMarker(name), ...(body ? body.split('\n') : []), closeMarker(name)].join(eol);
}
