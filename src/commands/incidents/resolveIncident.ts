import { resolve } from '../../core/incidents/actions';
import { validateText } from '../../core/incidents/validate';
import { isoNow } from '../../core/util/time';
import * as vscode from 'vscode';
import type { CommandDefinition } from '../commandRunner';
import { ask, checked, resolveIncident as pick } from './incidentArgs';
import { setWalkthroughKey, WALKTHROUGH_KEYS } from '../../walkthrough/walkthroughKeys';

/** Resolve: ends the incident (and the SLA clock); offers the resolution notice to copy. */
export const resolveIncident: CommandDefinition = {
  id: 'incidentDesk.incident.resolve',
  async run({ incidents }, target?: unknown, note?: unknown) {
    const entry = await pick(incidents, target, 'active', 'Resolve which incident?');
    const check = (v: string) => validateText(v, 'resolution note', { required: false, multiline: false, max: 500 });
    const text = typeof note === 'string' ? checked(note, check) : await ask({ title: `Resolve: ${entry.incident.title}`, prompt: 'How was it resolved? (one line, optional)', validateInput: check });
    await incidents.requireStore().record(entry.id, resolve(entry.incident, await incidents.actor(), isoNow(), text));
    setWalkthroughKey(WALKTHROUGH_KEYS.resolved);
    if (note === undefined) {
      void vscode.window.showInformationMessage(`Resolved: ${entry.incident.title}`, 'Copy Resolution Notice', 'Write Post-Mortem').then((p) => {
        if (p === 'Copy Resolution Notice') void vscode.commands.executeCommand('incidentDesk.incident.copyStatusUpdate', entry.id, 'resolved');
        if (p === 'Write Post-Mortem') void vscode.commands.executeCommand('incidentDesk.incident.writePostmortem', entry.id);
      });
    }
  },
};
