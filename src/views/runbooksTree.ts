import * as vscode from 'vscode';
import type { ChecklistItem, RunbookSection, RunbookStep } from '../core/runbooks/model';
import { doneKeys, stepKey } from '../core/runbooks/runbookEvents';
import { suggestRunbooks } from '../core/runbooks/suggest';
import type { IncidentsController } from '../incidents/incidentsController';
import type { RunbookSource, RunbooksController } from '../runbooks/runbooksController';

export type RunbookNode =
  | { kind: 'suggestions'; incidentTitle: string; sources: RunbookSource[] }
  | { kind: 'runbook'; source: RunbookSource; suggested?: boolean }
  | { kind: 'section'; source: RunbookSource; section: RunbookSection }
  | { kind: 'step'; source: RunbookSource; section: RunbookSection; step: RunbookStep }
  | { kind: 'check'; source: RunbookSource; section: RunbookSection; item: ChecklistItem };

export interface RunbookFilter {
  text?: string;
  severity?: string;
}

/** The Runbooks view: suggestions for the focused incident, then runbook → sections → steps. */
export class RunbooksTreeProvider implements vscode.TreeDataProvider<RunbookNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunbookNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private filterValue: RunbookFilter = {};
  /** Done-marks of the focused incident, computed once per refresh (not once per row). */
  private doneCache: Set<string> | undefined;

  constructor(private readonly runbooks: RunbooksController, private readonly incidents: IncidentsController) {
    this.subscriptions = [runbooks.onDidChange(() => this.refresh()), incidents.onDidChange(() => this.refreshIfShownChanged())];
  }

  /** What this view shows of the incidents: the focused one's suggestion inputs and its done-marks. */
  private shownKey: string | undefined;

  /**
   * An incident store change (any incident, a re-read after our own write, a stat check) refreshes
   * the view only when what it shows of the focused incident changed. A refresh re-creates every
   * row: an inline button clicked during one can reach its command with no row at all.
   */
  private refreshIfShownChanged(): void {
    const f = this.incidents.focused();
    const key = f ? JSON.stringify([f.id, f.incident.title, f.incident.summary, f.incident.service, f.incident.status, f.events.length]) : '';
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.refresh();
  }

  refresh(): void {
    this.doneCache = undefined;
    this.changed.fire(undefined);
  }

  get filter(): RunbookFilter {
    return this.filterValue;
  }

  setFilter(filter: RunbookFilter): void {
    this.filterValue = filter;
    void vscode.commands.executeCommand('setContext', 'incidentDesk.runbooksFiltered', !!(filter.text || filter.severity));
    this.refresh();
  }

  async getChildren(node?: RunbookNode): Promise<RunbookNode[]> {
    if (!node) {
      const filtered = !!(this.filterValue.text || this.filterValue.severity);
      // A filter looks inside sections and steps: it waits for the full parse. Without one, the
      // runbooks show as soon as they are listed; suggestions join when they are parsed (the view
      // refreshes then).
      await (filtered ? this.runbooks.parsed() : this.runbooks.ready());
      const roots: RunbookNode[] = [];
      const focused = this.incidents.focused();
      const parsed = this.runbooks.all().every((s) => !s.runbook.partial);
      if (focused && !filtered && parsed) {
        const picks = suggestRunbooks(focused.incident, this.runbooks.all().map((s) => s.runbook));
        const sources = picks.map((p) => this.runbooks.all().find((s) => s.runbook === p.runbook)!).filter(Boolean);
        if (sources.length) roots.push({ kind: 'suggestions', incidentTitle: focused.incident.title, sources });
      }
      for (const source of this.runbooks.all()) if (this.matchesRunbook(source)) roots.push({ kind: 'runbook', source });
      return roots;
    }
    switch (node.kind) {
      case 'suggestions': return node.sources.map((source) => ({ kind: 'runbook', source, suggested: true }));
      case 'runbook': {
        const source = await this.runbooks.full(node.source);
        // The H1 that names the runbook is the runbook row itself: show what is under it.
        const top = source.runbook.sections;
        if (top.length === 1 && top[0].level === 1 && top[0].title === source.runbook.title) {
          return this.getChildren({ kind: 'section', source, section: top[0] });
        }
        return this.sectionChildren(source, top, []);
      }
      case 'section': return this.sectionChildren(node.source, node.section.sections, [
        ...node.section.steps.map((step): RunbookNode => ({ kind: 'step', source: node.source, section: node.section, step })),
        ...node.section.checklist.map((item): RunbookNode => ({ kind: 'check', source: node.source, section: node.section, item })),
      ]);
      default: return [];
    }
  }

  private sectionChildren(source: RunbookSource, sections: readonly RunbookSection[], before: RunbookNode[]): RunbookNode[] {
    // A YAML runbook has one implicit section: show its steps directly under the runbook.
    if (sections.length === 1 && sections[0].level === 0) {
      const s = sections[0];
      return [...before, ...s.steps.map((step): RunbookNode => ({ kind: 'step', source, section: s, step }))];
    }
    return [...before, ...sections.filter((s) => this.matchesSection(source, s)).map((section): RunbookNode => ({ kind: 'section', source, section }))];
  }

  private text(s: RunbookSection): string {
    return [s.title, ...s.steps.flatMap((st) => [st.title, ...st.commands.map((c) => c.run)]), ...s.sections.map((c) => this.text(c))].join('\n').toLowerCase();
  }

  private matchesSection(source: RunbookSource, s: RunbookSection): boolean {
    const { text, severity } = this.filterValue;
    if (severity && s.severity !== severity && !s.sections.some((c) => this.matchesSection(source, c))) return false;
    if (text && !source.runbook.title.toLowerCase().includes(text) && !this.text(s).includes(text)) return false;
    return true;
  }

  private matchesRunbook(source: RunbookSource): boolean {
    const { text, severity } = this.filterValue;
    if (!text && !severity) return true;
    if (severity && source.runbook.severity !== severity && !source.runbook.sections.some((s) => this.matchesSection(source, s))) return false;
    if (text && !source.runbook.title.toLowerCase().includes(text) && !source.runbook.sections.some((s) => this.text(s).includes(text))) return false;
    return true;
  }

  private done(): Set<string> {
    if (!this.doneCache) {
      const focused = this.incidents.focused();
      this.doneCache = focused ? doneKeys(focused.events) : new Set();
    }
    return this.doneCache;
  }

  getTreeItem(node: RunbookNode): vscode.TreeItem {
    switch (node.kind) {
      case 'suggestions': {
        const item = new vscode.TreeItem('Suggested', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'suggestions';
        item.description = `for ${node.incidentTitle}`;
        item.iconPath = new vscode.ThemeIcon('lightbulb');
        item.tooltip = 'Runbooks whose title, services, symptoms or steps share words with the focused incident.';
        return item;
      }
      case 'runbook': {
        const { runbook, origin, ref } = node.source;
        const item = new vscode.TreeItem(runbook.title, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.suggested ? 'suggested:' : ''}runbook:${ref}`;
        item.description = [runbook.severity, origin === 'extension' ? 'built-in' : ref].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(runbook.diagnostics.some((d) => d.severity === 'error') ? 'warning' : 'book');
        item.tooltip = `${runbook.title}\n${origin === 'extension' ? 'Shipped with Incident Desk' : ref}${runbook.symptoms.length ? `\nSymptoms: ${runbook.symptoms.join('; ')}` : ''}`;
        item.contextValue = 'runbook';
        item.resourceUri = vscode.Uri.file(runbook.file);
        return item;
      }
      case 'section': {
        const s = node.section;
        const hasChildren = s.steps.length + s.checklist.length + s.sections.length > 0;
        const item = new vscode.TreeItem(s.title, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `section:${node.source.ref}:${s.line}`;
        item.description = [s.severity, s.steps.length ? `${s.steps.length} step${s.steps.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(s.part === 'symptoms' ? 'search' : s.part === 'prevention' ? 'shield' : 'list-tree');
        item.contextValue = 'runbookSection';
        // A section with steps expands on click, like a runbook; an empty one has nothing to expand.
        if (!hasChildren) item.command = openAtLine(node);
        return item;
      }
      case 'step': {
        const { step } = node;
        const runnable = step.commands.some((c) => c.runnable);
        const done = this.done().has(stepKey({ runbook: node.source.ref, section: node.section.title, step: step.title }));
        const item = new vscode.TreeItem(step.title);
        item.id = `step:${node.source.ref}:${step.line}`;
        // A manual step and text lines have no Run (no `:runnable` in the context value); Mark Done stays.
        const manual = !runnable && step.manual === true;
        const first = step.commands.find((c) => c.runnable) ?? step.commands[0];
        item.description = runnable ? first.run.split('\n')[0] : manual ? 'manual, done by hand' : first ? `${first.text ? 'text' : first.language || 'text'}, shown only` : '';
        const dangers = [...new Set(step.commands.flatMap((c) => (c.destructive ? [c.destructive] : [])))];
        item.iconPath = done
          ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green'))
          : dangers.length ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon(runnable ? 'terminal' : manual ? 'person' : 'note');
        const md = new vscode.MarkdownString('', true);
        md.appendText(step.title).appendMarkdown('\n\n');
        for (const d of dangers) md.appendMarkdown('$(warning) ').appendText(`Dangerous: ${d}. Run asks for the target's name typed out.`).appendMarkdown('\n\n');
        for (const c of step.commands) md.appendCodeblock(c.run, c.text ? 'text' : c.language || 'text');
        item.tooltip = md;
        item.contextValue = `runbookStep${runnable ? ':runnable' : manual ? ':manual' : ''}${done ? ':done' : ''}`;
        item.accessibilityInformation = { label: `${step.title}${done ? ', done' : ''}${runnable ? ', runnable' : manual ? ', manual' : ''}${dangers.length ? ', dangerous' : ''}` };
        item.command = openAtLine(node);
        return item;
      }
      case 'check': {
        const done = node.item.checked || this.done().has(stepKey({ runbook: node.source.ref, section: node.section.title, step: node.item.text }));
        const item = new vscode.TreeItem(node.item.text);
        item.id = `check:${node.source.ref}:${node.item.line}`;
        item.iconPath = new vscode.ThemeIcon(done ? 'pass-filled' : 'circle-large-outline', done ? new vscode.ThemeColor('charts.green') : undefined);
        item.contextValue = `runbookCheck${done ? ':done' : ''}`;
        item.command = openAtLine(node);
        return item;
      }
    }
  }

  dispose(): void {
    vscode.Disposable.from(this.changed, ...this.subscriptions).dispose();
  }
}

/**
 * A click on a leaf row (a step, a checklist item, an empty section) opens the runbook at its line;
 * rows with children (runbooks, sections) expand instead, and their inline Open button opens the file.
 */
function openAtLine(node: RunbookNode): vscode.Command {
  return { command: 'incidentDesk.runbooks.openAtLine', title: 'Open Runbook at Line', arguments: [node] };
}
