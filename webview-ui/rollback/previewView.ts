// The Preview step: what the rollback undoes (first-parent commits of target..live, capped with
// "and N more"), the diffstat, the authors, and each risk with its kind. A migration risk needs
// the acknowledgement ticked before the wizard goes on. Everything from git is bound as text.
import { html, nothing, type TemplateResult } from 'lit';
import type { PreviewData } from '../../src/webviews/rollback/protocol';
import { short } from './targetView';

export interface PreviewViewOptions {
  preview: PreviewData;
  acknowledged: boolean;
  setAcknowledged(v: boolean): void;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function previewView(o: PreviewViewOptions): TemplateResult {
  const p = o.preview;
  const more = p.total - p.commits.length;
  return html`
    <p class="summary">Rolling back from the live commit <span class="sha">${short(p.live)}</span> to <span class="sha">${p.target.label}</span>
      undoes ${plural(p.total, 'commit')} (first parent):
      <span class="stat">${plural(p.diff.filesChanged, 'file')} changed, <span class="ins">${plural(p.diff.insertions, 'insertion')}</span>, <span class="del">${plural(p.diff.deletions, 'deletion')}</span></span>.</p>
    ${p.warning ? html`<div class="box warn" role="note"><p>${p.warning}</p></div>` : nothing}
    <section aria-labelledby="risks-h">
      <h3 id="risks-h">Risks</h3>
      ${p.risks.length === 0 ? html`<p class="muted">None found in the range.</p>` : html`<ul class="risks">
        ${p.risks.map((r) => html`<li class="risk" data-kind=${r.kind}><span class=${`badge risk-${r.kind}`}>${r.kind}</span> <span class="detail">${r.detail}</span>
          ${r.kind === 'migration' ? html`<div class="ack"><input type="checkbox" id="ack-migration" .checked=${o.acknowledged}
            @change=${(e: Event) => o.setAcknowledged((e.target as HTMLInputElement).checked)}>
            <label for="ack-migration">I understand: the database is not rolled back with the code.</label></div>` : nothing}
        </li>`)}
      </ul>`}
    </section>
    <section aria-labelledby="commits-h">
      <h3 id="commits-h">What is undone</h3>
      ${p.commits.length === 0 ? html`<p class="muted">No commit between the target and the live commit.</p>` : html`<table class="commits" aria-labelledby="commits-h">
        <thead><tr><th scope="col">Commit</th><th scope="col">Subject</th><th scope="col">Author</th><th scope="col">Date</th></tr></thead>
        <tbody>${p.commits.map((c) => html`<tr class="commit" data-sha=${c.sha}>
          <td class="sha">${short(c.sha)}</td><td class="subject">${c.merge ? html`<span class="badge">merge</span> ` : nothing}${c.subject}</td>
          <td class="author">${c.author}</td><td class="date">${c.date.slice(0, 16).replace('T', ' ')}</td></tr>`)}</tbody>
      </table>`}
      ${more > 0 ? html`<p class="muted more">and ${plural(more, 'more commit')} (git log --first-parent ${short(p.target.sha)}..${short(p.live)})</p>` : nothing}
    </section>
    <section aria-labelledby="authors-h">
      <h3 id="authors-h">Authors</h3>
      <ul class="authors">${p.authors.map((a) => html`<li><span class="author">${a.name}</span> <span class="muted">(${plural(a.commits, 'commit')})</span></li>`)}</ul>
    </section>
    ${p.diff.files.length ? html`<details class="files"><summary>Files changed (${p.diff.filesChanged.toLocaleString('en-US')})</summary>
      <ul>${p.diff.files.map((f) => html`<li><span class="mono">${f.path}</span> <span class="stat">${f.insertions === null ? 'binary' : html`<span class="ins">+${f.insertions}</span> <span class="del">-${f.deletions}</span>`}</span></li>`)}</ul>
      ${p.diff.filesChanged > p.diff.files.length ? html`<p class="muted">and ${p.diff.filesChanged - p.diff.files.length} more</p>` : nothing}
    </details>` : nothing}`;
}
