import { stepKey, doneKeys, stepMarked } from '../../core/runbooks/runbookEvents';
import { isoNow } from '../../core/util/time';
import { InvalidInput, type CommandDefinition } from '../commandRunner';
import { refOf, type CheckNode, type StepNode } from './stepArgs';
import { recordingIncident } from '../commandGuards';

/** Mark Done / Not Done: a per-incident mark, kept on the incident's timeline (so it survives reloads). */
export const markRunbookStepDone: CommandDefinition = {
  id: 'incidentDesk.runbooks.markDone',
  async run({ incidents }, node?: unknown) {
    const n = node as StepNode | CheckNode | undefined;
    if (n?.kind !== 'step' && n?.kind !== 'check') throw new InvalidInput('Pick a runbook step or checklist item in the Runbooks view.');
    const entry = recordingIncident(incidents.focused());
    if (!entry) throw new InvalidInput('Done-marks belong to an incident: declare or focus an active incident first.');
    const ref = refOf(n);
    const done = !doneKeys(entry.events).has(stepKey(ref));
    await incidents.requireStore().record(entry.id, stepMarked(ref, done, await incidents.actor(), isoNow()));
    return done;
  },
};
