import * as vscode from 'vscode';
import type { IncidentsController } from '../../incidents/incidentsController';
import type { ComponentLog } from '../../log';
import { TIMELINE_VIEW_TYPE } from './protocol';
import type { TimelinePanel } from './timelinePanel';
import type { TimelinePanels } from './timelinePanels';

/**
 * What activation holds of the timeline view: the serializer registration and `open`. The panel
 * code is imported on first use (a panel opened or restored), so activation parses none of it,
 * and the app itself (dist/webview/timeline.js) is only ever loaded by the panel's page.
 */
export class TimelineLauncher implements vscode.Disposable {
  private panels: Promise<TimelinePanels> | undefined;
  private readonly registration: vscode.Disposable;

  constructor(private readonly context: vscode.ExtensionContext, private readonly incidents: IncidentsController, private readonly log: ComponentLog) {
    this.registration = vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        await incidents.start().catch(() => undefined);
        (await this.load()).restore(panel, state);
      },
    });
  }

  private load(): Promise<TimelinePanels> {
    this.panels ??= import('./timelinePanels').then(({ TimelinePanels }) => new TimelinePanels({
      extensionUri: this.context.extensionUri,
      log: this.log,
      onDidChangeIncidents: this.incidents.onDidChange,
      incident: (id) => {
        const store = this.incidents.store;
        const entry = store?.get(id);
        if (!store || !entry) return undefined;
        return { incident: entry.incident, dir: entry.dir, level: this.incidents.level(entry.incident), root: path(store.incidentsDir) };
      },
    }));
    return this.panels;
  }

  /** Opens (or brings forward) the incident's timeline panel. */
  async open(incidentId: string): Promise<TimelinePanel> {
    const commandAt = Date.now();
    return (await this.load()).open(incidentId, commandAt);
  }

  /** The open panel of an incident, if any (integration tests and the benchmark read its metrics). */
  async panel(incidentId: string): Promise<TimelinePanel | undefined> {
    return this.panels ? (await this.panels).get(incidentId) : undefined;
  }

  dispose(): void {
    this.registration.dispose();
    void this.panels?.then((p) => p.dispose());
  }
}

/** The workspace folder holding incidents/. */
function path(incidentsDir: string): string {
  return incidentsDir.replace(/[\\/]incidents$/, '');
}
