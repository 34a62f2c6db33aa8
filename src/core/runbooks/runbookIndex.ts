// The runbooks under a set of folders, parsed once and kept by path, modification time and size, so
// that re-indexing after one change parses one file. Pure Node: the extension feeds it watcher events.
import type { Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Runbook } from './model';
import { lstatOrUndefined } from '../util/fsSafe';
import { RunbookFileError, outlineRunbookBytes, parseRunbookText, readRunbookBytes, runbookFormat, unreadableRunbook } from './runbookFile';
import type { ReadRunbookOptions } from './runbookFile';

export interface RunbookIndexOptions {
  /** Passed to the YAML parser (known severities). */
  readonly parse?: ReadRunbookOptions;
  /** Files read and parsed at once. */
  readonly concurrency?: number;
}

interface Entry {
  readonly mtimeMs: number;
  readonly size: number;
  /** `partial` while only listed. */
  runbook: Runbook;
  /** The bytes a partial runbook was read from, kept until it is parsed (then let go). */
  bytes?: Buffer;
}

/** Folders listed at once while walking. */
const WALK_BATCH = 32;

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
  // Iterative, not recursive: a deep tree cannot exhaust the stack. Folders are read a batch at a
  // time, not one after another: each readdir is a trip through the thread pool, and a walk of
  // sequential trips is what the Runbooks view would wait for before reading any file.
  while (pending.length) {
    const batch = pending.splice(0, WALK_BATCH);
    // An error: vanished or unreadable since it was listed.
    const listed = await Promise.all(batch.map((dir) => fsp.readdir(dir, { withFileTypes: true }).then((entries) => ({ dir, entries }), () => undefined)));
    for (const { dir, entries } of listed.filter((l) => l !== undefined)) {
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
  }
  return [...new Set(found)].sort();
}

/**
 * `ops/runbooks` → `{ops,ops/runbooks,ops/runbooks/**}`: the folder's parents and the folder (made,
 * moved in or deleted whole) and everything under it. Glob characters in a name are escaped.
 */
export function runbookFolderGlob(rel: string): string {
  const parts = rel.split('/').map((p) => p.replace(/[[\]{}*?,!]/g, (c) => `[${c}]`));
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  return `{${[...prefixes, `${prefixes[prefixes.length - 1]}/**`].join(',')}}`;
}

/**
 * The runbooks under some folders, in two steps: `catalog()` lists them (walk, read, title: what
 * the Runbooks view needs to show them) and `parseRemaining()` parses them fully in slices that
 * leave the event loop free; `full()` parses one at once when it is needed first (a runbook opened
 * in the tree, a step run). `indexAll()` does both. Entries are kept by modification time and size,
 * so re-indexing after one change reads and parses one file.
 */
export class RunbookIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly concurrency: number;

  constructor(private readonly options: RunbookIndexOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 16);
  }

  /**
   * Lists every runbook under `folders` and forgets files no longer there. New or changed files are
   * read and given a title (`partial` runbooks); unchanged ones (same mtime and size) are not read
   * again. Files that cannot be read are kept as runbooks with one error diagnostic.
   */
  async catalog(folders: readonly string[]): Promise<Runbook[]> {
    const files = await findRunbookFiles(folders.map((f) => path.resolve(f)));
    const keep = new Set(files);
    for (const file of [...this.entries.keys()]) if (!keep.has(file)) this.entries.delete(file);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) await this.load(files[next++], 'outline');
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, files.length) }, worker));
    return this.all();
  }

  /** catalog() and parseRemaining() in one: every runbook under `folders`, fully parsed. */
  async indexAll(folders: readonly string[]): Promise<Runbook[]> {
    await this.catalog(folders);
    await this.parseRemaining();
    return this.all();
  }

  /**
   * Parses every runbook that is only listed. With `sliceMs`, yields to the event loop whenever a
   * slice has taken that long, so a thousand runbooks never block an extension host for long.
   * Returns how many were parsed; stops early when `isCancelled()` says so.
   */
  async parseRemaining(opts: { sliceMs?: number; isCancelled?: () => boolean } = {}): Promise<number> {
    let parsed = 0;
    let sliceStart = performance.now();
    for (const key of [...this.entries.keys()]) {
      if (opts.isCancelled?.()) break;
      const entry = this.entries.get(key);
      if (!entry?.runbook.partial) continue;
      this.parse(key, entry);
      parsed++;
      if (opts.sliceMs !== undefined && performance.now() - sliceStart >= opts.sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return parsed;
  }

  /** Whether some listed runbook is still waiting for its full parse. */
  hasPartial(): boolean {
    for (const entry of this.entries.values()) if (entry.runbook.partial) return true;
    return false;
  }

  /** The fully parsed runbook of a file: parsed now if it was only listed, read if not indexed yet. */
  async full(file: string): Promise<Runbook | undefined> {
    const key = path.resolve(file);
    const entry = this.entries.get(key);
    if (!entry) return this.update(key);
    if (entry.runbook.partial) this.parse(key, entry);
    return entry.runbook;
  }

  /**
   * Re-reads one file if it changed (by mtime and size) and returns its runbook, fully parsed; a
   * file that is gone, a link, or not a runbook is removed and undefined returned.
   */
  update(file: string): Promise<Runbook | undefined> {
    return this.load(file, 'full');
  }

  private async load(file: string, depth: 'outline' | 'full'): Promise<Runbook | undefined> {
    const key = path.resolve(file);
    if (!runbookFormat(key)) return undefined;
    const cached = this.entries.get(key);
    if (cached) {
      // Known file: one lstat tells whether it changed, before anything is read.
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
      if (cached.mtimeMs === st.mtimeMs && cached.size === st.size) {
        if (depth === 'full' && cached.runbook.partial) this.parse(key, cached);
        return cached.runbook;
      }
    }
    // New or changed: the open refuses links and its fstat gives the mtime and size to keep.
    let entry: Entry;
    try {
      const { bytes, stats } = await readRunbookBytes(key);
      entry = { mtimeMs: stats.mtimeMs, size: stats.size, runbook: outlineRunbookBytes(bytes, key) };
      if (entry.runbook.partial) entry.bytes = bytes;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Gone, a link (ELOOP from O_NOFOLLOW), or not a regular file: not a runbook of ours.
      if (code === 'ENOENT' || code === 'ELOOP' || RunbookFileError.is(e, 'notFile')) {
        this.entries.delete(key);
        return undefined;
      }
      entry = { mtimeMs: -1, size: -1, runbook: unreadableRunbook(key, e) };
    }
    if (depth === 'full' && entry.runbook.partial) this.parse(key, entry);
    return this.keep(key, entry);
  }

  /** Parses a listed runbook from the text read for it, and lets the text go. */
  private parse(key: string, entry: Entry): void {
    try {
      entry.runbook = parseRunbookText((entry.bytes ?? Buffer.alloc(0)).toString('utf8'), key, this.options.parse);
    } catch (e) {
      entry.runbook = unreadableRunbook(key, e);
    }
    entry.bytes = undefined;
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

  /** The indexed runbook of one file, if any (`partial` if only listed so far). */
  get(file: string): Runbook | undefined {
    return this.entries.get(path.resolve(file))?.runbook;
  }

  /** Every indexed runbook, by path (`partial` ones if only listed so far). */
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
