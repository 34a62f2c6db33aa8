import * as path from 'node:path';
import * as vscode from 'vscode';
import { postmortemFileName, renderDraft } from '../../core/postmortem/draft';
import { redactText } from '../../core/redaction/redact';
import { eventsWithRefs } from '../../core/timeline/eventsWithRefs';
import { createFileAtomic } from '../../core/util/fsSafe';
import { POSTMORTEM_EDITOR_VIEW_TYPE } from '../../webviews/postmortem/postmortemEditor';
import type { CommandDefinition } from '../commandRunner';
import { resolveIncident } from '../incidents/incidentArgs';

/**
 * Write Post-Mortem: creates `incidents/<incident id>.md` beside the incident's folder from the
 * record (atomically, never over an existing file: that one is opened instead) and opens it in the
 * post-mortem editor. Allowed in Restricted Mode, like every other command that records an incident.
 */
export const writePostmortem: CommandDefinition = {
  id: 'incidentDesk.incident.writePostmortem',
  async run({ incidents, notices }, target?: unknown) {
    const entry = await resolveIncident(incidents, target, 'any', 'Write the post-mortem of which incident?');
    const file = path.join(path.dirname(entry.dir), postmortemFileName(entry.incident));
    const uri = vscode.Uri.file(file);
    // Stars naming old events by a hash of their line need the file's lines to find those events.
    const { events, refs } = await eventsWithRefs(entry.dir, entry.events);
    // The record's text was redacted when it was written; the draft is scanned again (with the
    // team's own patterns) before it lands.
    const draft = renderDraft(entry.incident, events, { level: incidents.level(entry.incident), now: Date.now(), authors: [await incidents.actor()], refs });
    const { text } = await redactText(draft, incidents.redaction());
    const created = await createFileAtomic(file, text);
    if (!created) void notices.info(`${path.basename(file)} already exists: opened it as it is.`);
    await vscode.commands.executeCommand('vscode.openWith', uri, POSTMORTEM_EDITOR_VIEW_TYPE);
    return uri;
  },
};
