import { constants as C, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** A file-system refusal with a reason callers can branch on (never match on message text). */
export class UnsafePathError extends Error {
  constructor(readonly reason: 'outside' | 'symlink' | 'notDirectory', readonly target: string, message: string) {
    super(message);
    this.name = 'UnsafePathError';
  }
  static is(e: unknown, reason?: UnsafePathError['reason']): e is UnsafePathError {
    return e instanceof UnsafePathError && (reason === undefined || e.reason === reason);
  }
}

/** Joins `parts` under `root` and refuses any result that escapes it. */
export function joinInside(root: string, ...parts: string[]): string {
  const resolved = path.resolve(root, ...parts);
  const rel = path.relative(root, resolved);
  // `..` as a whole first segment escapes; a name that merely starts with dots (`..notes`) does not.
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new UnsafePathError('outside', resolved, `${resolved} is outside ${root}`);
  }
  return resolved;
}

/** lstat that returns undefined for a missing path (also when a parent is a file, not a folder). */
export async function lstatOrUndefined(p: string) {
  try {
    return await fsp.lstat(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Throws if `p` exists and is a symbolic link (or, for `dir`, not a directory). */
export async function assertNoSymlink(p: string, kind: 'dir' | 'file'): Promise<boolean> {
  const st = await lstatOrUndefined(p);
  if (!st) return false;
  if (st.isSymbolicLink()) throw new UnsafePathError('symlink', p, `${p} is a symbolic link; Incident Desk does not follow links in incidents/`);
  if (kind === 'dir' && !st.isDirectory()) throw new UnsafePathError('notDirectory', p, `${p} is not a folder`);
  return true;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, C.O_RDONLY);
  try {
    await fh.sync();
  } catch {
    // some file systems refuse fsync on a directory; the rename is still atomic
  } finally {
    await fh.close();
  }
}

/** Creates `dir` (one level) and fsyncs its parent so the entry survives a crash. */
export async function mkdirDurable(dir: string, exclusive = false): Promise<boolean> {
  try {
    await fsp.mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && !exclusive) return false;
    throw e;
  }
  await fsyncDir(path.dirname(dir));
  return true;
}

/**
 * Replaces `file` atomically: temp file in the same folder, fsync, rename, fsync the folder.
 * A reader sees the old content or the new, never a mix; a crash leaves at most a stray temp file.
 * `beforeRename` may veto the replacement (returns false then, and the file is untouched).
 */
export async function writeFileAtomic(file: string, data: string, beforeRename?: () => Promise<boolean>): Promise<boolean> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    // Last-moment check (e.g. "is the file still what we read?"), after the slow fsync, so the
    // window in which another writer's change could be replaced is as small as it can be.
    if (beforeRename && !(await beforeRename())) {
      await fsp.unlink(tmp).catch(() => undefined);
      return false;
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fsyncDir(dir);
  return true;
}

/**
 * Creates `file` with `data`, never replacing an existing one: the data is written and fsynced to
 * a temp file which is then hard-linked to the name (link fails with EEXIST if the name is taken),
 * so a reader sees no file or the whole file. Returns false when `file` already exists.
 */
export async function createFileAtomic(file: string, data: string): Promise<boolean> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fsp.unlink(tmp).catch(() => undefined);
  }
  await fsyncDir(dir);
  return true;
}

export class FileTooLargeError extends Error {
  constructor(readonly file: string, readonly size: number, readonly maxBytes: number) {
    super(`${file} is ${Math.ceil(size / 1024)} KiB, over the ${Math.ceil(maxBytes / 1024)} KiB limit`);
    this.name = 'FileTooLargeError';
  }
}

/** Reads a file refusing symbolic links and files over `maxBytes`; undefined when missing. */
export async function readFileNoFollow(file: string, maxBytes: number): Promise<Buffer | undefined> {
  let fh;
  try {
    fh = await fsp.open(file, C.O_RDONLY | C.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new UnsafePathError('symlink', file, `${file} is a symbolic link; Incident Desk does not follow links in incidents/`);
    throw e;
  }
  try {
    const { size } = await fh.stat();
    if (size > maxBytes) throw new FileTooLargeError(file, size, maxBytes);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
