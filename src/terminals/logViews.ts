import * as vscode from 'vscode';
import { LogView } from './logView';
import type { LogSource } from './logView';

/**
 * The open log views, and which one the log commands act on: the active terminal's, else the most
 * recently opened. Keeps the `incidentDesk.logViewActive` context key for menus and enablement.
 */
export class LogViews implements vscode.Disposable {
  private readonly views = new Map<vscode.Terminal, LogView>();
  private readonly disposables: vscode.Disposable[] = [];
  private last: vscode.Terminal | undefined;

  constructor(private readonly actions: { pin(view: LogView): void; filter(view: LogView): void }) {
    this.disposables.push(
      vscode.window.onDidCloseTerminal((t) => {
        if (this.views.delete(t)) this.updateContext();
        if (this.last === t) this.last = undefined;
      }),
      vscode.window.onDidChangeActiveTerminal((t) => {
        if (t && this.views.has(t)) this.last = t;
        this.updateContext();
      }),
    );
  }

  open(source: LogSource, options: { maxLines: number; timestamps: boolean }): { view: LogView; terminal: vscode.Terminal } {
    const view = new LogView(source, options, this.actions);
    const terminal = vscode.window.createTerminal({ name: `Logs: ${source.label}`, pty: view, iconPath: new vscode.ThemeIcon('output') });
    this.views.set(terminal, view);
    this.last = terminal;
    terminal.show();
    this.updateContext();
    return { view, terminal };
  }

  /** The view a command acts on, if any. */
  current(): LogView | undefined {
    const active = vscode.window.activeTerminal;
    if (active && this.views.has(active)) return this.views.get(active);
    return this.last ? this.views.get(this.last) : undefined;
  }

  all(): LogView[] {
    return [...this.views.values()];
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'incidentDesk.logViewActive', this.views.size > 0);
  }

  dispose(): void {
    for (const t of this.views.keys()) t.dispose();
    this.views.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
