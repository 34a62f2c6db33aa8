import * as vscode from 'vscode';
import { logsPinned } from '../../core/remote/remoteEvents';
import { recordingIncident } from '../commandGuards';
import { isoNow } from '../../core/util/time';
import { parseLogFilter, type LogView } from '../../terminals/logView';
import { Cancelled, InvalidInput, type CommandContext } from '../commandRunner';

export function currentView(ctx: CommandContext): LogView {
  const view = ctx.remote.logViews.current();
  if (!view) throw new InvalidInput('No Docker log view is open. Open one with Incident: Follow Docker Logs.');
  return view;
}

/** Asks for a text or /regex/ filter and applies it to a log view (empty clears it). */
export async function askFilter(view: LogView): Promise<void> {
  const input = await vscode.window.showInputBox({
    title: `Filter ${view.source.label}`,
    prompt: 'Text (case-insensitive) or /regex/flags; empty shows every line',
    value: view.filterText ?? '',
    validateInput: (v) => {
      try {
        parseLogFilter(v);
        return undefined;
      } catch (e) {
        return `Not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`;
      }
    },
  });
  if (input === undefined) throw new Cancelled();
  view.setFilter(parseLogFilter(input));
}

/** Pins the last lines of a view to the focused incident's timeline, as evidence. */
export async function pinLines(ctx: CommandContext, view: LogView, count?: number): Promise<number> {
  const incident = recordingIncident(ctx.incidents.focused());
  if (!incident) throw new InvalidInput('No active incident to pin log lines to. Declare or focus one first.');
  let n = count;
  let filtered = !!view.filterText;
  if (n === undefined) {
    const picks = [20, 50, 200].map((k) => ({ label: `Last ${k} lines`, n: k, filtered: false }));
    if (view.filterText) picks.unshift({ label: `Last 50 lines matching "${view.filterText}"`, n: 50, filtered: true });
    const pick = await vscode.window.showQuickPick(picks, { title: `Pin ${view.source.label} to "${incident.incident.title}"` });
    if (!pick) throw new Cancelled();
    n = pick.n;
    filtered = pick.filtered;
  }
  const lines = view.lastLines(n, filtered);
  if (lines.length === 0) throw new InvalidInput('No lines to pin yet.');
  const actor = await ctx.incidents.actor();
  await ctx.incidents.requireStore().record(incident.id, logsPinned(view.source.host, view.source.label, lines, actor, isoNow()));
  void vscode.window.showInformationMessage(`Pinned ${lines.length} line${lines.length === 1 ? '' : 's'} to "${incident.incident.title}".`);
  return lines.length;
}

