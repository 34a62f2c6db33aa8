import { Composer, Document, Lexer, LineCounter, Parser, isMap, isScalar, type Node } from 'yaml';
import { MAX_YAML_ALIASES, MAX_YAML_NESTING } from '../runbooks/yamlRunbook';
import { isIsoUtc } from '../util/time';
import { isStatus, type Incident } from './model';
import type { AppliedMarker } from './replay';

export const RECORD_FILE = 'incident.yaml';
/** Larger than any real record; a cap keeps a corrupted or hostile file from eating memory. */
export const MAX_RECORD_BYTES = 256 * 1024;

/** A problem in incident.yaml with where it is (1-based line and column). */
export class RecordError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'RecordError';
  }
}

export interface ParsedRecord {
  incident: Incident;
  /** The parsed document, kept so a rewrite preserves comments, key order and fields we do not know. */
  doc: Document;
  /** The timeline events this record reflects (absent in records written before markers). */
  marker?: AppliedMarker;
}

/** The record's key for its AppliedMarker. */
export const MARKER_KEY = 'applied';

const HEADER = ' Incident record kept by Incident Desk. The history is in timeline.jsonl (append-only);\n `applied` notes the last timeline event reflected here (later ones are applied when read).';

function position(lc: LineCounter, node: Node | undefined | null): { line: number; col: number } {
  const offset = node?.range?.[0];
  return offset === undefined ? { line: 1, col: 1 } : lc.linePos(offset);
}

/**
 * parseDocument(text, { lineCounter, uniqueKeys: true, strict: true, prettyErrors: false }), with the
 * tokens fed through a guard: the yaml library composes nodes recursively, so thousands of nested
 * collections would exhaust the stack (after ~0.4 s of work). Nesting is refused, with its line and
 * column, while the text is still being tokenised; the limit is the one runbooks have.
 */
function parseGuarded(text: string, lc: LineCounter): Document.Parsed {
  const parser = new Parser(lc.addNewLine);
  const composer = new Composer({ uniqueKeys: true, strict: true, prettyErrors: false });
  let deepAt = -1;
  function* tokens() {
    lc.addNewLine(0); // what Parser.parse() does first
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme);
      if (parser.stack.length > MAX_YAML_NESTING) {
        deepAt = parser.offset;
        return;
      }
    }
    yield* parser.end();
  }
  const docs = [...composer.compose(tokens(), true, text.length)];
  if (deepAt >= 0) {
    const p = lc.linePos(deepAt);
    throw new RecordError(`nested more than ${MAX_YAML_NESTING} levels deep; the file is refused`, p.line, p.col);
  }
  if (docs.length > 1) {
    const p = lc.linePos(docs[1].range[0]);
    throw new RecordError('multiple documents: incident.yaml holds one YAML document; this is a second one (`---`)', p.line, p.col);
  }
  return docs[0] ?? new Document(null) as Document.Parsed;
}

/** Parses and validates incident.yaml; throws RecordError naming the line and column. */
export function parseRecord(text: string, folderId: string): ParsedRecord {
  // Checked before anything is decoded further (the loader also refuses to read more than this).
  if (text.length > MAX_RECORD_BYTES || Buffer.byteLength(text, 'utf8') > MAX_RECORD_BYTES) throw new RecordError(`file is larger than ${MAX_RECORD_BYTES / 1024} KiB`, 1, 1);
  const lc = new LineCounter();
  const doc = parseGuarded(text, lc);
  const first = doc.errors[0];
  if (first) {
    const p = lc.linePos(first.pos[0]);
    throw new RecordError(first.message.split('\n')[0], p.line, p.col);
  }
  if (!isMap(doc.contents)) throw new RecordError('expected a mapping of fields (title, severity, status, …)', 1, 1);
  const map = doc.contents;
  const node = (key: string): Node | undefined => map.get(key, true) as Node | undefined;
  const fail = (key: string, message: string): never => {
    const n = node(key);
    const p = n ? position(lc, n) : { line: 1, col: 1 };
    throw new RecordError(`${key}: ${message}`, p.line, p.col);
  };
  let raw: Record<string, unknown>;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as Record<string, unknown>;
  } catch (e) {
    // toJS throws (a ReferenceError) for too many alias expansions and for an alias to nothing.
    const at = text.indexOf('*');
    const p = at >= 0 ? lc.linePos(at) : { line: 1, col: 1 };
    throw new RecordError(`aliases cannot be resolved within ${MAX_YAML_ALIASES} expansions (an alias bomb?); the file is refused (${e instanceof Error ? e.message : String(e)})`, p.line, p.col);
  }
  const str = (key: string, required = true): string => {
    const v = raw[key];
    if (v === undefined || v === null) return required ? fail(key, 'is missing') : '';
    if (typeof v !== 'string') return fail(key, 'must be text');
    return v;
  };
  const time = (key: string, required: boolean): string | null => {
    const v = raw[key];
    if (v === undefined || v === null || v === '') return required ? fail(key, 'is missing') : null;
    if (!isIsoUtc(v)) return fail(key, `must be an ISO-8601 UTC time such as 2026-11-22T14:05:00.000Z (got ${JSON.stringify(v)})`);
    return v;
  };
  if (raw.version !== undefined && raw.version !== 1) fail('version', `this version of Incident Desk reads version 1 (got ${JSON.stringify(raw.version)})`);
  const id = str('id');
  if (id !== folderId) fail('id', `"${id}" does not match its folder "${folderId}"`);
  const title = str('title');
  if (!title.trim()) fail('title', 'is empty');
  // An empty `severity:` is null in YAML: it must not become the id "null".
  if (raw.severity === undefined || raw.severity === null || raw.severity === '') fail('severity', 'is missing');
  if (typeof raw.severity !== 'string' && typeof raw.severity !== 'number') fail('severity', 'must be a severity id such as P1');
  const severity = String(raw.severity);
  const status = raw.status;
  if (!isStatus(status)) fail('status', `must be one of investigating, identified, monitoring, resolved (got ${JSON.stringify(status)})`);
  const roles: Record<string, string> = {};
  if (raw.roles !== undefined && raw.roles !== null) {
    if (typeof raw.roles !== 'object' || Array.isArray(raw.roles)) fail('roles', 'must map a role to a person, e.g. "commander: Dana"');
    for (const [k, v] of Object.entries(raw.roles as Record<string, unknown>)) {
      if (typeof v !== 'string') {
        // Point at the role's own value, not at the first line of roles.
        const rolesNode = node('roles');
        const p = position(lc, (isMap(rolesNode) ? (rolesNode.get(k, true) as Node | undefined) : undefined) ?? rolesNode);
        throw new RecordError(`roles: ${k} must name a person`, p.line, p.col);
      }
      roles[k] = v as string;
    }
  }
  const reached = raw.escalationsReached ?? [];
  if (!Array.isArray(reached) || reached.some((n) => !Number.isInteger(n) || (n as number) < 0)) fail('escalationsReached', 'must be a list of step numbers');
  const incident: Incident = {
    version: 1,
    id,
    title,
    severity,
    status: status as Incident['status'],
    service: str('service', false),
    summary: str('summary', false),
    roles,
    declaredAt: time('declaredAt', true)!,
    declaredBy: str('declaredBy', false),
    acknowledgedAt: time('acknowledgedAt', false),
    mitigatedAt: time('mitigatedAt', false),
    resolvedAt: time('resolvedAt', false),
    lastUpdateAt: time('lastUpdateAt', false),
    escalationsReached: reached as number[],
  };
  if (incident.status === 'resolved' && !incident.resolvedAt) fail('resolvedAt', 'is missing for a resolved incident');
  let marker: AppliedMarker | undefined;
  const m = raw[MARKER_KEY] as Record<string, unknown> | null | undefined;
  if (m !== undefined && m !== null) {
    const ok = typeof m === 'object' && !Array.isArray(m) && typeof m.lastEvent === 'string' && Number.isInteger(m.events) && (m.events as number) >= 0 && typeof m.digest === 'string';
    if (!ok) fail(MARKER_KEY, 'must hold lastEvent, events and digest as Incident Desk writes them (delete it to take the record as up to date)');
    marker = { lastEvent: m.lastEvent as string, events: m.events as number, digest: m.digest as string };
  }
  return { incident, doc, marker };
}

const FIELD_ORDER: Array<keyof Incident> = ['version', 'id', 'title', 'severity', 'status', 'service', 'summary', 'roles', 'declaredAt', 'declaredBy', 'acknowledgedAt', 'mitigatedAt', 'resolvedAt', 'lastUpdateAt', 'escalationsReached'];

/**
 * Serialises `next`. With the document it was read from, only changed fields are set on it, so a
 * person's comments and extra fields survive the rewrite.
 */
export function stringifyRecord(next: Incident, from?: Document, marker?: AppliedMarker): string {
  const doc = from ? (from.clone() as Document) : new Document({});
  if (!from) doc.commentBefore = HEADER;
  const before = (from ? doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) : {}) as Record<string, unknown>;
  for (const key of FIELD_ORDER) {
    const value = next[key];
    const current = doc.get(key, true);
    const same = isScalar(current) ? current.value === value : JSON.stringify(before[key]) === JSON.stringify(value);
    if (!doc.has(key) || !same) doc.set(key, doc.createNode(value));
  }
  if (marker && JSON.stringify(before[MARKER_KEY]) !== JSON.stringify(marker)) doc.set(MARKER_KEY, doc.createNode({ ...marker }));
  return doc.toString({ lineWidth: 0 });
}
