import { addNote } from '../../core/incidents/actions';
import { validateText } from '../../core/incidents/validate';
import { isoNow } from '../../core/util/time';
import type { CommandDefinition } from '../commandRunner';
import { ask, checked, resolveIncident } from './incidentArgs';

/** Add Note: a line on the timeline (what was tried, what was seen). Works on resolved incidents too. */
export const addIncidentNote: CommandDefinition = {
  id: 'incidentDesk.incident.addNote',
  async run({ incidents, notices }, target?: unknown, text?: unknown) {
    const entry = await resolveIncident(incidents, target, 'any', 'Add a note to which incident?');
    const check = (v: string) => validateText(v, 'note');
    const note = typeof text === 'string' ? checked(text, check) : (await ask({ title: `Note: ${entry.incident.title}`, prompt: 'What happened or what you found', validateInput: check })).trim();
    await incidents.requireStore().record(entry.id, addNote(entry.incident, note, await incidents.actor(), isoNow()));
    // Only once the note is on disk: a refused write throws above and says so instead.
    notices.status(`$(note) Note added to "${entry.incident.title}"`);
  },
};
