// The post-mortem editor's form. The document's text comes from the host on every change; the form
// is rendered from it (parsed by the same pure reader the host uses) and every change goes back as
// a request (FormSync keeps one in flight, and shows conflicts). All text is rendered by Lit as
// text: nothing from the file is ever parsed as HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { PostmortemSection } from '../../src/core/postmortem/postmortemDocument';
import { FormSync, type FormKey } from '../../src/webviews/postmortem/formSync';
import { postmortemProtocol, type postmortemToHost, type postmortemToWebview } from '../../src/webviews/postmortem/protocol';
import { HostConnection } from '../shared/ipc';
import { adoptDocumentStyles, baseStyles } from '../shared/styles';
import { actionItemsTemplate } from './actionItemsView';

/** Fields the record owns: shown, not edited in the form. */
const READ_ONLY_FIELDS = new Set(['incident', 'declared', 'resolved', 'created']);
const DEBOUNCE_MS = 250;
/** draft.ts's POSTMORTEM_STATUSES (that module pulls in the record readers, which the webview does not bundle). */
const STATUSES = ['draft', 'in-review', 'final'] as const;

export class PostmortemEditorApp extends LitElement {
  static override styles = [baseStyles, css`
    :host { padding: 8px 20px 40px; max-width: 980px; }
    header { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
    h1 { font-size: 1.4em; margin: 0 auto 0 0; }
    .fields { display: grid; grid-template-columns: max-content 1fr; gap: 6px 12px; align-items: center; margin-bottom: 12px; }
    .fields label { color: var(--vscode-descriptionForeground); }
    section { margin: 18px 0; }
    h2 { font-size: 1.1em; margin: 0 0 2px; }
    .help { margin: 0 0 6px; }
    vscode-textarea { width: 100%; min-height: 5em; }
    .generated { border-left: 2px solid var(--vscode-textBlockQuote-border); padding-left: 8px; margin: 4px 0 8px; }
    .conflict { border: 1px solid var(--vscode-inputValidation-warningBorder); background: var(--vscode-inputValidation-warningBackground); padding: 6px 8px; margin: 6px 0; }
    .status { min-height: 1.4em; }
  `];

  private readonly sync = new FormSync();
  private connection!: HostConnection<typeof postmortemToHost, typeof postmortemToWebview>;
  private fileName = '';
  private statusText = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.connection = new HostConnection(postmortemProtocol, {
      document: (p) => {
        this.fileName = p.fileName;
        this.sync.setDocument(p.version, p.text);
        document.body.dataset.version = String(p.version);
        this.requestUpdate();
      },
    });
    this.connection.ready();
  }

  /** The user changed a field or section: kept as a draft, sent shortly after typing stops. */
  private changed(key: FormKey, value: string, now = false): void {
    this.sync.input(key, value);
    clearTimeout(this.timer);
    if (now) void this.flush();
    else this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    for (let next = this.sync.next(); next; next = this.sync.next()) {
      const sent = next.change.kind === 'field' ? next.change.value : next.change.body;
      try {
        const result = await this.connection.request('edit', { baseVersion: next.baseVersion, change: next.change });
        this.sync.settle(next.key, sent, result);
        if (result.outcome === 'conflict') this.say('This part changed in the file while you were editing it: choose which text to keep.');
      } catch (e) {
        this.sync.abort();
        this.say(`Not saved: ${e instanceof Error ? e.message : String(e)}`);
        break;
      }
      this.requestUpdate();
    }
  }

  private say(text: string): void {
    this.statusText = text;
    this.requestUpdate();
  }

  private async refresh(): Promise<void> {
    this.say('Refreshing from the record…');
    const r = await this.connection.request('refresh', {}).catch((e: unknown) => ({ outcome: 'failed' as const, message: String(e) }));
    this.say(r.outcome === 'refreshed' ? `Refreshed from the record.${r.message ? ` ${r.message}` : ''}` : r.outcome === 'unchanged' ? 'Already up to date with the record.' : `Refresh failed: ${r.message ?? ''}`);
  }

  override render(): TemplateResult {
    const p = this.sync.parsed;
    return html`
      <header>
        <h1>${p.title ?? this.fileName}</h1>
        <vscode-button @click=${() => void this.refresh()} aria-label="Refresh from the record: rewrites only the generated parts">Refresh from the record</vscode-button>
        <vscode-button secondary @click=${() => this.connection.notify('openAsText', {})}>Open as text</vscode-button>
      </header>
      <div class="status muted" role="status" aria-live="polite">${this.statusText}</div>
      ${p.frontMatter?.error ? html`<p class="error" role="alert">The front matter cannot be read (${p.frontMatter.error}); edit it as text.</p>` : nothing}
      ${this.fieldsTemplate()}
      ${p.sections.map((s) => this.sectionTemplate(s))}
    `;
  }

  private fieldsTemplate(): TemplateResult | typeof nothing {
    const fields = this.sync.parsed.frontMatter?.fields;
    if (!fields?.length) return nothing;
    return html`<div class="fields" role="group" aria-label="Front matter">${fields.map((f) => {
      const key = `field:${f.key}`;
      const id = `f-${f.key}`;
      const value = this.sync.shown(key);
      let control: TemplateResult;
      if (f.key === 'status') {
        control = html`<vscode-single-select id=${id} label="Status" aria-label="Status" .value=${live(value)} @change=${(e: Event) => this.changed(key, (e.target as HTMLSelectElement).value, true)}>
          ${STATUSES.map((s) => html`<vscode-option value=${s} ?selected=${s === value}>${s}</vscode-option>`)}
        </vscode-single-select>`;
      } else if (READ_ONLY_FIELDS.has(f.key)) {
        control = html`<span id=${id} class="mono">${value || '—'}</span>`;
      } else {
        control = html`<vscode-textfield id=${id} label=${f.key} .value=${live(value)} @input=${(e: Event) => this.changed(key, (e.target as HTMLInputElement).value)}></vscode-textfield>`;
      }
      return html`<label for=${id}>${f.key}</label><div>${control}${this.conflictTemplate(key)}</div>`;
    })}</div>`;
  }

  private sectionTemplate(s: PostmortemSection): TemplateResult {
    const key = `section:${s.id}`;
    const help = s.help;
    const isActionItems = /^(action items|follow[- ]ups)$/i.test(s.title);
    return html`<section aria-labelledby=${`h-${s.id}`} data-section=${s.id}>
      <h2 id=${`h-${s.id}`}>${s.title}</h2>
      ${help ? html`<p class="help muted">${help}</p>` : nothing}
      ${s.generated.map((g) => html`<div class="generated" role="group" aria-label=${`${s.title}: from the record (Refresh rewrites this)`}>
        <div class="muted">From the record (Refresh rewrites this part)</div><pre>${g.content}</pre></div>`)}
      ${isActionItems ? actionItemsTemplate(this.sync.shown(key), (body, now) => this.changed(key, body, now)) : nothing}
      <vscode-textarea label=${isActionItems ? `${s.title} (as text)` : s.title} rows=${isActionItems ? 3 : 5} resize="vertical" .value=${live(this.sync.shown(key))}
        @input=${(e: Event) => this.changed(key, (e.target as HTMLTextAreaElement).value)}></vscode-textarea>
      ${this.conflictTemplate(key)}
    </section>`;
  }

  private conflictTemplate(key: FormKey): TemplateResult | typeof nothing {
    const failure = this.sync.failures.get(key);
    if (failure) {
      return html`<div class="conflict" role="alert">${failure}
        <vscode-button secondary @click=${() => { this.sync.takeFile(key); this.requestUpdate(); }}>Discard my change</vscode-button></div>`;
    }
    const c = this.sync.conflicts.get(key);
    if (!c) return nothing;
    return html`<div class="conflict" role="alert">
      <strong>Changed in the file while you were editing.</strong> The file now holds:
      <pre>${c.current}</pre>
      <vscode-button @click=${() => { this.sync.keepMine(key); this.requestUpdate(); void this.flush(); }}>Keep my text</vscode-button>
      <vscode-button secondary @click=${() => { this.sync.takeFile(key); this.requestUpdate(); }}>Use the file's text</vscode-button>
    </div>`;
  }
}

customElements.define('postmortem-editor', PostmortemEditorApp);
adoptDocumentStyles();
const root = document.getElementById('app');
if (root) {
  root.setAttribute('aria-busy', 'false');
  // A form, not an application: screen readers keep their reading keys (the shell starts it as role="application").
  root.setAttribute('role', 'main');
  root.setAttribute('aria-label', 'Post-mortem editor');
  root.append(document.createElement('postmortem-editor'));
}
