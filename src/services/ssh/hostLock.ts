// "One rollback per host at a time": a lock on the host itself, so two windows (or two people)
// are told of each other whatever machine they work from. The lock is a folder made with `mkdir`
// (atomic: exactly one maker succeeds) in the login user's ~/.incident-desk/locks, holding
// `holder.json` (who, when, incident, token) and `state` (id, token, host time of the last renew).
//
// Every change to a held lock (release, renew, take-over) first makes `end.<id>` inside it, also
// with mkdir: of several at once exactly one succeeds, so two takers of one stale lock cannot both
// win, and a holder renewing or releasing never races a taker. A stale lock (not renewed for longer
// than the caller's threshold, by the host's clock) is only ever taken over when the caller says so.
import { randomBytes } from 'node:crypto';
import { shellWord } from '../../core/runbooks/placeholderFill';
import { SCRIPT_END, runHostScript, scriptLines, scriptValue } from './hostScript';
import type { RemoteExecutor } from './remoteExec';

export interface HostLockHolder {
  /** Public id of this holding (changes on take-over); a taker may name it to take over only what it was shown. */
  readonly id: string;
  readonly who: string;
  /** ISO time the holder gave when it took the lock. */
  readonly at: string;
  readonly incidentId?: string;
  /** Seconds since the lock was taken or last renewed, by the host's clock. */
  readonly ageSeconds?: number;
}

/** A holder as the wizard and the timeline name it: `who (incident …) since …`, or `someone`. */
export function describeHolder(h: HostLockHolder | undefined): string {
  return h ? `${h.who}${h.incidentId ? ` (incident ${h.incidentId})` : ''}${h.at ? ` since ${h.at}` : ''}` : 'someone';
}

export interface HostLockRequest {
  /** Which lock: `rollback` unless said otherwise ([a-z0-9-]). */
  readonly name?: string;
  readonly who: string;
  readonly incidentId?: string;
  /** A holding not renewed for longer counts as stale (default 3600). */
  readonly staleAfterSeconds?: number;
  /** The user confirmed taking over a stale lock. Never taken over without this. */
  readonly takeOver?: boolean;
  /** With takeOver: only the holding that was shown (its id); a lock that changed since is not taken. */
  readonly expectedHolderId?: string;
  /**
   * With takeOver and expectedHolderId: take that holding over even when it is fresh. Only for the
   * caller's own lock (a rollback of the same incident interrupted by a reload), which it checked
   * with readHostLock; the holding's id makes sure it is the one checked.
   */
  readonly adopt?: boolean;
  /** ISO time to record (default now). */
  readonly at?: string;
}

/** A held lock: the token releases or renews it; nothing else can. */
export interface HostLockHandle {
  readonly name: string;
  readonly id: string;
  readonly token: string;
  /** The stale holding this one replaced, when taken over. */
  readonly tookOverFrom?: HostLockHolder;
}

export type HostLockResult =
  | { readonly kind: 'acquired'; readonly lock: HostLockHandle }
  /** Someone holds it. `stale`: not renewed within the threshold (offer a take-over, showing the holder). */
  | { readonly kind: 'held'; readonly holder: HostLockHolder | undefined; readonly stale: boolean; readonly why?: 'fresh' | 'changed' | 'raced' | 'notConfirmed' }
  | { readonly kind: 'failed'; readonly message: string };

export type HostLockChange =
  | { readonly kind: 'ok' }
  /** The lock is no longer this holder's: released already, or taken over (`holder` says by whom). */
  | { readonly kind: 'lost'; readonly holder?: HostLockHolder }
  | { readonly kind: 'failed'; readonly message: string };

const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;
const ID = /^[0-9a-f]{16}$/;
const TOKEN = /^[0-9a-f]{32}$/;
const DEFAULT_STALE_SECONDS = 3600;

function lockPaths(name: string): string {
  if (!NAME.test(name)) throw new Error(`not a lock name: ${name}`);
  // $HOME is expanded by sh; the name is checked above, so it needs no quoting.
  return ['umask 077', 'base="$HOME/.incident-desk/locks"', `lock="$base/${name}.lock"`].join('\n');
}

/** Prints the holding now in the lock folder: id, its host time, and holder.json on one line. */
const SHOW_HOLDER = [
  'show() {',
  '  if [ -r "$lock/state" ]; then read -r sid stok ssince < "$lock/state"; else sid=""; ssince=""; fi',
  // A folder with no state yet is being made (or its maker died): its age is the folder's.
  '  if [ -z "$ssince" ]; then ssince=$(date -r "$lock" +%s 2>/dev/null || echo ""); fi',
  '  echo "holder.id	$sid"; echo "holder.since	$ssince"',
  '  if [ -r "$lock/holder.json" ]; then printf "holder.json\\t"; tr -d "\\n\\r\\t" < "$lock/holder.json" | head -c 2000; echo; fi',
  '}',
].join('\n');

/** Writes our holding (holder.json, then state: a reader that sees the new id sees the new holder). */
function writeHolding(id: string, token: string, holderJson: string): string {
  return [
    `printf '%s\\n' ${shellWord(holderJson)} > "$lock/holder.json.tmp" && mv -f "$lock/holder.json.tmp" "$lock/holder.json" &&`,
    `echo "${id} ${token} $now" > "$lock/state.tmp" && mv -f "$lock/state.tmp" "$lock/state"`,
  ].join(' ');
}

export function acquireScript(req: HostLockRequest, id: string, token: string): string {
  const holderJson = JSON.stringify({ who: req.who, at: req.at ?? new Date().toISOString(), incidentId: req.incidentId, token, id });
  const stale = req.staleAfterSeconds ?? DEFAULT_STALE_SECONDS;
  if (!Number.isInteger(stale) || stale < 0) throw new Error('staleAfterSeconds must be a whole number');
  const expect = req.expectedHolderId ?? '';
  if (expect !== '' && !ID.test(expect)) throw new Error(`not a lock holder id: ${expect}`);
  if (req.adopt && (!req.takeOver || expect === '')) throw new Error('adopting a lock needs takeOver and the holding\'s id');
  // Adopting skips the staleness test (the holding is the caller's own), never the id test.
  const fresh = (since: string) => (req.adopt ? 'false' : `[ $((now - ${since})) -lt ${stale} ]`);
  return [
    lockPaths(req.name ?? 'rollback'),
    SHOW_HOLDER,
    'now=$(date +%s)',
    'echo "now	$now"',
    'mkdir -p "$base" 2>/dev/null || { echo "error	cannot create $base"; echo end; exit 0; }',
    'if mkdir "$lock" 2>/dev/null; then',
    `  if ${writeHolding(id, token, holderJson)}; then echo "acquired	$now"; else rm -rf "$lock"; echo "error	cannot write the lock"; fi`,
    `  echo ${SCRIPT_END}; exit 0`,
    'fi',
    'show',
    `if [ ${req.takeOver ? 1 : 0} = 1 ]; then`,
    `  if [ -z "$ssince" ] || ${fresh('ssince')}; then echo "refused	fresh"`,
    `  elif [ -n ${shellWord(expect)} ] && [ "$sid" != ${shellWord(expect)} ]; then echo "refused	changed"`,
    // One winner per holding: the same folder every taker (and the holder) must make first.
    '  elif mkdir "$lock/end.${sid:-none}" 2>/dev/null; then',
    '    osid=$sid; ossince=$ssince',
    '    if [ -r "$lock/state" ]; then read -r sid stok ssince < "$lock/state"; else sid=""; ssince=$ossince; fi',
    `    if [ "$sid" != "$osid" ] || ${fresh('ssince')}; then rmdir "$lock/end.\${osid:-none}"; echo "refused	changed"`,
    `    elif ${writeHolding(id, token, holderJson)}; then echo "tookOver	$now"`,
    '    else echo "error	cannot write the lock"; fi',
    '  else echo "refused	raced"; fi',
    'fi',
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

function holderFrom(lines: Array<{ key: string; value: string }>): HostLockHolder | undefined {
  const id = scriptValue(lines, 'holder.id') ?? '';
  const since = Number(scriptValue(lines, 'holder.since'));
  const now = Number(scriptValue(lines, 'now'));
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(scriptValue(lines, 'holder.json') ?? '');
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    // no holder.json (being written, or written by something else): only the folder's age is known
  }
  if (id === '' && Object.keys(json).length === 0 && !Number.isFinite(since)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    id,
    who: str(json.who) ?? '(unknown)',
    at: str(json.at) ?? '',
    incidentId: str(json.incidentId),
    ageSeconds: Number.isFinite(since) && Number.isFinite(now) && scriptValue(lines, 'holder.since') !== '' ? Math.max(0, now - since) : undefined,
  };
}

/**
 * Takes the lock, or says who holds it. A stale lock is taken over only with `takeOver` (and, when
 * given, only if its holder is still `expectedHolderId`); of several takers exactly one wins.
 */
export async function acquireHostLock(target: RemoteExecutor, req: HostLockRequest): Promise<HostLockResult> {
  const name = req.name ?? 'rollback';
  const id = randomBytes(8).toString('hex');
  const token = randomBytes(16).toString('hex');
  const { stdout, stderr } = await runHostScript(target, acquireScript(req, id, token));
  const lines = scriptLines(stdout);
  if (!lines.some((l) => l.key === SCRIPT_END)) return { kind: 'failed', message: `the host did not finish taking the lock${stderr ? `: ${stderr.trim()}` : ''}` };
  const error = scriptValue(lines, 'error');
  if (error !== undefined) return { kind: 'failed', message: error };
  if (scriptValue(lines, 'acquired') !== undefined) return { kind: 'acquired', lock: { name, id, token } };
  const holder = holderFrom(lines);
  if (scriptValue(lines, 'tookOver') !== undefined) return { kind: 'acquired', lock: { name, id, token, tookOverFrom: holder } };
  const staleAfter = req.staleAfterSeconds ?? DEFAULT_STALE_SECONDS;
  const stale = holder?.ageSeconds !== undefined && holder.ageSeconds >= staleAfter;
  const refused = scriptValue(lines, 'refused') as 'fresh' | 'changed' | 'raced' | undefined;
  return { kind: 'held', holder, stale, why: refused ?? (stale ? 'notConfirmed' : 'fresh') };
}

export function readScript(name: string): string {
  return [lockPaths(name), SHOW_HOLDER, 'now=$(date +%s)', 'echo "now	$now"', 'if [ -d "$lock" ]; then show; else echo "absent	1"; fi', `echo ${SCRIPT_END}`].join('\n');
}

export type HostLockRead = { readonly kind: 'absent' } | { readonly kind: 'held'; readonly holder: HostLockHolder | undefined } | { readonly kind: 'failed'; readonly message: string };

/** Who holds the lock now, changing nothing (to decide whether it is the caller's own before adopting it). */
export async function readHostLock(target: RemoteExecutor, name = 'rollback'): Promise<HostLockRead> {
  const { stdout, stderr } = await runHostScript(target, readScript(name));
  const lines = scriptLines(stdout);
  if (!lines.some((l) => l.key === SCRIPT_END)) return { kind: 'failed', message: `the host did not finish reading the lock${stderr ? `: ${stderr.trim()}` : ''}` };
  if (scriptValue(lines, 'absent') !== undefined) return { kind: 'absent' };
  return { kind: 'held', holder: holderFrom(lines) };
}

function changeScript(lock: HostLockHandle, action: 'release' | 'renew'): string {
  if (!ID.test(lock.id) || !TOKEN.test(lock.token)) throw new Error('not a lock handle');
  return [
    lockPaths(lock.name),
    SHOW_HOLDER,
    'now=$(date +%s)',
    'echo "now	$now"',
    `if [ ! -d "$lock" ]; then echo "lost	gone"; echo ${SCRIPT_END}; exit 0; fi`,
    `if ! mkdir "$lock/end.${lock.id}" 2>/dev/null; then echo "lost	taken"; show; echo ${SCRIPT_END}; exit 0; fi`,
    'read -r sid stok ssince < "$lock/state" 2>/dev/null',
    `if [ "$sid" != ${lock.id} ] || [ "$stok" != ${lock.token} ]; then rmdir "$lock/end.${lock.id}"; echo "lost	taken"; show; echo ${SCRIPT_END}; exit 0; fi`,
    action === 'release'
      ? // Renamed away first, so the lock disappears in one step; then removed.
        `gone="$base/.released.${lock.id}.$$"; if mv "$lock" "$gone"; then rm -rf "$gone"; echo "ok	released"; else rmdir "$lock/end.${lock.id}"; echo "error	cannot remove $lock"; fi`
      : `if echo "${lock.id} ${lock.token} $now" > "$lock/state.tmp" && mv -f "$lock/state.tmp" "$lock/state"; then echo "ok	renewed"; else echo "error	cannot renew"; fi; rmdir "$lock/end.${lock.id}"`,
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

async function change(target: RemoteExecutor, lock: HostLockHandle, action: 'release' | 'renew'): Promise<HostLockChange> {
  const { stdout, stderr } = await runHostScript(target, changeScript(lock, action));
  const lines = scriptLines(stdout);
  if (!lines.some((l) => l.key === SCRIPT_END)) return { kind: 'failed', message: `the host did not finish (${action})${stderr ? `: ${stderr.trim()}` : ''}` };
  const error = scriptValue(lines, 'error');
  if (error !== undefined) return { kind: 'failed', message: error };
  if (scriptValue(lines, 'ok') !== undefined) return { kind: 'ok' };
  return { kind: 'lost', holder: scriptValue(lines, 'lost') === 'taken' ? holderFrom(lines) : undefined };
}

/** Releases the lock if it is still this holding's; a lock taken over meanwhile is left to its new holder. */
export function releaseHostLock(target: RemoteExecutor, lock: HostLockHandle): Promise<HostLockChange> {
  return change(target, lock, 'release');
}

/** Marks the holding alive (its age starts again), so a long rollback does not look stale. */
export function renewHostLock(target: RemoteExecutor, lock: HostLockHandle): Promise<HostLockChange> {
  return change(target, lock, 'renew');
}
