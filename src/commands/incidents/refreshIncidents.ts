import * as vscode from 'vscode';
import type { CommandDefinition } from '../commandRunner';

/** Refresh Incidents: re-reads incidents/ from disk (the watcher normally does this by itself). */
export const refreshIncidents: CommandDefinition = {
  id: 'incidentDesk.incidents.refresh',
  async run({ incidents }) {
    await incidents.store?.loadAll();
  },
};

/** Retry Unsaved Events: writes changes the disk refused earlier, in order. */
export const retryPendingWrites: CommandDefinition = {
  id: 'incidentDesk.incidents.retryPendingWrites',
  async run({ incidents }) {
    const store = incidents.requireStore();
    const before = store.pendingFor().length;
    if (before === 0) {
      void vscode.window.showInformationMessage('Every change is saved.');
      return 0;
    }
    const left = await store.retryPending();
    if (left === 0) void vscode.window.showInformationMessage(`Saved ${before} change(s) that were waiting.`);
    else void vscode.window.showWarningMessage(`${left} change(s) still cannot be saved: ${store.pendingFor()[0]?.lastError ?? 'unknown error'}. They stay in memory; fix the folder and retry.`);
    return left;
  },
};
