// The deploy ledger in git notes (refs/notes/deploys): one JSON line per deploy or rollback,
// appended to the note of the deployed commit. Notes are no commit on a branch: recording a deploy
// triggers nothing and meets no branch protection. Concurrent records merge with cat_sort_uniq.
import { LEDGER_NOTES_REF, type LedgerEntry, type LedgerProblem, ledgerEntryProblems, parseLedgerNote, serializeLedgerEntry } from '../../core/rollback/ledger';
import { GitError } from './gitErrors';
import type { GitRepository } from './gitRepository';

export interface Ledger {
  readonly entries: LedgerEntry[];
  /** Lines that are not entries, each with what is wrong. */
  readonly problems: LedgerProblem[];
}

export interface LedgerFetch {
  readonly fetched: boolean;
  readonly remote?: string;
  /** Why not, when not fetched: the ledger is then what this clone knows. */
  readonly reason?: string;
}

/** Who git records as the author of a commit Incident Desk makes (a ledger note, a revert) when the user has not configured one (a CI runner). */
const FALLBACK_IDENTITY = ['-c', 'user.name=Incident Desk', '-c', 'user.email=incident-desk@localhost'];

export async function identityArgs(repo: GitRepository): Promise<string[]> {
  const email = (await repo.raw(['config', '--get', 'user.email'], [1])).trim();
  return email ? [] : FALLBACK_IDENTITY;
}

/** Every entry of the ledger (none when there is no notes ref yet). */
export async function readLedger(repo: GitRepository): Promise<Ledger> {
  const ref = (await repo.raw(['rev-parse', '--verify', '--quiet', `${LEDGER_NOTES_REF}^{commit}`], [1])).trim();
  if (!ref) return { entries: [], problems: [] };
  // One command for the whole tree: `path\0line` for every line of every note (an empty pattern matches all).
  const out = await repo.raw(['grep', '--null', '--no-color', '--no-line-number', '--no-column', '--full-name', '-a', '-e', '', ref, '--'], [1]);
  const notes = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const nul = line.indexOf('\0');
    if (nul < 0) continue;
    // `<tree>:<path>`; the path is the annotated commit, maybe fanned out in folders (ab/cdef…).
    const note = line.slice(ref.length + 1, nul).replace(/\//g, '');
    let lines = notes.get(note);
    if (!lines) notes.set(note, (lines = []));
    lines.push(line.slice(nul + 1));
  }
  const entries: LedgerEntry[] = [];
  const problems: LedgerProblem[] = [];
  for (const [note, lines] of notes) {
    const parsed = parseLedgerNote(note, lines.join('\n'));
    entries.push(...parsed.entries);
    problems.push(...parsed.problems);
  }
  return { entries, problems };
}

/**
 * Appends one entry to the note of its commit. Throws GitError('badLedgerEntry') naming what is
 * wrong, GitError('unknownRevision') for a commit that is not here. Read back after writing: a
 * record lost to a concurrent one is written again.
 */
export function appendLedger(repo: GitRepository, entry: LedgerEntry): Promise<string> {
  // One append at a time per repository in this process (another process is met by the read-back).
  const previous = appending.get(repo) ?? Promise.resolve();
  const mine = previous.then(() => appendOnce(repo, entry), () => appendOnce(repo, entry));
  appending.set(repo, mine.catch(() => undefined));
  return mine;
}

const appending = new WeakMap<GitRepository, Promise<unknown>>();

async function appendOnce(repo: GitRepository, entry: LedgerEntry): Promise<string> {
  const problems = ledgerEntryProblems(entry);
  if (problems.length) throw new GitError('badLedgerEntry', `not a ledger entry: ${problems.join('; ')}`);
  if (!(await repo.hasCommit(entry.sha))) throw new GitError('unknownRevision', `${entry.sha} is not a commit in ${repo.root}${repo.shallow ? ' (a shallow clone: fetch more history)' : ''}`);
  const line = serializeLedgerEntry(entry);
  const identity = await identityArgs(repo);
  let lastError: unknown;
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      await repo.raw([...identity, 'notes', `--ref=${LEDGER_NOTES_REF}`, 'append', '-m', line, entry.sha]);
    } catch (e) {
      lastError = e; // another writer holds the ref's lock: try again
    }
    const note = await repo.raw(['notes', `--ref=${LEDGER_NOTES_REF}`, 'show', entry.sha], [1]);
    if (note.split('\n').some((l) => l.trim() === line)) return line;
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 80 * (attempt + 1)));
  }
  throw lastError instanceof GitError ? lastError : new GitError('failed', `the ledger line for ${entry.sha.slice(0, 12)} could not be recorded`);
}

/**
 * Fetches the remote's ledger and merges it into ours (cat_sort_uniq: every line of both, once).
 * Fails soft: without a remote, or when the remote cannot be reached, the reason is returned and the
 * local ledger stays as it was.
 */
export async function fetchLedger(repo: GitRepository, remote?: string): Promise<LedgerFetch> {
  const remotes = await repo.remotes();
  if (remotes.length === 0) return { fetched: false, reason: 'no remote: the ledger is what this clone recorded' };
  const name = remote ?? (remotes.includes('origin') ? 'origin' : remotes[0]!);
  if (!remotes.includes(name)) return { fetched: false, reason: `no remote named ${JSON.stringify(name)}` };
  const tracking = `refs/notes/remotes/${name}/deploys`;
  try {
    await repo.raw(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--end-of-options', name, `+${LEDGER_NOTES_REF}:${tracking}`]);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/couldn't find remote ref/i.test(why)) return { fetched: false, remote: name, reason: `${name} has no deploy ledger yet (nobody pushed ${LEDGER_NOTES_REF})` };
    return { fetched: false, remote: name, reason: `${name} could not be reached: ${why.split('\n')[0]}` };
  }
  const theirs = (await repo.raw(['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`], [1])).trim();
  if (!theirs) return { fetched: false, remote: name, reason: `${name}'s ledger could not be read after the fetch` };
  const ours = (await repo.raw(['rev-parse', '--verify', '--quiet', `${LEDGER_NOTES_REF}^{commit}`], [1])).trim();
  if (!ours) {
    // Create only (the old value must be absent): a record made meanwhile is never overwritten.
    await repo.raw(['update-ref', LEDGER_NOTES_REF, theirs, '0'.repeat(theirs.length)]).catch(() => mergeNotes(repo, tracking));
  } else await mergeNotes(repo, tracking);
  return { fetched: true, remote: name };
}

async function mergeNotes(repo: GitRepository, tracking: string): Promise<void> {
  await repo.raw([...(await identityArgs(repo)), 'notes', `--ref=${LEDGER_NOTES_REF}`, 'merge', '--quiet', '--strategy=cat_sort_uniq', tracking]);
}

/**
 * Pushes the ledger (never forced). Refused because another clone pushed first: its records are
 * fetched and merged, then the push is tried again (a few times). Returns why not, or undefined.
 */
export async function pushLedger(repo: GitRepository, remote?: string, attempts = 4): Promise<{ pushed: boolean; remote?: string; reason?: string }> {
  const remotes = await repo.remotes();
  const name = remote ?? (remotes.includes('origin') ? 'origin' : remotes[0]);
  if (!name || !remotes.includes(name)) return { pushed: false, reason: name ? `no remote named ${JSON.stringify(name)}` : 'no remote to push to' };
  let why = '';
  for (let i = 0; i < attempts; i++) {
    try {
      await repo.raw(['push', '--quiet', '--no-verify', '--end-of-options', name, `${LEDGER_NOTES_REF}:${LEDGER_NOTES_REF}`]);
      return { pushed: true, remote: name };
    } catch (e) {
      why = (e instanceof Error ? e.message : String(e)).split('\n').find((l) => /rejected|error|fatal/i.test(l)) ?? String(e);
      if (!/rejected|fetch first|non-fast-forward|stale info|cannot lock ref/i.test(why)) break;
    }
    const merged = await fetchLedger(repo, name);
    if (!merged.fetched) return { pushed: false, remote: name, reason: merged.reason };
  }
  return { pushed: false, remote: name, reason: why.trim() };
}
