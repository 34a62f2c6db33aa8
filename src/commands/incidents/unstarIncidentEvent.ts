import type { CommandDefinition } from '../commandRunner';
import { setKeyMomentCommand } from './keyMomentArgs';

/** Unstar Event: an event is no longer a key moment (`{ incidentId, ref }`, or pick a starred one). */
export const unstarIncidentEvent: CommandDefinition = {
  id: 'incidentDesk.incident.unstarEvent',
  run: (ctx, target?: unknown) => setKeyMomentCommand(ctx, target, false),
};
