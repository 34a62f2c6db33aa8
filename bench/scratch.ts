// Where the benchmarks put their files: on the repository's own file system (not /tmp, which may be
// tmpfs on some machines and make fsync free), in a fresh folder removed afterwards.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** out/bench -> the repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export async function withScratchDir<T>(label: string, body: (dir: string) => Promise<T>): Promise<T> {
  const parent = path.join(REPO_ROOT, '.sandbox');
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `bench-${label}-`));
  try {
    return await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
