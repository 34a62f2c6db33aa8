import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Runbook, RunbookDiagnostic } from '../core/runbooks/model';
import { RunbookIndex, runbookFolderGlob } from '../core/runbooks/runbookIndex';
import { runbookFormat } from '../core/runbooks/runbookFile';
import { unknownSeverities } from '../core/runbooks/severityCheck';
import { readRunbookFolders, SETTINGS } from '../config/settings';
import type { ComponentLog } from '../log';
import { setWalkthroughKey, WALKTHROUGH_KEYS } from '../walkthrough/walkthroughKeys';

/**
 * How long after a listing that found new files to list again: longer than the file watcher takes
 * to batch and deliver events (its create+delete netting window), short enough to look immediate.
 */
const VERIFY_AFTER_MS = 1_000;

/** Where a runbook came from: the extension's own set, or a workspace folder of the user's. */
export interface RunbookSource {
  runbook: Runbook;
  origin: 'extension' | 'workspace';
  /** Stable id for timelines and done-marks: workspace-relative path, or `extension:<name>`. */
  ref: string;
}

/**
 * The runbooks: the ones shipped with the extension merged with the workspace's runbook folders,
 * indexed once and kept current by a watcher; problems go to the Problems panel.
 */
export class RunbooksController implements vscode.Disposable {
  private readonly index = new RunbookIndex();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('incidentDesk.runbooks');
  private watchers: vscode.Disposable[] = [];
  private started: Promise<void> | undefined;
  private parsing: Promise<void> = Promise.resolve();
  /** Bumped by every reindex, so a superseded background parse stops. */
  private generation = 0;
  private sources: RunbookSource[] = [];
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  private verifyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly extensionRoot: string, private readonly log: ComponentLog, private readonly severityIds: () => string[]) {
    this.disposables.push(this.changed, this.diagnostics);
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.runbookFolders}`)) void this.reindex();
    }));
  }

  /**
   * Lists the runbooks on first use (the Runbooks view showing, a suggestion), not at activation:
   * resolves once every runbook has its title; their full parse goes on in the background
   * (`parsed()`).
   */
  ready(): Promise<void> {
    this.started ??= this.reindex();
    return this.started;
  }

  /** Resolves when every listed runbook is fully parsed (sections, steps, diagnostics). */
  async parsed(): Promise<void> {
    await this.ready();
    await this.parsing;
  }

  /** A runbook with its sections and steps: parsed now if it was only listed. */
  async full(source: RunbookSource): Promise<RunbookSource> {
    if (!source.runbook.partial) return source;
    const runbook = await this.index.full(source.runbook.file);
    return runbook ? { ...source, runbook } : source;
  }

  /** Re-checks diagnostics that depend on settings (the severity policy changed). */
  recheck(): void {
    if (this.started) void this.started.then(() => this.refreshSources());
  }

  all(): RunbookSource[] {
    return this.sources;
  }

  private folders(): { extension: string; workspace: string[] } {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return {
      extension: path.join(this.extensionRoot, 'runbooks'),
      workspace: root ? readRunbookFolders().map((f) => path.join(root, f)) : [],
    };
  }

  async reindex(): Promise<void> {
    this.watch();
    await this.load();
  }

  /** Lists the runbook folders again (unchanged files are not re-read) and parses what is new. */
  private async load(): Promise<void> {
    const { extension, workspace } = this.folders();
    const generation = ++this.generation;
    const known = new Set(this.index.all().map((r) => r.file));
    try {
      await this.index.catalog([extension, ...workspace]);
    } catch (e) {
      this.log.error(`indexing runbooks: ${String(e)}`);
    }
    // A file found by this listing may be deleted again before the watcher reports it at all: the
    // watcher nets a create and a delete that come close together into nothing (seen when a folder
    // is made and removed within a tenth of a second), so no delete would ever reach us. Listing
    // once more after that window has passed drops it; a delete after the window is reported.
    if (this.index.all().some((r) => !known.has(r.file))) {
      clearTimeout(this.verifyTimer);
      this.verifyTimer = setTimeout(() => { this.verifyTimer = undefined; void this.load(); }, VERIFY_AFTER_MS);
    }
    this.refreshSources();
    // The rest of each runbook in slices of a few milliseconds: the extension host stays
    // responsive with a thousand runbooks, and the view fills in (diagnostics, suggestions) after.
    this.parsing = this.index.parseRemaining({ sliceMs: 8, isCancelled: () => generation !== this.generation }).then(
      (n) => { if (n > 0 && generation === this.generation) this.refreshSources(); },
      (e: unknown) => this.log.error(`parsing runbooks: ${String(e)}`),
    );
  }

  private refreshSources(): void {
    const { extension } = this.folders();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    const sources: RunbookSource[] = [];
    this.diagnostics.clear();
    for (const runbook of this.index.all()) {
      // A folder's README describes the runbooks; it is not one.
      if (/^readme\.(md|markdown)$/i.test(path.basename(runbook.file))) continue;
      const fromExtension = runbook.file.startsWith(extension + path.sep);
      const ref = fromExtension ? `extension:${path.relative(extension, runbook.file).split(path.sep).join('/')}` : path.relative(root, runbook.file).split(path.sep).join('/');
      sources.push({ runbook, origin: fromExtension ? 'extension' : 'workspace', ref });
      if (!fromExtension) {
        const problems = [...runbook.diagnostics, ...unknownSeverities(runbook, this.severityIds())];
        if (problems.length) this.diagnostics.set(vscode.Uri.file(runbook.file), problems.map(toDiagnostic));
      }
    }
    // The team's own runbooks first, then the shipped ones; each group by title.
    this.sources = sources.sort((a, b) => (a.origin === b.origin ? a.runbook.title.localeCompare(b.runbook.title) : a.origin === 'workspace' ? -1 : 1));
    void vscode.commands.executeCommand('setContext', 'incidentDesk.runbooksLoaded', true);
    void vscode.commands.executeCommand('setContext', 'incidentDesk.hasRunbooks', sources.length > 0);
    setWalkthroughKey(WALKTHROUGH_KEYS.workspaceRunbooks, sources.some((s) => s.origin === 'workspace'));
    this.changed.fire();
  }

  /**
   * One watcher per runbook folder, on the folder, its files and its parent folders: a folder that
   * does not exist yet (docs/runbooks made after start), is deleted and made again, or arrives
   * whole (moved in, unpacked: one event for the folder, none for the files in it) is seen. A
   * runbook file event re-reads that file; any other (a folder) lists the folders again.
   */
  private watch(): void {
    vscode.Disposable.from(...this.watchers).dispose();
    this.watchers = [];
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    for (const rel of readRunbookFolders()) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, runbookFolderGlob(rel)));
      const update = (uri: vscode.Uri) => {
        if (!isRunbookFile(uri)) return this.rescanSoon();
        void this.index.update(uri.fsPath).then(() => this.refreshSources(), (e: unknown) => this.log.warn(`re-reading ${uri.fsPath}: ${String(e)}`));
      };
      const remove = (uri: vscode.Uri) => {
        // A deleted folder may come as one event, without one per file in it.
        if (isRunbookFile(uri)) this.index.remove(uri.fsPath);
        else {
          this.index.removeFolder(uri.fsPath);
          // A listing or re-read already under way may bring its files back: list once more after.
          this.rescanSoon();
        }
        this.refreshSources();
      };
      this.watchers.push(watcher, watcher.onDidCreate(update), watcher.onDidChange((uri) => isRunbookFile(uri) && update(uri)), watcher.onDidDelete(remove));
    }
  }

  /** A burst of folder events (a tree copied in) lists the folders once, after it. */
  private rescanSoon(): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = undefined;
      void this.load();
    }, 100);
  }

  dispose(): void {
    clearTimeout(this.rescanTimer);
    clearTimeout(this.verifyTimer);
    vscode.Disposable.from(...this.watchers, ...this.disposables).dispose();
  }
}

function isRunbookFile(uri: vscode.Uri): boolean {
  return runbookFormat(uri.fsPath) !== undefined;
}

function toDiagnostic(d: RunbookDiagnostic): vscode.Diagnostic {
  const pos = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const diag = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, 1)), d.message, severity);
  diag.source = 'Incident Desk';
  return diag;
}
