import { constants as C, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreError } from './storeErrors';

/** Lock file beside incident.yaml; dot-named so views skip it and incidents/.gitignore ignores it. */
export const LOCK_FILE = '.incident.yaml.lock';
/** A rewrite holds the lock for milliseconds; one this old was left by a crashed window. */
export const STALE_LOCK_MS = 10_000;
const WAIT_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding the incident's record lock, so two Incident Desk windows (or processes) never
 * read-modify-write incident.yaml at the same time and lose one another's change. Writers that do
 * not know the lock (git, an editor) are handled by the re-read-before-rename check instead.
 */
export async function withRecordLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, LOCK_FILE);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fh = await fsp.open(lock, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644);
      try {
        await fh.writeFile(`${process.pid}@${os.hostname()} ${new Date().toISOString()}\n`);
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const st = await fsp.lstat(lock).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS) {
      // Left by a crash: move it aside atomically (only one taker wins the rename), then drop it.
      const aside = `${lock}.stale-${process.pid}-${Date.now()}`;
      if (await fsp.rename(lock, aside).then(() => true, () => false)) await fsp.unlink(aside).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new StoreError('writeFailed', `${lock} has been held for over ${WAIT_MS / 1000} s by another window; the change is kept and retried.`, { file: lock });
    }
    await sleep(3 + Math.random() * 12);
  }
  try {
    return await fn();
  } finally {
    await fsp.unlink(lock).catch(() => undefined);
  }
}
