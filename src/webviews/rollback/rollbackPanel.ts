import * as vscode from 'vscode';
import { ROLLBACK_SETTINGS } from '../../config/settings';
import type { Incident } from '../../core/incidents/model';
import { normalizeHealthPolicy } from '../../core/rollback/healthPolicy';
import { interruptedRollback, type InterruptedRollback } from '../../core/rollback/interruptedRun';
import type { IncidentFact } from '../../core/rollback/stable';
import { stableRequest } from '../../core/rollback/stableRequest';
import type { TimelineEvent } from '../../core/timeline/events';
import type { ComponentLog } from '../../log';
import type { GitRepository } from '../../services/git/gitRepository';
import { WebviewHost } from '../shared/webviewHost';
import { validate, type Schema } from '../shared/schema';
import type { Handlers } from '../shared/ipc';
import { rollbackProtocol, type PreviewData, type RollbackToHost, type RollbackToWebview, type Step, type TargetData } from './protocol';
import type { InterruptedData, RevertResult, StrategyData } from './protocolRun';
import { readPreview, readTarget, resolveTarget } from './rollbackData';
import { makeBranch, pushBranch } from './rollbackRevert';
import { abandon, interruptedData, remainingCommands, resume, resumeReport, verifyNow } from './rollbackResume';
import { startRun, type RunSession } from './rollbackRunner';
import { readStrategies, type HostsPort, type StrategyRead } from './rollbackStrategy';
import type { RunReport, RunReportPorts } from './runReport';
import { refuseMove } from './wizardSteps';

/** What a wizard panel needs from the extension. */
export interface RollbackDeps {
  extensionUri: vscode.Uri;
  log: ComponentLog;
  /** The incident as the store has it now, and the workspace folder holding incidents/. */
  incident(id: string): { incident: Incident; root: string } | undefined;
  /** The incident's timeline as the store read it (a rollback interrupted by a reload is found there). */
  events(id: string): readonly TimelineEvent[];
  /** Every incident known, as evidence for the last stable commit. */
  incidentFacts(): IncidentFact[];
  /** A setting's raw value under incidentDesk (normalised where it is used). */
  setting(key: string): unknown;
  isTrusted(): boolean;
  hosts: HostsPort;
  /** Who acts (the incident's actor setting, else the user name). */
  actor(): Promise<string>;
  /** Appends an event to the incident's timeline through the store. */
  record(incidentId: string, event: { type: string; text: string; data: Record<string, unknown> }): Promise<void>;
}

/** A run (or a resumed one) in progress, kept by RollbackPanels past its panel. */
export interface RunHandle {
  readonly report: RunReport;
  readonly session?: RunSession;
}

const TRUST = 'Running a rollback needs a trusted workspace: trust this folder (Manage Workspace Trust), then try again.';

/**
 * One incident's rollback wizard. The host holds the step machine (wizardSteps.ts) and every fact
 * it acts on: the preview, the plans it showed, the run. The app asks to move and to run; the host
 * refuses what cannot be reached and runs only the commands it showed. Everything is read again on
 * ready (a reload or a re-created webview), never trusted from the app.
 */
export class RollbackPanel implements vscode.Disposable {
  private readonly host: WebviewHost<RollbackToHost, RollbackToWebview>;
  private readonly handlers: Handlers<RollbackToHost>;
  private readonly disposables: vscode.Disposable[] = [];
  private step: Step = 'target';
  private repo: GitRepository | null = null;
  private live: string | null = null;
  /** After Roll Forward Again: the commit the host was rolled back to is live, whatever the ledger says. */
  private liveOverride: string | null = null;
  /** The Target step's data as last sent (integration tests read it). */
  lastTarget: TargetData | undefined;
  /** The preview last shown (what leaving it is checked against). */
  private preview: PreviewData | undefined;
  private request: ReturnType<typeof stableRequest> | undefined;
  /** The Strategy step as last read (its plans are what `run` may run). */
  private strategy: StrategyRead | undefined;
  private session: RunSession | undefined;
  /** A run is being started (the checks passed; the actor is read): a second press is refused. */
  private starting = false;
  private disposed = false;
  /** The run (or resumed run) as last reported (tests read it). */
  lastRun: RunReport | undefined;
  lastRevert: RevertResult | undefined;
  lastInterrupted: InterruptedData | null = null;
  private interrupted: InterruptedRollback | undefined;
  /** The read in progress (the app's requests wait for it). */
  private reading: Promise<void> = Promise.resolve();
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(readonly panel: vscode.WebviewPanel, readonly incidentId: string, private readonly deps: RollbackDeps, private readonly runs: Map<string, RunHandle> = new Map()) {
    const found = deps.incident(incidentId);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'incident-desk.svg');
    panel.title = `Roll Back: ${found?.incident.title ?? incidentId}`;
    const after = <P, R>(fn: (p: P) => Promise<R>) => async (p: P) => {
      await this.reading;
      return fn(p);
    };
    this.handlers = {
      ready: () => undefined,
      cspViolation: () => undefined,
      reload: () => this.read(),
      resolveTarget: after(({ name }) => resolveTarget(this.repo, name, this.live)),
      goTo: after(({ step, target, acknowledged }) => this.goTo(step, target, acknowledged === true)),
      strategies: after(({ host }) => this.readStrategies(host)),
      run: after((p) => this.run(p)),
      cancel: () => this.session?.cancel(),
      makeRevertBranch: after(() => this.makeRevertBranch()),
      pushRevertBranch: after(({ branch }) => this.pushRevertBranch(branch)),
      interrupted: after(({ action, takeOverHolderId, commands }) => this.onInterrupted(action, takeOverHolderId, commands)),
      rollForward: after(() => this.rollForward()),
    } as Handlers<RollbackToHost>;
    this.host = new WebviewHost<RollbackToHost, RollbackToWebview>({
      panel, extensionUri: deps.extensionUri, protocol: rollbackProtocol, title: panel.title, log: deps.log,
      // The first ready finds the read the constructor started (git is read while the app loads); a
      // later one is a re-created webview and reads again.
      onReady: () => {
        if (this.readies++ > 0) this.read(true);
      },
      handlers: this.handlers,
    });
    this.disposables.push(this.host, panel.onDidDispose(() => this.dispose()));
    // The wizard was closed while its rollback ran: this one shows it (the lock, the timeline and the host never stopped).
    const running = runs.get(incidentId);
    if (running && running.report.state.phase !== 'done') {
      this.lastRun = running.report;
      this.session = running.session;
      this.step = 'run';
    }
    this.read(true);
  }

  private readies = 0;

  /** Where a run's state and output go: this panel's webview while it is open. */
  private view() {
    const guard = (fn: () => void) => {
      if (!this.disposed) fn();
    };
    return {
      send: (state: Parameters<RunReportPorts['send']>[0]) => guard(() => this.host.peer.notify('run', state)),
      sendOutput: (index: number, text: string) => guard(() => this.host.peer.notify('output', { index, text })),
    };
  }

  /** Keeps a run known past this panel until it ends. */
  private track(report: RunReport, session?: RunSession, done?: Promise<unknown>): void {
    const handle = { report, session };
    this.runs.set(this.incidentId, handle);
    void (done ?? session?.done)?.finally(() => {
      if (this.runs.get(this.incidentId) === handle) this.runs.delete(this.incidentId);
    });
  }

  /** Violations the app reported (tests expect none). */
  get cspViolations() {
    return this.host.cspViolations;
  }

  get currentStep(): Step {
    return this.step;
  }

  /** The Strategy step as last read (tests). */
  get lastStrategy(): StrategyData | undefined {
    return this.strategy?.data;
  }

  /** Handles a message as if the app sent it, validated as on arrival (integration tests drive the host side with it). */
  async dispatch<M extends keyof RollbackToHost>(method: M, params: unknown): Promise<unknown> {
    const def = rollbackProtocol.toHost[method] as { params: Schema<unknown> };
    const checked = validate(def.params, params, 'params');
    if (!checked.ok) throw new Error(checked.error);
    return (this.handlers[method] as (p: unknown) => unknown)(checked.value);
  }

  reveal(): void {
    this.panel.reveal();
  }

  private runFacts() {
    // A revert branch made is a rollback done too: its Record step shows it.
    return { running: !!this.lastRun && this.lastRun.state.phase !== 'done', ran: !!this.lastRun || !!this.lastRevert };
  }

  private async goTo(step: Step, target: { sha: string; label: string } | undefined, acknowledged: boolean): Promise<{ step: Step; preview: PreviewData | null }> {
    const refused = refuseMove(this.step, step, this.preview, acknowledged, this.runFacts());
    if (refused) throw new Error(refused);
    if (step === 'target') {
      // Back at the start after a run: a new rollback (the old one stays on the timeline).
      if (this.lastRun || this.lastRevert) {
        // A new rollback starts from what is true now: the ledger holds the one that ran.
        this.resetRun();
        this.liveOverride = null;
        this.step = 'target';
        this.read();
      }
      this.step = 'target';
      return { step, preview: null };
    }
    if (step !== 'preview') {
      this.step = step;
      return { step, preview: this.preview ?? null };
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
    this.strategy = undefined;
    return { step, preview };
  }

  private resetRun(): void {
    this.lastRun = undefined;
    this.session = undefined;
    this.strategy = undefined;
    this.lastRevert = undefined;
  }

  private async readStrategies(host: string | undefined): Promise<StrategyData> {
    if (this.step !== 'strategy' || !this.preview || !this.live) throw new Error('Preview the rollback first.');
    this.strategy = await readStrategies({
      hosts: this.deps.hosts, host, sha: this.preview.target.sha, live: this.preview.live, incidentId: this.incidentId, repo: this.repo,
      teamCommand: typeof this.deps.setting(ROLLBACK_SETTINGS.command) === 'string' ? (this.deps.setting(ROLLBACK_SETTINGS.command) as string) : '', trusted: this.deps.isTrusted(),
    });
    return this.strategy.data;
  }

  private reportPorts(): RunReportPorts {
    return { ...this.view(), record: (type, text, data) => this.deps.record(this.incidentId, { type, text, data }) };
  }

  private async run(p: { host: string; strategy: 'redeploy' | 'teamCommand'; commands: string[]; takeOverHolderId?: string }): Promise<{ ok: boolean; message: string }> {
    if (!this.deps.isTrusted()) return { ok: false, message: TRUST };
    if (this.starting) return { ok: false, message: 'The rollback is starting.' };
    const retry = this.lastRun?.state.phase === 'done' && ['refused', 'lockFailed'].includes(this.lastRun.state.outcome?.kind ?? '');
    if (this.lastRun && !retry) return { ok: false, message: this.lastRun.state.phase === 'done' ? 'This rollback has run: start over from the Target step for a new one.' : 'A rollback is running.' };
    if (this.step !== 'strategy' && this.step !== 'run') return { ok: false, message: 'Choose a strategy first.' };
    const plan = this.strategy?.data.host === p.host ? this.strategy.plans.get(p.strategy) : undefined;
    if (!plan || plan.kind !== 'plan' || !this.strategy?.data.options.find((o) => o.strategy === p.strategy)?.available) return { ok: false, message: 'That strategy cannot run on this host (see its problems), or was not shown for it: choose it again.' };
    if (JSON.stringify(plan.commands.map((c) => c.command)) !== JSON.stringify(p.commands)) return { ok: false, message: 'The commands confirmed are not the ones planned now: read the strategy again and check them.' };
    const profile = this.deps.hosts.all().find((h) => h.name === p.host);
    if (!profile || !this.preview) return { ok: false, message: `No host named ${p.host} now.` };
    this.step = 'run';
    this.starting = true;
    let session: RunSession;
    try {
      session = startRun({
        hosts: this.deps.hosts, profile, plan, from: this.preview.live, incidentId: this.incidentId, who: await this.deps.actor(), env: this.request?.env ?? 'production',
        repo: this.repo, health: normalizeHealthPolicy(this.deps.setting(ROLLBACK_SETTINGS.health)), takeOverHolderId: p.takeOverHolderId,
      }, this.reportPorts());
    } finally {
      this.starting = false;
    }
    this.session = session;
    this.lastRun = session.report;
    this.track(session.report, session);
    void session.done.then(() => this.deps.log.info(`rollback ${this.incidentId} on ${p.host}: ${session.report.state.outcome?.kind}: ${session.report.state.outcome?.message}`));
    return { ok: true, message: `Started on ${p.host}.` };
  }

  /** After a host redeploy: revert from the commit rolled back from to the one rolled back to. Else the previewed range. */
  private async makeRevertBranch(): Promise<RevertResult> {
    if (!this.deps.isTrusted()) return { ok: false, branch: null, head: null, reverted: [], conflict: null, message: TRUST, push: null, pushed: false };
    const ran = this.lastRun?.state;
    const range = ran && ran.outcome ? { target: ran.to, live: ran.from } : this.preview ? { target: this.preview.target.sha, live: this.preview.live } : undefined;
    if (!range || (this.step !== 'run' && this.step !== 'record' && this.step !== 'verify')) throw new Error('Preview the rollback and choose Revert in git first.');
    if (!ran) this.step = 'run';
    const who = await this.deps.actor();
    this.lastRevert = await makeBranch(this.repo, { incidentId: this.incidentId, ...range }, (text, data) => this.deps.record(this.incidentId, { type: 'note', text, data: { ...data, by: who } }));
    return this.lastRevert;
  }

  private async pushRevertBranch(branch: string): Promise<RevertResult> {
    if (!this.deps.isTrusted()) return { ok: false, branch, head: null, reverted: [], conflict: null, message: TRUST, push: null, pushed: false };
    if (!this.lastRevert?.ok || this.lastRevert.branch !== branch) return { ok: false, branch, head: null, reverted: [], conflict: null, message: 'Only the branch this wizard made is pushed from here.', push: null, pushed: false };
    const pushed = await pushBranch(this.repo, branch, (text, data) => this.deps.record(this.incidentId, { type: 'note', text, data }));
    if (pushed.ok) this.lastRevert = { ...this.lastRevert, pushed: true };
    return pushed;
  }

  private async onInterrupted(action: 'verify' | 'resume' | 'abandon', takeOverHolderId?: string, commands?: string[]): Promise<{ ok: boolean; message: string }> {
    const run = this.interrupted;
    if (!run) return { ok: false, message: 'No interrupted rollback on this incident\'s timeline.' };
    // Resume runs what the timeline recorded: only once the user was shown exactly that (a timeline is a file anyone with the repository can edit).
    if (action === 'resume' && JSON.stringify(commands ?? null) !== JSON.stringify(remainingCommands(run))) return { ok: false, message: 'The commands confirmed are not the ones the interrupted rollback recorded: reload and check them.' };
    if (this.lastRun && this.lastRun.state.phase !== 'done') return { ok: false, message: 'A rollback is running.' };
    if (action !== 'abandon' && !this.deps.isTrusted()) return { ok: false, message: TRUST };
    // Settled once: a second press finds nothing to settle (a Resume refused by the lock may be pressed again).
    this.interrupted = undefined;
    const input = {
      hosts: this.deps.hosts, profile: this.deps.hosts.all().find((h) => h.name === run.host), run, health: normalizeHealthPolicy(this.deps.setting(ROLLBACK_SETTINGS.health)),
      who: await this.deps.actor(), incidentId: this.incidentId,
    };
    const report = resumeReport(input, this.reportPorts());
    const session = action === 'resume' ? resume({ ...input, env: this.request?.env ?? 'production', repo: this.repo, takeOverHolderId }, report) : undefined;
    if (action === 'resume' && !session) {
      this.interrupted = run;
      return { ok: false, message: 'There is no interrupted command to follow: Verify or Abandon.' };
    }
    this.lastInterrupted = null;
    this.host.peer.notify('interrupted', null);
    this.step = action === 'resume' ? 'run' : action === 'verify' ? 'verify' : 'record';
    this.host.peer.notify('step', { step: this.step });
    this.lastRun = report;
    this.session = session;
    report.send();
    const started = session ? session.done : action === 'abandon' ? abandon(input, report, this.deps.isTrusted()) : verifyNow(input, report);
    void started.catch((e) => this.deps.log.warn(`rollback ${this.incidentId}: ${action}: ${e instanceof Error ? e.message : String(e)}`));
    // Refused by the lock (or it could not be taken): nothing ran, the run stays to settle (a stale lock's take-over confirmed).
    void session?.done.then(() => {
      if (['refused', 'lockFailed'].includes(report.state.outcome?.kind ?? '') && this.lastRun === report) this.interrupted = run;
    });
    this.track(report, session, started);
    if (action === 'abandon') await started;
    return { ok: true, message: action === 'abandon' ? 'Recorded as abandoned.' : action === 'verify' ? `Verifying ${run.host}…` : `Resuming at command ${run.step} on ${run.host}…` };
  }

  private async rollForward(): Promise<{ target: { sha: string; label: string } }> {
    const s = this.lastRun?.state;
    if (!s || s.phase !== 'done') throw new Error('Roll forward again after a rollback has run.');
    // The host now runs the commit rolled back to: that is live for the new rollback, back to the one rolled back from.
    this.liveOverride = s.to;
    this.live = s.to;
    this.resetRun();
    this.preview = undefined;
    this.step = 'target';
    return { target: { sha: s.from, label: `${s.from.slice(0, 12)} (rolled back from)` } };
  }

  /** Reads the repository and the evidence again and sends the Target step's data. */
  private read(ready = false): void {
    this.reading = this.reading.then(() => this.readNow(ready)).catch((e) => {
      this.deps.log.warn(`rollback ${this.incidentId}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** `ready`: the webview is new (a reload, a re-created view): the run's output so far is sent again. */
  private async readNow(ready: boolean): Promise<void> {
    const found = this.deps.incident(this.incidentId);
    if (!found) return;
    const i = found.incident;
    this.panel.title = `Roll Back: ${i.title}`;
    // A fetch runs the remote's transport (ssh commands from the repository's config): only in a trusted workspace.
    const incident = { id: i.id, title: i.title, service: i.service, declaredAt: i.declaredAt };
    this.request = stableRequest({ incident, incidents: this.deps.incidentFacts(), setting: this.deps.setting, now: Date.now(), fetch: this.deps.isTrusted() });
    let data;
    try {
      // Restricted Mode: git status is not run (a repository's config can make it run programs).
      const read = await readTarget(found.root, this.request, { untrusted: !this.deps.isTrusted() });
      this.repo = read.repo;
      this.live = this.liveOverride ?? read.live;
      data = read.data;
    } catch (e) {
      this.repo = null;
      this.live = null;
      data = { repo: null, problem: `Reading the deploy evidence failed: ${e instanceof Error ? e.message : String(e)}`, env: this.request.env, live: null, stable: null, thin: false, reason: null, candidates: [], rejected: [], notes: [] };
    }
    this.lastTarget = { ...data, incident, trusted: this.deps.isTrusted() };
    // Messages posted before the app listens are lost: the first read waits for it.
    await this.host.whenReady();
    if (this.disposed) return;
    // A run in progress first: the app then shows it rather than resuming its saved preview.
    if (this.lastRun) {
      this.lastRun.send();
      if (ready) this.lastRun.attachView(this.view());
    }
    this.host.peer.notify('target', this.lastTarget);
    this.host.peer.notify('step', { step: this.step });
    // A rollback this wizard runs is its own; one the timeline shows started and not ended is offered to settle.
    this.interrupted = this.lastRun ? undefined : interruptedRollback(this.deps.events(this.incidentId));
    this.lastInterrupted = this.interrupted ? interruptedData(this.interrupted) : null;
    if (!this.lastInterrupted) this.interrupted = undefined;
    this.host.peer.notify('interrupted', this.lastInterrupted);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A run goes on without a view; RollbackPanels keeps it for the next panel of this incident.
    this.lastRun?.attachView(undefined);
    const ds = this.disposables.splice(0);
    vscode.Disposable.from(...ds).dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }
}
