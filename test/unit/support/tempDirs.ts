import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Real temporary folders under os.tmpdir(), removed (made writable again first) by `cleanup()`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(prefix = 'incident-desk-test-'): Promise<string> {
    // realpath: os.tmpdir() may itself sit behind a link, and the code under test refuses links.
    const dir = await fs.promises.realpath(await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix)));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    for (const dir of this.dirs.splice(0)) {
      makeWritable(dir);
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function walk(target: string, visit: (p: string, isDir: boolean) => void): void {
  const st = fs.lstatSync(target);
  if (st.isSymbolicLink()) return;
  visit(target, st.isDirectory());
  if (st.isDirectory()) for (const name of fs.readdirSync(target)) walk(path.join(target, name), visit);
}

export type WriteBlock = 'chattr' | 'chmod';

/**
 * Makes `target` (with `recursive`, everything under it too) refuse writes for real, at the OS
 * level. A normal user gets chmod. Root ignores mode bits, so as root the immutable attribute
 * (`chattr +i`, which stops root too, with EPERM) is used. Verified by trying to create a file;
 * returns undefined when nothing refuses writes on this machine (the caller skips).
 */
export function makeUnwritable(target: string, recursive: boolean): WriteBlock | undefined {
  let how: WriteBlock;
  try {
    if (isRoot) {
      execFileSync('chattr', recursive ? ['-R', '+i', target] : ['+i', target], { stdio: 'ignore' });
      how = 'chattr';
    } else {
      if (recursive) walk(target, (p, isDir) => fs.chmodSync(p, isDir ? 0o555 : 0o444));
      else fs.chmodSync(target, 0o555);
      how = 'chmod';
    }
  } catch {
    return undefined;
  }
  const probe = path.join(target, `.probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, 'x');
  } catch {
    return how; // refused: the OS really blocks writes here
  }
  fs.rmSync(probe, { force: true });
  makeWritable(target);
  return undefined;
}

/** Undoes makeUnwritable on `target` and everything under it (safe on anything, even missing). */
export function makeWritable(target: string): void {
  if (!fs.existsSync(target)) return;
  if (isRoot) {
    try {
      execFileSync('chattr', ['-R', '-i', target], { stdio: 'ignore' });
    } catch {
      // a file system without attributes, or links chattr will not touch: nothing was immutable
    }
    return;
  }
  try {
    walk(target, (p, isDir) => fs.chmodSync(p, isDir ? 0o755 : 0o644));
  } catch {
    // already gone
  }
}
