import * as vscode from 'vscode';
import type { CommandDefinition } from '../commandRunner';

/**
 * The walkthrough's buttons for the multi-prompt commands. Each moves the focus to the view the
 * result shows in, then runs the command. Run straight from the walkthrough editor, the focus would
 * go back to that editor whenever one prompt closes before the next opens, and the editor's delayed
 * re-focus of its step (VS Code's Getting Started page) would take the keyboard away from the next
 * prompt: typing into Declare's third box went nowhere.
 */
const FOCUS_SETTLE_MS = 400;

function fromView(id: string, viewId: string, command: string): CommandDefinition {
  return {
    id,
    async run() {
      await vscode.commands.executeCommand(`${viewId}.focus`);
      // The Getting Started page takes the focus back shortly after its button runs a command; the
      // first prompt opens after that, or its first keys go to the page (seen with Follow Docker Logs).
      await new Promise((resolve) => setTimeout(resolve, FOCUS_SETTLE_MS));
      return vscode.commands.executeCommand(command);
    },
  };
}

export const WALKTHROUGH_COMMANDS: readonly CommandDefinition[] = [
  fromView('incidentDesk.walkthrough.declare', 'incidentDesk.incidents', 'incidentDesk.incident.declare'),
  fromView('incidentDesk.walkthrough.followLogs', 'incidentDesk.hosts', 'incidentDesk.docker.followLogs'),
  fromView('incidentDesk.walkthrough.resolve', 'incidentDesk.incidents', 'incidentDesk.incident.resolve'),
];
