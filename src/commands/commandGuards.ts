// What commands of every feature share: the Workspace Trust refusal, the name of this machine as a
// target, and which incident an action is recorded on. Kept apart from the features' own argument
// helpers so that no feature's commands import another feature's.
import * as vscode from 'vscode';
import type { LoadedIncident } from '../core/incidents/incidentLoader';
import { Cancelled } from './commandRunner';

/** The Local Docker engine's and this machine's name in pickers, the Hosts view and on the timeline. */
export const LOCAL = 'local';

/** Refuses in Restricted Mode, offering the trust editor: nothing runs on a machine from an untrusted folder. */
export function requireTrust(what: string): void {
  if (vscode.workspace.isTrusted) return;
  void vscode.window.showErrorMessage(`${what} needs a trusted workspace: this one is in Restricted Mode.`, 'Manage Workspace Trust').then((p) => {
    if (p) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  throw new Cancelled();
}

/** Done-marks, runs and remote actions are recorded on the focused incident while it is active. */
export function recordingIncident(focused: LoadedIncident | undefined): LoadedIncident | undefined {
  return focused && focused.incident.status !== 'resolved' ? focused : undefined;
}
