import * as vscode from 'vscode';
import { statusUpdatePosted } from '../../core/incidents/actions';
import { UPDATE_KIND_LABELS, renderStatusUpdate, suggestedKind, type UpdateKind } from '../../core/incidents/statusUpdate';
import { redactText } from '../../core/redaction/redact';
import { isoNow } from '../../core/util/time';
import { Cancelled, InvalidInput, type CommandDefinition } from '../commandRunner';
import { resolveIncident } from './incidentArgs';

const KINDS = Object.keys(UPDATE_KIND_LABELS) as UpdateKind[];

/**
 * Copy Status Update: fills the initial / progress / resolution message from the record, puts it on
 * the clipboard and records it (which restarts the update-cadence clock).
 */
export const copyStatusUpdate: CommandDefinition = {
  id: 'incidentDesk.incident.copyStatusUpdate',
  async run({ incidents }, target?: unknown, kind?: unknown) {
    const entry = await resolveIncident(incidents, target, 'any', 'Status update for which incident?');
    const incident = entry.incident;
    const now = Date.now();
    const level = incidents.level(incident);
    let chosen: UpdateKind;
    if (kind !== undefined) {
      if (!KINDS.includes(kind as UpdateKind)) throw new InvalidInput(`Unknown update kind ${JSON.stringify(kind)}; use ${KINDS.join(', ')}.`);
      chosen = kind as UpdateKind;
    } else {
      const suggested = suggestedKind(incident);
      const items = KINDS.map((k) => ({ label: UPDATE_KIND_LABELS[k], description: k === suggested ? 'suggested' : undefined, detail: renderStatusUpdate(incident, k, level, now, entry.events).split('\n')[0], updateKind: k }));
      items.sort((a, b) => Number(b.updateKind === suggested) - Number(a.updateKind === suggested));
      const pick = await vscode.window.showQuickPick(items, { title: `Copy Status Update: ${incident.title}`, placeHolder: 'Which message?' });
      if (!pick) throw new Cancelled();
      chosen = pick.updateKind;
    }
    // Built from the record and the timeline, which may hold a secret written before redaction existed
    // (or typed into incident.yaml by hand): the message is redacted before anyone can paste it.
    const { text: message } = await redactText(renderStatusUpdate(incident, chosen, level, now, entry.events), incidents.redaction());
    await vscode.env.clipboard.writeText(message);
    await incidents.requireStore().record(entry.id, statusUpdatePosted(incident, chosen, message, await incidents.actor(), isoNow(now)));
    void vscode.window.setStatusBarMessage(`$(copy) ${UPDATE_KIND_LABELS[chosen]} copied to the clipboard`, 4000);
    return message;
  },
};
