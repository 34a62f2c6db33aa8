import { changeSeverity } from '../../core/incidents/actions';
import { validateText } from '../../core/incidents/validate';
import { isoNow } from '../../core/util/time';
import type { CommandDefinition } from '../commandRunner';
import { ask, checked, resolveIncident } from './incidentArgs';
import { pickSeverity } from './severityPick';

/** Change Severity: re-targets the SLA clock; the reason goes on the timeline. */
export const changeIncidentSeverity: CommandDefinition = {
  id: 'incidentDesk.incident.changeSeverity',
  async run({ incidents }, target?: unknown, severity?: unknown, reason?: unknown) {
    const entry = await resolveIncident(incidents, target, 'active', 'Change the severity of which incident?');
    const level = await pickSeverity(incidents.policy, severity, { title: `Change Severity: ${entry.incident.title} (now ${entry.incident.severity})`, current: entry.incident.severity });
    const check = (v: string) => validateText(v, 'reason', { required: false, multiline: false, max: 500 });
    const text = typeof reason === 'string' ? checked(reason, check) : severity !== undefined ? '' : await ask({ title: `${entry.incident.severity} → ${level.id}: reason (optional)`, prompt: 'Why, in one line (Enter to skip)', validateInput: check });
    await incidents.requireStore().record(entry.id, changeSeverity(entry.incident, level.id, await incidents.actor(), isoNow(), text));
  },
};
