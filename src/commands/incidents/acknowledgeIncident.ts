import * as vscode from 'vscode';
import { acknowledge } from '../../core/incidents/actions';
import { isoNow } from '../../core/util/time';
import type { CommandDefinition } from '../commandRunner';
import { resolveIncident } from './incidentArgs';

/** Acknowledge: stops the response clock and records who took it. */
export const acknowledgeIncident: CommandDefinition = {
  id: 'incidentDesk.incident.acknowledge',
  async run({ incidents }, target?: unknown) {
    const candidates = incidents.active().filter((e) => !e.incident.acknowledgedAt);
    const entry = target === undefined && candidates.length === 1 ? candidates[0] : await resolveIncident(incidents, target, 'active', 'Acknowledge which incident?');
    const change = acknowledge(entry.incident, await incidents.actor(), isoNow());
    await incidents.requireStore().record(entry.id, change);
    await incidents.setFocus(entry.id);
    void vscode.window.setStatusBarMessage(`$(check) ${change.event.text}`, 4000);
  },
};
