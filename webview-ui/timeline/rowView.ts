// One timeline row as Lit templates. Every string from the file goes through a text binding
// (${...} in content or an attribute): Lit sets it as text, never as markup.
import { html, nothing, type TemplateResult } from 'lit';
import type { RowDetail, TimelineRow } from '../../src/core/timeline/timelineRows';
import { formatClock, tPlusOf } from '../../src/core/timeline/timelineView';

/** A glyph per type (decorative: the type's label is beside it). No icon font to load; no emoji (not every machine has the font). */
const ICONS: Record<string, string> = {
  declared: '⚑', acknowledged: '✓', status_changed: '↻', severity_changed: '⇅', role_assigned: '@', note: '✎',
  status_update: '✉', resolved: '✔', reopened: '↺', escalation: '⇧', runbook_step_started: '▶', runbook_step_finished: '■',
  runbook_step_done: '☑', ssh_terminal_opened: '⌨', ssh_terminal_closed: '⏏', evidence: '§', container_restarted: '⟳',
  starred: '★', unstarred: '☆', damaged: '⚠', rollback_started: '⤺', rollback_command_started: '▶', rollback_command_finished: '■',
  rollback_verified: '✔', rollback_failed: '✗', rollback_unknown: '?',
};

export function typeIcon(type: string): string {
  return Object.hasOwn(ICONS, type) ? ICONS[type] : '•';
}

export function typeLabel(type: string): string {
  const s = type.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const FOLD_LINES = 8;
const FOLD_CHARS = 800;

export interface RowActions {
  expanded: boolean;
  /** The list's one tab stop (roving tabindex): this row, and the buttons in it, are reachable by Tab. */
  active: boolean;
  /** Position in the filtered list (0-based) and its length: the list is virtualized, so screen readers are told. */
  index: number;
  setSize: number;
  unfolded: ReadonlySet<string>;
  utc: boolean;
  declaredAt: string;
  toggleExpand(key: string): void;
  toggleStar(row: TimelineRow): void;
  unfold(id: string): void;
  openRunbook(path: string, line: number): void;
}

function detailView(row: TimelineRow, d: RowDetail, i: number, a: RowActions): TemplateResult {
  const id = `${row.key}#${i}`;
  const lines = d.text.split('\n');
  const long = lines.length > FOLD_LINES || d.text.length > FOLD_CHARS;
  const folded = long && !a.unfolded.has(id);
  const shown = folded ? lines.slice(0, FOLD_LINES).join('\n').slice(0, FOLD_CHARS) : d.text;
  return html`<div class="detail">
    <span class="label">${d.label}</span>
    ${d.mono ? html`<pre>${shown}</pre>` : html`<span class="value">${shown}</span>`}
    ${folded ? html`<button class="link" tabindex=${a.active ? 0 : -1} @click=${() => a.unfold(id)}>Show all (${lines.length} lines)</button>` : nothing}
  </div>`;
}

export function rowView(row: TimelineRow, a: RowActions): TemplateResult {
  const when = formatClock(row.at, a.utc);
  const hasDetails = row.details.length > 0 || row.runbook !== null;
  const label = `${typeLabel(row.type)}${row.actor ? ` by ${row.actor}` : ''}, ${tPlusOf(row, a.declaredAt)}${row.starred ? ', key moment' : ''}${row.milestone ? `, milestone ${row.milestone}` : ''}${row.backdated ? `, backdated (written ${formatClock(row.ts, a.utc)})` : ''}${hasDetails ? (a.expanded ? ', details shown' : ', details hidden') : ''}`;
  const tab = a.active ? 0 : -1;
  const textId = `row-text-${a.index}`;
  return html`<div class="row ${row.kind} ${row.milestone ? 'milestone' : ''} ${row.starred ? 'starred' : ''}" role="listitem" aria-label=${label} aria-describedby=${textId}
    aria-posinset=${a.index + 1} aria-setsize=${a.setSize} tabindex=${tab} data-key=${row.key}>
    <div class="line">
      <span class="icon" aria-hidden="true">${typeIcon(row.type)}</span>
      <span class="tplus mono">${tPlusOf(row, a.declaredAt)}</span>
      <span class="clock muted mono" title=${row.backdated ? `written ${formatClock(row.ts, a.utc)}` : ''}>${when}</span>
      <span class="type">${typeLabel(row.type)}</span>
      <span class="actor">${row.actor}</span>
      ${row.milestone ? html`<span class="badge milestone-badge">${row.milestone}</span>` : nothing}
      ${row.backdated ? html`<span class="badge backdated" title=${`written ${formatClock(row.ts, a.utc)}`}>backdated</span>` : nothing}
      <span class="text" id=${textId}>${row.text}</span>
      <span class="actions">
        ${row.starrable ? html`<button class="icon-button star" tabindex=${tab} aria-pressed=${row.starred ? 'true' : 'false'}
            aria-label=${row.starred ? 'Unstar this key moment' : 'Star as a key moment'} title=${row.starred ? 'Unstar' : 'Star as a key moment'}
            @click=${() => a.toggleStar(row)}>${row.starred ? '★' : '☆'}</button>` : nothing}
        ${hasDetails ? html`<button class="icon-button expand" tabindex=${tab} aria-expanded=${a.expanded ? 'true' : 'false'} aria-label=${a.expanded ? 'Hide details' : 'Show details'}
            @click=${() => a.toggleExpand(row.key)}>${a.expanded ? '▾' : '▸'}</button>` : nothing}
      </span>
    </div>
    ${a.expanded && hasDetails ? html`<div class="details">
      ${row.details.map((d, i) => detailView(row, d, i, a))}
      ${row.runbook ? html`<button class="link" tabindex=${tab} @click=${() => a.openRunbook(row.runbook!.path, row.runbook!.line)}>Open the runbook at line ${row.runbook.line}</button>` : nothing}
    </div>` : nothing}
  </div>`;
}
