// The Target step: the live commit, the last stable commit preselected with its evidence, the
// next candidates (one native radio group: arrow keys move between them), and a typed commit or
// tag that the host validates. Everything from git is bound as text.
import { html, nothing, type TemplateResult } from 'lit';
import type { TargetData, WireCandidate } from '../../src/webviews/rollback/protocol';

export interface Choice {
  sha: string;
  /** How the choice is named in the preview ("last stable", "v1.2.0"). */
  label: string;
  subject: string | null;
  kind: 'stable' | 'candidate' | 'typed';
  deployedAt?: string;
  evidence: string[];
}

export function choicesOf(d: TargetData, typed: Choice | undefined): Choice[] {
  const c = (x: WireCandidate, kind: 'stable' | 'candidate'): Choice => ({ sha: x.sha, label: x.sha.slice(0, 12), subject: x.subject, kind, deployedAt: x.deployedAt, evidence: x.evidence });
  const list = [...(d.stable ? [c(d.stable, 'stable')] : []), ...d.candidates.map((x) => c(x, 'candidate'))];
  if (typed && !list.some((x) => x.sha === typed.sha)) list.push(typed);
  return list;
}

export const short = (sha: string) => sha.slice(0, 12);
export const minute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')}${iso.endsWith('Z') ? ' UTC' : ''}`;

export interface TargetViewOptions {
  data: TargetData;
  choices: Choice[];
  selected: string | undefined;
  typedError: string;
  busy: boolean;
  select(sha: string): void;
  submitTyped(e: Event): void;
  reload(): void;
}

function evidenceList(id: string, items: readonly string[]): TemplateResult {
  return html`<ul class="evidence" id=${id} aria-label="Evidence">${items.map((e) => html`<li>${e}</li>`)}</ul>`;
}

function choiceView(c: Choice, o: TargetViewOptions): TemplateResult {
  const id = `choice-${c.sha}`;
  const kind = c.kind === 'stable' ? 'Last stable' : c.kind === 'typed' ? 'Typed' : 'Candidate';
  return html`<div class="choice ${o.selected === c.sha ? 'selected' : ''}" data-sha=${c.sha} data-kind=${c.kind}>
    <label>
      <input type="radio" name="target" .value=${c.sha} .checked=${o.selected === c.sha} aria-describedby=${`${id}-evidence`}
        @change=${() => o.select(c.sha)}>
      <span class="badge">${kind}</span>
      <span class="sha">${short(c.sha)}</span>
      <span class="subject">${c.subject ?? '(not in this repository: fetch it)'}</span>
      ${c.deployedAt ? html`<span class="muted">deployed ${minute(c.deployedAt)}</span>` : nothing}
    </label>
    ${evidenceList(`${id}-evidence`, c.evidence)}
  </div>`;
}

export function targetView(o: TargetViewOptions): TemplateResult {
  const d = o.data;
  if (d.problem) {
    return html`<div class="box bad" role="alert"><p>${d.problem}</p></div>
      <vscode-button @click=${() => o.reload()}>Reload</vscode-button>`;
  }
  const stableShown = d.stable
    ? html`${d.thin ? html`<div class="box warn thin" role="note"><p><strong>Thin evidence.</strong> The last stable commit is named from a tag, not from a deploy record: a tag says a commit was released, not that it ran. Check it before rolling back.</p></div>` : nothing}`
    : html`<div class="box warn no-stable" role="note"><p><strong>No stable commit from evidence.</strong> ${d.reason ?? ''}</p><p>You can still type a commit or tag below.</p></div>`;
  return html`
    <section aria-labelledby="live-h">
      <h3 id="live-h">Live now (${d.env})</h3>
      ${d.live ? html`<p class="live"><span class="sha">${short(d.live.sha)}</span> <span class="subject">${d.live.subject ?? '(not in this repository)'}</span></p>${evidenceList('live-evidence', d.live.evidence)}`
        : html`<p class="muted">Unknown: no deploy record, no deploy tag and no commit checked out.</p>`}
    </section>
    ${stableShown}
    ${o.choices.length ? html`<fieldset class="choices" role="radiogroup" aria-label="Roll back to (arrow keys move between the commits)">
      <legend>Roll back to</legend>
      ${o.choices.map((c) => choiceView(c, o))}
    </fieldset>` : nothing}
    <form class="typed" @submit=${(e: Event) => o.submitTyped(e)} aria-label="Another commit or tag">
      <label for="typed-name">Or another commit or tag:</label>
      <vscode-textfield id="typed-name" placeholder="v1.4.2, a1b2c3d, main~3" aria-label="Commit or tag to roll back to" aria-describedby="typed-error"
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') o.submitTyped(e); }}></vscode-textfield>
      <vscode-button secondary ?disabled=${o.busy} @click=${(e: Event) => o.submitTyped(e)}>Use This Commit</vscode-button>
      <span id="typed-error" class="error typed-error" role="alert">${o.typedError}</span>
    </form>
    ${d.rejected.length ? html`<details class="rejected"><summary>Passed over (${d.rejected.length}): why newer commits are not stable</summary>
      <ul>${d.rejected.map((r) => html`<li><span class="sha">${short(r.sha)}</span> <span class="muted">deployed ${minute(r.deployedAt)}</span>${evidenceList(`rejected-${r.sha}`, r.reasons)}</li>`)}</ul>
    </details>` : nothing}
    ${d.notes.length ? html`<ul class="notes muted" aria-label="Notes">${d.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
    ${d.repo ? html`<p class="muted repo">Repository: <span class="mono">${d.repo.root}</span>${d.repo.branch ? html` on ${d.repo.branch}` : ' (detached HEAD)'}${d.repo.shallow ? ' (a shallow clone)' : ''}</p>` : nothing}`;
}
