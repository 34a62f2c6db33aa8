// YAML runbooks (schemas/runbook.schema.json documents the shape for editors). Every problem becomes
// a diagnostic with a line and column; nothing in a file, however hostile, throws or hangs.
import * as path from 'node:path';
import { Composer, Lexer, LineCounter, Parser, Scalar, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLError, YAMLMap } from 'yaml';
import type { Runbook, RunbookCommand, RunbookDiagnostic, RunbookSection, RunbookStep } from './model';
import { findPlaceholders } from './placeholders';
import { describePlaceholders } from './placeholderSource';
import { SHELL_FENCES } from './shellCommands';

export interface YamlRunbookOptions {
  /** Severity ids in force (e.g. P1-P4); a runbook naming another gets a warning. Unset: no check. */
  readonly knownSeverities?: readonly string[];
}

/**
 * The yaml library composes nodes recursively: thousands of nested collections exhaust the stack
 * (it reports that as an error, after ~0.4 s). No runbook nests deeper than a handful of levels, so
 * nesting past this many open collections is refused while the text is still being tokenised.
 */
export const MAX_YAML_NESTING = 64;

/** Alias expansions allowed when the document is resolved; a "billion laughs" file stops here. */
export const MAX_YAML_ALIASES = 100;

/** Languages whose `run` is sent to a shell; the rest are shown, not run. */
// The same languages the markdown reader runs. PowerShell is shown, not run: the runner's terminal
// is a POSIX shell on the hosts these teams use.
const SHELL_LANGUAGES = SHELL_FENCES;

const DEFAULT_LANGUAGE = 'bash';

type Kind = 'string' | 'string[]' | 'boolean' | 'steps' | 'sections';
const RUNBOOK_KEYS: Record<string, Kind> = {
  title: 'string', severity: 'string', services: 'string[]', symptoms: 'string[]', description: 'string', steps: 'steps', sections: 'sections',
};
const SECTION_KEYS: Record<string, Kind> = { title: 'string', severity: 'string', description: 'string', steps: 'steps' };
const STEP_KEYS: Record<string, Kind> = { title: 'string', run: 'string', language: 'string', host: 'string', confirm: 'boolean', expect: 'string' };

class NestingTooDeep extends Error {
  constructor(readonly offset: number) {
    super('nesting too deep');
  }
}

/** Parses a YAML runbook. `file` is recorded in the result and used for the fallback title. */
export function parseYamlRunbook(text: string, file: string, options: YamlRunbookOptions = {}): Runbook {
  return new YamlReader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, options).read();
}

/**
 * What an index lists before parsing: the title (and severity) when each is a one-line top-level
 * key, read by the yaml library from that line alone; the file name otherwise. The whole document
 * costs the library ~1-2 ms per runbook, the listing needs only these, and the full parse that
 * follows (RunbookIndex) replaces this provisional value.
 */
export function yamlRunbookOutline(text: string, file: string): Runbook {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const runbook: Runbook = { file, format: 'yaml', title: path.basename(file).replace(/\.ya?ml$/i, ''), services: [], symptoms: [], sections: [], diagnostics: [], partial: true };
  const title = topLevelScalar(body, 'title');
  if (title) runbook.title = title;
  const severity = topLevelScalar(body, 'severity');
  if (severity) runbook.severity = severity;
  return runbook;
}

/**
 * A top-level `key: value` written on one line (column 0, not continued on the next line), as the
 * yaml library reads that line; undefined for anything else (block scalars, anchors, tags, a value
 * that goes on), which the full parse will settle.
 */
function topLevelScalar(text: string, key: string): string | undefined {
  const m = new RegExp(`^${key}:[ \\t]+([^\\r\\n]*)(\\r?\\n|$)`, 'm').exec(text);
  if (!m || /^[|>&*!]/.test(m[1])) return undefined;
  const after = m.index + m[0].length;
  if (/^[ \t]+[^ \t\r\n#]/.test(text.slice(after, after + 200))) return undefined; // continued
  const doc = parseDocument(`${key}: ${m[1]}`);
  if (doc.errors.length) return undefined;
  const value: unknown = doc.get(key);
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() || undefined : undefined;
}

class YamlReader {
  private readonly lines = new LineCounter();
  private readonly diagnostics: RunbookDiagnostic[] = [];
  private doc: Document.Parsed | undefined;

  constructor(private readonly text: string, private readonly file: string, private readonly options: YamlRunbookOptions) {}

  read(): Runbook {
    const runbook: Runbook = {
      file: this.file,
      format: 'yaml',
      title: path.basename(this.file).replace(/\.ya?ml$/i, ''),
      services: [],
      symptoms: [],
      sections: [],
      diagnostics: this.diagnostics,
    };
    const doc = this.parse();
    if (!doc) return runbook;
    this.doc = doc;
    for (const e of doc.errors) this.yamlProblem(e, 'error');
    for (const w of doc.warnings) this.yamlProblem(w, 'warning');
    try {
      // Resolving costs a second pass over the document; without a `*` there is no alias to expand.
      if (this.text.includes('*')) doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (e) {
      // toJS throws a ReferenceError for excessive aliases (and for an alias to nothing).
      const at = firstAliasOffset(this.text);
      const why = e instanceof Error && /alias count/i.test(e.message) ? `more than ${MAX_YAML_ALIASES} alias expansions (an alias bomb?); the file is refused` : `aliases cannot be resolved: ${e instanceof Error ? e.message : String(e)}`;
      this.add('error', why, at);
      return runbook;
    }
    const root = doc.contents;
    if (!isMap(root)) {
      if (doc.errors.length === 0) this.add('error', 'a YAML runbook is a mapping with at least `title` and `steps`', root?.range?.[0] ?? 0);
      return runbook;
    }
    this.readRunbook(root, runbook);
    return runbook;
  }

  /**
   * parseDocument(), with the tokens fed through a guard that refuses deep nesting before the
   * (recursive) composer sees it. Same options as parseDocument(text, { lineCounter, uniqueKeys:
   * true, strict: true, prettyErrors: false }).
   */
  private parse(): Document.Parsed | undefined {
    const parser = new Parser(this.lines.addNewLine);
    const composer = new Composer({ uniqueKeys: true, strict: true, prettyErrors: false });
    const text = this.text;
    const lines = this.lines;
    function* tokens() {
      lines.addNewLine(0); // what Parser.parse() does first
      for (const lexeme of new Lexer().lex(text)) {
        yield* parser.next(lexeme);
        if (parser.stack.length > MAX_YAML_NESTING) throw new NestingTooDeep(parser.offset);
      }
      yield* parser.end();
    }
    let doc: Document.Parsed | undefined;
    try {
      for (const d of composer.compose(tokens(), true, text.length)) {
        if (!doc) doc = d;
        else {
          this.add('error', 'a runbook file holds one YAML document; this is a second one (`---`)', d.range[0]);
          break;
        }
      }
    } catch (e) {
      if (e instanceof NestingTooDeep) {
        this.add('error', `nested more than ${MAX_YAML_NESTING} levels deep; the file is refused`, e.offset);
      } else {
        this.add('error', `cannot read this YAML: ${e instanceof Error ? e.message : String(e)}`, 0);
      }
      return undefined;
    }
    return doc;
  }

  private yamlProblem(e: YAMLError, severity: 'error' | 'warning'): void {
    const offset = e.pos[0];
    switch (e.code) {
      case 'DUPLICATE_KEY': {
        const key = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^:#\n]*?))\s*:/.exec(this.text.slice(offset, offset + 200));
        const name = key ? (key[1] ?? key[2] ?? key[3]) : '';
        this.add(severity, name ? `duplicate key "${name}"` : 'duplicate key', offset);
        return;
      }
      case 'TAB_AS_INDENT':
        this.add(severity, 'tab used for indentation; YAML indents with spaces only', offset);
        return;
      default:
        this.add(severity, `invalid YAML: ${e.message.split('\n')[0]}`, offset);
    }
  }

  private readRunbook(root: YAMLMap, runbook: Runbook): void {
    const fields = this.fields(root, RUNBOOK_KEYS, 'runbook');
    const title = this.string(fields.get('title'));
    if (title !== undefined) runbook.title = title;
    else if (!fields.has('title')) this.add('error', 'missing `title`: every runbook needs one', this.start(root));
    runbook.severity = this.severity(fields.get('severity'));
    runbook.services = this.strings(fields.get('services'));
    runbook.symptoms = this.strings(fields.get('symptoms'));
    this.string(fields.get('description'));

    const steps = fields.get('steps');
    const sections = fields.get('sections');
    if (!fields.has('steps') && !fields.has('sections')) {
      this.add('error', 'missing `steps`: a runbook lists its steps (or `sections` with steps)', this.start(root));
    }
    if (fields.has('steps')) {
      runbook.sections.push(this.section(runbook.title, 0, runbook.severity, this.line(steps?.range?.[0] ?? this.start(root)), steps));
    }
    if (fields.has('sections')) {
      for (const item of this.items(sections, 'sections')) {
        if (!isMap(item)) {
          this.add('error', '`sections` items are mappings with `title` and `steps`', this.start(item));
          continue;
        }
        const f = this.fields(item, SECTION_KEYS, 'section');
        const sectionTitle = this.string(f.get('title'));
        if (sectionTitle === undefined && !f.has('title')) this.add('error', 'missing `title` in this section', this.start(item));
        if (!f.has('steps')) this.add('error', 'missing `steps` in this section', this.start(item));
        this.string(f.get('description'));
        const severity = this.severity(f.get('severity')) ?? runbook.severity;
        runbook.sections.push(this.section(sectionTitle ?? 'Untitled section', 1, severity, this.line(this.start(item)), f.get('steps')));
      }
    }
  }

  private section(title: string, level: number, severity: string | undefined, line: number, steps: YamlNode | null | undefined): RunbookSection {
    const section: RunbookSection = { title, level, line, steps: [], checklist: [], sections: [] };
    if (severity !== undefined) section.severity = severity;
    for (const item of this.items(steps, 'steps')) {
      const step = this.step(item);
      if (step) section.steps.push(step);
    }
    return section;
  }

  private step(item: YamlNode): RunbookStep | undefined {
    if (!isMap(item)) {
      this.add('error', '`steps` items are mappings with at least `title` (and usually `run`)', this.start(item));
      return undefined;
    }
    const f = this.fields(item, STEP_KEYS, 'step');
    const runNode = f.get('run');
    const run = this.string(runNode)?.replace(/\n+$/, '');
    let title = this.string(f.get('title'));
    if (title === undefined) {
      if (!f.has('title')) this.add('error', 'missing `title` in this step', this.start(item));
      title = run?.split('\n')[0] ?? 'Untitled step';
    }
    const step: RunbookStep = { title, line: this.line(this.start(item)), commands: [] };
    const host = this.string(f.get('host'));
    if (host !== undefined) step.host = host;
    const confirm = this.boolean(f.get('confirm'));
    if (confirm !== undefined) step.confirm = confirm;
    const expect = this.string(f.get('expect'));
    if (expect !== undefined) step.expect = expect;
    const language = (this.string(f.get('language')) ?? DEFAULT_LANGUAGE).trim().toLowerCase();
    if (run !== undefined && runNode) {
      if (run.trim() === '') {
        this.add('warning', '`run` is empty', this.start(runNode));
      } else {
        const command: RunbookCommand = {
          language,
          run,
          runnable: SHELL_LANGUAGES.has(language),
          placeholders: findPlaceholders(run, language),
          line: this.runLine(runNode),
        };
        step.commands.push(command);
        this.checkPlaceholders(command, runNode);
      }
    }
    return step;
  }

  /** Where the command's placeholders get their values, at the first of them (as the markdown reader says it). */
  private checkPlaceholders(command: RunbookCommand, node: YamlNode): void {
    const message = describePlaceholders(command.placeholders);
    if (!message) return;
    const [from, to] = this.range(node);
    const at = this.text.indexOf(command.placeholders[0].token, from);
    this.add('info', message, at >= 0 && at < to ? at : from);
  }

  /** The pairs of a mapping by key, with unknown keys warned about. Aliased values are resolved. */
  private fields(map: YAMLMap, known: Record<string, Kind>, what: string): Map<string, YamlNode | null> {
    const out = new Map<string, YamlNode | null>();
    for (const pair of map.items as Pair<unknown, unknown>[]) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      const keyAt = isScalar(keyNode) ? this.start(keyNode) : this.start(map);
      if (key === undefined || !(key in known)) {
        this.add('warning', `unknown key ${key === undefined ? '(not a plain key)' : `"${key}"`} in this ${what}; expected one of ${Object.keys(known).join(', ')}`, keyAt);
        continue;
      }
      if (out.has(key)) continue; // reported as a duplicate key already
      out.set(key, this.resolve(pair.value as YamlNode | null));
      // null (`title:` with nothing after it) is a present but empty field
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
        if (known[key] !== 'boolean') this.add('error', `\`${key}\` is empty`, (pair.value as YamlNode | null)?.range?.[0] ?? keyAt);
        out.set(key, null);
      }
    }
    return out;
  }

  private resolve(node: YamlNode | null): YamlNode | null {
    if (node && isAlias(node) && this.doc) return (node.resolve(this.doc) as YamlNode | undefined) ?? null;
    return node;
  }

  private items(node: YamlNode | null | undefined, key: string): YamlNode[] {
    if (node === null || node === undefined) return [];
    if (!isSeq(node)) {
      this.add('error', `\`${key}\` must be a list`, this.start(node));
      return [];
    }
    return (node.items as Array<YamlNode | null>).map((n) => this.resolve(n)).filter((n): n is YamlNode => n !== null);
  }

  private string(node: YamlNode | null | undefined): string | undefined {
    if (node === null || node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    this.add('error', `expected text here, found ${describe(node)}`, this.start(node));
    return undefined;
  }

  private strings(node: YamlNode | null | undefined): string[] {
    if (node === null || node === undefined) return [];
    if (isScalar(node) && typeof node.value === 'string') return [node.value];
    if (!isSeq(node)) {
      this.add('error', `expected a list of text, found ${describe(node)}`, this.start(node));
      return [];
    }
    const out: string[] = [];
    for (const item of node.items as Array<YamlNode | null>) {
      const s = this.string(this.resolve(item));
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  private boolean(node: YamlNode | null | undefined): boolean | undefined {
    if (node === null || node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.add('error', `expected true or false, found ${describe(node)}`, this.start(node));
    return undefined;
  }

  private severity(node: YamlNode | null | undefined): string | undefined {
    const severity = this.string(node);
    const known = this.options.knownSeverities;
    if (severity !== undefined && known && !known.some((k) => k.toLowerCase() === severity.trim().toLowerCase())) {
      this.add('warning', `unknown severity "${severity}"; known: ${known.join(', ')}`, this.start(node as YamlNode));
    }
    return severity?.trim();
  }

  /** The first line of a `run` value: the line after `|` / `>` for a block scalar. */
  private runLine(node: YamlNode): number {
    const line = this.line(this.start(node));
    return isScalar(node) && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) ? line + 1 : line;
  }

  private range(node: YamlNode): [number, number] {
    const r = node.range;
    return r ? [r[0], r[1]] : [0, 0];
  }

  private start(node: YamlNode | null | undefined): number {
    return node?.range?.[0] ?? 0;
  }

  private line(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  private add(severity: RunbookDiagnostic['severity'], message: string, offset: number): void {
    const { line, col } = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    // LineCounter knows only the lines the parser reached; before any, it answers line 0.
    this.diagnostics.push({ severity, message, line: Math.max(1, line), column: Math.max(1, col) });
  }
}

function describe(node: YamlNode): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return 'text';
    if (typeof v === 'number') return `a number (${v})`;
    if (typeof v === 'boolean') return String(v);
    return `a ${typeof v} (${String(v)})`;
  }
  return 'something else';
}

function firstAliasOffset(text: string): number {
  const m = /(^|[\s[{,:-])\*[^\s,\]}]/m.exec(text);
  return m ? m.index + m[1].length : 0;
}
