import * as vscode from 'vscode';
import { suggestRunbooks as suggest } from '../../core/runbooks/suggest';
import { Cancelled, InvalidInput, type CommandDefinition } from '../commandRunner';

/** Suggest Runbooks: the runbooks that fit the focused incident, best first; opens the one picked. */
export const suggestRunbooks: CommandDefinition = {
  id: 'incidentDesk.runbooks.suggest',
  async run({ incidents, runbooks }) {
    const focused = incidents.focused();
    if (!focused) throw new InvalidInput('No active incident to suggest runbooks for. Declare one first (Incident: Declare Incident).');
    await runbooks.controller.parsed();
    const sources = runbooks.controller.all();
    const picks = suggest(focused.incident, sources.map((s) => s.runbook), 8);
    if (picks.length === 0) {
      void vscode.window.showInformationMessage(`No runbook shares words with "${focused.incident.title}". Browse the Runbooks view, or filter it.`);
      return [];
    }
    const items = picks.map((p) => {
      const source = sources.find((s) => s.runbook === p.runbook)!;
      return { label: p.runbook.title, description: [p.runbook.severity, source.origin === 'extension' ? 'built-in' : source.ref].filter(Boolean).join(' · '), detail: `matches: ${p.matched.join(', ')}`, source };
    });
    const pick = await vscode.window.showQuickPick(items, { title: `Runbooks for ${focused.incident.title}`, placeHolder: 'Open a runbook' });
    if (!pick) throw new Cancelled();
    await incidents.openFile(vscode.Uri.file(pick.source.runbook.file));
    return picks.map((p) => p.runbook.title);
  },
};
