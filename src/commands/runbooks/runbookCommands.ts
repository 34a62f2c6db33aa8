import type { PlaceholderValues } from '../../runbooks/placeholderValues';
import type { CommandDefinition } from '../commandRunner';
import { copyRunbookStep } from './copyRunbookStep';
import { clearRunbookFilter, filterRunbooks } from './filterRunbooks';
import { markRunbookStepDone } from './markRunbookStepDone';
import { openRunbookAtLine } from './openRunbookAtLine';
import { runRunbookStep } from './runRunbookStep';
import { suggestRunbooks } from './suggestRunbooks';

const refreshRunbooks: CommandDefinition = {
  id: 'incidentDesk.runbooks.refresh',
  async run({ runbooks }) {
    await runbooks.controller.reindex();
  },
};

/** Every runbook command, registered by the container from this one list. */
export function runbookCommands(values: PlaceholderValues): CommandDefinition[] {
  return [refreshRunbooks, runRunbookStep(values), copyRunbookStep, markRunbookStepDone, openRunbookAtLine, filterRunbooks, clearRunbookFilter, suggestRunbooks];
}
