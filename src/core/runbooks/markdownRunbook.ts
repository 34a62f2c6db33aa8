import { MAX_RUNBOOK_BYTES } from './limits';
import type { ChecklistItem, Runbook, RunbookDiagnostic, RunbookSection, RunbookStep } from './model';
import { boldPartLabel, headingTitle, partOf, plainText, severityIn, severityLine } from './sections';
import { fenceCommands, fenceSteps, type OpenFence as Fence } from './markdownFences';

/**
 * Reads a markdown incident guide, as teams write them, into a Runbook. A single forward pass over
 * the lines with explicit stacks (headings, list items), so input size, nesting depth and
 * unterminated constructs never cost more than linear time or any call-stack depth.
 */

interface OpenSection {
  section: RunbookSection;
  /** A bold `**Symptoms:**`-style label standing in for a heading: closed by the next heading or label. */
  pseudo: boolean;
}

type OpenFence = Fence<OpenItem>;

interface OpenItem {
  /** Column of the list marker. */
  indent: number;
  ordered: boolean;
  line: number;
  text: string;
  /** The step a numbered item is, or the step a bullet became when a code block was nested under it. */
  step?: RunbookStep;
}


function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.(?:md|markdown|mdx|txt)$/i, '') || name;
}

/** Only the title and severity of a runbook read with `titleOnly`. */
function partialRunbook(file: string, read: Runbook): Runbook {
  const partial: Runbook = { file, format: 'markdown', title: read.title, services: [], symptoms: [], sections: [], diagnostics: [], partial: true };
  if (read.severity) partial.severity = read.severity;
  return partial;
}

function emptyRunbook(file: string, diagnostics: RunbookDiagnostic[]): Runbook {
  return { file, format: 'markdown', title: baseName(file), services: [], symptoms: [], sections: [], diagnostics };
}

/** Column count of leading whitespace (tabs to the next multiple of 4), and where the text starts. */
function indentOf(line: string): { cols: number; at: number } {
  let cols = 0;
  let at = 0;
  while (at < line.length) {
    const c = line.charCodeAt(at);
    if (c === 32) cols++;
    else if (c === 9) cols += 4 - (cols % 4);
    else break;
    at++;
  }
  return { cols, at };
}

/** Removes up to `cols` columns of leading whitespace, as the fence's own indentation. */
function dedent(line: string, cols: number): string {
  let c = 0;
  let i = 0;
  while (i < line.length && c < cols) {
    const ch = line.charCodeAt(i);
    if (ch === 32) c++;
    else if (ch === 9) c += 4 - (c % 4);
    else break;
    i++;
  }
  return i ? line.slice(i) : line;
}

/** `---`, `* * *`, `___`: three or more of one marker with only blanks between, from `at` to the end. */
function isThematicBreak(line: string, at: number, marker: number): boolean {
  let count = 0;
  for (let i = at; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === marker) count++;
    else if (ch !== 32 && ch !== 9) return false;
  }
  return count >= 3;
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

function stepTitle(text: string): string {
  const title = plainText(text);
  return title.endsWith(':') ? title.replace(/\s*:$/, '') : title;
}

export interface MarkdownRunbookOptions {
  /**
   * Stop as soon as the title is settled (front matter `title`, or the first level-1 heading) and
   * return it as a `partial` runbook: what an index needs to list the runbook without parsing it.
   * The same pass as a full parse, cut short, so the two can never disagree on the title.
   */
  readonly titleOnly?: boolean;
  /** Internal: `text` is a prefix of the file, read for its title only. */
  readonly prefix?: boolean;
}

export function parseMarkdownRunbook(text: string, file: string, options: MarkdownRunbookOptions = {}): Runbook {
  if (text.length > MAX_RUNBOOK_BYTES || (text.length * 3 > MAX_RUNBOOK_BYTES && Buffer.byteLength(text, 'utf8') > MAX_RUNBOOK_BYTES)) {
    return emptyRunbook(file, [{ severity: 'error', message: `file is larger than ${MAX_RUNBOOK_BYTES / (1024 * 1024)} MiB; not read as a runbook`, line: 1, column: 1 }]);
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    return emptyRunbook(file, [{ severity: 'error', message: 'binary file (contains NUL bytes); not read as a runbook', line, column: 1 }]);
  }
  if (options.titleOnly && !options.prefix) {
    // The title is settled by the first level-1 heading (or front matter before it): read only up
    // to the end of the first line that looks like one. When that line turns out not to settle it
    // (a `# comment` inside a code block), the whole text is read.
    const h1 = /^ {0,3}#[ \t][^\n]*/m.exec(text);
    if (h1) {
      const head = parseMarkdownRunbook(text.slice(0, h1.index + h1[0].length), file, { titleOnly: true, prefix: true });
      if (head.partial) return head;
    }
  }
  let src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.includes('\r')) src = src.replace(/\r\n?/g, '\n');
  const lines = src.split('\n');

  const runbook: Runbook = { file, format: 'markdown', title: '', services: [], symptoms: [], sections: [], diagnostics: [] };
  const symptoms = new Set<string>();
  const diagnostics = runbook.diagnostics;
  /** Open sections, outermost first; at most 6 headings plus one bold-label part. */
  const stack: OpenSection[] = [];
  const items: OpenItem[] = [];
  let fence: OpenFence | undefined;
  /** The current section has had no content yet: a `Severity:` line here belongs to its heading. */
  let underHeading = false;
  /** The numbered item on the line just before, for a fence written flush under it. */
  let previousItem: OpenItem | undefined;

  const newSection = (title: string, level: number, line: number, inherited?: string): RunbookSection => {
    const s: RunbookSection = { title, level, line, steps: [], checklist: [], sections: [] };
    if (inherited) s.severity = inherited;
    return s;
  };

  /** The section content goes to, making an implicit level-0 one for text before any heading. */
  const current = (line: number): RunbookSection => {
    if (!stack.length) {
      const s = newSection('', 0, line);
      runbook.sections.push(s);
      stack.push({ section: s, pseudo: false });
    }
    return stack[stack.length - 1].section;
  };

  const attach = (s: RunbookSection) => {
    const parent = stack.length ? stack[stack.length - 1].section : undefined;
    if (parent) parent.sections.push(s);
    else runbook.sections.push(s);
  };

  let i = 0;
  // YAML front matter: skipped (its title and severity are used when present).
  if (lines[0] === '---') {
    let end = 1;
    while (end < lines.length && lines[end] !== '---' && lines[end] !== '...') end++;
    if (end < lines.length) {
      for (let k = 1; k < end; k++) {
        const m = /^(title|severity):\s*['"]?(.*?)['"]?\s*$/.exec(lines[k]);
        if (m && m[2]) {
          if (m[1] === 'title') runbook.title = m[2];
          else runbook.severity = severityIn(m[2]) ?? m[2];
        }
      }
      i = end + 1;
    } else if (options.prefix) {
      // Front matter that goes on past the prefix: only the whole text can say what follows it.
      return emptyRunbook(file, []);
    }
  }

  const closeFence = (f: OpenFence) => {
    const owner = f.owner;
    if (!owner) {
      // A free-standing block is steps of its own (fenceSteps: comment groups, manual steps).
      const steps = fenceSteps(f, diagnostics);
      if (steps.length) current(f.line).steps.push(...steps);
      return;
    }
    const commands = fenceCommands(f, diagnostics);
    if (!commands.length) return;
    if (!owner.step) {
      owner.step = { title: stepTitle(owner.text), line: owner.line, commands: [] };
      current(owner.line).steps.push(owner.step);
    }
    owner.step.commands.push(...commands);
  };

  for (; i < lines.length; i++) {
    if (options.titleOnly && runbook.title) return partialRunbook(file, runbook);
    const raw = lines[i];
    const lineNo = i + 1;
    if (fence) {
      const { cols, at } = indentOf(raw);
      if (raw.charAt(at) === fence.char && cols <= fence.indent + 3) {
        let j = at;
        while (raw.charAt(j) === fence.char) j++;
        if (j - at >= fence.length && !raw.slice(j).trim()) {
          closeFence(fence);
          fence = undefined;
          continue;
        }
      }
      fence.body.push(dedent(raw, fence.indent));
      continue;
    }
    const { cols, at } = indentOf(raw);
    if (at === raw.length) { // blank: list items stay open across blank lines
      continue;
    }
    const c = raw.charAt(at);
    const afterItem = previousItem;
    previousItem = undefined;

    // Close list items this line is not inside of.
    while (items.length && items[items.length - 1].indent >= cols) items.pop();

    if (c === '#' && cols <= 3) {
      let j = at;
      while (raw.charAt(j) === '#') j++;
      const level = j - at;
      const next = raw.charAt(j);
      if (level <= 6 && (next === '' || next === ' ' || next === '\t')) {
        let body = raw.slice(j).trim();
        if (body.endsWith('#')) {
          const close = /\s#+$/.exec(body);
          if (close) body = body.slice(0, close.index).trim();
          else if (/^#+$/.test(body)) body = '';
        }
        items.length = 0;
        while (stack.length && (stack[stack.length - 1].pseudo || stack[stack.length - 1].section.level >= level)) stack.pop();
        const parent = stack.length ? stack[stack.length - 1].section : undefined;
        const title = headingTitle(body);
        const own = severityIn(body);
        const s = newSection(title, level, lineNo, own ?? parent?.severity);
        const part = partOf(title);
        if (part) s.part = part;
        attach(s);
        stack.push({ section: s, pseudo: false });
        if (level === 1 && !runbook.title) {
          runbook.title = title;
          if (own && !runbook.severity) runbook.severity = own;
        }
        underHeading = true;
        continue;
      }
    }

    if ((c === '`' || c === '~') && raw.startsWith(c.repeat(3), at)) {
      let j = at;
      while (raw.charAt(j) === c) j++;
      const info = raw.slice(j).trim();
      if (c === '~' || !info.includes('`')) {
        const language = (isPlainLanguage(info) ? info : /^\{?\.?([^\s{}]*)/.exec(info)?.[1] ?? '').toLowerCase();
        let owner: OpenItem | undefined;
        for (let k = items.length - 1; k >= 0 && !owner; k--) if (items[k].ordered) owner = items[k];
        owner ??= items.length ? items[items.length - 1] : afterItem;
        fence = { char: c, length: j - at, indent: cols, language, line: lineNo, column: at + 1, body: [], owner };
        underHeading = false;
        continue;
      }
    }

    if (c === '|') { underHeading = false; continue; } // table rows: never steps or sections

    if (c === '-' || c === '*' || c === '+') {
      if (c !== '+' && isThematicBreak(raw, at, raw.charCodeAt(at))) { // thematic break
        items.length = 0;
        continue;
      }
      const next = raw.charAt(at + 1);
      if (next === ' ' || next === '\t') {
        const content = raw.slice(at + 2).trim();
        const check = content.charCodeAt(0) === 91 /* [ */ ? /^\[([ xX])\][ \t]+(.*)$/.exec(content) : null;
        const section = current(lineNo);
        underHeading = false;
        if (check) {
          const item: ChecklistItem = { text: plainText(check[2]), checked: check[1] !== ' ', line: lineNo };
          section.checklist.push(item);
        } else if (section.part === 'symptoms' && !items.length && content) {
          const symptom = plainText(content);
          if (symptom) symptoms.add(symptom);
        }
        items.push({ indent: cols, ordered: false, line: lineNo, text: check ? check[2] : content });
        continue;
      }
    }

    if (c >= '0' && c <= '9') {
      const m = /^(\d{1,9})[.)](?:[ \t]+(.*))?$/.exec(raw.slice(at));
      if (m) {
        const item: OpenItem = { indent: cols, ordered: true, line: lineNo, text: m[2] ?? '' };
        const section = current(lineNo);
        item.step = { title: stepTitle(item.text), line: lineNo, commands: [] };
        section.steps.push(item.step);
        items.push(item);
        previousItem = item;
        underHeading = false;
        continue;
      }
    }

    if (cols <= 3 && (c === '*' || c === '_' || c === 'S' || c === 's')) {
      const sev = underHeading ? severityLine(raw) : undefined;
      if (sev) {
        const top = stack[stack.length - 1];
        if (top) {
          top.section.severity = sev;
          if (top.section.level === 1 && !runbook.severity) runbook.severity = sev;
        }
        continue;
      }
      const label = c === '*' || c === '_' ? boldPartLabel(raw) : undefined;
      if (label) {
        items.length = 0;
        while (stack.length && stack[stack.length - 1].pseudo) stack.pop();
        const parent = stack.length ? stack[stack.length - 1].section : undefined;
        const s = newSection(label.title, Math.min((parent?.level ?? 0) + 1, 6), lineNo, parent?.severity);
        s.part = label.part;
        attach(s);
        stack.push({ section: s, pseudo: true });
        underHeading = false;
        continue;
      }
    }
    underHeading = false;
  }

  if (options.titleOnly && runbook.title) return partialRunbook(file, runbook);

  if (fence) {
    diagnostics.push({ severity: 'warning', message: `code block opened here is never closed; the rest of the file is read as its content`, line: fence.line, column: fence.column });
    closeFence(fence);
  }

  if (!runbook.title) runbook.title = baseName(file);
  for (const s of runbook.sections) if (s.level === 0 && !s.title) s.title = runbook.title;
  runbook.symptoms = [...symptoms];
  return runbook;
}
