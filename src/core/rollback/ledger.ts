// The deploy ledger: one JSON line per deploy or rollback, kept in git notes (refs/notes/deploys)
// on the deployed commit. Pure: parsing, validation and serialisation only.
import { isIsoUtc } from '../util/time';

export const LEDGER_NOTES_REF = 'refs/notes/deploys';
export const LEDGER_STATUSES = ['succeeded', 'failed'] as const;
export const LEDGER_KINDS = ['deploy', 'rollback'] as const;
export const DEFAULT_ENV = 'production';

export type LedgerStatus = (typeof LEDGER_STATUSES)[number];
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** One line of the ledger, as written. */
export interface LedgerEntry {
  /** The deployed commit, full lower-case hex (SHA-1 or SHA-256). */
  readonly sha: string;
  readonly host?: string;
  /** The compose service (or app) deployed; absent: the whole deploy, every service. */
  readonly service?: string;
  readonly env: string;
  readonly status: LedgerStatus;
  /** ISO-8601 UTC. */
  readonly at: string;
  readonly by: string;
  readonly kind: LedgerKind;
  /** For a rollback: the commit rolled back away from (then faulty). */
  readonly from?: string;
}

/** A line that is not a ledger entry, with what is wrong in words. */
export interface LedgerProblem {
  /** The commit whose note holds the line. */
  readonly note: string;
  /** 1-based line in that note. */
  readonly line: number;
  readonly message: string;
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// eslint-disable-next-line no-control-regex -- names must not carry control characters
const NAME = /^[^\s\u0000-\u001f\u007f]{1,200}$/;
// eslint-disable-next-line no-control-regex -- nor may who deployed
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_BY = 200;

export function isFullSha(value: unknown): value is string {
  return typeof value === 'string' && SHA.test(value);
}

/** Every problem of a would-be entry, in words naming the field; empty when it is valid. */
export function ledgerEntryProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['expected a JSON object'];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!isFullSha(v.sha)) problems.push(`sha: expected a full commit id (40 or 64 lower-case hex digits), got ${shown(v.sha)}`);
  for (const key of ['host', 'service'] as const) {
    if (v[key] !== undefined && !(typeof v[key] === 'string' && NAME.test(v[key] as string))) problems.push(`${key}: expected a name without spaces (1-200 characters), got ${shown(v[key])}`);
  }
  if (!(typeof v.env === 'string' && NAME.test(v.env))) problems.push(`env: expected a name without spaces such as "production", got ${shown(v.env)}`);
  if (!LEDGER_STATUSES.includes(v.status as LedgerStatus)) problems.push(`status: expected "succeeded" or "failed", got ${shown(v.status)}`);
  if (!isIsoUtc(v.at)) problems.push(`at: expected an ISO-8601 UTC time such as "2026-11-02T10:00:00Z", got ${shown(v.at)}`);
  if (!(typeof v.by === 'string' && v.by.trim() !== '' && v.by.length <= MAX_BY && !CONTROL.test(v.by))) problems.push(`by: expected who deployed (1-${MAX_BY} characters, one line), got ${shown(v.by)}`);
  if (!LEDGER_KINDS.includes(v.kind as LedgerKind)) problems.push(`kind: expected "deploy" or "rollback", got ${shown(v.kind)}`);
  if (v.kind === 'rollback') {
    if (!isFullSha(v.from)) problems.push(`from: a rollback names the commit rolled back away from (a full commit id), got ${shown(v.from)}`);
    else if (v.from === v.sha) problems.push('from: a rollback goes to another commit than the one it leaves');
  } else if (v.from !== undefined) problems.push('from: only a rollback has "from"');
  return problems;
}

/** The entry with only the schema's fields, in the schema's order (what is written). */
export function toLedgerEntry(value: Record<string, unknown>): LedgerEntry {
  const e: Record<string, unknown> = { sha: value.sha };
  if (value.host !== undefined) e.host = value.host;
  if (value.service !== undefined) e.service = value.service;
  Object.assign(e, { env: value.env, status: value.status, at: value.at, by: value.by, kind: value.kind });
  if (value.from !== undefined) e.from = value.from;
  return e as unknown as LedgerEntry;
}

/** One JSON line (no newline), fields in a fixed order so equal entries are equal lines (cat_sort_uniq dedupes them). */
export function serializeLedgerEntry(entry: LedgerEntry): string {
  const problems = ledgerEntryProblems(entry);
  if (problems.length) throw new Error(`not a ledger entry: ${problems.join('; ')}`);
  return JSON.stringify(toLedgerEntry(entry as unknown as Record<string, unknown>));
}

/**
 * The entries of one note (the text attached to commit `note`). Blank lines are skipped (`git notes
 * append` separates messages with one); any other line that is not an entry is a problem naming
 * why, and an entry whose sha is not the commit it is attached to is one too.
 */
export function parseLedgerNote(note: string, text: string): { entries: LedgerEntry[]; problems: LedgerProblem[] } {
  const entries: LedgerEntry[] = [];
  const problems: LedgerProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      problems.push({ note, line: i + 1, message: `not JSON: ${(e as Error).message}` });
      return;
    }
    const wrong = ledgerEntryProblems(value);
    if (wrong.length) {
      problems.push({ note, line: i + 1, message: wrong.join('; ') });
      return;
    }
    const entry = toLedgerEntry(value as Record<string, unknown>);
    if (entry.sha !== note) problems.push({ note, line: i + 1, message: `sha: the line names ${entry.sha.slice(0, 12)} but is attached to ${note.slice(0, 12)}` });
    else entries.push(entry);
  });
  return { entries, problems };
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
