import * as path from 'node:path';
import type * as vscode from 'vscode';
import { incidentIdOfPostmortem } from '../../core/postmortem/draft';
import { refreshRedacted } from '../../core/postmortem/refresh';
import { eventsWithRefs } from '../../core/timeline/eventsWithRefs';
import { parsePostmortem } from '../../core/postmortem/postmortemDocument';
import type { IncidentsController } from '../../incidents/incidentsController';
import type { ComponentLog } from '../../log';
import { PostmortemEditorProvider, type RefreshFromRecord } from './postmortemEditor';

/**
 * The post-mortem editor's part of the composition root: the provider, with "Refresh from the
 * record" reading the incident named by the file's front matter (else by its file name).
 */
export function registerPostmortemEditor(extensionUri: vscode.Uri, incidents: IncidentsController, log: ComponentLog): { provider: PostmortemEditorProvider; registration: vscode.Disposable } {
  const refresh: RefreshFromRecord = async (text, fileName) => {
    const id = parsePostmortem(text).frontMatter?.fields.find((f) => f.key === 'incident')?.value || incidentIdOfPostmortem(path.basename(fileName));
    if (!id) return { text, problem: 'This post-mortem names no incident (front matter "incident:").' };
    await incidents.start().catch(() => undefined);
    const entry = incidents.store?.get(id);
    if (!entry || entry.kind !== 'incident') return { text, problem: `No readable incident ${id} in incidents/.` };
    const { events, refs } = await eventsWithRefs(entry.dir, entry.events);
    const r = await refreshRedacted(text, entry.incident, events, { level: incidents.level(entry.incident), now: Date.now(), refs }, incidents.redaction());
    const problems = [...r.problems.map((p) => p.message), ...(r.missing.length ? [`not in the file any more (left out): ${r.missing.join(', ')}`] : [])];
    return problems.length ? { text: r.text, problem: problems.join('; ') } : { text: r.text };
  };
  return PostmortemEditorProvider.register(extensionUri, log, refresh);
}
