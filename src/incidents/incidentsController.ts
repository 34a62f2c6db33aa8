import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FilePendingPersistence } from '../core/incidents/pendingEvents';
import { IncidentStore, INCIDENTS_FOLDER } from '../core/incidents/incidentStore';
import type { LoadedIncident } from '../core/incidents/incidentLoader';
import { isActive, type Incident } from '../core/incidents/model';
import { StoreError } from '../core/incidents/storeErrors';
import { findLevel, severityRank, type SeverityLevel, type SeverityPolicy } from '../core/severity/policy';
import { defaultActorName } from '../services/identity/actorName';
import { readActorSetting, readPolicy, readRedactPatterns } from '../config/settings';
import type { RedactOptions } from '../core/redaction/redact';
import type { ComponentLog } from '../log';

const FOCUS_KEY = 'incidentDesk.focusedIncident';
const LAST_SERVICE_KEY = 'incidentDesk.lastService';
/** How often changes the disk refused are tried again. */
const RETRY_MS = 15_000;
/** How often the files are compared with what was read, in case the file watcher missed an event. */
const CHECK_MS = 2_000;

/**
 * The extension's view of the workspace's incidents: owns the store, the file watcher, the severity
 * policy and which incident is focused. Views and commands read from here and listen to onDidChange.
 */
export class IncidentsController implements vscode.Disposable {
  private storeInstance: IncidentStore | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly clock = new vscode.EventEmitter<void>();
  /** Time passed (elapsed times and SLA states may read differently); the data did not change. */
  readonly onDidTick = this.clock.event;
  private policyValue: SeverityPolicy;
  private actorName: Promise<string> | undefined;
  private readonly reloadTimers = new Map<string, NodeJS.Timeout>();
  private retryTimer: NodeJS.Timeout | undefined;
  private pendingFileValue: string | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: ComponentLog) {
    this.policyValue = readPolicy();
    this.disposables.push(this.changed, this.clock);
  }

  private started: Promise<void> | undefined;

  /** Opens the store once; commands wait for it, so one run right after activation finds the store. */
  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  /** Opens the store for the workspace (the first folder holding incidents/, else the first folder). */
  private async open(): Promise<void> {
    const folder = await this.pickFolder();
    void vscode.commands.executeCommand('setContext', 'incidentDesk.noFolder', !folder);
    if (!folder) {
      void vscode.commands.executeCommand('setContext', 'incidentDesk.loaded', true);
      return;
    }
    const root = folder.uri.fsPath;
    // Changes the disk refused are kept outside the workspace (it may be what refuses), one file per
    // folder, so a reload or a closed window does not lose them; restored and retried below.
    const storage = (this.context.storageUri ?? this.context.globalStorageUri).fsPath;
    this.pendingFileValue = path.join(storage, `pending-events-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.json`);
    const pending = new FilePendingPersistence(this.pendingFileValue, root);
    const store = new IncidentStore({ root, log: (level, m) => this.log[level](m), pending, redaction: () => this.redaction() });
    this.storeInstance = store;
    this.disposables.push({ dispose: () => store.dispose() });
    this.disposables.push(store.onDidChange(() => this.onStoreChanged()));
    this.disposables.push(store.onDidFindDamage(({ id, problems }) => {
      const p = problems[0];
      void vscode.window.showWarningMessage(
        `Incident ${id}: ${problems.length} timeline line(s) could not be read (${p.message}, line ${p.line}). They were copied to timeline.damaged.jsonl; the file itself is left as it is.`,
        'Open Timeline',
      ).then((pick) => pick && this.openFile(vscode.Uri.joinPath(folder.uri, INCIDENTS_FOLDER, id, 'timeline.jsonl'), p.line, p.column));
    }));
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${INCIDENTS_FOLDER}/**`));
    const onFs = (uri: vscode.Uri) => this.scheduleReload(folder.uri, uri);
    this.disposables.push(watcher, watcher.onDidChange(onFs), watcher.onDidCreate(onFs), watcher.onDidDelete(onFs));
    // The watcher misses changes in folders created in a burst (a git pull bringing a new incident
    // folder); a cheap stat comparison catches them.
    const check = setInterval(() => void store.checkForChanges().catch((e) => this.log.warn(`checking for changes: ${String(e)}`)), CHECK_MS);
    this.disposables.push({ dispose: () => clearInterval(check) });
    await store.loadAll();
    const left = await store.restorePending();
    if (left) this.log.warn(`${left} change(s) kept from an earlier session still cannot be written; retried every ${RETRY_MS / 1000} s`);
  }

  private async pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const f of folders) {
      try {
        await vscode.workspace.fs.stat(vscode.Uri.joinPath(f.uri, INCIDENTS_FOLDER));
        return f;
      } catch {
        // not this one
      }
    }
    return folders.find((f) => f.uri.scheme === 'file');
  }

  /** External edits (git pull, another window) arrive here; reads are debounced per incident. */
  private scheduleReload(root: vscode.Uri, uri: vscode.Uri): void {
    const rel = uri.path.slice(vscode.Uri.joinPath(root, INCIDENTS_FOLDER).path.length + 1);
    const id = rel.split('/')[0];
    const key = id && rel.includes('/') ? id : '*';
    if (id.startsWith('.') && key !== '*') return; // temp files of atomic writes
    clearTimeout(this.reloadTimers.get(key));
    this.reloadTimers.set(key, setTimeout(() => {
      this.reloadTimers.delete(key);
      const store = this.storeInstance;
      if (!store) return;
      (key === '*' ? store.loadAll() : store.reload(key)).catch((e) => this.log.error(`reloading ${key}: ${String(e)}`));
    }, 150));
  }

  private onStoreChanged(): void {
    const store = this.storeInstance!;
    void vscode.commands.executeCommand('setContext', 'incidentDesk.loaded', store.loaded);
    void vscode.commands.executeCommand('setContext', 'incidentDesk.hasIncidents', store.list().length > 0 || store.unsavedDeclarations().length > 0 || !!store.problem);
    // Only what the disk refused: a write still under way is neither unsaved nor worth a retry.
    const pending = store.unsavedFor().length > 0;
    void vscode.commands.executeCommand('setContext', 'incidentDesk.hasPendingWrites', pending);
    // Changes the disk refused are retried on their own until they are saved.
    if (pending && !this.retryTimer) {
      this.retryTimer = setInterval(() => void store.retryPending().catch((e) => this.log.warn(`retry: ${String(e)}`)), RETRY_MS);
    } else if (!pending && this.retryTimer) {
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.changed.fire();
  }

  /** Where refused changes are kept between sessions (in the extension's storage); read by the integration tests. */
  get pendingFile(): string | undefined {
    return this.pendingFileValue;
  }

  /** Options for redactText (the team's patterns, read now), for text written or copied outside the store. */
  redaction(): RedactOptions {
    return { patterns: readRedactPatterns() };
  }

  get store(): IncidentStore | undefined {
    return this.storeInstance;
  }

  requireStore(): IncidentStore {
    if (!this.storeInstance) throw new StoreError('noWorkspace', 'Open a folder first: incidents are kept as files in the workspace, under incidents/.');
    return this.storeInstance;
  }

  get policy(): SeverityPolicy {
    return this.policyValue;
  }

  reloadPolicy(): void {
    this.policyValue = readPolicy();
    this.changed.fire();
  }

  level(incident: Incident): SeverityLevel | undefined {
    return findLevel(this.policyValue, incident.severity);
  }

  /** Active incidents, most severe first, then oldest first. */
  active(): LoadedIncident[] {
    return this.loaded().filter((e) => isActive(e.incident)).sort((a, b) =>
      severityRank(this.policyValue, a.incident.severity) - severityRank(this.policyValue, b.incident.severity) ||
      a.incident.declaredAt.localeCompare(b.incident.declaredAt));
  }

  resolved(): LoadedIncident[] {
    return this.loaded().filter((e) => !isActive(e.incident)).sort((a, b) => (b.incident.resolvedAt ?? '').localeCompare(a.incident.resolvedAt ?? ''));
  }

  private loaded(): LoadedIncident[] {
    return (this.storeInstance?.list() ?? []).filter((e): e is LoadedIncident => e.kind === 'incident');
  }

  /** The incident the status bar follows: the one the user focused, else the most severe active one. */
  focused(): LoadedIncident | undefined {
    const id = this.context.workspaceState.get<string>(FOCUS_KEY);
    const active = this.active();
    return active.find((e) => e.id === id) ?? active[0];
  }

  async setFocus(id: string): Promise<void> {
    await this.context.workspaceState.update(FOCUS_KEY, id);
    this.changed.fire();
  }

  /** The service named in the last declaration, offered as the default next time. */
  get lastService(): string | undefined {
    return this.context.workspaceState.get<string>(LAST_SERVICE_KEY);
  }

  set lastService(value: string | undefined) {
    void this.context.workspaceState.update(LAST_SERVICE_KEY, value || undefined);
  }

  /** Name recorded on events: the setting, else git's global user.name, else the OS user. */
  async actor(): Promise<string> {
    const configured = readActorSetting();
    if (configured) return configured;
    this.actorName ??= defaultActorName();
    return this.actorName;
  }

  async openFile(uri: vscode.Uri, line?: number, column?: number): Promise<void> {
    const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: false });
  }

  /** Fires onDidTick for clock-driven refreshes (elapsed time, SLA state). */
  tick(): void {
    this.clock.fire();
  }

  dispose(): void {
    for (const t of this.reloadTimers.values()) clearTimeout(t);
    clearInterval(this.retryTimer);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
