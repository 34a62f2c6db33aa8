import * as vscode from 'vscode';
import type { Incident } from '../../core/incidents/model';
import type { IncidentFact } from '../../core/rollback/stable';
import { stableRequest, type StableRequestInput } from '../../core/rollback/stableRequest';
import type { ComponentLog } from '../../log';
import type { GitRepository } from '../../services/git/gitRepository';
import { WebviewHost } from '../shared/webviewHost';
import { rollbackProtocol, type PreviewData, type RollbackToHost, type RollbackToWebview, type Step, type TargetData } from './protocol';
import { readPreview, readTarget, resolveTarget } from './rollbackData';
import { refuseMove } from './wizardSteps';

/** What a wizard panel needs from the extension. */
export interface RollbackDeps {
  extensionUri: vscode.Uri;
  log: ComponentLog;
  /** The incident as the store has it now, and the workspace folder holding incidents/. */
  incident(id: string): { incident: Incident; root: string } | undefined;
  /** Every incident known, as evidence for the last stable commit. */
  incidentFacts(): IncidentFact[];
  /** A deploy/rollback setting's raw value (normalised by stableRequest). */
  setting: StableRequestInput['setting'];
  isTrusted(): boolean;
}

/**
 * One incident's rollback wizard. The host holds the step (the state machine the next steps extend:
 * Strategy, Run, Verify, Record) and the facts it was built on; the app asks to move and the host
 * refuses what cannot be reached (a preview without a resolved target, a step not built yet).
 * Everything is read again on ready (a reload or a re-created webview), never trusted from the app.
 */
export class RollbackPanel implements vscode.Disposable {
  private readonly host: WebviewHost<RollbackToHost, RollbackToWebview>;
  private readonly disposables: vscode.Disposable[] = [];
  private step: Step = 'target';
  private repo: GitRepository | null = null;
  private live: string | null = null;
  /** The Target step's data as last sent (integration tests read it). */
  lastTarget: TargetData | undefined;
  /** The preview last shown (what leaving it is checked against). */
  private preview: PreviewData | undefined;
  private request: ReturnType<typeof stableRequest> | undefined;
  /** The read in progress (the app's requests wait for it). */
  private reading: Promise<void> = Promise.resolve();
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(readonly panel: vscode.WebviewPanel, readonly incidentId: string, private readonly deps: RollbackDeps) {
    const found = deps.incident(incidentId);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'incident-desk.svg');
    panel.title = `Roll Back: ${found?.incident.title ?? incidentId}`;
    this.host = new WebviewHost<RollbackToHost, RollbackToWebview>({
      panel,
      extensionUri: deps.extensionUri,
      protocol: rollbackProtocol,
      title: panel.title,
      log: deps.log,
      onReady: () => this.read(),
      handlers: {
        reload: () => this.read(),
        resolveTarget: async ({ name }) => {
          await this.reading;
          return resolveTarget(this.repo, name, this.live);
        },
        goTo: async ({ step, target, acknowledged }) => {
          await this.reading;
          return this.goTo(step, target, acknowledged === true);
        },
      },
    });
    this.disposables.push(this.host, panel.onDidDispose(() => this.dispose()));
  }

  /** Violations the app reported (tests expect none). */
  get cspViolations() {
    return this.host.cspViolations;
  }

  get currentStep(): Step {
    return this.step;
  }

  reveal(): void {
    this.panel.reveal();
  }

  private async goTo(step: Step, target: { sha: string; label: string } | undefined, acknowledged: boolean): Promise<{ step: Step; preview: PreviewData | null }> {
    const refused = refuseMove(this.step, step, this.preview, acknowledged);
    if (refused) throw new Error(refused);
    if (step === 'target') {
      this.step = 'target';
      return { step, preview: null };
    }
    if (!this.repo || !this.live) throw new Error('No repository or no live commit: the preview cannot be read.');
    if (!target) throw new Error('Choose a target commit first.');
    // The app only names commits the host listed or resolved; checked again here all the same.
    const sha = await this.repo.resolveCommit(target.sha);
    if (sha !== target.sha) throw new Error('The target is not a full commit id.');
    if (sha === this.live) throw new Error('The target is the live commit: nothing to roll back.');
    const preview = await readPreview(this.repo, { sha, label: target.label }, this.live, this.request?.migrationGlobs ?? []);
    this.step = 'preview';
    this.preview = preview;
    return { step, preview };
  }

  /** Reads the repository and the evidence again and sends the Target step's data. */
  private read(): void {
    this.reading = this.reading.then(() => this.readNow()).catch((e) => {
      this.deps.log.warn(`rollback ${this.incidentId}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  private async readNow(): Promise<void> {
    const found = this.deps.incident(this.incidentId);
    if (!found) return;
    const i = found.incident;
    this.panel.title = `Roll Back: ${i.title}`;
    // A fetch runs the remote's transport (ssh commands from the repository's config): only in a trusted workspace.
    const incident = { id: i.id, title: i.title, service: i.service, declaredAt: i.declaredAt };
    this.request = stableRequest({ incident, incidents: this.deps.incidentFacts(), setting: this.deps.setting, now: Date.now(), fetch: this.deps.isTrusted() });
    let data;
    try {
      const read = await readTarget(found.root, this.request);
      this.repo = read.repo;
      this.live = read.live;
      data = read.data;
    } catch (e) {
      this.repo = null;
      this.live = null;
      data = { repo: null, problem: `Reading the deploy evidence failed: ${e instanceof Error ? e.message : String(e)}`, env: this.request.env, live: null, stable: null, thin: false, reason: null, candidates: [], rejected: [], notes: [] };
    }
    this.lastTarget = { ...data, incident, trusted: this.deps.isTrusted() };
    this.host.peer.notify('target', this.lastTarget);
    this.host.peer.notify('step', { step: this.step });
  }

  dispose(): void {
    const ds = this.disposables.splice(0);
    vscode.Disposable.from(...ds).dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }
}
