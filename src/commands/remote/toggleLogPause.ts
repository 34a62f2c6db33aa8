import type { CommandDefinition } from '../commandRunner';
import { currentView } from './logViewArgs';

/** Pause/Resume Log View (Space in the view): lines keep being kept while paused. */
export const toggleLogPause: CommandDefinition = {
  id: 'incidentDesk.logs.togglePause',
  async run(ctx) {
    const view = currentView(ctx);
    view.togglePause();
    return view.paused;
  },
};
