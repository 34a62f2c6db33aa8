import * as vscode from 'vscode';
import type { CommandDefinition } from '../commandRunner';
import { asStep } from './stepArgs';

/** Copy: the step's commands as written (placeholders unfilled), for pasting elsewhere. */
export const copyRunbookStep: CommandDefinition = {
  id: 'incidentDesk.runbooks.copyStep',
  async run(_ctx, node?: unknown) {
    const { step } = asStep(node);
    // A manual step without text of its own copies its title: what there is to do.
    const text = step.commands.length ? step.commands.map((c) => c.run).join('\n') : step.title;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(`$(copy) Copied "${step.title}"`, 3000);
    return text;
  },
};
