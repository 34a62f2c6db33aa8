import * as vscode from 'vscode';
import { Cancelled, type CommandDefinition } from '../commandRunner';

/** Filter Runbooks: by text (titles, steps, commands) and/or a severity like P1 — e.g. "db P1". */
export const filterRunbooks: CommandDefinition = {
  id: 'incidentDesk.runbooks.filter',
  async run({ runbooks }, value?: unknown) {
    const current = runbooks.tree.filter;
    const raw = typeof value === 'string' ? value : await vscode.window.showInputBox({
      title: 'Filter Runbooks',
      prompt: 'Words to find in titles, steps and commands, and/or a severity (P1, SEV2…); empty clears the filter',
      value: [current.text, current.severity].filter(Boolean).join(' '),
    });
    if (raw === undefined) throw new Cancelled();
    const words = raw.trim().split(/\s+/).filter(Boolean);
    const severity = words.find((w) => /^(p\d|sev\d)$/i.test(w))?.toUpperCase();
    const text = words.filter((w) => !/^(p\d|sev\d)$/i.test(w)).join(' ').toLowerCase() || undefined;
    runbooks.tree.setFilter({ text, severity });
  },
};

export const clearRunbookFilter: CommandDefinition = {
  id: 'incidentDesk.runbooks.clearFilter',
  async run({ runbooks }) {
    runbooks.tree.setFilter({});
  },
};
