// The runbooks under a set of folders, parsed once and kept by path, modification time and size, so
// that re-indexing after one change parses one file. Pure Node: the extension feeds it watcher events.
import type { Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Runbook } from './model';
import { lstatOrUndefined } from '../util/fsSafe';
import { readRunbookFile, runbookFormat, unreadableRunbook } from './runbookFile';
import type { ReadRunbookOptions } from './runbookFile';

export interface RunbookIndexOptions {
  /** Passed to the YAML parser (known severities, fillable placeholders). */
  readonly parse?: ReadRunbookOptions;
  /** Files read and parsed at once. */
  readonly concurrency?: number;
}

interface Entry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly runbook: Runbook;
}

/** Folders skipped while walking (besides every name starting with a dot). */
const SKIPPED_FOLDERS = new Set(['node_modules']);

/**
 * Every .md/.markdown/.yaml/.yml file under `folders`, recursively, sorted. Skips node_modules,
 * dot-folders and dot-files, and symbolic links (a link could lead out of the workspace or loop).
 * A folder that is missing is skipped; one given as a file is returned if it is a runbook.
 */
export async function findRunbookFiles(folders: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const pending: string[] = [];
  for (const folder of folders) {
    const st = await lstatOrUndefined(folder);
    if (!st || st.isSymbolicLink()) continue;
    if (st.isDirectory()) pending.push(folder);
    else if (st.isFile() && runbookFormat(folder)) found.push(folder);
  }
  // Iterative, not recursive: a deep tree cannot exhaust the stack.
  while (pending.length) {
    const dir = pending.pop() as string;
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // vanished or unreadable since it was listed
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(e.name)) pending.push(full);
      } else if (e.isFile() && runbookFormat(e.name)) {
        found.push(full);
      }
    }
  }
  return [...new Set(found)].sort();
}

export class RunbookIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly concurrency: number;

  constructor(private readonly options: RunbookIndexOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 16);
  }

  /**
   * Indexes every runbook under `folders` and forgets files no longer there. Unchanged files
   * (same mtime and size) are not read again. Files that cannot be parsed are kept as runbooks with
   * no sections and one error diagnostic, so they can be shown as problems.
   */
  async indexAll(folders: readonly string[]): Promise<Runbook[]> {
    const files = await findRunbookFiles(folders.map((f) => path.resolve(f)));
    const keep = new Set(files);
    for (const file of [...this.entries.keys()]) if (!keep.has(file)) this.entries.delete(file);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++];
        await this.update(file);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, files.length) }, worker));
    return this.all();
  }

  /**
   * Re-reads one file if it changed (by mtime and size) and returns its runbook; a file that is gone,
   * a link, or not a runbook is removed and undefined returned.
   */
  async update(file: string): Promise<Runbook | undefined> {
    const key = path.resolve(file);
    if (!runbookFormat(key)) return undefined;
    let st: Stats | undefined;
    try {
      st = await lstatOrUndefined(key);
    } catch (e) {
      return this.keep(key, { mtimeMs: -1, size: -1, runbook: unreadableRunbook(key, e) });
    }
    if (!st || !st.isFile()) {
      this.entries.delete(key);
      return undefined;
    }
    const cached = this.entries.get(key);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.runbook;
    let runbook: Runbook;
    try {
      runbook = await readRunbookFile(key, this.options.parse);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.entries.delete(key);
        return undefined;
      }
      runbook = unreadableRunbook(key, e);
    }
    return this.keep(key, { mtimeMs: st.mtimeMs, size: st.size, runbook });
  }

  /** Forgets a file (deleted, or its folder no longer indexed). */
  remove(file: string): boolean {
    return this.entries.delete(path.resolve(file));
  }

  /** Forgets every file under `folder`. */
  removeFolder(folder: string): void {
    const root = path.resolve(folder) + path.sep;
    for (const file of [...this.entries.keys()]) if (file.startsWith(root)) this.entries.delete(file);
  }

  /** The indexed runbook of one file, if any. */
  get(file: string): Runbook | undefined {
    return this.entries.get(path.resolve(file))?.runbook;
  }

  /** Every indexed runbook, by path. */
  all(): Runbook[] {
    return [...this.entries.keys()].sort().map((k) => (this.entries.get(k) as Entry).runbook);
  }

  clear(): void {
    this.entries.clear();
  }

  private keep(key: string, entry: Entry): Runbook {
    this.entries.set(key, entry);
    return entry.runbook;
  }
}
