import { MAX_RUNBOOK_BYTES } from './limits';
import type { Runbook, RunbookCommand, RunbookDiagnostic, RunbookSection, RunbookStep } from './model';
import { boldPartLabel, headingTitle, partOf, plainText, severityIn, severityLine } from './sections';
import { fenceCommands, fenceSteps, firstLineOf, type OpenFence as Fence } from './markdownFences';
import { blockTokens, contentLines, fenceClosed, fenceLanguage, firstLineTitle, frontMatter, H1_CANDIDATE, MAX_BLOCK_NESTING, tooDeep, type BlockToken } from './markdownBlocks';
import { findPlaceholders } from './placeholders';

/**
 * Reads a markdown incident guide, as teams write them, into a Runbook. The block structure comes
 * from a CommonMark parser (markdownBlocks.ts); this is one forward walk over its flat token list
 * with explicit stacks (sections, list items), so size and nesting never cost more than linear time
 * or any call-stack depth here. What is runnable comes only from fenced code blocks: HTML blocks
 * and comments are never read, indented code is shown but not run.
 */

interface OpenSection {
  section: RunbookSection;
  /** A bold `**Symptoms:**`-style label standing in for a heading: closed by the next heading or label. */
  pseudo: boolean;
}

type OpenFence = Fence<OpenItem>;

interface OpenItem {
  ordered: boolean;
  line: number;
  /** The first line of the item's own text (after the marker). */
  text: string;
  /** 0-based line of the paragraph holding that text, or -1 once read (or when there is none). */
  textLine: number;
  /** The step a numbered item is, or the step a bullet became when a code block was nested under it. */
  step?: RunbookStep;
  /** A heading, thematic break or bold part label came after it: code that follows is no longer its. */
  detached: boolean;
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

function stepTitle(text: string): string {
  const title = plainText(text);
  return title.endsWith(':') ? title.replace(/\s*:$/, '') : title;
}


export interface MarkdownRunbookOptions {
  /**
   * Stop as soon as the title is settled (front matter `title`, or the first level-1 heading) and
   * return it as a `partial` runbook: what an index needs to list the runbook without parsing it.
   * The same reader as a full parse, given the text up to that heading, so the two never disagree.
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
  let src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.includes('\r')) src = src.replace(/\r\n?/g, '\n');

  const fm = frontMatter(src);
  // Front matter that goes on past a prefix: only the whole text can say what follows it.
  if (fm === 'open' && options.prefix) return emptyRunbook(file, []);
  const matter = fm === 'open' ? undefined : fm;
  const body = matter ? src.slice(matter.length) : src;
  const offset = matter ? matter.lines : 0;
  const start = (): Runbook => {
    const rb: Runbook = { file, format: 'markdown', title: matter?.title ?? '', services: [], symptoms: [], sections: [], diagnostics: [] };
    if (matter?.severity) rb.severity = severityIn(matter.severity) ?? matter.severity;
    return rb;
  };

  if (options.titleOnly) {
    if (matter?.title) return partialRunbook(file, start());
    const first = firstLineTitle(body);
    if (first !== undefined && headingTitle(first)) {
      const head = start();
      head.title = headingTitle(first);
      const own = severityIn(first);
      if (own && !head.severity) head.severity = own;
      return partialRunbook(file, head);
    }
    const h1 = H1_CANDIDATE.exec(body);
    if (h1) {
      const after = body.indexOf('\n', h1.index + h1[0].length + 1);
      if (after >= 0 || !options.prefix) {
        const head = start();
        readBlocks(after >= 0 ? body.slice(0, after + 1) : body, offset, head, true);
        if (head.title) return partialRunbook(file, head);
      }
    }
    // Not settled by a prefix: the caller reads the whole file.
    if (options.prefix) return emptyRunbook(file, []);
  }

  const runbook = start();
  runbook.symptoms = readBlocks(body, offset, runbook, false);
  if (!runbook.title) runbook.title = baseName(file);
  for (const s of runbook.sections) if (s.level === 0 && !s.title) s.title = runbook.title;
  return runbook;
}

/**
 * Reads the blocks of `body` (whose first line is line `offset + 1` of the file) into `runbook`'s
 * sections, title and diagnostics; returns the symptoms. With `titleOnly`, stops at the first
 * level-1 heading.
 */
function readBlocks(body: string, offset: number, runbook: Runbook, titleOnly: boolean): string[] {
  const blocks = blockTokens(body);
  const tokens = blocks.tokens;
  const symptoms = new Set<string>();
  const diagnostics = runbook.diagnostics;
  /** Open sections, outermost first; at most 6 headings plus one bold-label part. */
  const stack: OpenSection[] = [];
  /** Open list items, outermost first, as the tokens nest them. */
  const items: OpenItem[] = [];
  /** The current section has had no content yet: a `Severity:` line here belongs to its heading. */
  let underHeading = false;
  /** A numbered item with only its one line of text, just before: a fence written flush under it is its. */
  let previousItem: OpenItem | undefined;
  let warnedDeep = false;

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

  const detachItems = () => {
    for (let k = items.length - 1; k >= 0 && !items[k].detached; k--) items[k].detached = true;
  };

  /** The item code at this point belongs to: the innermost numbered one, else the innermost bullet. */
  const ownerHere = (): OpenItem | undefined => {
    let innermost: OpenItem | undefined;
    for (let k = items.length - 1; k >= 0 && !items[k].detached; k--) {
      if (items[k].ordered) return items[k];
      innermost ??= items[k];
    }
    return innermost ?? previousItem;
  };

  /** Commands under `owner`'s step (made when it has none yet), or, under no item, a step of their own. */
  const place = (commands: RunbookCommand[], owner: OpenItem | undefined, line: number) => {
    if (!commands.length) return;
    if (owner) {
      if (!owner.step) {
        owner.step = { title: stepTitle(owner.text), line: owner.line, commands: [] };
        current(owner.line).steps.push(owner.step);
      }
      if (!owner.step.title) owner.step.title = firstLineOf(commands[0].label ?? commands[0].run);
      owner.step.commands.push(...commands);
      return;
    }
    // Indented code under no item: a step of its own, shown. (A free-standing fence is split into
    // steps by fenceSteps, which knows its comment groups.)
    current(line).steps.push({ title: firstLineOf(commands[0].label ?? commands[0].run), line: commands[0].line, commands });
  };

  const heading = (raw: string, level: number, line: number) => {
    detachItems();
    previousItem = undefined;
    while (stack.length && (stack[stack.length - 1].pseudo || stack[stack.length - 1].section.level >= level)) stack.pop();
    const parent = stack.length ? stack[stack.length - 1].section : undefined;
    const title = headingTitle(raw);
    const own = severityIn(raw);
    const s = newSection(title, level, line, own ?? parent?.severity);
    const part = partOf(title);
    if (part) s.part = part;
    attach(s);
    stack.push({ section: s, pseudo: false });
    if (level === 1 && !runbook.title) {
      runbook.title = title;
      if (own && !runbook.severity) runbook.severity = own;
    }
    underHeading = true;
  };

  /** Paragraph lines: `Severity:` lines right under a heading, and bold part labels. */
  const paragraph = (content: string, first: number) => {
    if (!underHeading && !content.includes('**') && !content.includes('__')) return;
    const lines = content.split('\n');
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k];
      const c = line.trimStart().charAt(0);
      if (underHeading && (c === '*' || c === '_' || c === 'S' || c === 's')) {
        const sev = severityLine(line);
        if (sev) {
          const top = stack[stack.length - 1];
          if (top) {
            top.section.severity = sev;
            if (top.section.level === 1 && !runbook.severity) runbook.severity = sev;
          }
          continue;
        }
      }
      underHeading = false;
      const label = c === '*' || c === '_' ? boldPartLabel(line) : undefined;
      if (label) {
        detachItems();
        while (stack.length && stack[stack.length - 1].pseudo) stack.pop();
        const parent = stack.length ? stack[stack.length - 1].section : undefined;
        const s = newSection(label.title, Math.min((parent?.level ?? 0) + 1, 6), first + k, parent?.severity);
        s.part = label.part;
        attach(s);
        stack.push({ section: s, pseudo: true });
      }
    }
  };

  const listItem = (t: BlockToken, next: BlockToken | undefined, inline: BlockToken | undefined) => {
    const at = t.map?.[0] ?? 0;
    const line = offset + at + 1;
    const ordered = t.markup === '.' || t.markup === ')';
    const own = next?.type === 'paragraph_open' && next.map?.[0] === at && inline !== undefined;
    let text = '';
    if (own) {
      const nl = inline.content.indexOf('\n');
      text = (nl < 0 ? inline.content : inline.content.slice(0, nl)).trim();
    }
    const nested = items.length > 0 && !items[items.length - 1].detached;
    const item: OpenItem = { ordered, line, text, textLine: own ? at : -1, detached: false };
    const section = current(line);
    underHeading = false;
    previousItem = undefined;
    if (ordered) {
      item.step = { title: stepTitle(text), line, commands: [] };
      section.steps.push(item.step);
      previousItem = item;
    } else {
      const check = text.charCodeAt(0) === 91 /* [ */ ? /^\[([ xX])\][ \t]+(.*)$/.exec(text) : null;
      if (check) {
        section.checklist.push({ text: plainText(check[2]), checked: check[1] !== ' ', line });
        item.text = check[2];
      } else if (section.part === 'symptoms' && !nested && text) {
        const symptom = plainText(text);
        if (symptom) symptoms.add(symptom);
      }
    }
    items.push(item);
  };

  const fence = (t: BlockToken) => {
    const at = t.map?.[0] ?? 0;
    // Where the fence starts on its line, after any container markers (`> `, list indentation).
    const lineStart = blocks.lineStarts[at];
    const column = Math.max(0, body.indexOf(t.markup, lineStart) - lineStart);
    const language = fenceLanguage(t.info);
    const owner = ownerHere();
    const f: OpenFence = { char: t.markup.charAt(0), length: t.markup.length, indent: column, language, line: offset + at + 1, column: column + 1, body: contentLines(t.content), owner };
    if (!fenceClosed(t, blocks, body)) {
      const end = t.map?.[1] ?? 0;
      const toEnd = end >= blocks.lineStarts.length - 1 || !body.slice(blocks.lineStarts[end]).trim();
      diagnostics.push({
        severity: 'warning',
        message: `code block opened here is never closed; ${toEnd ? 'the rest of the file is read as its content' : 'it ends where its list item or quote ends'}`,
        line: f.line,
        column: f.column,
      });
    }
    if (owner) place(fenceCommands(f, diagnostics), owner, f.line);
    else {
      // A free-standing block is steps of its own (fenceSteps: comment groups, manual steps).
      const steps = fenceSteps(f, diagnostics);
      if (steps.length) current(f.line).steps.push(...steps);
    }
  };

  /** Indented code: shown as it is written, never run. */
  const indentedCode = (t: BlockToken) => {
    const lines = contentLines(t.content);
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    if (!lines.length) return;
    const run = lines.join('\n');
    const line = offset + (t.map?.[0] ?? 0) + 1;
    place([{ language: '', run, runnable: false, placeholders: findPlaceholders(run, ''), line }], ownerHere(), line);
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!warnedDeep && tooDeep(t)) {
      warnedDeep = true;
      diagnostics.push({ severity: 'warning', message: `lists or quotes nested more than ${MAX_BLOCK_NESTING} levels deep: from here on, what is inside them is not read`, line: offset + (t.map?.[0] ?? 0) + 1, column: 1 });
    }
    switch (t.type) {
      case 'heading_open':
        heading(tokens[i + 1]?.content ?? '', t.tag.charCodeAt(1) - 48, offset + (t.map?.[0] ?? 0) + 1);
        i += 2;
        if (titleOnly && runbook.title) return [];
        break;
      case 'paragraph_open': {
        const at = t.map?.[0] ?? 0;
        const item = items.length ? items[items.length - 1] : undefined;
        const content = tokens[i + 1]?.content ?? '';
        i += 2;
        if (item && item.textLine === at) {
          // The item's own text, read with the item; a fence flush under a one-line item is its.
          item.textLine = -1;
          if (previousItem !== item || (t.map?.[1] ?? 0) - at !== 1) previousItem = undefined;
          break;
        }
        previousItem = undefined;
        paragraph(content, offset + at + 1);
        break;
      }
      case 'list_item_open':
        listItem(t, tokens[i + 1], tokens[i + 2]);
        break;
      case 'list_item_close':
        items.pop();
        break;
      case 'fence':
        fence(t);
        previousItem = undefined;
        underHeading = false;
        break;
      case 'code_block':
        indentedCode(t);
        previousItem = undefined;
        underHeading = false;
        break;
      case 'html_block':
        // Never read: a comment (or any HTML) that wraps steps or commands hides them, as it does when rendered.
        if (!t.content.trimStart().startsWith('<!--')) {
          previousItem = undefined;
          underHeading = false;
        }
        break;
      case 'hr':
        detachItems();
        previousItem = undefined;
        break;
      case 'table_open':
        // Tables: never steps or sections.
        while (i + 1 < tokens.length && tokens[i].type !== 'table_close') i++;
        previousItem = undefined;
        underHeading = false;
        break;
      case 'blockquote_open':
        previousItem = undefined;
        break;
      default:
        break;
    }
  }
  return [...symptoms];
}
