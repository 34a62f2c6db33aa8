import * as vscode from 'vscode';
import { validate } from '../shared/schema';
import { webviewOptions } from '../shared/html';
import { ROLLBACK_VIEW_TYPE, savedStateSchema } from './protocol';
import { RollbackPanel, type RollbackDeps, type RunHandle } from './rollbackPanel';

/** The open rollback wizards, one per incident. Loaded on first use (see rollbackLauncher.ts). */
export class RollbackPanels implements vscode.Disposable {
  private readonly panels = new Map<string, RollbackPanel>();
  /** Runs still going on whose panel was closed, by incident: a panel opened again shows them. */
  private readonly runs = new Map<string, RunHandle>();

  constructor(private readonly deps: RollbackDeps) {}

  /** Opens the incident's wizard, or brings it forward if it is open. */
  open(incidentId: string): RollbackPanel {
    const open = this.panels.get(incidentId);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(ROLLBACK_VIEW_TYPE, 'Roll Back', vscode.ViewColumn.Active, webviewOptions(this.deps.extensionUri, vscode.Uri.joinPath));
    return this.adopt(panel, incidentId);
  }

  /** A wizard VS Code brings back after a reload: its saved state names the incident; everything is read again. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const saved = validate(savedStateSchema, state, 'state');
    if (!saved.ok || this.panels.has(saved.value.incidentId) || !this.deps.incident(saved.value.incidentId)) {
      this.deps.log.warn(`rollback: not restoring a wizard (${saved.ok ? `incident ${saved.value.incidentId} is gone or already open` : saved.error})`);
      panel.dispose();
      return;
    }
    this.adopt(panel, saved.value.incidentId);
  }

  private adopt(panel: vscode.WebviewPanel, incidentId: string): RollbackPanel {
    const p = new RollbackPanel(panel, incidentId, this.deps, this.runs);
    this.panels.set(incidentId, p);
    p.onDidDispose(() => {
      if (this.panels.get(incidentId) === p) this.panels.delete(incidentId);
    });
    return p;
  }

  get(incidentId: string): RollbackPanel | undefined {
    return this.panels.get(incidentId);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}
