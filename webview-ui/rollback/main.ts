// The rollback wizard's app: a step machine (Target, Preview, Strategy, Run, Verify, Record) over
// data the host reads and validates; the host runs only the commands it showed. The app keeps its
// step and target in the webview state, so after a window reload it resumes where it was, on fresh
// data (a run that was under way is found on the timeline by the host and offered to settle).
import { LitElement, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { STEPS, STEP_LABELS, rollbackProtocol, savedStateSchema, type PreviewData, type RollbackToHost, type RollbackToWebview, type SavedState, type Step, type TargetData } from '../../src/webviews/rollback/protocol';
import { validate } from '../../src/webviews/shared/schema';
import { HostConnection, getState, setState } from '../shared/ipc';
import { adoptDocumentStyles, baseStyles } from '../shared/styles';
import { hasMigration, refuseMove } from '../../src/webviews/rollback/wizardSteps';
import { previewView } from './previewView';
import { rollbackStyles } from './styles';
import { choicesOf, short, targetView, type Choice } from './targetView';
import type { InterruptedData, RevertResult, RunState, StrategyData, StrategyKind } from '../../src/webviews/rollback/protocolRun';
import { strategyView } from './strategyView';
import { checksView, confirmView, interruptedView, lockView, outcomeView, recordView, revertView, runView } from './runView';

/** Output kept per command in the app. */
const KEEP_OUTPUT = 256 * 1024;

class RollbackApp extends LitElement {
  static override styles = [baseStyles, rollbackStyles];
  static override properties = {
    data: { state: true }, step: { state: true }, selected: { state: true }, typed: { state: true }, typedError: { state: true },
    preview: { state: true }, acknowledged: { state: true }, busy: { state: true }, error: { state: true },
    strategy: { state: true }, chosen: { state: true }, run: { state: true }, outputs: { state: true }, revert: { state: true }, interrupted: { state: true }, pushArmed: { state: true },
  };

  data: TargetData | undefined;
  step: Step = 'target';
  /** The chosen target's full id. */
  selected: string | undefined;
  typed: Choice | undefined;
  typedError = '';
  preview: PreviewData | undefined;
  acknowledged = false;
  busy = false;
  error = '';
  strategy: StrategyData | undefined;
  chosen: StrategyKind | undefined;
  run: RunState | undefined;
  outputs: string[] = [];
  revert: RevertResult | undefined;
  interrupted: InterruptedData | null = null;
  /** The push was asked for once: the second press (Confirm Push) pushes. */
  pushArmed = false;
  /** What Resume was shown to run after the interrupted command. */
  private resumeCommands: string[] = [];
  /** A saved step to resume once the host has sent its data (after a reload). */
  private resume: SavedState | undefined;
  private readonly conn: HostConnection<RollbackToHost, RollbackToWebview>;

  constructor() {
    super();
    this.resume = getState((v): v is SavedState => validate(savedStateSchema, v).ok);
    this.conn = new HostConnection<RollbackToHost, RollbackToWebview>(rollbackProtocol, {
      target: (d) => {
        this.data = d;
        const choices = choicesOf(d, this.typed);
        if (!this.selected || !choices.some((c) => c.sha === this.selected)) this.selected = d.stable?.sha;
        const r = this.resume;
        this.resume = undefined;
        // A run under way (shown by the host before this) wins over the saved preview.
        if (r && r.incidentId === d.incident.id && r.step !== 'target' && r.target && !this.run) {
          this.acknowledged = r.acknowledged ?? false;
          if (!choices.some((c) => c.sha === r.target!.sha)) this.typed = { sha: r.target.sha, label: r.target.label, subject: null, kind: 'typed', evidence: ['typed'] };
          this.selected = r.target.sha;
          void this.goTo('preview');
        }
        this.save();
      },
      step: ({ step }) => {
        if (!this.resume && step !== this.step && (step === 'target' || STEPS.indexOf(step) > STEPS.indexOf('strategy'))) this.step = step;
      },
      run: (r) => {
        if (!this.run || this.run.host !== r.host || this.run.to !== r.to || (this.run.phase === 'done' && r.phase !== 'done')) this.outputs = [];
        this.run = r;
      },
      output: ({ index, text }) => {
        const next = [...this.outputs];
        next[index] = ((next[index] ?? '') + text).slice(-KEEP_OUTPUT);
        this.outputs = next;
      },
      interrupted: (d) => {
        this.interrupted = d;
      },
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.conn.ready();
  }

  private get choices(): Choice[] {
    return this.data ? choicesOf(this.data, this.typed) : [];
  }

  private get target(): { sha: string; label: string } | undefined {
    const c = this.choices.find((x) => x.sha === this.selected);
    return c ? { sha: c.sha, label: c.kind === 'typed' ? c.label : short(c.sha) } : undefined;
  }

  private save(): void {
    if (!this.data) return;
    setState({ incidentId: this.data.incident.id, step: this.step, target: this.target, acknowledged: this.acknowledged } satisfies SavedState);
  }

  private async goTo(step: Step): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const reply = await this.conn.request('goTo', { step, target: step === 'target' ? undefined : this.target, acknowledged: this.acknowledged });
      // An acknowledgement is for one range: a new target asks again (a resumed one keeps what was saved).
      if (reply.preview && this.preview && reply.preview.target.sha !== this.preview.target.sha) this.acknowledged = false;
      this.preview = reply.preview ?? this.preview;
      this.step = reply.step;
      if (step === 'target') {
        this.run = undefined;
        this.outputs = [];
        this.revert = undefined;
        this.strategy = undefined;
      }
      this.save();
      if (step === 'strategy') void this.loadStrategies(this.strategy?.host ?? undefined);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#step-heading')?.focus();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }

  private async submitTyped(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const field = this.renderRoot.querySelector<HTMLElement & { value: string }>('#typed-name');
    const name = field?.value ?? '';
    if (!name.trim()) {
      this.typedError = 'Type a commit id or a tag first.';
      return;
    }
    this.busy = true;
    const r = await this.conn.request('resolveTarget', { name }).catch((err: unknown) => ({ ok: 'no' as const, error: err instanceof Error ? err.message : String(err) }));
    this.busy = false;
    if (r.ok === 'no') {
      this.typedError = r.error;
      return;
    }
    this.typedError = '';
    const known = this.choices.find((c) => c.sha === r.sha);
    if (!known) this.typed = { sha: r.sha, label: name.trim(), subject: r.subject, kind: 'typed', evidence: [`typed: ${name.trim()} is ${short(r.sha)}`] };
    this.selected = r.sha;
    this.save();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`.choice[data-sha="${r.sha}"] input`)?.focus();
  }

  private stepIndicator() {
    const n = STEPS.indexOf(this.step) + 1;
    return html`<nav class="steps" aria-label="Rollback steps"><ol>
      ${STEPS.map((s, i) => html`<li aria-current=${s === this.step ? 'step' : nothing}>${i + 1}. ${STEP_LABELS[s]}</li>`)}
    </ol></nav>
    <p class="step-status muted" role="status" aria-live="polite">Step ${n} of ${STEPS.length}: ${STEP_LABELS[this.step]}</p>`;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = '';
    try {
      return await fn();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  private async loadStrategies(host: string | undefined): Promise<void> {
    this.strategy = undefined;
    const d = await this.call(() => this.conn.request('strategies', { host }));
    if (!d) return;
    this.strategy = d;
    const chosen = d.options.find((o) => o.strategy === this.chosen) ? this.chosen : undefined;
    this.chosen = chosen ?? d.options.find((o) => o.preferred)?.strategy;
  }

  private get option() {
    return this.strategy?.options.find((o) => o.strategy === this.chosen);
  }

  private async startRun(takeOverHolderId?: string): Promise<void> {
    const o = this.option;
    const host = this.strategy?.host;
    if (!o || !host || o.strategy === 'revert') return;
    const r = await this.call(() => this.conn.request('run', { host, strategy: o.strategy as 'redeploy' | 'teamCommand', commands: o.commands.map((c) => c.command), ...(takeOverHolderId ? { takeOverHolderId } : {}) }));
    if (r && !r.ok) this.error = r.message;
  }

  private async makeBranch(): Promise<void> {
    const r = await this.call(() => this.conn.request('makeRevertBranch', {}));
    if (r) this.revert = r;
    this.pushArmed = false;
  }

  private async push(): Promise<void> {
    const branch = this.revert?.branch;
    if (!branch) return;
    if (!this.pushArmed) {
      this.pushArmed = true;
      return;
    }
    this.pushArmed = false;
    const r = await this.call(() => this.conn.request('pushRevertBranch', { branch }));
    if (r) this.revert = r.ok ? { ...this.revert!, pushed: true, message: r.message } : { ...this.revert!, message: r.message };
  }

  private async settleInterrupted(action: 'verify' | 'resume' | 'abandon', takeOverHolderId?: string): Promise<void> {
    // The commands shown in the interrupted box (kept for a resume pressed again after the lock refused it).
    if (action === 'resume' && this.interrupted) this.resumeCommands = this.interrupted.remaining;
    const commands = action === 'resume' ? { commands: this.resumeCommands } : {};
    const r = await this.call(() => this.conn.request('interrupted', { action, ...commands, ...(takeOverHolderId ? { takeOverHolderId } : {}) }));
    if (r && !r.ok) this.error = r.message;
  }

  private async rollForward(): Promise<void> {
    const r = await this.call(() => this.conn.request('rollForward', {}));
    if (!r) return;
    this.run = undefined;
    this.outputs = [];
    this.revert = undefined;
    this.strategy = undefined;
    this.acknowledged = false;
    this.typed = { sha: r.target.sha, label: r.target.label, subject: null, kind: 'typed', evidence: ['the commit rolled back from'] };
    this.selected = r.target.sha;
    this.step = 'target';
    await this.goTo('preview');
  }

  private button(label: string, cls: string, onClick: () => void, o: { secondary?: boolean; disabled?: boolean; why?: string } = {}) {
    return html`<vscode-button class=${cls} ?secondary=${o.secondary ?? false} ?disabled=${(o.disabled ?? false) || this.busy} aria-describedby=${o.why ? 'next-why' : nothing} @click=${onClick}>${label}</vscode-button>`;
  }

  private nav() {
    const why = (w: string) => html`<span id="next-why" class="muted">${w}</span>`;
    const running = !!this.run && this.run.phase !== 'done';
    if (this.step === 'target') {
      const ok = !!this.target && !!this.data?.live;
      return html`<div class="nav">
        ${this.button('Next: Preview', 'next', () => void this.goTo('preview'), { disabled: !ok, why: 'x' })}
        ${this.button('Read Again', 'reload', () => this.conn.notify('reload', {}), { secondary: true })}
        ${why(ok ? '' : this.data?.live ? 'Choose a commit to roll back to.' : 'The live commit is unknown: nothing to compare with.')}
      </div>`;
    }
    if (this.step === 'preview') {
      const p = this.preview;
      const ready = !!p && (!hasMigration(p) || this.acknowledged);
      const w = refuseMove('preview', 'strategy', p, this.acknowledged) ?? '';
      return html`<div class="nav">
        ${this.button('Back: Target', 'back', () => void this.goTo('target'), { secondary: true })}
        <vscode-button class="next" data-ready=${ready ? 'true' : 'false'} ?disabled=${!ready || w !== '' || this.busy} aria-describedby="next-why" @click=${() => void this.goTo('strategy')}>Next: Strategy</vscode-button>
        ${why(w)}
      </div>`;
    }
    if (this.step === 'strategy') {
      const o = this.option;
      return html`<div class="nav">
        ${this.button('Back: Preview', 'back', () => void this.goTo('preview'), { secondary: true })}
        ${this.button('Next: Run', 'next', () => void this.goTo('run'), { disabled: !o?.available, why: 'x' })}
        ${why(o ? (o.available ? '' : 'This strategy cannot run: see its problems.') : 'Choose a strategy.')}
      </div>`;
    }
    if (this.step === 'run') {
      const o = this.option;
      const refused = this.run?.outcome?.kind === 'refused' ? this.run.outcome : undefined;
      if (running) return html`<div class="nav">${this.button('Cancel', 'cancel', () => this.conn.notify('cancel', {}), { secondary: true })}<span class="muted">Cancel signals the command running on the host; no later command starts.</span></div>`;
      if (!this.run && o?.strategy === 'revert') {
        return html`<div class="nav">
          ${this.button('Back: Strategy', 'back', () => void this.goTo('strategy'), { secondary: true })}
          ${this.revert?.ok ? this.pushButton() : this.button('Make Branch', 'make-branch', () => void this.makeBranch(), { disabled: !this.data?.trusted || !!this.revert })}
          ${this.revert ? this.button('Next: Record', 'next', () => void this.goTo('record'), { secondary: true }) : nothing}
        </div>`;
      }
      if (refused && this.run?.resumed) {
        // A resumed run refused by the lock: pressed again, it resumes again (a stale lock taken over only as confirmed here).
        return html`<div class="nav">
          ${refused.stale && refused.holder ? this.button(`Take Over from ${refused.holder.who} and Resume`, 'take-over', () => void this.settleInterrupted('resume', refused.holder!.id))
            : this.button('Try Again', 'run', () => void this.settleInterrupted('resume'), { disabled: !this.data?.trusted })}
        </div>`;
      }
      if (!this.run || refused) {
        return html`<div class="nav">
          ${this.button('Back: Strategy', 'back', () => void this.goTo('strategy'), { secondary: true })}
          ${refused?.stale && refused.holder ? this.button(`Take Over from ${refused.holder.who} and Run`, 'take-over', () => void this.startRun(refused.holder!.id))
            : this.button(refused ? 'Try Again' : `Run on ${this.strategy?.host ?? 'the host'}`, 'run', () => void this.startRun(), { disabled: !this.data?.trusted || !o?.available })}
        </div>`;
      }
      return html`<div class="nav">${this.button('Next: Verify', 'next', () => void this.goTo('verify'))}</div>`;
    }
    if (this.step === 'verify') {
      const failed = this.run?.outcome && this.run.outcome.kind !== 'verified';
      return html`<div class="nav">
        ${this.button('Next: Record', 'next', () => void this.goTo('record'), { disabled: running })}
        ${failed && !running ? this.button('Roll Forward Again', 'roll-forward', () => void this.rollForward(), { secondary: true }) : nothing}
        ${failed && !running ? html`<span class="muted">A new rollback back to ${short(this.run!.from)}, the commit rolled back from.</span>` : nothing}
      </div>`;
    }
    const offer = this.run?.outcome?.kind === 'verified' && this.run.strategy !== 'revert';
    return html`<div class="nav">
      ${offer && !this.revert ? this.button('Make Revert Branch', 'make-branch', () => void this.makeBranch(), { disabled: !this.data?.trusted }) : nothing}
      ${this.revert?.ok ? this.pushButton() : nothing}
      ${this.button('Start Over', 'start-over', () => void this.goTo('target'), { secondary: true, disabled: running })}
    </div>`;
  }

  private pushButton() {
    if (!this.revert?.ok || this.revert.pushed) return this.revert?.pushed ? html`<span class="muted">Pushed.</span>` : nothing;
    if (!this.revert.push) return html`<span class="muted">No origin remote: push it yourself.</span>`;
    return html`${this.button(this.pushArmed ? 'Confirm Push (not forced)' : 'Push to origin…', 'push', () => void this.push())}
      ${this.pushArmed ? html`<span class="muted" role="status">Press again to run: <span class="mono">${this.revert.push}</span></span>` : nothing}`;
  }

  private body(d: TargetData) {
    switch (this.step) {
      case 'preview':
        return this.preview ? previewView({ preview: this.preview, acknowledged: this.acknowledged, setAcknowledged: (v) => { this.acknowledged = v; this.save(); } }) : nothing;
      case 'strategy':
        return strategyView({ data: this.strategy, chosen: this.chosen, busy: this.busy, chooseHost: (h) => void this.loadStrategies(h), choose: (s) => { this.chosen = s; } });
      case 'run': {
        const o = this.option;
        if (this.run) return html`${lockView(this.run)}${runView(this.run, this.outputs)}${this.run.phase === 'done' && this.run.outcome?.kind !== 'refused' ? outcomeView(this.run) : nothing}`;
        return html`${o ? confirmView(o, this.strategy?.host ?? '', d.trusted) : nothing}${this.revert ? revertView(this.revert) : nothing}`;
      }
      case 'verify':
        return this.run ? html`${outcomeView(this.run)}${checksView(this.run)}${this.run.phase !== 'done' ? runView(this.run, this.outputs) : nothing}` : html`<p class="muted">Nothing ran.</p>`;
      case 'record': {
        const warn = this.run?.outcome?.kind === 'verified' && this.run.strategy !== 'revert' && !this.revert?.pushed
          ? html`<div class="box warn" role="note"><p>The host runs the rollback, but the branch still holds the bad commit: <strong>an auto-deploy on push would otherwise ship the bad commit again</strong>. Make a revert branch (rollback/${d.incident.id}) and merge it.</p></div>` : nothing;
        return html`${this.run ? outcomeView(this.run) : nothing}${warn}${recordView(this.run, this.revert)}`;
      }
      default:
        return targetView({ data: d, choices: this.choices, selected: this.selected, typedError: this.typedError, busy: this.busy,
          select: (sha) => { this.selected = sha; this.save(); }, submitTyped: (e) => void this.submitTyped(e), reload: () => this.conn.notify('reload', {}) });
    }
  }

  override render() {
    const d = this.data;
    if (!d) return html`<p class="muted" role="status">Reading the repository and the deploy evidence…</p>`;
    const headings: Record<Step, string> = {
      target: 'Target: the commit to roll back to', preview: 'Preview: what the rollback undoes', strategy: 'Strategy: how to roll back, and exactly what runs',
      run: 'Run', verify: 'Verify: is the host healthy on the target?', record: 'Record: what was written down',
    };
    return html`<header>
        <h1>Roll back: ${d.incident.title}</h1>
        <p class="muted">${d.incident.service} · declared ${d.incident.declaredAt.slice(0, 16).replace('T', ' ')} UTC</p>
        ${this.stepIndicator()}
      </header>
      <main>
        ${this.interrupted && !this.run ? interruptedView(this.interrupted, (a) => void this.settleInterrupted(a), this.busy) : nothing}
        <h2 id="step-heading" tabindex="-1">${headings[this.step]}</h2>
        <p class="trust muted">${d.trusted ? 'Opening this wizard only reads git (and fetches the deploy ledger). Running a rollback needs this trusted workspace, and asks first.'
          : 'This workspace is not trusted: the wizard only reads the local repository here (no fetch). Running a rollback needs a trusted workspace.'}</p>
        ${this.body(d)}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.nav()}
      </main>`;
  }
}

adoptDocumentStyles();
customElements.define('rollback-app', RollbackApp);
const root = document.getElementById('app');
root?.setAttribute('aria-busy', 'false');
// The app has its own <main> and landmarks; the shell's role=application would turn off a screen reader's reading keys.
root?.removeAttribute('role');
root?.appendChild(document.createElement('rollback-app'));
