// The rollback wizard's app: a step machine (Target, Preview; Strategy, Run, Verify and Record come
// with the next part) over data the host reads from git and validates. The app keeps its step and
// target in the webview state, so after a window reload it resumes where it was, on fresh data.
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

class RollbackApp extends LitElement {
  static override styles = [baseStyles, rollbackStyles];
  static override properties = {
    data: { state: true }, step: { state: true }, selected: { state: true }, typed: { state: true }, typedError: { state: true },
    preview: { state: true }, acknowledged: { state: true }, busy: { state: true }, error: { state: true },
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
        if (r && r.incidentId === d.incident.id && r.step === 'preview' && r.target) {
          this.acknowledged = r.acknowledged ?? false;
          if (!choices.some((c) => c.sha === r.target!.sha)) this.typed = { sha: r.target.sha, label: r.target.label, subject: null, kind: 'typed', evidence: ['typed'] };
          this.selected = r.target.sha;
          void this.goTo('preview');
        }
        this.save();
      },
      step: ({ step }) => {
        if (!this.resume && step !== this.step && step === 'target') this.step = step;
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
      this.save();
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

  private nav() {
    if (this.step === 'target') {
      const ok = !!this.target && !!this.data?.live;
      return html`<div class="nav">
        <vscode-button class="next" ?disabled=${!ok || this.busy} aria-describedby="next-why" @click=${() => void this.goTo('preview')}>Next: Preview</vscode-button>
        <vscode-button secondary class="reload" title="Read the repository and the deploy ledger again (after a git fetch, say)" @click=${() => this.conn.notify('reload', {})}>Read Again</vscode-button>
        <span id="next-why" class="muted">${ok ? '' : this.data?.live ? 'Choose a commit to roll back to.' : 'The live commit is unknown: nothing to compare with.'}</span>
      </div>`;
    }
    const p = this.preview;
    const ready = !!p && (!hasMigration(p) || this.acknowledged);
    const why = refuseMove('preview', 'strategy', p, this.acknowledged) ?? '';
    const available = why === '';
    return html`<div class="nav">
      <vscode-button secondary class="back" @click=${() => void this.goTo('target')}>Back: Target</vscode-button>
      <vscode-button class="next" data-ready=${ready ? 'true' : 'false'} ?disabled=${!ready || !available} aria-describedby="next-why" @click=${() => void this.goTo('strategy')}>Next: Strategy</vscode-button>
      <span id="next-why" class="muted">${why}</span>
    </div>`;
  }

  override render() {
    const d = this.data;
    if (!d) return html`<p class="muted" role="status">Reading the repository and the deploy evidence…</p>`;
    const body = this.step === 'preview' && this.preview
      ? previewView({ preview: this.preview, acknowledged: this.acknowledged, setAcknowledged: (v) => { this.acknowledged = v; this.save(); } })
      : targetView({ data: d, choices: this.choices, selected: this.selected, typedError: this.typedError, busy: this.busy,
        select: (sha) => { this.selected = sha; this.save(); }, submitTyped: (e) => void this.submitTyped(e), reload: () => this.conn.notify('reload', {}) });
    const heading = this.step === 'preview' ? 'Preview: what the rollback undoes' : 'Target: the commit to roll back to';
    return html`<header>
        <h1>Roll back: ${d.incident.title}</h1>
        <p class="muted">${d.incident.service} · declared ${d.incident.declaredAt.slice(0, 16).replace('T', ' ')} UTC</p>
        ${this.stepIndicator()}
      </header>
      <main>
        <h2 id="step-heading" tabindex="-1">${heading}</h2>
        <p class="trust muted">${d.trusted ? 'Opening this wizard only reads git (and fetches the deploy ledger). Running a rollback (the later steps) will need this trusted workspace.'
          : 'This workspace is not trusted: the wizard only reads the local repository here (no fetch). Running a rollback (the later steps) needs a trusted workspace.'}</p>
        ${body}
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
