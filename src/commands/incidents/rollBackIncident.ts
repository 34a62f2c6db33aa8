import type { CommandDefinition } from '../commandRunner';
import { resolveIncident } from './incidentArgs';

/**
 * Incident: Roll Back…: the rollback wizard for an active incident (one per incident). Opening it
 * only reads git, so it is allowed in an untrusted workspace; running a rollback will need trust.
 */
export const rollBackIncident: CommandDefinition = {
  id: 'incidentDesk.incident.rollback',
  async run({ incidents, rollback }, target?: unknown) {
    const entry = await resolveIncident(incidents, target, 'active', 'Roll back for which incident?');
    await rollback.open(entry.id);
  },
};
