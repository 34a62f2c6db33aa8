// The action items of the post-mortem as a list: tick, edit, add. Each change is a new text for the
// section (the item's own line rewritten in the one syntax, other lines as they were), which the
// host turns into the smallest edit of the file. Text fields commit on change (Enter, Tab away), not
// per keystroke: the one syntax trims and collapses spaces, which would fight the typing.
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { html, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { ACTION_TYPES, formatActionItem, parseActionItemLine, type ActionItemFields } from '../../src/core/postmortem/actionItems';

type OnChange = (body: string, now: boolean) => void;

/** What the "add" row holds until Add is pressed (kept across renders). */
const adding: ActionItemFields = { done: false, what: '', owner: '', due: '', type: 'prevent' };

function withLine(lines: string[], index: number, text: string): string {
  return [...lines.slice(0, index), text, ...lines.slice(index + 1)].join('\n');
}

function value(e: Event): string {
  return (e.target as HTMLInputElement).value;
}

export function actionItemsTemplate(body: string, onChange: OnChange): TemplateResult {
  const lines = body.split('\n');
  const items = lines.map((raw, i) => ({ i, item: parseActionItemLine(raw, i + 1) })).filter((x) => x.item);
  const update = (i: number, fields: ActionItemFields, now: boolean) => onChange(withLine(lines, i, formatActionItem(fields)), now);
  const add = () => {
    if (!adding.what?.trim()) return;
    const line = formatActionItem({ ...adding, owner: adding.owner?.trim() || undefined, due: adding.due?.trim() || undefined });
    const trimmed = body.replace(/\s+$/, '');
    onChange(trimmed ? `${trimmed}\n${line}` : line, true);
    Object.assign(adding, { what: '', owner: '', due: '' });
  };
  return html`<ul class="action-items" aria-label="Action items">
    ${items.map(({ i, item }) => {
      const it = item!;
      const fields: ActionItemFields = { done: it.done, what: it.what, owner: it.owner, due: it.due, type: it.type };
      const problems = it.problems.filter((p) => p.kind !== 'emptyWhat').map((p) => p.message);
      return html`<li data-line=${i}>
        <vscode-checkbox .checked=${live(it.done)} label=${`Done: ${it.what}`} @change=${(e: Event) => update(i, { ...fields, done: (e.target as HTMLInputElement).checked }, true)}></vscode-checkbox>
        <vscode-textfield label="What" .value=${live(it.what)} @change=${(e: Event) => update(i, { ...fields, what: value(e) }, true)}></vscode-textfield>
        <vscode-textfield label="Owner" placeholder="owner" .value=${live(it.owner ?? '')} @change=${(e: Event) => update(i, { ...fields, owner: value(e) || undefined }, true)}></vscode-textfield>
        <vscode-textfield label="Due (YYYY-MM-DD)" placeholder="YYYY-MM-DD" .value=${live(it.due ?? '')} @change=${(e: Event) => update(i, { ...fields, due: value(e) || undefined }, true)}></vscode-textfield>
        <vscode-single-select label="Type" aria-label="Type" .value=${live(it.type ?? '')} @change=${(e: Event) => update(i, { ...fields, type: (value(e) || undefined) as ActionItemFields['type'] }, true)}>
          <vscode-option value="" ?selected=${!it.type}>(type)</vscode-option>
          ${ACTION_TYPES.map((t) => html`<vscode-option value=${t} ?selected=${t === it.type}>${t}</vscode-option>`)}
        </vscode-single-select>
        ${problems.length ? html`<div class="muted">${problems.join('; ')}</div>` : ''}
      </li>`;
    })}
    <li class="add" aria-label="New action item">
      <vscode-textfield label="New action item: what" placeholder="New action item" .value=${live(adding.what)} @input=${(e: Event) => { adding.what = value(e); }}
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') add(); }}></vscode-textfield>
      <vscode-textfield label="New action item: owner" placeholder="owner" .value=${live(adding.owner ?? '')} @input=${(e: Event) => { adding.owner = value(e); }}></vscode-textfield>
      <vscode-textfield label="New action item: due" placeholder="YYYY-MM-DD" .value=${live(adding.due ?? '')} @input=${(e: Event) => { adding.due = value(e); }}></vscode-textfield>
      <vscode-single-select label="New action item: type" aria-label="New action item: type" .value=${live(adding.type ?? 'prevent')} @change=${(e: Event) => { adding.type = value(e) as ActionItemFields['type']; }}>
        ${ACTION_TYPES.map((t) => html`<vscode-option value=${t} ?selected=${t === adding.type}>${t}</vscode-option>`)}
      </vscode-single-select>
      <vscode-button @click=${add}>Add</vscode-button>
    </li>
  </ul>`;
}
