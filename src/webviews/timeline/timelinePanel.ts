import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { computeMilestones } from '../../core/incidents/milestones';
import { starredRefs } from '../../core/incidents/keyMoments';
import type { Incident } from '../../core/incidents/model';
import type { SeverityLevel } from '../../core/severity/policy';
import { TIMELINE_FILE } from '../../core/timeline/timelineFile';
import { rowSet, type RowSet } from '../../core/timeline/timelineRows';
import { TimelineTail, type TailDamage, type TailEvent } from '../../core/timeline/timelineTail';
import { formatSpan } from '../../core/timeline/timelineView';
import { joinInside } from '../../core/util/fsSafe';
import type { ComponentLog } from '../../log';
import { WebviewHost } from '../shared/webviewHost';
import { FIRST_ROWS, timelineProtocol, type IncidentInfo, type TimelineToHost, type TimelineToWebview } from './protocol';

/** What a panel needs from the extension. */
export interface TimelineDeps {
  extensionUri: vscode.Uri;
  log: ComponentLog;
  /** The incident as the store has it now (record and folder). */
  incident(id: string): { incident: Incident; dir: string; level: SeverityLevel | undefined; root: string } | undefined;
  onDidChangeIncidents: vscode.Event<void>;
}

/** What the app reported, read by the e2e tests and the benchmark. */
export interface TimelineMetrics {
  /** `at`: epoch ms of the paint (the benchmark times it from its own executeCommand call). */
  painted: { at: number; sinceCommandMs: number; renderedRows: number; totalRows: number; heapBytes: number | null; receivedAt: number; pageAt: number }[];
  /** Key of a row → when (epoch ms) it was first on screen. */
  shown: Map<string, number>;
  /** Each reset sent (epoch ms): when the app said it was ready, and when the first rows were posted. */
  resets: { createdAt: number; readyAt: number | null; sentAt: number; rows: number; total: number }[];
}

interface Built {
  version: number;
  incident: Incident;
  set: RowSet;
  info: IncidentInfo;
  /** The view's order, worked out for a reset only (an update needs none). */
  order?: number[];
}

/** The rows as they were at a reset: the app asks for ranges of them after its first paint. */
interface Snapshot {
  generation: number;
  set: RowSet;
  order: number[];
}

/**
 * One incident's timeline panel: reads timeline.jsonl incrementally (an fs watcher on the folder,
 * so an append from another window, the CLI or a git pull shows within milliseconds), builds the
 * rows and sends what changed. Stars and notes go through the same commands as the palette.
 */
export class TimelinePanel implements vscode.Disposable {
  private readonly host: WebviewHost<TimelineToHost, TimelineToWebview>;
  private readonly tail: TimelineTail;
  private events: TailEvent[] = [];
  private damaged: TailDamage[] = [];
  /** starred/milestone of each row the webview has (or will have, from the snapshot), to send only what changed. */
  private sent = new Map<string, string>();
  private snapshot: Snapshot | undefined;
  private generation = 0;
  private readyAt: number | null = null;
  private readonly createdAt = Date.now();
  /** Bumped by every read that brought something: `built` is for one version. */
  private version = 0;
  private built: Built | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private again = false;
  private pendingRead = false;
  readonly metrics: TimelineMetrics = { painted: [], shown: new Map(), resets: [] };
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(readonly panel: vscode.WebviewPanel, readonly incidentId: string, private readonly deps: TimelineDeps, private commandAt: number | null) {
    const found = deps.incident(incidentId);
    this.tail = new TimelineTail(path.join(found?.dir ?? '', TIMELINE_FILE));
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'incident-desk.svg');
    panel.title = `Timeline: ${found?.incident.title ?? incidentId}`;
    this.host = new WebviewHost<TimelineToHost, TimelineToWebview>({
      panel,
      extensionUri: deps.extensionUri,
      protocol: timelineProtocol,
      title: panel.title,
      log: deps.log,
      onReady: () => {
        this.readyAt = Date.now();
        void this.resetView();
      },
      handlers: {
        star: async ({ ref, star }) => ({ ok: typeof (await vscode.commands.executeCommand(star ? 'incidentDesk.incident.starEvent' : 'incidentDesk.incident.unstarEvent', { incidentId, ref })) === 'string' }),
        addNote: async ({ text, occurredAt }) => ({ ok: typeof (await vscode.commands.executeCommand('incidentDesk.incident.addNote', { incidentId, text, ...(occurredAt ? { occurredAt } : {}) })) === 'string' }),
        exportMarkdown: async ({ markdown, to }) => {
          if (to === 'clipboard') {
            await vscode.env.clipboard.writeText(markdown);
            void vscode.window.setStatusBarMessage('$(copy) Timeline copied as markdown', 4000);
          } else {
            await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown }), { viewColumn: vscode.ViewColumn.Beside });
          }
          return {};
        },
        openRunbook: async ({ path: p, line }) => {
          await this.openRunbook(p, line);
          return {};
        },
        openFile: () => void vscode.commands.executeCommand('incidentDesk.incident.openTimelineFile', incidentId),
        rows: ({ generation, from, count }) => {
          const s = this.snapshot;
          if (!s || s.generation !== generation) return { rows: [], stale: true };
          return { rows: s.order.slice(from, from + count).map((i) => s.set.row(i)), stale: false };
        },
        painted: (p) => {
          this.metrics.painted.push(p);
          deps.log.info(`timeline ${incidentId}: first ${p.renderedRows} of ${p.totalRows} rows painted ${p.sinceCommandMs.toFixed(0)} ms after the command`);
        },
        shown: ({ key, at }) => {
          if (!this.metrics.shown.has(key)) this.metrics.shown.set(key, at);
        },
      },
    });
    this.disposables.push(this.host, panel.onDidDispose(() => this.dispose()));
    this.disposables.push(deps.onDidChangeIncidents(() => this.scheduleRead()));
    this.startWatching(found?.dir);
    // Read the file while the webview loads its page: the rows are ready when it says it is.
    this.scheduleRead();
  }

  /** Violations the app reported (tests expect none). */
  get cspViolations() {
    return this.host.cspViolations;
  }

  /** Brings the panel forward; a fresh command time measures the next paint. */
  reveal(commandAt: number): void {
    this.panel.reveal();
    this.commandAt = commandAt;
  }

  private startWatching(dir: string | undefined): void {
    if (!dir) return;
    try {
      // The folder, not the file: a git checkout replaces the file, which a file watch would lose.
      this.watcher = watch(dir, (_event, name) => {
        if (!name || name === TIMELINE_FILE) this.scheduleRead();
      });
      this.watcher.on('error', () => undefined);
    } catch (e) {
      this.deps.log.warn(`timeline ${this.incidentId}: cannot watch ${dir}: ${String(e)}`);
    }
    // In case a change slipped past the watcher (network folders, some editors' saves).
    this.poll = setInterval(() => this.scheduleRead(), 2000);
  }

  /** One read at a time; changes arriving meanwhile cause one more read after it. */
  private scheduleRead(): void {
    if (this.pendingRead) {
      this.again = true;
      return;
    }
    this.pendingRead = true;
    this.reading = this.reading.then(async () => {
      do {
        this.again = false;
        await this.readAndSend(false).catch((e) => this.deps.log.warn(`timeline ${this.incidentId}: ${String(e)}`));
      } while (this.again);
      this.pendingRead = false;
    });
  }

  private async resetView(): Promise<void> {
    this.reading = this.reading.then(() => this.readAndSend(true)).catch((e) => this.deps.log.warn(`timeline ${this.incidentId}: ${String(e)}`));
    await this.reading;
  }

  private async readAndSend(forceReset: boolean): Promise<void> {
    const read = await this.tail.read();
    if (read.reset) {
      this.events = read.events;
      this.damaged = read.damaged;
    } else {
      this.events.push(...read.events);
      this.damaged.push(...read.damaged);
    }
    if (read.reset || read.events.length || read.damaged.length) this.version++;
    const found = this.deps.incident(this.incidentId);
    if (!found) return;
    if (found.incident.title) this.panel.title = `Timeline: ${found.incident.title}`;
    // Not ready yet (the page is loading): build now, so the first rows go out as soon as it is.
    const built = this.build(found);
    const { set, info } = built;
    if (!this.host.isReady) {
      built.order ??= set.order();
      return;
    }
    if (forceReset || read.reset) {
      // The first screenful now; the app asks for the rest (the `rows` request) once it painted them.
      const order = (built.order ??= set.order());
      const snapshot: Snapshot = { generation: ++this.generation, set, order };
      this.snapshot = snapshot;
      const rows = order.slice(0, FIRST_ROWS).map((i) => set.row(i));
      this.host.peer.notify('reset', { incident: info, rows, total: order.length, generation: snapshot.generation, commandAt: this.commandAt });
      this.metrics.resets.push({ createdAt: this.createdAt, readyAt: this.readyAt, sentAt: Date.now(), rows: rows.length, total: order.length });
      this.commandAt = null;
      this.sent = new Map(order.map((i) => [set.key(i), set.sig(i)]));
      return;
    }
    const upsert = [];
    const added: string[] = [];
    for (let i = 0; i < set.size; i++) {
      const key = set.key(i);
      const sig = set.sig(i);
      const was = this.sent.get(key);
      if (was === sig) continue;
      if (was === undefined) added.push(key);
      this.sent.set(key, sig);
      upsert.push(set.row(i));
    }
    if (upsert.length === 0 && read.events.length === 0) return;
    this.host.peer.notify('update', { incident: info, upsert, added });
  }

  /** The rows and header of the events read so far, kept until another read brings more (or the record changed). */
  private build(found: NonNullable<ReturnType<TimelineDeps['incident']>>): Built {
    const b = this.built;
    if (b && b.version === this.version && b.incident === found.incident) return b;
    const { set, info } = this.buildNow(found);
    this.built = { version: this.version, incident: found.incident, set, info };
    return this.built;
  }

  private buildNow(found: NonNullable<ReturnType<TimelineDeps['incident']>>): { set: RowSet; info: IncidentInfo } {
    const ordered = [...this.events].sort((a, b) => (a.event.ts < b.event.ts ? -1 : a.event.ts > b.event.ts ? 1 : a.seq - b.seq));
    const events = ordered.map((e) => e.event);
    const m = computeMilestones(found.incident, events, found.level, Date.now());
    const set = rowSet({
      events, refs: ordered.map((e) => e.ref), seqs: ordered.map((e) => e.seq), damaged: [...this.damaged],
      starred: starredRefs(events), milestones: m,
    });
    const i = found.incident;
    const targets: IncidentInfo['targets'] = [];
    if (m.acknowledgement) {
      const a = m.acknowledgement;
      targets.push({ name: 'Acknowledge', state: a.state, detail: `target ${a.targetMinutes} min${a.afterMs !== null ? `, took ${formatSpan(a.afterMs)}` : ''}` });
    }
    if (m.updateCadence) {
      const c = m.updateCadence;
      targets.push({ name: 'Updates', state: c.state, detail: `every ${c.targetMinutes} min; ${c.updates} sent, longest gap ${formatSpan(c.longestGapMs)}${c.missed.length ? `, ${c.missed.length} missed` : ''}` });
    }
    const info: IncidentInfo = {
      id: i.id, title: i.title, severity: i.severity, status: i.status, declaredAt: i.declaredAt, targets,
      milestones: m.reached.map((r, k) => ({ kind: r.kind, at: r.at, afterMs: r.afterMs, sincePreviousMs: k === 0 ? null : r.afterMs - m.reached[k - 1].afterMs })),
    };
    return { set, info };
  }

  /** A runbook path from the file: inside the workspace, or `extension:` for a shipped one; nothing else. */
  private async openRunbook(p: string, line: number): Promise<void> {
    const found = this.deps.incident(this.incidentId);
    if (!found) return;
    const file = p.startsWith('extension:') ? joinInside(this.deps.extensionUri.fsPath, p.slice('extension:'.length)) : joinInside(found.root, p);
    const pos = new vscode.Position(line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(pos, pos), preview: false });
  }

  dispose(): void {
    this.watcher?.close();
    clearInterval(this.poll);
    const ds = this.disposables.splice(0);
    vscode.Disposable.from(...ds).dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }
}
