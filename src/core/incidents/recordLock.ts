import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreError } from './storeErrors';

/**
 * The record lock beside incident.yaml: a directory holding one file named after its holder's random
 * token. Dot-named so views skip it, and incidents/.gitignore (`.*.lock`) keeps it out of commits.
 */
export const LOCK_FILE = '.incident.yaml.lock';
/** A rewrite holds the lock for milliseconds; one this old was left by a crashed window. */
export const STALE_LOCK_MS = 10_000;
const WAIT_MS = 5_000;
const TOKEN_PREFIX = 'holder-';
/** A contender's directory before it becomes the lock: `.incident.yaml.<token>.lock`. */
const FRESH_PREFIX = '.incident.yaml.';

export interface RecordLockOptions {
  /** How old a holder's token may get before the lock counts as left by a crash. */
  staleMs?: number;
  /** How long to wait for a live holder before giving up (the change stays queued). */
  waitMs?: number;
  /** Test hook: runs between judging a holder stale and taking its lock over. */
  beforeTakeover?: (staleToken: string) => Promise<void>;
  /** Test hook: runs each time the lock is found held by someone else. */
  onBusy?: () => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

/** The token of whoever holds the lock now, or undefined when nobody does. */
export async function lockHolder(dir: string): Promise<string | undefined> {
  const names = await fsp.readdir(path.join(dir, LOCK_FILE)).catch(() => [] as string[]);
  const name = names.find((n) => n.startsWith(TOKEN_PREFIX));
  return name?.slice(TOKEN_PREFIX.length);
}

/**
 * Runs `fn` holding the incident's record lock, so two Incident Desk windows (or processes) never
 * read-modify-write incident.yaml at the same time and lose one another's change. Writers that do
 * not know the lock (git, an editor) are handled by the re-read-before-rename check instead.
 *
 * Every step is one atomic file-system operation that can succeed for one contender only:
 * - acquire: rename a fresh directory holding our token file onto the lock path. rename() replaces a
 *   missing or empty directory and fails on a non-empty one, so a held lock cannot be replaced.
 * - stale takeover: unlink the token file of the holder judged stale, by its name. Only one
 *   contender's unlink of that name succeeds, and it can never remove a newer holder's token (a
 *   different name), which is what a delete-by-path does in proper-lockfile (its issue #121). The
 *   emptied directory is then free for the next acquire, which is again exclusive.
 * - release: unlink our own token by name (if a contender judged us stale and took over, ours is
 *   gone and theirs is left alone), then rmdir, which removes only an empty directory.
 */
export async function withRecordLock<T>(dir: string, fn: () => Promise<T>, options: RecordLockOptions = {}): Promise<T> {
  const lock = path.join(dir, LOCK_FILE);
  const staleMs = options.staleMs ?? STALE_LOCK_MS;
  const deadline = Date.now() + (options.waitMs ?? WAIT_MS);
  const token = randomBytes(16).toString('hex');
  const mine = path.join(lock, TOKEN_PREFIX + token);
  // Built where the lock lives (same file system, so the rename is atomic); `.*.lock` is git-ignored.
  const fresh = path.join(dir, `${FRESH_PREFIX}${token}.lock`);
  const prepare = async () => {
    await fsp.mkdir(fresh);
    await fsp.writeFile(path.join(fresh, TOKEN_PREFIX + token), `${process.pid}@${os.hostname()} ${new Date().toISOString()}\n`, { flag: 'wx' });
  };
  try {
    await prepare();
    for (;;) {
      const moved = await fsp.rename(fresh, lock).then(() => 'held' as const, (e) => {
        if (code(e) === 'ENOENT') return 'gone' as const;
        if (['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EPERM', 'EISDIR'].includes(code(e) ?? '')) return 'busy' as const;
        throw e;
      });
      // Ours only with our token inside: a sweep (below) may have emptied the directory just before
      // the rename, and an empty lock directory is free for anyone.
      if (moved === 'held' && (await fsp.lstat(mine).then(() => true, () => false))) break;
      if (moved !== 'busy') {
        // Swept as a crashed window's leftover while we waited a long time: build it again.
        await fsp.rm(fresh, { recursive: true, force: true });
        await prepare();
        continue;
      }
      options.onBusy?.();
      await takeOverIfStale(lock, staleMs, options.beforeTakeover);
      if (Date.now() > deadline) {
        throw new StoreError('writeFailed', `${lock} has been held for over ${(options.waitMs ?? WAIT_MS) / 1000} s by ${await describeHolder(lock)}; the change is kept and retried (a lock older than ${staleMs / 1000} s is taken over).`, { file: lock });
      }
      await sleep(3 + Math.random() * 12);
    }
  } catch (e) {
    await fsp.rm(fresh, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  await sweepLeftovers(dir, staleMs);
  try {
    return await fn();
  } finally {
    // Only our own token is removed; rmdir then removes the directory only if it is empty.
    if (await fsp.unlink(mine).then(() => true, () => false)) await fsp.rmdir(lock).catch(() => undefined);
  }
}

/**
 * Who holds the lock, from its token file (`pid@host ISO`): this window itself (a write of ours
 * that never released it), another process on this machine, or one elsewhere (a shared folder).
 */
export async function describeHolder(lock: string): Promise<string> {
  const names = await fsp.readdir(lock).catch(() => [] as string[]);
  const name = names.find((n) => n.startsWith(TOKEN_PREFIX));
  if (!name) return 'another writer';
  const text = await fsp.readFile(path.join(lock, name), 'utf8').catch(() => '');
  const m = /^(\d+)@(\S+) (\S+)/.exec(text);
  if (!m) return 'another writer';
  const [, pid, host, since] = m;
  const where = host === os.hostname() ? (Number(pid) === process.pid ? 'this window (one of its own writes did not release it)' : `process ${pid} on this machine`) : `process ${pid} on ${host}`;
  return `${where}, since ${since}`;
}

/** Removes contenders' directories left by crashed windows (as old as a stale lock), best effort. */
async function sweepLeftovers(dir: string, staleMs: number): Promise<void> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(FRESH_PREFIX) || !name.endsWith('.lock') || name === LOCK_FILE) continue;
    const st = await fsp.lstat(path.join(dir, name)).catch(() => undefined);
    if (st?.isDirectory() && Date.now() - st.mtimeMs > staleMs) await fsp.rm(path.join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Frees a lock whose holder is stale; a lock someone holds now is never touched. */
async function takeOverIfStale(lock: string, staleMs: number, beforeTakeover: RecordLockOptions['beforeTakeover']): Promise<void> {
  const st = await fsp.lstat(lock).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) {
    // A lock file from an earlier version of Incident Desk: moved aside once stale (as it did).
    if (Date.now() - st.mtimeMs > staleMs) {
      const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      if (await fsp.rename(lock, aside).then(() => true, () => false)) await fsp.unlink(aside).catch(() => undefined);
    }
    return;
  }
  const names = await fsp.readdir(lock).catch(() => [] as string[]);
  const holders = names.filter((n) => n.startsWith(TOKEN_PREFIX));
  if (holders.length === 0) {
    // Empty: the holder released (or was taken over) and the next acquire renames over it. Where
    // rename cannot replace a directory (Windows), removing the empty one lets it; rmdir removes
    // only an empty directory, so a holder that arrived meanwhile is safe.
    await fsp.rmdir(lock).catch(() => undefined);
    return;
  }
  for (const name of holders) {
    const held = await fsp.lstat(path.join(lock, name)).catch(() => undefined);
    if (!held || Date.now() - held.mtimeMs <= staleMs) continue;
    await beforeTakeover?.(name.slice(TOKEN_PREFIX.length));
    // By name: if that holder is already gone, this fails and nothing else is touched.
    await fsp.unlink(path.join(lock, name)).catch(() => undefined);
  }
}
