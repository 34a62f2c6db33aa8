import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Followup, openFollowups } from '../core/postmortem/followups';
import type { IncidentsController } from '../incidents/incidentsController';
import type { ComponentLog } from '../log';

/** Larger than any real post-mortem; a bigger file is listed (it exists) but not read. */
const MAX_POSTMORTEM_BYTES = 2 * 1024 * 1024;
/** How often the folder is compared with what was read, in case the file watcher missed an event. */
const CHECK_MS = 3_000;
/** Saves and `git checkout` come in bursts: one read per file after they settle. */
const DEBOUNCE_MS = 100;

interface FileState {
  readonly signature: string;
  readonly followups: readonly Followup[];
}

/**
 * The post-mortems in incidents/ (`incidents/*.md`, beside the incident folders): which exist, and
 * their open action items. Kept current by a file watcher on the folder, with a cheap stat
 * comparison behind it. The Follow-ups view and the Incidents tree ("post-mortem due") read it.
 */
export class PostmortemFiles implements vscode.Disposable {
  private readonly files = new Map<string, FileState>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private dir: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private rescan = false;
  private loadedValue = false;

  constructor(incidents: IncidentsController, private readonly log: ComponentLog) {
    // The folder is known once the store is open (after activation).
    const startWhenOpen = () => {
      const store = incidents.store;
      if (store && !this.dir) this.start(store.incidentsDir);
    };
    this.disposables.push(incidents.onDidChange(startWhenOpen));
    startWhenOpen();
  }

  /** True once the folder has been read at least once. */
  get loaded(): boolean {
    return this.loadedValue;
  }

  /** The incidents/ folder watched, once known. */
  get folder(): string | undefined {
    return this.dir;
  }

  /** Whether `incidents/<name>` exists (as last read). */
  has(name: string): boolean {
    return this.files.has(name);
  }

  /** Every open action item, by file name then line. */
  followups(): Followup[] {
    return [...this.files.keys()].sort().flatMap((name) => this.files.get(name)!.followups);
  }

  uriOf(name: string): vscode.Uri {
    return vscode.Uri.file(path.join(this.dir ?? '', name));
  }

  /** Reads the folder again now (what the watcher and the timer do); resolves once it is read. */
  refresh(): Promise<void> {
    if (!this.dir) return Promise.resolve();
    if (this.scanning) {
      this.rescan = true;
      return this.scanning;
    }
    this.scanning = this.scan().finally(() => {
      this.scanning = undefined;
      if (this.rescan) {
        this.rescan = false;
        void this.refresh();
      }
    });
    return this.scanning;
  }

  private start(dir: string): void {
    this.dir = dir;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*.md'));
    const soon = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
    };
    this.disposables.push(watcher, watcher.onDidCreate(soon), watcher.onDidChange(soon), watcher.onDidDelete(soon));
    const check = setInterval(() => void this.refresh(), CHECK_MS);
    this.disposables.push({ dispose: () => clearInterval(check) });
    void this.refresh();
  }

  /** Lists the folder; reads only files whose size or time changed. Fires onDidChange on a difference. */
  private async scan(): Promise<void> {
    const dir = this.dir!;
    let names: string[];
    try {
      names = (await fsp.readdir(dir, { withFileTypes: true })).filter((d) => d.isFile() && d.name.endsWith('.md') && !d.name.startsWith('.')).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`reading ${dir}: ${String(e)}`);
      names = [];
    }
    let differs = !this.loadedValue;
    for (const name of [...this.files.keys()]) {
      if (!names.includes(name)) {
        this.files.delete(name);
        differs = true;
      }
    }
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        const st = await fsp.stat(file);
        const signature = `${st.size}:${st.mtimeMs}:${st.ino}`;
        if (this.files.get(name)?.signature === signature) continue;
        const followups = st.size > MAX_POSTMORTEM_BYTES ? [] : openFollowups(name, await fsp.readFile(file, 'utf8'));
        if (st.size > MAX_POSTMORTEM_BYTES) this.log.warn(`${name} is larger than ${MAX_POSTMORTEM_BYTES / 1024 / 1024} MiB: its action items are not listed`);
        this.files.set(name, { signature, followups });
        differs = true;
      } catch (e) {
        // Removed between listing and reading: the next scan drops it.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`reading ${file}: ${String(e)}`);
      }
    }
    this.loadedValue = true;
    if (differs) this.changed.fire();
  }

  dispose(): void {
    clearTimeout(this.timer);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
