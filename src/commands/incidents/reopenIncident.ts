import { reopen } from '../../core/incidents/actions';
import { validateText } from '../../core/incidents/validate';
import { isoNow } from '../../core/util/time';
import type { CommandDefinition } from '../commandRunner';
import { ask, checked, resolveIncident } from './incidentArgs';

/** Reopen: a resolved incident came back; status returns to Investigating. */
export const reopenIncident: CommandDefinition = {
  id: 'incidentDesk.incident.reopen',
  async run({ incidents }, target?: unknown, reason?: unknown) {
    const entry = await resolveIncident(incidents, target, 'resolved', 'Reopen which incident?');
    const check = (v: string) => validateText(v, 'reason', { required: false, multiline: false, max: 500 });
    const text = typeof reason === 'string' ? checked(reason, check) : await ask({ title: `Reopen: ${entry.incident.title}`, prompt: 'Why is it back? (one line, optional)', validateInput: check });
    await incidents.requireStore().record(entry.id, reopen(entry.incident, await incidents.actor(), isoNow(), text));
    await incidents.setFocus(entry.id);
  },
};
