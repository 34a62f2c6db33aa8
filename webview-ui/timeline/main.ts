// The timeline panel's app: rows from the host (validated by the protocol), ordered, filtered and
// virtualized here (at most a screenful or so of rows in the DOM whatever the count). A reset brings
// the first screenful; the rest is asked for in ranges once it is painted (RowStream).
import { LitElement, html, nothing } from 'lit';
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer';
import type { RangeChangedEvent, VisibilityChangedEvent } from '@lit-labs/virtualizer/events.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { TimelineRow } from '../../src/core/timeline/timelineRows';
import { RowStream } from '../../src/core/timeline/rowStream';
import { facets, filterRows, formatClock, formatSpan, formatTPlus, timelineMarkdown, type TimelineFilter } from '../../src/core/timeline/timelineView';
import { MORE_ROWS, savedStateSchema, timelineProtocol, type IncidentInfo, type SavedState, type TimelineToHost, type TimelineToWebview } from '../../src/webviews/timeline/protocol';
import { validate } from '../../src/webviews/shared/schema';
import { HostConnection, getState, setState } from '../shared/ipc';
import { adoptDocumentStyles, baseStyles } from '../shared/styles';
import { targetIndex } from './listKeys';
import { rowView, typeLabel } from './rowView';
import { timelineStyles } from './styles';

type ValueTarget = EventTarget & { value: string };
type CheckTarget = EventTarget & { checked: boolean };

class TimelineApp extends LitElement {
  static override styles = [baseStyles, timelineStyles];
  static override properties = {
    incident: { state: true }, shown: { state: true }, filter: { state: true }, utc: { state: true },
    expanded: { state: true }, unfolded: { state: true }, noteError: { state: true }, busy: { state: true }, follow: { state: true },
    activeKey: { state: true },
  };

  incident: IncidentInfo | undefined;
  /** Every row here, in time order (stream.all), and how many are still to come. */
  private readonly stream = new RowStream();
  /** Settles once the last reset's rows are all here (End, export: over the whole timeline). */
  private loading: Promise<void> = Promise.resolve();
  shown: TimelineRow[] = [];
  filter: TimelineFilter = { types: [], actor: '', text: '', keyOnly: false };
  utc = true;
  follow = false;
  expanded = new Set<string>();
  unfolded = new Set<string>();
  noteError = '';
  busy = false;
  /** The row that is the list's one tab stop (roving tabindex); the first shown row when unset or filtered out. */
  activeKey: string | undefined;
  /** The active row was not rendered (scrolled away) at the last render: the list itself took the tab stop, to hand focus to the row. */
  private listStop = false;
  private rendered = { first: -1, last: -1 };
  private visible = { first: 0, last: 0 };
  private paintFor: number | null | undefined;
  private readonly conn: HostConnection<TimelineToHost, TimelineToWebview>;

  constructor() {
    super();
    const saved = getState((v): v is SavedState => validate(savedStateSchema, v).ok);
    if (saved) this.utc = saved.utc;
    this.conn = new HostConnection<TimelineToHost, TimelineToWebview>(timelineProtocol, {
      reset: ({ incident, rows, total, generation, commandAt }) => {
        const receivedAt = Date.now();
        this.incident = incident;
        this.stream.reset(rows, total, generation);
        this.paintFor = commandAt;
        this.save();
        this.refilter();
        this.loading = this.afterPaint([], receivedAt).then(() => this.loadRest(generation));
      },
      update: ({ incident, upsert, added }) => {
        this.incident = incident;
        const fresh = this.stream.upsert(upsert, added);
        const atEnd = this.atEnd();
        this.refilter();
        if (fresh.length && (this.follow || atEnd)) void this.scrollToKey(fresh[fresh.length - 1]);
        void this.afterPaint(fresh);
      },
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.conn.ready();
  }

  private save(): void {
    if (this.incident) setState({ incidentId: this.incident.id, utc: this.utc } satisfies SavedState);
  }

  private refilter(): void {
    this.shown = filterRows(this.stream.all, this.filter);
  }

  /** Asks for the reset's other rows, a range at a time, after its first rows are painted; filters extend as they come. */
  private async loadRest(generation: number): Promise<void> {
    const s = this.stream;
    while (!s.complete && s.generation === generation) {
      const reply = await this.conn.request('rows', { generation, from: s.cursor, count: MORE_ROWS }).catch(() => undefined);
      if (!reply || reply.stale || s.generation !== generation) return;
      const { fresh, appended } = s.addRange(reply.rows);
      if (appended) this.shown = fresh.length ? this.shown.concat(filterRows(fresh, this.filter)) : this.shown;
      else this.refilter();
      this.requestUpdate();
    }
  }

  private setFilter(change: Partial<TimelineFilter>): void {
    this.filter = { ...this.filter, ...change };
    this.refilter();
  }

  private get list(): LitVirtualizer<TimelineRow> | null {
    return this.renderRoot.querySelector<LitVirtualizer<TimelineRow>>('lit-virtualizer');
  }

  private atEnd(): boolean {
    const l = this.list;
    return !l || l.scrollTop + l.clientHeight >= l.scrollHeight - 8;
  }

  private async scrollToKey(key: string): Promise<void> {
    await this.updateComplete;
    const i = this.shown.findIndex((r) => r.key === key);
    if (i < 0) return;
    // The virtualizer takes new items after this element's update (asynchronously): until it has the
    // row, element(i) is undefined and the scroll was lost, so "Follow new events" stayed put on a
    // long timeline (npm run bench -- timeline: appends never on screen). Wait for it, a frame at a time.
    for (let frame = 0; frame < 60; frame++) {
      const el = this.list?.element(i);
      if (el) {
        el.scrollIntoView({ block: 'end' });
        return;
      }
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    }
  }

  private activeIndex(): number {
    const i = this.activeKey === undefined ? -1 : this.shown.findIndex((r) => r.key === this.activeKey);
    return i >= 0 ? i : this.shown.length > 0 ? 0 : -1;
  }

  private activeOutOfRange(): boolean {
    const i = this.activeIndex();
    return i >= 0 && (i < this.rendered.first || i > this.rendered.last);
  }

  private rowElement(key: string): HTMLElement | undefined {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('.row')].find((e) => e.dataset.key === key);
  }

  /** Makes row `index` the active one and focuses it, scrolling the virtualized list until it is rendered. */
  private async focusRow(index: number): Promise<void> {
    const row = this.shown[index];
    if (!row) return;
    this.activeKey = row.key;
    await this.updateComplete;
    let el = this.rowElement(row.key);
    if (!el) {
      this.list?.element(index)?.scrollIntoView({ block: 'nearest' });
      for (let frames = 0; frames < 60 && !el; frames++) {
        await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        el = this.rowElement(row.key);
      }
    }
    el?.focus();
  }

  private onListKeydown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>('.row');
    if (!row) return;
    const page = Math.max(1, this.visible.last - this.visible.first);
    const to = targetIndex(e.key, this.activeIndex(), this.shown.length, page);
    if (to !== undefined) {
      e.preventDefault();
      // Past the rows here while the rest still arrive (End, or down from the last one): once they are all here.
      if (!this.stream.complete && (e.key === 'End' || to >= this.shown.length - 1)) {
        void this.loading.then(() => this.focusRow(targetIndex(e.key, this.activeIndex(), this.shown.length, page) ?? to));
      } else {
        void this.focusRow(to);
      }
    } else if ((e.key === 'Enter' || e.key === ' ') && target === row) {
      e.preventDefault();
      if (row.querySelector('button.expand')) this.toggle('expanded', row.dataset.key ?? '');
    } else if (e.key === 'Escape' && target !== row) {
      row.focus();
    }
  }

  /** A row or a button in it got focus (keyboard or mouse): it becomes the list's tab stop. */
  private onListFocusin(e: FocusEvent): void {
    const key = (e.target as HTMLElement).closest<HTMLElement>('.row')?.dataset.key;
    if (key !== undefined && key !== this.activeKey) this.activeKey = key;
    else if (e.target === this.list) void this.focusRow(this.activeIndex());
  }

  /** Reports the first paint after a reset (time since the command) and when appended rows are on screen. */
  private async afterPaint(fresh: string[], receivedAt?: number): Promise<void> {
    const paintFor = this.paintFor;
    this.paintFor = undefined;
    const deadline = performance.now() + 3000;
    for (;;) {
      await this.updateComplete;
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const rendered = [...this.renderRoot.querySelectorAll<HTMLElement>('.row')];
      const keys = new Set(rendered.map((e) => e.dataset.key));
      const waiting = fresh.filter((k) => !keys.has(k));
      if ((rendered.length > 0 || this.shown.length === 0) && waiting.length === 0 || performance.now() > deadline) {
        const now = Date.now();
        for (const k of fresh) if (keys.has(k)) this.conn.notify('shown', { key: k, at: now });
        document.body.dataset.renderedRows = String(rendered.length);
        document.body.dataset.totalRows = String(this.stream.count);
        if (paintFor !== undefined) {
          const mem = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
          this.conn.notify('painted', { at: now, sinceCommandMs: paintFor === null ? -1 : now - paintFor, renderedRows: rendered.length, totalRows: this.stream.count, heapBytes: mem ? mem.usedJSHeapSize : null, receivedAt: receivedAt ?? now, pageAt: performance.timeOrigin });
        }
        return;
      }
    }
  }

  private async toggleStar(row: TimelineRow): Promise<void> {
    await this.conn.request('star', { ref: row.key, star: !row.starred }).catch(() => undefined);
  }

  private async addNote(e: Event): Promise<void> {
    e.preventDefault();
    const textArea = this.renderRoot.querySelector<HTMLElement & { value: string }>('#note-text');
    const when = this.renderRoot.querySelector<HTMLElement & { value: string }>('#note-when');
    const text = textArea?.value.trim() ?? '';
    if (!text) {
      this.noteError = 'Write the note first.';
      return;
    }
    let occurredAt: string | undefined;
    if (when?.value) {
      const t = new Date(when.value).getTime();
      if (Number.isNaN(t)) {
        this.noteError = 'That is not a time.';
        return;
      }
      occurredAt = new Date(t).toISOString();
    }
    this.busy = true;
    this.noteError = '';
    const reply = await this.conn.request('addNote', { text, ...(occurredAt ? { occurredAt } : {}) }).catch(() => ({ ok: false }));
    this.busy = false;
    if (reply.ok) {
      if (textArea) textArea.value = '';
      if (when) when.value = '';
    } else {
      this.noteError = 'The note was not added (see the message in VS Code).';
    }
  }

  private async exportMarkdown(to: 'clipboard' | 'document'): Promise<void> {
    await this.loading;
    if (!this.incident) return;
    const markdown = timelineMarkdown(this.shown, { title: this.incident.title, declaredAt: this.incident.declaredAt, utc: this.utc });
    void this.conn.request('exportMarkdown', { markdown, to }).catch(() => undefined);
  }

  private toggle(set: 'expanded' | 'unfolded', key: string): void {
    const next = new Set(this[set]);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    this[set] = next;
  }

  private header() {
    const i = this.incident;
    if (!i) return nothing;
    return html`<header>
      <h1>${i.title}</h1>
      <p class="muted">${i.severity} · ${i.status} · declared ${formatClock(i.declaredAt, this.utc)}</p>
      <ol class="milestones" aria-label="Milestones">
        ${i.milestones.map((m) => html`<li>
          ${m.sincePreviousMs !== null ? html`<span class="span muted"><span class="visually-hidden">${formatSpan(m.sincePreviousMs)} later:</span><span aria-hidden="true">→ ${formatSpan(m.sincePreviousMs)} →</span></span>` : nothing}
          <span class="badge milestone-badge">${m.kind}</span> <span class="mono">${formatTPlus(m.afterMs)}</span>
        </li>`)}
      </ol>
      <ul class="targets" aria-label="Targets">
        ${i.targets.map((t) => html`<li class=${`target ${t.state}`}>${t.name}: <strong>${t.state}</strong> <span class="muted">(${t.detail})</span></li>`)}
      </ul>
    </header>`;
  }

  private toolbar() {
    const f = facets(this.stream.all);
    return html`<div class="toolbar" role="group" aria-label="Filter and export">
      <vscode-textfield type="search" label="Filter text" placeholder="Filter text" aria-label="Filter text" .value=${this.filter.text}
        @input=${(e: Event) => this.setFilter({ text: (e.target as ValueTarget).value })}></vscode-textfield>
      <vscode-single-select label="Filter by type" aria-label="Filter by type" @change=${(e: Event) => { const v = (e.target as ValueTarget).value; this.setFilter({ types: v ? [v] : [] }); }}>
        <vscode-option value="">All types</vscode-option>
        ${f.types.map((t) => html`<vscode-option value=${t}>${typeLabel(t)}</vscode-option>`)}
      </vscode-single-select>
      <vscode-single-select label="Filter by actor" aria-label="Filter by actor" @change=${(e: Event) => this.setFilter({ actor: (e.target as ValueTarget).value })}>
        <vscode-option value="">All actors</vscode-option>
        ${f.actors.map((a) => html`<vscode-option value=${a}>${a}</vscode-option>`)}
      </vscode-single-select>
      <vscode-checkbox label="Key moments only" .checked=${this.filter.keyOnly} @change=${(e: Event) => this.setFilter({ keyOnly: (e.target as CheckTarget).checked })}></vscode-checkbox>
      <vscode-checkbox label="Follow new events" .checked=${this.follow} @change=${(e: Event) => { this.follow = (e.target as CheckTarget).checked; }}></vscode-checkbox>
      <vscode-button secondary aria-pressed=${this.utc ? 'true' : 'false'} @click=${() => { this.utc = !this.utc; this.save(); }}>${this.utc ? 'Times: UTC' : 'Times: local'}</vscode-button>
      <vscode-button secondary @click=${() => void this.exportMarkdown('clipboard')}>Copy as Markdown</vscode-button>
      <vscode-button secondary @click=${() => void this.exportMarkdown('document')}>Export as Markdown</vscode-button>
      <vscode-button secondary @click=${() => this.conn.notify('openFile', {})}>Open Timeline File</vscode-button>
    </div>`;
  }

  private noteForm() {
    return html`<form class="note" aria-label="Add a note" @submit=${(e: Event) => void this.addNote(e)}>
      <vscode-textarea id="note-text" label="Note" aria-label="Note text" placeholder="What happened or what you found" rows="2" resize="vertical"></vscode-textarea>
      <label class="when">Occurred at (optional, local time)
        <vscode-textfield id="note-when" type="datetime-local" label="Occurred at" aria-label="Occurred at (optional)"></vscode-textfield></label>
      <vscode-button ?disabled=${this.busy} @click=${(e: Event) => void this.addNote(e)}>Add Note</vscode-button>
      ${this.noteError ? html`<span class="error" role="alert">${this.noteError}</span>` : nothing}
    </form>`;
  }

  private countText(): string {
    const s = this.stream;
    const n = (x: number) => x.toLocaleString('en-US');
    if (!s.complete) return this.shown.length === s.all.length ? `Loading events: ${n(s.all.length)} of ${n(s.count)}…` : `Showing ${n(this.shown.length)} of ${n(s.all.length)} loaded so far (${n(s.count)} events, loading…)`;
    return this.shown.length === s.all.length ? `${s.all.length} events` : `Showing ${this.shown.length} of ${s.all.length} events`;
  }

  override render() {
    if (!this.incident) return html`<p class="muted" role="status">Loading the timeline…</p>`;
    const declaredAt = this.incident.declaredAt;
    const activeKey = this.shown[this.activeIndex()]?.key;
    this.listStop = this.activeOutOfRange();
    return html`${this.header()}${this.toolbar()}${this.noteForm()}
      <p class="count muted" role="status" aria-live="polite">${this.countText()}</p>
      <lit-virtualizer scroller role="list" aria-label="Timeline events (arrow keys, Home, End, Page Up and Page Down move between events; Enter shows details)"
        tabindex=${this.listStop ? 0 : nothing} .items=${this.shown} .keyFunction=${(r: TimelineRow) => r.key}
        @keydown=${(e: KeyboardEvent) => this.onListKeydown(e)} @focusin=${(e: FocusEvent) => this.onListFocusin(e)}
        @rangeChanged=${(e: RangeChangedEvent) => { this.rendered = { first: e.first, last: e.last }; if (this.activeOutOfRange() !== this.listStop) this.requestUpdate(); }}
        @visibilityChanged=${(e: VisibilityChangedEvent) => { this.visible = { first: e.first, last: e.last }; }}
        .renderItem=${(r: TimelineRow, index: number) => rowView(r, {
          expanded: this.expanded.has(r.key), active: r.key === activeKey, index, setSize: this.shown.length, unfolded: this.unfolded, utc: this.utc, declaredAt,
          toggleExpand: (k) => this.toggle('expanded', k), unfold: (id) => this.toggle('unfolded', id),
          toggleStar: (row) => void this.toggleStar(row),
          openRunbook: (path, line) => void this.conn.request('openRunbook', { path, line }).catch(() => undefined),
        })}></lit-virtualizer>`;
  }
}

adoptDocumentStyles();
customElements.define('timeline-app', TimelineApp);
const root = document.getElementById('app');
root?.setAttribute('aria-busy', 'false');
root?.setAttribute('role', 'main');
root?.appendChild(document.createElement('timeline-app'));
