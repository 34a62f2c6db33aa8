import * as vscode from 'vscode';
import type { RunbookNode } from '../../views/runbooksTree';
import { InvalidInput, type CommandDefinition } from '../commandRunner';

/** Open at Line: the runbook file at the section, step or checklist item. */
export const openRunbookAtLine: CommandDefinition = {
  id: 'incidentDesk.runbooks.openAtLine',
  async run({ incidents }, node?: unknown) {
    const n = node as RunbookNode | undefined;
    if (!n || n.kind === 'suggestions') throw new InvalidInput('Pick a runbook, section or step in the Runbooks view.');
    const line = n.kind === 'section' ? n.section.line : n.kind === 'step' ? n.step.line : n.kind === 'check' ? n.item.line : 1;
    await incidents.openFile(vscode.Uri.file(n.source.runbook.file), line);
  },
};
