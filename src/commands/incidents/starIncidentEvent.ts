import type { CommandDefinition } from '../commandRunner';
import { setKeyMomentCommand } from './keyMomentArgs';

/** Star Event: marks an event as a key moment for the post-mortem (`{ incidentId, ref }`, or pick one). */
export const starIncidentEvent: CommandDefinition = {
  id: 'incidentDesk.incident.starEvent',
  run: (ctx, target?: unknown) => setKeyMomentCommand(ctx, target, true),
};
