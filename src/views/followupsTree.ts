import * as vscode from 'vscode';
import { type DueState, type Followup, describeDue, dueState, groupByPostmortem, localDate, sortByDue } from '../core/postmortem/followups';
import type { PostmortemFiles } from '../postmortems/postmortemFiles';

export type FollowupNode =
  | { kind: 'postmortem'; file: string; title: string; count: number; overdue: number; items: readonly Followup[] }
  | { kind: 'followup'; followup: Followup };

/** How the view lists them: under their post-mortem, or one list by due date. */
export type FollowupsOrder = 'byPostmortem' | 'byDue';

/** Context key: true while the view lists by due date (the title bar offers the other order). */
export const BY_DUE_CONTEXT = 'incidentDesk.followupsByDue';

/**
 * The Follow-ups view: the open action items of every post-mortem, overdue ones marked. Each has a
 * checkbox; ticking it ticks the item in its file (Mark Done does the same from the keyboard).
 */
export class FollowupsTreeProvider implements vscode.TreeDataProvider<FollowupNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FollowupNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private orderValue: FollowupsOrder = 'byPostmortem';
  private today: string;

  constructor(private readonly files: PostmortemFiles, onTick: vscode.Event<void>, private readonly now: () => number = Date.now) {
    this.today = localDate(now());
    this.subscriptions = [
      files.onDidChange(() => this.changed.fire(undefined)),
      // Overdue is a matter of the calendar: redraw when the day changes, not on every tick.
      onTick(() => {
        const today = localDate(this.now());
        if (today !== this.today) {
          this.today = today;
          this.changed.fire(undefined);
        }
      }),
    ];
    void vscode.commands.executeCommand('setContext', BY_DUE_CONTEXT, false);
  }

  get order(): FollowupsOrder {
    return this.orderValue;
  }

  setOrder(order: FollowupsOrder): void {
    this.orderValue = order;
    void vscode.commands.executeCommand('setContext', BY_DUE_CONTEXT, order === 'byDue');
    this.changed.fire(undefined);
  }

  /** How many open items are overdue today (the view's badge). */
  overdueCount(): number {
    this.today = localDate(this.now());
    return this.files.followups().filter((f) => dueState(f.item.due, this.today).kind === 'overdue').length;
  }

  getChildren(node?: FollowupNode): FollowupNode[] {
    if (node?.kind === 'postmortem') return node.items.map((followup) => ({ kind: 'followup', followup }));
    if (node) return [];
    this.today = localDate(this.now());
    const all = this.files.followups();
    if (this.orderValue === 'byDue') return sortByDue(all, this.today).map((followup) => ({ kind: 'followup', followup }));
    return groupByPostmortem(all, this.today).map((g) => ({ kind: 'postmortem', file: g.file, title: g.postmortem, count: g.items.length, overdue: g.overdue, items: g.items }));
  }

  getTreeItem(node: FollowupNode): vscode.TreeItem {
    if (node.kind === 'postmortem') {
      const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `postmortem:${node.file}`;
      item.description = `${node.count} open${node.overdue ? ` · ${node.overdue} overdue` : ''}`;
      item.tooltip = `incidents/${node.file}`;
      item.resourceUri = this.files.uriOf(node.file);
      item.iconPath = node.overdue ? new vscode.ThemeIcon('notebook', new vscode.ThemeColor('list.errorForeground')) : new vscode.ThemeIcon('notebook');
      item.contextValue = 'followupPostmortem';
      item.command = { command: 'vscode.open', title: 'Open Post-Mortem', arguments: [this.files.uriOf(node.file)] };
      return item;
    }
    return this.followupItem(node.followup);
  }

  private followupItem(f: Followup): vscode.TreeItem {
    const { item: action } = f;
    const state = dueState(action.due, this.today);
    const item = new vscode.TreeItem(action.what || '(no description)');
    item.id = `followup:${f.file}:${action.line}`;
    const owner = action.owner ?? 'no owner';
    const due = action.due ? `${action.due}${state.kind === 'overdue' || state.kind === 'today' ? ` · ${describeDue(state)}` : ''}` : 'no due date';
    item.description = `${owner} · ${state.kind === 'overdue' ? '⚠ ' : ''}${due}${this.orderValue === 'byDue' ? ` · ${f.postmortem}` : ''}`;
    item.iconPath = dueIcon(state);
    item.checkboxState = { state: vscode.TreeItemCheckboxState.Unchecked, tooltip: 'Tick: mark done in the post-mortem', accessibilityInformation: { label: 'Mark done' } };
    item.contextValue = 'followup';
    const uri = this.files.uriOf(f.file);
    const at = new vscode.Position(action.line - 1, 0);
    item.command = { command: 'vscode.open', title: 'Open at Action Item', arguments: [uri, { selection: new vscode.Range(at, at), preview: false }] };
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendText(action.what).appendMarkdown('\n\n');
    md.appendText(`Owner: ${owner} · ${action.due ? `due ${action.due} (${describeDue(state)})` : 'no due date'}${action.type ? ` · ${action.type}` : ''}`).appendMarkdown('\n\n');
    md.appendText(`${f.postmortem} — incidents/${f.file}:${action.line}`);
    item.tooltip = md;
    item.accessibilityInformation = { label: `${action.what}, owner ${owner}, ${describeDue(state)}${action.due ? ` (${action.due})` : ''}, in ${f.postmortem}` };
    return item;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** Overdue: a warning sign in the theme's error colour; due today: a clock; no date: a question mark. Theme colours read in light, dark and high contrast. */
function dueIcon(state: DueState): vscode.ThemeIcon {
  if (state.kind === 'overdue') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'));
  if (state.kind === 'today') return new vscode.ThemeIcon('clock', new vscode.ThemeColor('list.warningForeground'));
  if (state.kind === 'none' || state.kind === 'invalid') return new vscode.ThemeIcon('question', new vscode.ThemeColor('disabledForeground'));
  return new vscode.ThemeIcon('circle-large-outline');
}
