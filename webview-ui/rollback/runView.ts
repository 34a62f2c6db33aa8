// The Run, Verify and Record steps: what runs (each command with its state and live output), the
// confirmation before it runs, a lock held by someone else (refused, with who and since when; a
// stale one offered for take-over naming its holder), the checks with their probes, and what was
// recorded. All text from the host is bound as text (output arrives with escape sequences stripped).
import { html, nothing, type TemplateResult } from 'lit';
import { STRATEGY_LABELS, type InterruptedData, type RevertResult, type RunState, type StrategyOption } from '../../src/webviews/rollback/protocolRun';
import { commandList } from './strategyView';
import { short } from './targetView';

const MARK: Record<string, string> = { pending: '·', running: '…', ok: '✓', failed: '✗', cancelled: '✗', unknown: '?' };
const CHECK_MARK: Record<string, string> = { passed: '✓', failed: '✗', skipped: '–', unknown: '?' };

export function confirmView(o: StrategyOption, host: string, trusted: boolean): TemplateResult {
  return html`<div class="box confirm" role="note">
    <p><strong>${STRATEGY_LABELS[o.strategy]}</strong> ${o.strategy === 'revert' ? html`in the local repository` : html`on <strong>${host}</strong>`}. Exactly these commands run${o.where ? html` ${o.where}` : nothing}:</p>
    ${commandList(o.commands)}
    ${o.notes.length ? html`<ul class="notes muted">${o.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
    ${trusted ? nothing : html`<p class="error">This workspace is not trusted: nothing can run until you trust it.</p>`}
  </div>`;
}

export function runView(s: RunState, outputs: readonly string[]): TemplateResult {
  return html`
    <p class="summary">${STRATEGY_LABELS[s.strategy]} on <strong>${s.host}</strong>: from <span class="sha">${short(s.from)}</span> to <span class="sha">${short(s.to)}</span>${s.resumed ? ' (after a reload)' : ''}.
      <span class="phase" role="status" aria-live="polite">${s.phase === 'locking' ? 'Taking the host\'s rollback lock…' : s.phase === 'running' ? 'Running…' : s.phase === 'verifying' ? 'Verifying…' : 'Ended.'}</span></p>
    <ol class="run-commands">${s.commands.map((c, i) => html`<li class="run-command" data-state=${c.state}>
      <span class=${`mark state-${c.state}`} aria-hidden="true">${MARK[c.state] ?? '·'}</span>
      <span class="muted">${c.label}</span> <span class="visually-hidden">${c.state}</span>${c.exitCode !== null ? html` <span class="muted">exit ${c.exitCode}</span>` : nothing}
      <pre class="command">${c.command}</pre>
      ${outputs[i] ? html`<pre class="output" tabindex="0" aria-label=${`Output of command ${i + 1}`}>${outputs[i]}</pre>` : nothing}
    </li>`)}</ol>`;
}

export function lockView(s: RunState): TemplateResult | typeof nothing {
  const o = s.outcome;
  if (!o || o.kind !== 'refused') return nothing;
  const h = o.holder;
  const who = h ? html`<strong>${h.who}</strong>${h.incidentId ? html` (incident ${h.incidentId})` : nothing} since ${h.at}${h.ageSeconds !== null ? html`, not renewed for ${h.ageSeconds} s` : nothing}` : html`someone`;
  return html`<div class=${`box ${o.stale ? 'warn' : 'bad'} lock`} role="alert">
    <p>${o.stale ? html`A <strong>stale</strong> rollback lock on ${s.host} is held by ${who}. Take it over only if that rollback is not running any more.` : html`${s.host} is being rolled back by ${who}: one rollback per host at a time. Nothing ran.`}</p>
  </div>`;
}

export function checksView(s: RunState): TemplateResult {
  const o = s.outcome;
  const probes = s.probes;
  return html`
    ${o && o.checks.length ? html`<ul class="checks">${o.checks.map((c) => html`<li class="check" data-name=${c.name} data-status=${c.status}>
      <span class=${`mark check-${c.status}`} aria-hidden="true">${CHECK_MARK[c.status] ?? '•'}</span> <strong>${c.name}</strong>: ${c.detail} <span class="visually-hidden">(${c.status})</span></li>`)}</ul>`
      : html`<p class="muted">${s.phase === 'done' ? 'No check was made: the commands did not all succeed.' : 'The checks run once the commands have ended.'}</p>`}
    ${probes.length ? html`<details class="probes" ?open=${s.phase === 'verifying'}><summary>Health probes (${probes.length}, from ${s.probeFrom === 'here' ? 'here: the URL is public' : 'the host over SSH'})</summary>
      <ol>${probes.map((p) => html`<li class=${p.ok ? 'probe ok' : 'probe fail'}>${p.ok ? '✓' : '✗'} ${p.detail} <span class="muted">(${p.streak} in a row)</span></li>`)}</ol></details>` : nothing}`;
}

export function outcomeView(s: RunState): TemplateResult | typeof nothing {
  const o = s.outcome;
  if (!o) return nothing;
  const cls = o.kind === 'verified' ? 'good' : o.kind === 'ran' ? 'warn' : 'bad';
  const title = o.kind === 'verified' ? 'Verified' : o.kind === 'ran' ? 'Ran, not verified' : o.kind === 'unknown' ? 'Outcome unknown (never counted as success)' : o.kind === 'refused' ? 'Refused' : 'Failed';
  return html`<div class=${`box ${cls} outcome`} data-kind=${o.kind} role="status"><p><strong>${title}.</strong> ${o.message}</p>
    ${o.lockNote ? html`<p class="muted lock-note">${o.lockNote}</p>` : nothing}</div>`;
}

export function recordView(s: RunState | undefined, revert: RevertResult | undefined): TemplateResult {
  return html`
    ${s ? html`<section aria-labelledby="recorded-h"><h3 id="recorded-h">On the incident's timeline</h3>
      ${s.recorded.length ? html`<ol class="recorded">${s.recorded.map((r) => html`<li><span class="badge">${r.type}</span> ${r.text}</li>`)}</ol>` : html`<p class="muted">Nothing was recorded.</p>`}
      ${s.outcome?.recordErrors.length ? html`<ul class="error">${s.outcome.recordErrors.map((e) => html`<li>Not recorded: ${e}</li>`)}</ul>` : nothing}
      <h3>Deploy ledger</h3>
      ${s.outcome?.ledgerLine ? html`<pre class="ledger">${s.outcome.ledgerLine}</pre><p class="muted">Written to refs/notes/deploys here; share it with <span class="mono">git push origin refs/notes/deploys</span>.</p>`
        : html`<p class="muted ledger-why">No ledger line: ${s.outcome?.ledgerWhy ?? 'the rollback has not ended'}.</p>`}
    </section>` : nothing}
    ${revert ? revertView(revert) : nothing}`;
}

export function revertView(r: RevertResult): TemplateResult {
  return html`<div class=${`box ${r.ok ? 'good' : r.conflict ? 'warn' : 'bad'} revert`} role="status">
    <p>${r.message}</p>
    ${r.conflict ? html`<p>Conflicting files:</p><ul>${r.conflict.paths.map((p) => html`<li class="mono">${p}</li>`)}</ul>
      <p class="muted">To finish by hand (Incident Desk never resolves a conflict):</p><pre class="command">${r.conflict.byHand.join('\n')}</pre>` : nothing}
    ${r.ok && r.push && !r.pushed ? html`<p class="muted">Push (never forced): <span class="mono">${r.push}</span></p>` : nothing}
  </div>`;
}

export function interruptedView(d: InterruptedData, act: (a: 'verify' | 'resume' | 'abandon') => void, busy: boolean): TemplateResult {
  return html`<div class="box warn interrupted" role="alert">
    <p><strong>A rollback of ${d.host} was interrupted</strong> (to <span class="sha">${short(d.to)}</span>, started ${d.startedAt.slice(0, 19).replace('T', ' ')} UTC): ${d.summary}.</p>
    ${d.command ? html`<pre class="command">${d.command}</pre>` : nothing}
    ${d.canResume && d.remaining.length ? html`<p>Resume then runs exactly these, as recorded:</p><pre class="command remaining">${d.remaining.join('\n')}</pre>` : nothing}
    <p class="muted">If another window is still running it, leave it be. Resume follows the interrupted command to its end, then runs the commands after it (those recorded, nothing planned again), verifies and records; this incident's rollback lock is carried on and released at the end. Abandon records the outcome as unknown and releases this incident's lock; a lock held for anything else is never touched.</p>
    <div class="nav">
      <vscode-button class="verify-now" ?disabled=${busy} @click=${() => act('verify')}>Verify ${d.host}</vscode-button>
      <vscode-button secondary class="resume" ?disabled=${busy || !d.canResume} title=${d.canResume ? 'Follow the interrupted command to its end, then run the rest' : 'No command known to be on the host: Verify or Abandon'} @click=${() => act('resume')}>Resume</vscode-button>
      <vscode-button secondary class="abandon" ?disabled=${busy} @click=${() => act('abandon')}>Abandon</vscode-button>
    </div>
  </div>`;
}
