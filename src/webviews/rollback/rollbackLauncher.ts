import * as vscode from 'vscode';
import { SETTINGS } from '../../config/settings';
import type { IncidentsController } from '../../incidents/incidentsController';
import { timelineOnly } from '../../core/incidents/actions';
import { isEventType } from '../../core/timeline/eventTypes';
import { isoNow } from '../../core/util/time';
import type { ComponentLog } from '../../log';
import type { HostsController } from '../../remote/hostsController';
import { ROLLBACK_VIEW_TYPE } from './protocol';
import type { RollbackPanel } from './rollbackPanel';
import type { RollbackPanels } from './rollbackPanels';

/**
 * What activation holds of the rollback wizard: the serializer registration and `open`. The panel
 * code is imported on first use (a wizard opened or restored); git is loaded later still, with the
 * remote bundle, when the panel reads the repository.
 */
export class RollbackLauncher implements vscode.Disposable {
  private panels: Promise<RollbackPanels> | undefined;
  private readonly registration: vscode.Disposable;

  constructor(private readonly context: vscode.ExtensionContext, private readonly incidents: IncidentsController, private readonly log: ComponentLog, private readonly hosts: HostsController) {
    this.registration = vscode.window.registerWebviewPanelSerializer(ROLLBACK_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        await incidents.start().catch(() => undefined);
        (await this.load()).restore(panel, state);
      },
    });
  }

  private load(): Promise<RollbackPanels> {
    this.panels ??= import('./rollbackPanels').then(({ RollbackPanels }) => new RollbackPanels({
      extensionUri: this.context.extensionUri,
      log: this.log,
      isTrusted: () => vscode.workspace.isTrusted,
      setting: (key) => vscode.workspace.getConfiguration(SETTINGS.section).get<unknown>(key),
      incident: (id) => {
        const store = this.incidents.store;
        const entry = store?.get(id);
        if (!store || !entry) return undefined;
        return { incident: entry.incident, root: store.incidentsDir.replace(/[\\/]incidents$/, '') };
      },
      events: (id) => this.incidents.store?.get(id)?.events ?? [],
      hosts: { ready: () => this.hosts.ready(), all: () => this.hosts.all(), connection: (name) => this.hosts.connection(name) },
      actor: () => this.incidents.actor(),
      record: async (id, e) => {
        if (!isEventType(e.type)) throw new Error(`not a timeline event type: ${e.type}`);
        await this.incidents.requireStore().record(id, { event: { ts: isoNow(), type: e.type, actor: await this.incidents.actor(), text: e.text, data: e.data }, apply: timelineOnly() });
      },
      incidentFacts: () => (this.incidents.store?.list() ?? []).flatMap((e) => (e.kind === 'incident' ? [{ id: e.incident.id, service: e.incident.service, declaredAt: Date.parse(e.incident.declaredAt) }] : [])),
    }));
    return this.panels;
  }

  /** Opens (or brings forward) the incident's rollback wizard. */
  async open(incidentId: string): Promise<RollbackPanel> {
    return (await this.load()).open(incidentId);
  }

  /** The open wizard of an incident, if any (tests read its step and CSP violations). */
  async panel(incidentId: string): Promise<RollbackPanel | undefined> {
    return this.panels ? (await this.panels).get(incidentId) : undefined;
  }

  dispose(): void {
    this.registration.dispose();
    void this.panels?.then((p) => p.dispose());
  }
}
