import * as vscode from 'vscode';
import { validate } from '../shared/schema';
import { webviewOptions } from '../shared/html';
import { savedStateSchema, TIMELINE_VIEW_TYPE } from './protocol';
import { TimelinePanel, type TimelineDeps } from './timelinePanel';

/** The open timeline panels, one per incident. Loaded on first use (see timelineLauncher.ts). */
export class TimelinePanels implements vscode.Disposable {
  private readonly panels = new Map<string, TimelinePanel>();

  constructor(private readonly deps: TimelineDeps) {}

  /** Opens the incident's panel, or brings it forward if it is open. */
  open(incidentId: string, commandAt: number): TimelinePanel {
    const open = this.panels.get(incidentId);
    if (open) {
      open.reveal(commandAt);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'Timeline', vscode.ViewColumn.Active, webviewOptions(this.deps.extensionUri, vscode.Uri.joinPath));
    return this.adopt(panel, incidentId, commandAt);
  }

  /** A panel VS Code brings back after a reload: its saved state names the incident; the data is read again. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const saved = validate(savedStateSchema, state, 'state');
    if (!saved.ok || this.panels.has(saved.value.incidentId) || !this.deps.incident(saved.value.incidentId)) {
      this.deps.log.warn(`timeline: not restoring a panel (${saved.ok ? `incident ${saved.value.incidentId} is gone or already open` : saved.error})`);
      panel.dispose();
      return;
    }
    this.adopt(panel, saved.value.incidentId, null);
  }

  private adopt(panel: vscode.WebviewPanel, incidentId: string, commandAt: number | null): TimelinePanel {
    const p = new TimelinePanel(panel, incidentId, this.deps, commandAt);
    this.panels.set(incidentId, p);
    p.onDidDispose(() => {
      if (this.panels.get(incidentId) === p) this.panels.delete(incidentId);
    });
    return p;
  }

  get(incidentId: string): TimelinePanel | undefined {
    return this.panels.get(incidentId);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}
