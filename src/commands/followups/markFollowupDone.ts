import * as vscode from 'vscode';
import { parseActionItemLine } from '../../core/postmortem/actionItems';
import type { Followup } from '../../core/postmortem/followups';
import type { PostmortemFiles } from '../../postmortems/postmortemFiles';
import { InvalidInput, type CommandDefinition } from '../commandRunner';
import { followupOf } from './followupArgs';

/**
 * Mark Done (inline in the Follow-ups view, and what ticking an item's checkbox runs): ticks the
 * action item's box in its post-mortem with a one-character edit through the document, so an open
 * editor shows it at once and nothing else in the file is rewritten; then saves, unless the file
 * had unsaved changes of the user's (those are theirs to save).
 */
export function markFollowupDone(files: PostmortemFiles): CommandDefinition {
  return {
    id: 'incidentDesk.followups.markDone',
    async run({ notices }, node?: unknown) {
      const followup = followupOf(node);
      if (!followup) throw new InvalidInput('Pick an action item in the Follow-ups view.');
      const uri = files.uriOf(followup.file);
      const doc = await vscode.workspace.openTextDocument(uri);
      const line = currentLine(doc, followup);
      if (line === undefined) {
        await files.refresh();
        throw new InvalidInput(`"${followup.item.what}" is no longer an open action item in incidents/${followup.file}; the list is refreshed.`);
      }
      const item = parseActionItemLine(doc.lineAt(line - 1).text, line)!;
      const wasDirty = doc.isDirty;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(line - 1, item.boxColumn - 1, line - 1, item.boxColumn), 'x');
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`incidents/${followup.file} could not be edited`);
      if (wasDirty) {
        void notices.info(`Ticked "${followup.item.what}" in incidents/${followup.file}, which has unsaved changes: save it to keep the tick.`);
      } else if (!(await doc.save())) {
        throw new Error(`incidents/${followup.file} could not be saved`);
      }
      await files.refresh();
      return true;
    },
  };
}

/**
 * Where the item is now: at its line if that line is still the same, else the one open task line
 * with the same text (lines above it were added or removed); undefined when it is gone or ticked.
 */
function currentLine(doc: vscode.TextDocument, f: Followup): number | undefined {
  const open = (n: number) => n >= 1 && n <= doc.lineCount && doc.lineAt(n - 1).text === f.item.raw && parseActionItemLine(f.item.raw, n)?.done === false;
  if (open(f.item.line)) return f.item.line;
  const same: number[] = [];
  for (let n = 1; n <= doc.lineCount; n++) if (open(n)) same.push(n);
  return same.length === 1 ? same[0] : undefined;
}
