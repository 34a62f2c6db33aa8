import * as vscode from 'vscode';
import { validateText, validateTitle } from '../../core/incidents/validate';
import type { CommandDefinition } from '../commandRunner';
import { ask, checked } from './incidentArgs';
import { pickSeverity } from './severityPick';
import { setWalkthroughKey, WALKTHROUGH_KEYS } from '../../walkthrough/walkthroughKeys';

export interface DeclareArgs {
  title?: string;
  severity?: string;
  service?: string;
  summary?: string;
}

/** Declare Incident: title → severity → service, keyboard only; Escape at any step declares nothing. */
export const declareIncident: CommandDefinition = {
  id: 'incidentDesk.incident.declare',
  async run({ incidents }, args?: unknown) {
    const store = incidents.requireStore();
    const given = (args && typeof args === 'object' ? args : {}) as DeclareArgs;
    const title = given.title !== undefined
      ? checked(given.title, validateTitle)
      : (await ask({ title: 'Declare Incident (1/3)', prompt: 'What is broken, in a few words', placeHolder: 'e.g. Checkout returns 502', validateInput: validateTitle })).trim();
    const level = await pickSeverity(incidents.policy, given.severity, { title: 'Declare Incident (2/3)' });
    const serviceCheck = (v: string) => validateText(v, 'service name', { required: false, multiline: false, max: 100 });
    const service = given.service !== undefined
      ? checked(given.service, serviceCheck)
      : (await ask({ title: 'Declare Incident (3/3)', prompt: 'Affected service (optional), e.g. the compose service name', placeHolder: 'e.g. web, checkout-api', value: incidents.lastService, validateInput: serviceCheck })).trim();
    const summary = given.summary !== undefined ? checked(given.summary, (v) => validateText(v, 'summary', { required: false, max: 500 })) : '';
    incidents.lastService = service;
    const incident = await store.declare({ title, severity: level.id, service, summary }, await incidents.actor());
    setWalkthroughKey(WALKTHROUGH_KEYS.declared);
    await incidents.setFocus(incident.id);
    void vscode.window.showInformationMessage(`Declared ${level.id} incident: ${incident.title}`, 'Copy Initial Update', 'Assign Commander').then((pick) => {
      if (pick === 'Copy Initial Update') void vscode.commands.executeCommand('incidentDesk.incident.copyStatusUpdate', incident.id, 'initial');
      if (pick === 'Assign Commander') void vscode.commands.executeCommand('incidentDesk.incident.assignRole', incident.id, 'commander');
    });
    return incident.id;
  },
};
