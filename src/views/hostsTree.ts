import * as vscode from 'vscode';
import { describeHostRuns } from '../core/rollback/hostRuns';
import type { HostsController, LocalDockerSummary } from '../remote/hostsController';

export type HostNode = { kind: 'local'; name: 'local' } | { kind: 'host'; name: string };

/** The Hosts view: the local Docker engine, then every host with its connection state. */
export class HostsTreeProvider implements vscode.TreeDataProvider<HostNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HostNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Resolved on each refresh: DOCKER_HOST, DOCKER_CONTEXT and ~/.docker may have changed since. */
  private localDocker: LocalDockerSummary | undefined;

  constructor(private readonly hosts: HostsController) {
    this.subscription = hosts.onDidChange(() => this.changed.fire(undefined));
  }

  async getChildren(node?: HostNode): Promise<HostNode[]> {
    if (node) return [];
    await this.hosts.ready();
    this.localDocker = await this.hosts.localDockerSummary();
    return [{ kind: 'local', name: 'local' }, ...this.hosts.all().map((p): HostNode => ({ kind: 'host', name: p.name }))];
  }

  getTreeItem(node: HostNode): vscode.TreeItem {
    if (node.kind === 'local') {
      const item = new vscode.TreeItem('Local Docker engine');
      item.id = 'host:local';
      const local = this.localDocker;
      // What the last call found, for the endpoint in use now (a changed endpoint starts over).
      const state = local?.kind === 'endpoint' ? this.hosts.localState(local.text) : undefined;
      const unreachable = state?.kind === 'failed';
      item.description = local?.kind === 'refused' ? 'refused' : `${local?.text ?? ''}${unreachable ? ' · unreachable' : ''}`;
      item.iconPath = local?.kind === 'refused' || unreachable ? new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('list.errorForeground'))
        : state?.kind === 'connected' ? new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('vm');
      item.contextValue = 'host:local';
      const about = 'The Docker engine the docker CLI would use (DOCKER_HOST, else DOCKER_CONTEXT or the current docker context, else /var/run/docker.sock): follow logs, restart containers, stats.';
      item.tooltip = local?.kind === 'refused' ? `${about}\n\n${local.message}` : state?.kind === 'failed' ? `${about}\n\nUnreachable: the last call failed: ${state.message}` : about;
      item.accessibilityInformation = { label: `Local Docker engine, ${local?.kind === 'refused' ? 'refused' : `${local?.text ?? ''}${unreachable ? ', unreachable' : ''}`}` };
      return item;
    }
    const profile = this.hosts.get(node.name);
    const state = this.hosts.state(node.name);
    const item = new vscode.TreeItem(node.name);
    item.id = `host:${node.name}`;
    const address = profile ? `${profile.user}@${profile.host}${profile.port === 22 ? '' : `:${profile.port}`}` : '';
    const stateText = state.kind === 'connected' ? 'connected' : state.kind === 'connecting' ? 'connecting…' : state.kind === 'failed' ? 'failed' : '';
    const runs = this.hosts.runs.get(node.name);
    const runsView = runs ? describeHostRuns(runs, this.hosts.runs.all()) : undefined;
    item.description = [address, stateText, runsView?.description].filter(Boolean).join(' · ');
    item.iconPath =
      runsView?.warning ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : state.kind === 'connected' ? new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('testing.iconPassed'))
      : state.kind === 'connecting' ? new vscode.ThemeIcon('loading~spin')
      : state.kind === 'failed' ? new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('list.errorForeground'))
      : new vscode.ThemeIcon('vm-outline');
    item.contextValue = `host:ssh:${state.kind}`;
    const md = new vscode.MarkdownString();
    md.appendText(`${node.name}\n${address}${profile?.workDir ? `\nwork dir ${profile.workDir}` : ''}${profile?.source === 'ssh-config' ? '\nfrom ~/.ssh/config' : ''}`);
    if (state.kind === 'connected' && state.fingerprint) md.appendText(`\nhost key ${state.fingerprint}`);
    if (state.kind === 'failed') md.appendText(`\n\n${state.message}`);
    if (runs && runsView) md.appendText(`\n\n${runsView.details.join('\n')}\n(asked at ${new Date(runs.at).toLocaleTimeString()})`);
    item.tooltip = md;
    item.accessibilityInformation = { label: `${node.name}, ${address}${stateText ? `, ${stateText}` : ''}${runsView ? `, ${runsView.description}` : ''}` };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
