import * as vscode from 'vscode';
import { setStatus } from '../../core/incidents/actions';
import { STATUSES, STATUS_LABELS, isStatus, type IncidentStatus } from '../../core/incidents/model';
import { validateText } from '../../core/incidents/validate';
import { isoNow } from '../../core/util/time';
import { Cancelled, InvalidInput, type CommandDefinition } from '../commandRunner';
import { ask, checked, resolveIncident } from './incidentArgs';

const MEANING: Record<IncidentStatus, string> = {
  investigating: 'Looking for the cause',
  identified: 'Cause known, fix under way',
  monitoring: 'Fix applied, watching that it holds (marks the incident mitigated)',
  resolved: 'Over: impact gone and confirmed',
};

/** Set Status: Investigating → Identified → Monitoring → Resolved, with an optional one-line note. */
export const setIncidentStatus: CommandDefinition = {
  id: 'incidentDesk.incident.setStatus',
  async run({ incidents }, target?: unknown, status?: unknown, note?: unknown) {
    const entry = await resolveIncident(incidents, target, 'active', 'Set the status of which incident?');
    let next: IncidentStatus;
    if (status !== undefined) {
      if (!isStatus(status)) throw new InvalidInput(`Unknown status ${JSON.stringify(status)}; use one of ${STATUSES.join(', ')}.`);
      next = status;
    } else {
      const order = STATUSES.indexOf(entry.incident.status);
      const items = STATUSES.filter((s) => s !== entry.incident.status).map((s) => ({ label: STATUS_LABELS[s], description: MEANING[s], status: s }));
      items.sort((a, b) => Math.abs(STATUSES.indexOf(a.status) - order - 0.5) - Math.abs(STATUSES.indexOf(b.status) - order - 0.5));
      const pick = await vscode.window.showQuickPick(items, { title: `Set Status: ${entry.incident.title}`, placeHolder: `Now ${STATUS_LABELS[entry.incident.status]}` });
      if (!pick) throw new Cancelled();
      next = pick.status;
    }
    const check = (v: string) => validateText(v, 'note', { required: false, multiline: false, max: 500 });
    const text = typeof note === 'string' ? checked(note, check)
      : status !== undefined ? '' : await ask({ title: `${STATUS_LABELS[next]}: note (optional)`, prompt: 'What changed, in one line (Enter to skip)', validateInput: check });
    await incidents.requireStore().record(entry.id, setStatus(entry.incident, next, await incidents.actor(), isoNow(), text));
  },
};
