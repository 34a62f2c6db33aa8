import * as vscode from 'vscode';
import { registerCommand, type CommandContext } from './commands/commandRunner';
import { INCIDENT_COMMANDS } from './commands/incidents/incidentCommands';
import { runbookCommands } from './commands/runbooks/runbookCommands';
import { affectsPolicy, SETTINGS } from './config/settings';
import { IncidentsController } from './incidents/incidentsController';
import { SlaWatch } from './incidents/slaWatch';
import { Log } from './log';
import { Notices } from './notices';
import { IncidentsTreeProvider, type IncidentNode } from './views/incidentsTree';
import { RunbooksTreeProvider, type RunbookNode } from './views/runbooksTree';
import { RunbooksController } from './runbooks/runbooksController';
import { PlaceholderValues } from './runbooks/placeholderValues';
import { LocalStepRunner } from './terminals/localStepRunner';
import { SlaStatusBar } from './views/slaStatusBar';
import { REMOTE_COMMANDS } from './commands/remote/remoteCommands';
import { askFilter, pinLines } from './commands/remote/logViewArgs';
import { HostsController } from './remote/hostsController';
import { LogViews } from './terminals/logViews';
import { RemoteStepTerminals } from './terminals/remoteStepTerminal';
import { HostsTreeProvider, type HostNode } from './views/hostsTree';
import { WALKTHROUGH_COMMANDS } from './commands/walkthrough/walkthroughCommands';
import { PostmortemFiles } from './postmortems/postmortemFiles';
import { registerFollowups, type FollowupsParts } from './commands/followups/registerFollowups';
import { RollbackLauncher } from './webviews/rollback/rollbackLauncher';
import { TimelineLauncher } from './webviews/timeline/timelineLauncher';
import { POSTMORTEM_COMMANDS } from './commands/postmortem/postmortemCommands';
import { registerPostmortemEditor } from './webviews/postmortem/registerPostmortem';
import type { PostmortemEditorProvider } from './webviews/postmortem/postmortemEditor';

/** The composition root: builds every part once and owns their disposables. */
export class Container implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly incidents: IncidentsController;
  /** What the user was told (toasts, status bar messages), read back by the integration tests. */
  readonly notices: Notices;
  /** The post-mortems in incidents/ and the Follow-ups view (read by the integration tests). */
  readonly followups: FollowupsParts & { files: PostmortemFiles };
  /** The timeline panels (integration tests and the benchmark read their metrics). */
  readonly timeline: TimelineLauncher;
  /** The rollback wizards (tests read their step and CSP violations). */
  readonly rollback: RollbackLauncher;
  /** The post-mortem editor (the tests read its open sessions). */
  readonly postmortemEditor: PostmortemEditorProvider;
  /** Exposed for the integration tests, which read the real views in the real host. */
  readonly views: { incidentsTree: IncidentsTreeProvider; statusBar: SlaStatusBar; slaWatch: SlaWatch; runbooksTree: RunbooksTreeProvider; runbooks: RunbooksController; hosts: HostsController; hostsTree: HostsTreeProvider; logViews: LogViews };

  constructor(context: vscode.ExtensionContext) {
    const log = this.own(new Log());
    const notices = new Notices();
    this.notices = notices;
    const incidents = this.own(new IncidentsController(context, log.for('incidents')));
    this.incidents = incidents;
    const runbooks = this.own(new RunbooksController(context.extensionUri.fsPath, log.for('runbooks'), () => incidents.policy.levels.map((l) => l.id)));
    const runbooksTree = this.own(new RunbooksTreeProvider(runbooks, incidents));
    const runner = this.own(new LocalStepRunner());
    const hosts = this.own(new HostsController(context, log.for('hosts')));
    // The log views' own keys (/ and p) run the same code as the palette commands.
    const logViews: LogViews = this.own(new LogViews({
      filter: (view) => void askFilter(view).catch(() => undefined),
      pin: (view) => void pinLines(ctx, view).catch((e: unknown) => { if (e instanceof Error && e.name !== 'Cancelled') void vscode.window.showErrorMessage(e.message); }),
    }));
    const stepTerminals = this.own(new RemoteStepTerminals());
    const timeline = this.own(new TimelineLauncher(context, incidents, log.for('timeline')));
    this.timeline = timeline;
    const rollback = this.own(new RollbackLauncher(context, incidents, log.for('rollback'), hosts));
    this.rollback = rollback;
    const ctx: CommandContext = { incidents, runbooks: { controller: runbooks, tree: runbooksTree, runner }, remote: { hosts, stepTerminals, logViews }, log: log.for('commands'), logChannel: log, notices, timeline, rollback };
    const hostsTree = this.own(new HostsTreeProvider(hosts));
    this.own(vscode.window.createTreeView<HostNode>('incidentDesk.hosts', { treeDataProvider: hostsTree }));

    const postmortems = this.own(new PostmortemFiles(incidents, log.for('postmortems')));
    const incidentsTree = this.own(new IncidentsTreeProvider(incidents, postmortems));
    const incidentsView = this.own(vscode.window.createTreeView<IncidentNode>('incidentDesk.incidents', { treeDataProvider: incidentsTree, showCollapseAll: false }));
    this.own(incidentsView.onDidChangeSelection((e) => {
      const node = e.selection[0];
      if (node?.kind === 'incident' && node.entry.incident.status !== 'resolved') void incidents.setFocus(node.incidentId);
    }));
    this.own(incidents.onDidChange(() => {
      const n = incidents.active().length;
      incidentsView.badge = n ? { value: n, tooltip: `${n} active incident${n === 1 ? '' : 's'}` } : undefined;
    }));
    this.own(vscode.window.createTreeView<RunbookNode>('incidentDesk.runbooks', { treeDataProvider: runbooksTree, showCollapseAll: true }));
    const statusBar = this.own(new SlaStatusBar(incidents));
    const slaWatch = this.own(new SlaWatch(incidents, log.for('sla'), notices));
    this.views = { incidentsTree, statusBar, slaWatch, runbooksTree, runbooks, hosts, hostsTree, logViews };

    const postmortem = registerPostmortemEditor(context.extensionUri, incidents, log.for('postmortem'));
    this.own(postmortem.registration);
    this.postmortemEditor = postmortem.provider;
    for (const def of [...INCIDENT_COMMANDS, ...runbookCommands(new PlaceholderValues(context.workspaceState)), ...REMOTE_COMMANDS, ...WALKTHROUGH_COMMANDS, ...POSTMORTEM_COMMANDS]) this.own(registerCommand(def, ctx));

    const followups = registerFollowups(ctx, postmortems, incidents);
    this.own(followups.registration);
    this.followups = { ...followups, files: postmortems };

    this.own(vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsPolicy(e)) {
        this.reportPolicy(true);
        runbooks.recheck();
      }
      else if (e.affectsConfiguration(SETTINGS.section)) incidents.tick();
    }));

    // Reading incidents/ happens after activate() returns: activation stays fast whatever the folder holds.
    void incidents.start().then(() => this.reportPolicy(false), (e) => log.for('incidents').error(`start: ${String(e)}`));
  }

  private reportPolicy(reload: boolean): void {
    if (reload) this.incidents.reloadPolicy();
    const errors = this.incidents.policy.errors;
    if (errors.length) {
      void vscode.window.showWarningMessage(`Incident Desk severity settings: ${errors.join(' ')}`, 'Open Settings').then((p) => {
        if (p) void vscode.commands.executeCommand('workbench.action.openSettings', 'incidentDesk.severities');
      });
    }
  }

  private own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
