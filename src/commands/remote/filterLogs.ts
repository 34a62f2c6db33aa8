import { parseLogFilter } from '../../terminals/logView';
import type { CommandDefinition } from '../commandRunner';
import { askFilter, currentView } from './logViewArgs';

/** Filter Log View (/ in the view): text or /regex/; a string argument sets it without asking. */
export const filterLogs: CommandDefinition = {
  id: 'incidentDesk.logs.filter',
  async run(ctx, text) {
    const view = currentView(ctx);
    if (typeof text === 'string') view.setFilter(parseLogFilter(text));
    else await askFilter(view);
    return view.filterText;
  },
};
