import * as vscode from 'vscode';
import { describeHostRuns } from '../../core/rollback/hostRuns';
import type { CommandDefinition } from '../commandRunner';
import { hostArg } from './remoteArgs';

/**
 * Check What Host Runs (Hosts view, palette): asks the host over its verified SSH connection which
 * commit it runs (git HEAD in its work dir, else the REVISION file there), compares it with the
 * workspace's repository, and shows the answer in the Hosts view. Returns what was found.
 */
export const checkHostRuns: CommandDefinition = {
  id: 'incidentDesk.hosts.checkRuns',
  async run({ remote, notices }, arg) {
    const hosts = remote.hosts;
    const name = hostArg(arg) ?? (await hosts.pick('Check What Host Runs'));
    if (!name || name === 'local') return undefined;
    const runs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Asking ${name} what it runs…` }, () => hosts.runs.check(name));
    const view = describeHostRuns(runs, hosts.runs.all());
    const text = `${name}: ${view.details.filter((l) => !l.startsWith('- ')).join('; ')}`;
    void (view.warning ? notices.warn(text) : notices.info(text));
    return runs;
  },
};
