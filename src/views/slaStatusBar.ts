import * as vscode from 'vscode';
import { STATUS_LABELS } from '../core/incidents/model';
import { readStatusBarEnabled } from '../config/settings';
import type { IncidentsController } from '../incidents/incidentsController';
import { describeSla, incidentTooltip } from './incidentPresentation';
import { formatDuration } from '../core/util/time';

/**
 * The focused active incident's clock: severity, elapsed time and the next thing due. The item turns
 * warning at 75% of the focused incident's target, and error once any active incident missed one:
 * a breached incident is never hidden behind the focused one (its count shows, e.g. "1 breached").
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
    const active = this.incidents.active();
    const breached = active.filter((e) => e.id !== entry.id)
      .map((e) => ({ incident: e.incident, ...describeSla(e.incident, this.incidents.level(e.incident), now) }))
      .filter((b) => b.sla.worst === 'breached');
    const icon = sla.worst === 'breached' ? '$(error)' : sla.worst === 'warning' ? '$(warning)' : '$(flame)';
    const others = active.length - 1;
    const breachedText = breached.length ? ` · $(error) ${breached.length + (sla.worst === 'breached' ? 1 : 0)} breached` : '';
    this.item.text = `${icon} ${incident.severity} ${formatDuration(sla.elapsedMs)}${short ? ` · ${short}` : ''}${others > 0 ? ` (+${others})` : ''}${breachedText}`;
    this.item.backgroundColor = sla.worst === 'breached' || breached.length ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : sla.worst === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const tooltip = incidentTooltip(incident, level, now, { pending: this.incidents.store?.unsavedFor(entry.id).length ?? 0, damaged: entry.problems.length });
    for (const b of breached) tooltip.appendMarkdown('\n\n$(error) ').appendText(`Also breached: ${b.incident.severity} ${b.incident.title}${b.short ? ` (${b.short})` : ''}`);
    this.item.tooltip = tooltip;
    const also = breached.length ? `; ${breached.length} other incident${breached.length === 1 ? '' : 's'} breached: ${breached.map((b) => `${b.incident.severity} ${b.incident.title}`).join(', ')}` : '';
    this.item.accessibilityInformation = { label: `Incident ${incident.title}, ${incident.severity}, ${STATUS_LABELS[incident.status]}, ${formatDuration(sla.elapsedMs)} elapsed${short ? `, ${short}` : ''}${also}` };
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.item.dispose();
  }
}
