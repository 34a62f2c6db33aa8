import * as vscode from 'vscode';
import { escalate } from '../core/incidents/actions';
import { dueEscalations } from '../core/severity/sla';
import { isoNow } from '../core/util/time';
import type { ComponentLog } from '../log';
import type { Notices } from '../notices';
import type { IncidentsController } from './incidentsController';

/** How often clocks refresh; elapsed times are shown to the minute (seconds in the first minute). */
const TICK_MS = 5_000;

/**
 * Drives the clock: refreshes views while an incident is active, and records each escalation step
 * once when it falls due (on the timeline, with one notification). A step at minute 0 is recorded
 * only: it names who is paged on declaration, which is the person declaring, not news to them.
 */
export class SlaWatch implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;
  /** Checks run one after another, so a step is never recorded twice by overlapping checks. */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly incidents: IncidentsController, private readonly log: ComponentLog, private readonly notices: Pick<Notices, 'warn'>) {
    this.subscription = incidents.onDidChange(() => this.schedule());
  }

  private schedule(): void {
    const anyActive = this.incidents.active().length > 0;
    if (anyActive && !this.timer) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      void this.checkEscalations();
    } else if (!anyActive && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    void this.checkEscalations();
    this.incidents.tick();
  }

  /** Records due escalation steps; safe to call often (checks are serialised, steps deduped). */
  checkEscalations(now?: number): Promise<void> {
    this.running = this.running.then(() => this.recordDueSteps(now ?? Date.now()));
    return this.running;
  }

  private async recordDueSteps(now: number): Promise<void> {
    const store = this.incidents.store;
    if (!store) return;
    for (const entry of this.incidents.active()) {
      const level = this.incidents.level(entry.incident);
      const due = dueEscalations(entry.incident, level, now);
      if (!level || due.length === 0 || store.pendingFor(entry.id).length) continue;
      try {
        for (const i of due) await store.record(entry.id, escalate(entry.incident, i, level.escalation[i], isoNow(now)));
        const shout = due.filter((i) => level.escalation[i].afterMinutes > 0);
        if (shout.length === 0) continue;
        const who = shout.map((i) => level.escalation[i].notify).join(', then ');
        const minutes = Math.floor((now - Date.parse(entry.incident.declaredAt)) / 60_000);
        void this.notices.warn(`${entry.incident.severity} "${entry.incident.title}": ${minutes} min without mitigation. Escalate: bring in ${who}.`, 'Acknowledge', 'Add Note')
          .then((pick) => {
            if (pick === 'Acknowledge') void vscode.commands.executeCommand('incidentDesk.incident.acknowledge', entry.id);
            if (pick === 'Add Note') void vscode.commands.executeCommand('incidentDesk.incident.addNote', entry.id);
          });
      } catch (e) {
        this.log.warn(`recording escalation for ${entry.id}: ${String(e)}`);
      }
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscription.dispose();
  }
}
