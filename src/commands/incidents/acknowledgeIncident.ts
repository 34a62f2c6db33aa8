import { acknowledge } from '../../core/incidents/actions';
import { isoNow } from '../../core/util/time';
import type { CommandDefinition } from '../commandRunner';
import { resolveIncident } from './incidentArgs';

/** Acknowledge: stops the response clock and records who took it. */
export const acknowledgeIncident: CommandDefinition = {
  id: 'incidentDesk.incident.acknowledge',
  async run({ incidents, notices }, target?: unknown) {
    const entry = await resolveIncident(incidents, target, 'unacknowledged', 'Acknowledge which incident?');
    const change = acknowledge(entry.incident, await incidents.actor(), isoNow());
    await incidents.requireStore().record(entry.id, change);
    await incidents.setFocus(entry.id);
    notices.status(`$(check) ${change.event.text}`);
  },
};
