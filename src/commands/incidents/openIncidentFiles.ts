import * as vscode from 'vscode';
import * as path from 'node:path';
import type { CommandDefinition } from '../commandRunner';
import { resolveIncident } from './incidentArgs';

interface BrokenTarget { file: string; line?: number; column?: number }

function broken(target: unknown): BrokenTarget | undefined {
  const t = target as { broken?: BrokenTarget } | undefined;
  return t && typeof t === 'object' && t.broken ? t.broken : undefined;
}

/** Open Incident Record: incident.yaml (for a broken record: the faulty file at the faulty spot). */
export const openIncidentRecord: CommandDefinition = {
  id: 'incidentDesk.incident.openRecord',
  async run({ incidents }, target?: unknown) {
    const bad = broken(target);
    if (bad) return incidents.openFile(vscode.Uri.file(bad.file), bad.line, bad.column);
    const entry = await resolveIncident(incidents, target, 'any', 'Open the record of which incident?');
    return incidents.openFile(vscode.Uri.file(path.join(entry.dir, 'incident.yaml')));
  },
};

/** Open Timeline: the incident's timeline panel (one per incident; brought forward if open). */
export const openIncidentTimeline: CommandDefinition = {
  id: 'incidentDesk.incident.openTimeline',
  async run({ incidents, timeline }, target?: unknown) {
    const entry = await resolveIncident(incidents, target, 'any', 'Open the timeline of which incident?');
    await timeline.open(entry.id);
  },
};

/** Open Timeline File: the raw append-only timeline.jsonl (read it; do not edit past lines). */
export const openIncidentTimelineFile: CommandDefinition = {
  id: 'incidentDesk.incident.openTimelineFile',
  async run({ incidents }, target?: unknown) {
    const entry = await resolveIncident(incidents, target, 'any', 'Open the timeline file of which incident?');
    const lines = entry.events.length + entry.problems.length;
    return incidents.openFile(vscode.Uri.file(path.join(entry.dir, 'timeline.jsonl')), lines + 1);
  },
};
