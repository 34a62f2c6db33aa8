import * as vscode from 'vscode';
import type { BrokenIncident, LoadedIncident } from '../core/incidents/incidentLoader';
import { STATUS_LABELS, type Incident } from '../core/incidents/model';
import { severityRank } from '../core/severity/policy';
import { formatDuration } from '../core/util/time';
import type { IncidentsController } from '../incidents/incidentsController';
import { describeSla, incidentTooltip, severityIcon } from './incidentPresentation';
import { readPostmortemDueHours } from '../config/settings';
import type { PostmortemFiles } from '../postmortems/postmortemFiles';
import { postmortemDueMark, type PostmortemDueMark } from './postmortemDue';

export type IncidentNode =
  | { kind: 'incident'; incidentId: string; entry: LoadedIncident }
  | { kind: 'unsaved'; incidentId: string; incident: Incident }
  | { kind: 'broken'; incidentId: string; broken: BrokenIncident }
  | { kind: 'folderProblem'; message: string }
  | { kind: 'resolvedGroup'; count: number };

/** The Incidents view: active first (most severe, oldest), then problems, then a collapsed Resolved group. */
export class IncidentsTreeProvider implements vscode.TreeDataProvider<IncidentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<IncidentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly tickSubscription: vscode.Disposable;
  private readonly postmortemSubscription: vscode.Disposable | undefined;

  /** `postmortems`: which post-mortems exist, for "post-mortem due" (redrawn when one appears). */
  constructor(private readonly incidents: IncidentsController, private readonly postmortems?: PostmortemFiles) {
    this.subscription = incidents.onDidChange(() => this.changed.fire(undefined));
    this.tickSubscription = incidents.onDidTick(() => this.changed.fire(undefined));
    this.postmortemSubscription = postmortems?.onDidChange(() => this.changed.fire(undefined));
  }

  /** The "post-mortem due" mark of a resolved incident, when one is owed and not written. */
  postmortemDue(incident: Incident, now = Date.now()): PostmortemDueMark | undefined {
    const files = this.postmortems;
    if (!files?.loaded) return undefined;
    return postmortemDueMark(incident, this.incidents.policy, readPostmortemDueHours(), (name) => files.has(name), now);
  }

  getChildren(node?: IncidentNode): IncidentNode[] {
    const store = this.incidents.store;
    if (!store) return [];
    if (node?.kind === 'resolvedGroup') return this.incidents.resolved().map((entry) => ({ kind: 'incident', incidentId: entry.id, entry }));
    if (node) return [];
    const roots: IncidentNode[] = [];
    if (store.problem) roots.push({ kind: 'folderProblem', message: store.problem });
    for (const incident of store.unsavedDeclarations()) roots.push({ kind: 'unsaved', incidentId: incident.id, incident });
    for (const entry of this.incidents.active()) roots.push({ kind: 'incident', incidentId: entry.id, entry });
    for (const e of store.list()) if (e.kind === 'broken') roots.push({ kind: 'broken', incidentId: e.id, broken: e });
    const resolved = this.incidents.resolved().length;
    if (resolved) roots.push({ kind: 'resolvedGroup', count: resolved });
    return roots;
  }

  getTreeItem(node: IncidentNode): vscode.TreeItem {
    const now = Date.now();
    switch (node.kind) {
      case 'incident': return this.incidentItem(node.entry, now);
      case 'unsaved': {
        const item = new vscode.TreeItem(node.incident.title);
        item.id = `unsaved:${node.incidentId}`;
        item.description = `${node.incident.severity} · not saved yet`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.tooltip = `Declared, but incidents/ refused the write. It is kept in memory and retried; run "Incident: Retry Unsaved Events" once the folder is writable.`;
        item.contextValue = 'incidentUnsaved';
        return item;
      }
      case 'broken': {
        const b = node.broken;
        const where = b.line ? `:${b.line}:${b.column ?? 1}` : '';
        const file = b.file.split(/[\\/]/).pop() ?? b.file;
        const item = new vscode.TreeItem(b.id);
        item.id = `broken:${b.id}`;
        item.description = `${file}${where} ${b.message}`;
        item.tooltip = `${b.file}${where}\n${b.message}\n\nFix the file; the view reloads by itself.`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.contextValue = 'incidentBroken';
        item.command = { command: 'incidentDesk.incident.openRecord', title: 'Open', arguments: [{ broken: { file: b.file, line: b.line, column: b.column } }] };
        return item;
      }
      case 'folderProblem': {
        const item = new vscode.TreeItem('incidents/ cannot be used');
        item.description = node.message;
        item.tooltip = node.message;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        return item;
      }
      case 'resolvedGroup': {
        const item = new vscode.TreeItem('Resolved', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'resolvedGroup';
        // Post-mortems owed show on the collapsed group too, not only inside it.
        const owed = this.incidents.resolved().map((e) => this.postmortemDue(e.incident, now)).filter((m) => !!m);
        const overdue = owed.filter((m) => m.overdue).length;
        item.description = [String(node.count), owed.length ? `${owed.length} post-mortem${owed.length === 1 ? '' : 's'} due` : '', overdue ? `${overdue} overdue` : ''].filter(Boolean).join(' · ');
        item.iconPath = overdue ? new vscode.ThemeIcon('notebook', new vscode.ThemeColor('list.errorForeground')) : owed.length ? new vscode.ThemeIcon('notebook', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('pass');
        item.contextValue = 'resolvedGroup';
        return item;
      }
    }
  }

  private incidentItem(entry: LoadedIncident, now: number): vscode.TreeItem {
    const { incident } = entry;
    const level = this.incidents.level(incident);
    const { sla, short } = describeSla(incident, level, now);
    const item = new vscode.TreeItem(incident.title);
    item.id = `incident:${entry.id}`;
    const store = this.incidents.store!;
    const pending = store.unsavedFor(entry.id).length;
    const parts = [incident.severity, STATUS_LABELS[incident.status], formatDuration(sla.elapsedMs)];
    if (incident.status !== 'resolved' && short) parts.push(sla.worst === 'breached' ? `⚠ ${short}` : short);
    const owed = this.postmortemDue(incident, now);
    if (owed) parts.push(owed.overdue ? `⚠ ${owed.short}` : owed.short);
    if (pending) parts.push(`${pending} unsaved`);
    item.description = parts.join(' · ');
    item.tooltip = incidentTooltip(incident, level, now, { pending, damaged: entry.problems.length });
    if (owed) item.tooltip.appendMarkdown('\n\n$(notebook) ').appendText(owed.detail);
    item.iconPath = owed ? owed.icon : incident.status === 'resolved'
      ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green'))
      : severityIcon(severityRank(this.incidents.policy, incident.severity), !!level);
    item.contextValue = incident.status === 'resolved' ? 'incident:resolved' : incident.acknowledgedAt ? 'incident:active:acknowledged' : 'incident:active:unacknowledged';
    // A click (or Enter) on the row opens its timeline.
    item.command = { command: 'incidentDesk.incident.openTimeline', title: 'Open Timeline', arguments: [entry.id] };
    item.accessibilityInformation = { label: `${incident.title}, ${level?.label ?? incident.severity} severity, ${STATUS_LABELS[incident.status]}, ${formatDuration(sla.elapsedMs)} elapsed${short ? `, ${short}` : ''}${owed ? `, ${owed.short}` : ''}` };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.tickSubscription.dispose();
    this.postmortemSubscription?.dispose();
    this.changed.dispose();
  }
}
