import * as vscode from 'vscode';
import { STATUS_LABELS } from '../core/incidents/model';
import { readStatusBarEnabled } from '../config/settings';
import type { IncidentsController } from '../incidents/incidentsController';
import { describeSla, incidentTooltip } from './incidentPresentation';
import { formatDuration } from '../core/util/time';

/**
 * The focused active incident's clock: severity, elapsed time and the next thing due. The item turns
 * warning at 75% of a target and error once a target is missed.
 */
export class SlaStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('incidentDesk.sla', vscode.StatusBarAlignment.Left, 100);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly incidents: IncidentsController) {
    this.item.name = 'Incident Desk: SLA clock';
    this.item.command = 'incidentDesk.incident.quickActions';
    this.subscriptions = [incidents.onDidChange(() => this.update()), incidents.onDidTick(() => this.update())];
    this.update();
  }

  /** What the item shows now (undefined when hidden); read by the integration tests. */
  get state(): { text: string; background: string | undefined } | undefined {
    return this.visible ? { text: this.item.text, background: (this.item.backgroundColor as vscode.ThemeColor | undefined)?.id } : undefined;
  }

  private visible = false;

  update(): void {
    const entry = readStatusBarEnabled() ? this.incidents.focused() : undefined;
    if (!entry) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const now = Date.now();
    const { incident } = entry;
    const level = this.incidents.level(incident);
    const { sla, short } = describeSla(incident, level, now);
    const icon = sla.worst === 'breached' ? '$(error)' : sla.worst === 'warning' ? '$(warning)' : '$(flame)';
    const others = this.incidents.active().length - 1;
    this.item.text = `${icon} ${incident.severity} ${formatDuration(sla.elapsedMs)}${short ? ` · ${short}` : ''}${others > 0 ? ` (+${others})` : ''}`;
    this.item.backgroundColor = sla.worst === 'breached' ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : sla.worst === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = incidentTooltip(incident, level, now, { pending: this.incidents.store?.pendingFor(entry.id).length ?? 0, damaged: entry.problems.length });
    this.item.accessibilityInformation = { label: `Incident ${incident.title}, ${incident.severity}, ${STATUS_LABELS[incident.status]}, ${formatDuration(sla.elapsedMs)} elapsed${short ? `, ${short}` : ''}` };
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.item.dispose();
  }
}
