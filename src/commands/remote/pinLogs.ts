import type { CommandDefinition } from '../commandRunner';
import { currentView, pinLines } from './logViewArgs';

/** Pin Log Lines to Timeline (p in the view): a number argument pins that many without asking. */
export const pinLogs: CommandDefinition = {
  id: 'incidentDesk.logs.pin',
  async run(ctx, count) {
    return pinLines(ctx, currentView(ctx), typeof count === 'number' ? count : undefined);
  },
};
