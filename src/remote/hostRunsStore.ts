import * as vscode from 'vscode';
import type { HostAnswer, HostRuns, RepoComparison } from '../core/rollback/hostRuns';
import type { LiveCommit } from '../services/ssh/liveCommit';
import type { ComponentLog } from '../log';
import type { HostsController } from './hostsController';
import { loadRemote } from './loadRemote';

function answerOf(live: LiveCommit): HostAnswer {
  if (live.kind === 'found') return { kind: 'found', sha: live.sha, source: live.source, dirty: live.dirty, branch: live.branch, containersDisagree: live.containersDisagree, notes: live.notes };
  if (live.kind === 'unknown') return { kind: 'unknown', notes: live.notes };
  return { kind: 'unreachable', message: live.error.message };
}

/**
 * What each host runs, as last asked (Check What Host Runs): asked over the host's verified shared
 * connection, compared with the repository of the workspace folder. Kept for this window only; the
 * Hosts view shows it.
 */
export class HostRunsStore {
  private readonly runs = new Map<string, HostRuns>();

  constructor(private readonly hosts: HostsController, private readonly log: ComponentLog, private readonly changed: () => void) {}

  get(name: string): HostRuns | undefined {
    return this.runs.get(name);
  }

  all(): HostRuns[] {
    return [...this.runs.values()];
  }

  /** Asks `name` what it runs (connecting if needed: Workspace Trust and the host key are checked there). */
  async check(name: string): Promise<HostRuns> {
    const profile = this.hosts.get(name);
    if (!profile) throw new Error(`No host named ${JSON.stringify(name)}: check incidentDesk.hosts and ~/.ssh/config.`);
    const remote = await loadRemote();
    // Connection errors (untrusted workspace, host key refused, login failed) are the command's to report.
    const conn = await this.hosts.connection(name);
    // With a compose service, its containers' image label is asked too (the answer when the work dir is no git checkout).
    const answer = answerOf(await remote.readLiveCommit(conn, { workDir: profile.workDir, service: profile.service }));
    const comparison = answer.kind === 'found' ? await this.compare(remote, answer.sha) : undefined;
    const runs: HostRuns = { host: name, answer, comparison, at: Date.now() };
    this.runs.set(name, runs);
    this.log.info(`${name} runs ${answer.kind === 'found' ? `${answer.sha} (${answer.source})` : answer.kind}`);
    this.changed();
    return runs;
  }

  private async compare(remote: Awaited<ReturnType<typeof loadRemote>>, sha: string): Promise<RepoComparison> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder?.uri.scheme !== 'file') return { kind: 'notCompared', reason: 'no workspace folder on this machine' };
    try {
      const repo = await remote.openRepository(folder.uri.fsPath);
      const c = await repo.compareWithBranch(sha);
      return c.known ? { kind: 'compared', known: true, branch: c.branch, ahead: c.ahead, behind: c.behind } : { kind: 'compared', known: false };
    } catch (e) {
      if (remote.GitError.is(e, 'notARepository')) return { kind: 'notCompared', reason: 'the workspace folder is not in a git repository' };
      return { kind: 'notCompared', reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
