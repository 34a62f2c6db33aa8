import type { CommandDefinition } from '../commandRunner';
import { resolveIncident } from './incidentArgs';

/** Focus Incident: the status bar follows this incident's SLA clock. */
export const focusIncident: CommandDefinition = {
  id: 'incidentDesk.incident.focus',
  async run({ incidents }, target?: unknown) {
    const entry = await resolveIncident(incidents, target, 'active', 'Follow which incident in the status bar?');
    await incidents.setFocus(entry.id);
  },
};
