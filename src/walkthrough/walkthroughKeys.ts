import * as vscode from 'vscode';

/**
 * Context keys the Getting Started walkthrough (`contributes.walkthroughs` in package.json) completes
 * its steps on (`onContext:<key>`). Each is set only once the real thing happened: an incident
 * written to disk, a team runbook indexed, a host listed, a log view open, an incident resolved.
 * A command that was merely invoked and then cancelled sets nothing. VS Code keeps a completed
 * step checked after the key goes false again (a closed log view).
 */
export const WALKTHROUGH_KEYS = {
  /** An incident was declared in this window (its record and first event are on disk). */
  declared: 'incidentDesk.walkthrough.declared',
  /** Runbooks from the workspace's own folders (not only the shipped ones) are listed. */
  workspaceRunbooks: 'incidentDesk.hasWorkspaceRunbooks',
  /** At least one SSH host (from ~/.ssh/config or incidentDesk.hosts) is listed. */
  sshHosts: 'incidentDesk.hasSshHosts',
  /** A Docker log view is open (set by the log views). */
  logView: 'incidentDesk.logViewActive',
  /** An incident was resolved in this window (the resolution is on its timeline). */
  resolved: 'incidentDesk.walkthrough.resolved',
} as const;

const lastSet = new Map<string, boolean>();

/** Sets `key` when its value changes: the Getting Started page re-renders (and may take the focus) on every set. */
export function setWalkthroughKey(key: (typeof WALKTHROUGH_KEYS)[keyof typeof WALKTHROUGH_KEYS], value = true): void {
  if (lastSet.get(key) === value) return;
  lastSet.set(key, value);
  void vscode.commands.executeCommand('setContext', key, value);
}
