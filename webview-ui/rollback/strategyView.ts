// The Strategy step: the host (a native select: arrow keys), and the strategies as one radio group,
// each with the exact commands it would run, its problems and notes. Nothing runs from here: the
// Run step asks for the confirmation. Every command and host value is bound as text.
import { html, nothing, type TemplateResult } from 'lit';
import { STRATEGY_LABELS, type StrategyData, type StrategyKind, type StrategyOption } from '../../src/webviews/rollback/protocolRun';

export interface StrategyViewOptions {
  data: StrategyData | undefined;
  chosen: StrategyKind | undefined;
  busy: boolean;
  chooseHost(name: string): void;
  choose(s: StrategyKind): void;
}

export function commandList(commands: ReadonlyArray<{ command: string; label: string }>, cls = 'commands'): TemplateResult {
  return html`<ol class=${cls}>${commands.map((c) => html`<li><span class="muted">${c.label}</span><pre class="command">${c.command}</pre></li>`)}</ol>`;
}

function optionView(o: StrategyOption, v: StrategyViewOptions): TemplateResult {
  const id = `strategy-${o.strategy}`;
  return html`<div class="choice strategy ${v.chosen === o.strategy ? 'selected' : ''}" data-strategy=${o.strategy} data-available=${o.available ? 'true' : 'false'}>
    <label>
      <input type="radio" name="strategy" .value=${o.strategy} .checked=${v.chosen === o.strategy} aria-describedby=${`${id}-details`} @change=${() => v.choose(o.strategy)}>
      <strong>${STRATEGY_LABELS[o.strategy]}</strong>
      ${o.preferred ? html`<span class="badge">default</span>` : nothing}
      ${o.available ? nothing : html`<span class="badge risk-unreachable">cannot run</span>`}
    </label>
    <div id=${`${id}-details`} class="details">
      ${o.where ? html`<p class="muted">Runs ${o.where}:</p>` : nothing}
      ${o.commands.length ? commandList(o.commands) : nothing}
      ${o.problems.length ? html`<ul class="problems">${o.problems.map((p) => html`<li class="error">${p}</li>`)}</ul>` : nothing}
      ${o.notes.length ? html`<ul class="notes muted">${o.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
    </div>
  </div>`;
}

export function strategyView(v: StrategyViewOptions): TemplateResult {
  const d = v.data;
  if (!d) return html`<p class="muted" role="status">Asking the host which compose it has, and planning the commands…</p>`;
  return html`
    <div class="host-pick">
      <label for="host-select">Host:</label>
      <select id="host-select" ?disabled=${v.busy || d.hosts.length === 0} @change=${(e: Event) => v.chooseHost((e.target as HTMLSelectElement).value)}>
        ${d.hosts.map((h) => html`<option .value=${h.name} ?selected=${h.name === d.host}>${h.name} (${h.address})</option>`)}
      </select>
      ${d.compose ? html`<span class="muted compose">compose: ${d.compose}</span>` : nothing}
    </div>
    ${(() => {
      const h = d.hosts.find((x) => x.name === d.host);
      return h ? html`<p class="muted host-facts">work dir ${h.workDir ?? '(none)'} · compose file ${h.composeFile ?? '(default)'} · service ${h.service ?? '(none: containers not checked)'} · health ${h.healthUrl ?? '(none)'}${h.deploy ? ' · its own deploy commands' : ''}</p>` : nothing;
    })()}
    ${d.hostProblem ? html`<div class="box warn" role="note"><p>${d.hostProblem}</p></div>` : nothing}
    <fieldset class="choices" role="radiogroup" aria-label="Strategy (arrow keys move between them)">
      <legend>How to roll back</legend>
      ${d.options.map((o) => optionView(o, v))}
    </fieldset>`;
}
