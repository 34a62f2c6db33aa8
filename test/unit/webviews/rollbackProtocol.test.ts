// The rollback wizard's messages: what the Target and Preview steps carry is bounded and typed,
// a typed commit travels as text to be validated by the host, the step machine names all six
// steps, and a malformed message in either direction is dropped, never dispatched.
import * as assert from 'node:assert/strict';
import { Peer } from '../../../src/webviews/shared/ipc';
import { validate } from '../../../src/webviews/shared/schema';
import { refuseMove } from '../../../src/webviews/rollback/wizardSteps';
import { MAX_PREVIEW_COMMITS, STEPS, rollbackProtocol, savedStateSchema, type PreviewData, type TargetData } from '../../../src/webviews/rollback/protocol';

const SHA = 'a'.repeat(40);
const LIVE = 'b'.repeat(40);
const target: TargetData = {
  incident: { id: '2026-11-20-checkout-502', title: 'Checkout <img src=x onerror=alert(1)>', service: 'checkout', declaredAt: '2026-11-20T09:00:00.000Z' },
  repo: { root: '/w/app', branch: 'main', shallow: false }, problem: null, trusted: false, env: 'production',
  live: { sha: LIVE, evidence: ['deployed …'], subject: 'live' },
  stable: { sha: SHA, deployedAt: '2026-11-19T09:00:00.000Z', source: 'ledger', evidence: ['deployed …', 'live 1 day'], subject: null },
  thin: false, reason: null, candidates: [], rejected: [{ sha: LIVE, deployedAt: '2026-11-20T08:00:00.000Z', reasons: ['it is the live one'] }], notes: [],
};
const commit = (i: number) => ({ sha: String(i).padStart(40, '0'), subject: `c${i}`, author: 'Dana', date: '2026-11-20T09:00:00+00:00', merge: false });
const preview = (n: number): PreviewData => ({
  target: { sha: SHA, label: 'v1.2.0' }, live: LIVE, commits: Array.from({ length: n }, (_, i) => commit(i)), total: n, authors: [{ name: 'Dana', commits: n }],
  diff: { filesChanged: 1, insertions: 2, deletions: 0, files: [{ path: 'db/migrate/1.sql', insertions: 2, deletions: 0 }] },
  risks: [{ kind: 'migration', detail: 'database migrations in the range' }], warning: null,
});

describe('rollback wizard protocol', () => {
  it('the Target step data: the stable commit, candidates, live, a problem instead of a repository', () => {
    const t = rollbackProtocol.toWebview.target.params;
    assert.equal(validate(t, target).ok, true);
    assert.equal(validate(t, { ...target, repo: null, problem: 'No git repository in /w', live: null, stable: null, reason: 'no deploy record' }).ok, true);
    assert.equal(validate(t, { ...target, trusted: 'yes' }).ok, false);
    assert.equal(validate(t, { ...target, stable: { ...target.stable, evidence: [1] } }).ok, false);
    assert.equal(validate(t, { ...target, extra: true }).ok, false);
  });

  it('the preview is bounded: a long range is capped and counted', () => {
    const p = rollbackProtocol.toHost.goTo.result;
    assert.equal(validate(p, { step: 'preview', preview: preview(MAX_PREVIEW_COMMITS) }).ok, true);
    assert.equal(validate(p, { step: 'preview', preview: preview(MAX_PREVIEW_COMMITS + 1) }).ok, false);
    assert.equal(validate(p, { step: 'preview', preview: { ...preview(1), total: -1 } }).ok, false);
    assert.equal(validate(p, { step: 'target', preview: null }).ok, true);
  });

  it('steps: six named, anything else refused; a typed name is bounded text', () => {
    assert.deepEqual([...STEPS], ['target', 'preview', 'strategy', 'run', 'verify', 'record']);
    const goTo = rollbackProtocol.toHost.goTo.params;
    assert.equal(validate(goTo, { step: 'preview', target: { sha: SHA, label: 'v1' } }).ok, true);
    assert.equal(validate(goTo, { step: 'deploy' }).ok, false);
    const resolve = rollbackProtocol.toHost.resolveTarget.params;
    assert.equal(validate(resolve, { name: '--output=/tmp/x' }).ok, true, 'text on the wire: the host refuses it as a name');
    assert.equal(validate(resolve, { name: 'x'.repeat(301) }).ok, false);
    assert.equal(validate(resolve, { name: ['--output'] }).ok, false);
    assert.equal(validate(rollbackProtocol.toHost.resolveTarget.result, { ok: 'no', error: 'refused' }).ok, true);
    assert.equal(validate(rollbackProtocol.toHost.resolveTarget.result, { ok: true, sha: SHA }).ok, false);
  });

  it('the saved state names the incident, the step and the target', () => {
    assert.equal(validate(savedStateSchema, { incidentId: 'x', step: 'preview', target: { sha: SHA, label: 'v1' }, acknowledged: true }).ok, true);
    assert.equal(validate(savedStateSchema, { incidentId: 'x' }).ok, false);
    assert.equal(validate(savedStateSchema, { incidentId: 'x', step: 'nowhere' }).ok, false);
  });

  it('over a Peer: requests answered; malformed messages in both directions dropped, not dispatched', async () => {
    const warnings: string[] = [];
    const seen: string[] = [];
    const hostRef: { peer?: Peer<typeof rollbackProtocol.toHost, typeof rollbackProtocol.toWebview> } = {};
    const app = new Peer(rollbackProtocol.toWebview, rollbackProtocol.toHost, { target: (d) => seen.push(d.incident.title), step: ({ step }) => seen.push(step), run: () => undefined, output: () => undefined, interrupted: () => undefined },
      (m) => setImmediate(() => hostRef.peer!.receive(JSON.parse(JSON.stringify(m)))), { warn: (m) => warnings.push(m) });
    const names: string[] = [];
    hostRef.peer = new Peer(rollbackProtocol.toHost, rollbackProtocol.toWebview, {
      ready: () => undefined, cspViolation: () => undefined, reload: () => undefined,
      resolveTarget: ({ name }) => {
        names.push(name);
        return name.startsWith('-') ? { ok: 'no' as const, error: 'starts with "-"' } : { ok: 'yes' as const, sha: SHA, subject: 's' };
      },
      goTo: ({ step }) => ({ step, preview: step === 'preview' ? preview(2) : null }),
      strategies: () => { throw new Error('not here'); }, run: () => ({ ok: false, message: 'no' }), cancel: () => undefined,
      makeRevertBranch: () => { throw new Error('not here'); }, pushRevertBranch: () => { throw new Error('not here'); },
      interrupted: () => ({ ok: false, message: 'no' }), rollForward: () => ({ target: { sha: SHA, label: 'x' } }),
    }, (m) => setImmediate(() => app.receive(JSON.parse(JSON.stringify(m)))), { warn: (m) => warnings.push(m) });
    assert.deepEqual(await app.request('resolveTarget', { name: '--output=/tmp/x' }), { ok: 'no', error: 'starts with "-"' });
    assert.equal((await app.request('goTo', { step: 'preview', target: { sha: SHA, label: 'v1' } })).preview?.commits.length, 2);
    hostRef.peer.receive({ t: 'req', id: 50, m: 'resolveTarget', p: { name: 42 } });
    hostRef.peer.receive({ t: 'req', id: 51, m: 'goTo', p: { step: 'run', target: { sha: SHA, label: 'v1' }, force: true } });
    hostRef.peer.receive({ t: 'note', m: 'runEverything', p: {} });
    app.receive({ t: 'note', m: 'target', p: { ...target, live: { sha: 5 } } });
    app.receive({ t: 'note', m: 'step', p: { step: 'nowhere' } });
    hostRef.peer.notify('target', target);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(names, ['--output=/tmp/x']);
    assert.equal(hostRef.peer.dropped, 3);
    assert.equal(app.dropped, 2);
    assert.deepEqual(seen, [target.incident.title]);
    assert.match(warnings.join('\n'), /unknown method "runEverything"/);
  });
});

describe('rollback wizard steps', () => {
  const idle = { running: false, ran: false };
  it('before a run: back always; Strategy only from the preview with a migration acknowledged; Run only from Strategy; Verify and Record only after a run', () => {
    const p = preview(1);
    assert.equal(refuseMove('preview', 'target', p, false), undefined);
    assert.equal(refuseMove('target', 'preview', undefined, false), undefined);
    assert.match(refuseMove('target', 'strategy', p, true) ?? '', /Preview the rollback first/);
    assert.match(refuseMove('preview', 'strategy', undefined, true) ?? '', /Preview the rollback first/);
    assert.match(refuseMove('preview', 'strategy', p, false) ?? '', /database is not rolled back/);
    assert.equal(refuseMove('preview', 'strategy', p, true), undefined);
    assert.equal(refuseMove('strategy', 'run', p, true, idle), undefined);
    assert.match(refuseMove('preview', 'run', { ...p, risks: [] }, false) ?? '', /Choose a strategy first/);
    assert.equal(refuseMove('run', 'strategy', p, true, idle), undefined, 'back from the confirmation');
    assert.match(refuseMove('run', 'verify', p, true, idle) ?? '', /Run the rollback first/);
    assert.match(refuseMove('strategy', 'record', p, true, idle) ?? '', /Run the rollback first/);
  });

  it('while a run is in progress nothing moves; after it: Verify, Record, or Start Over at Target, never back to the steps that planned it', () => {
    const p = preview(1);
    for (const to of STEPS) assert.match(refuseMove('run', to, p, true, { running: true, ran: true }) ?? '', /Wait for the rollback to end/);
    const ran = { running: false, ran: true };
    assert.equal(refuseMove('run', 'verify', p, true, ran), undefined);
    assert.equal(refuseMove('verify', 'record', p, true, ran), undefined);
    assert.equal(refuseMove('record', 'target', p, true, ran), undefined);
    assert.match(refuseMove('verify', 'strategy', p, true, ran) ?? '', /start over/);
    assert.match(refuseMove('record', 'preview', p, true, ran) ?? '', /start over/);
  });
});

describe('rollback wizard protocol: the later steps', () => {
  it('run names a host and a strategy with the commands confirmed; a revert or an unknown strategy is not a run', () => {
    const run = rollbackProtocol.toHost.run.params;
    assert.equal(validate(run, { host: 'web-1', strategy: 'redeploy', commands: ['git checkout --detach x'] }).ok, true);
    assert.equal(validate(run, { host: 'web-1', strategy: 'teamCommand', commands: [], takeOverHolderId: 'abc' }).ok, true);
    assert.equal(validate(run, { host: 'web-1', strategy: 'revert', commands: [] }).ok, false);
    assert.equal(validate(run, { host: 'web-1', strategy: 'redeploy' }).ok, false, 'the confirmed commands are required');
    assert.equal(validate(run, { host: 'web-1', strategy: 'redeploy', commands: [1] }).ok, false);
    assert.equal(validate(rollbackProtocol.toHost.interrupted.params, { action: 'forget' }).ok, false);
    assert.equal(validate(rollbackProtocol.toHost.interrupted.params, { action: 'abandon' }).ok, true);
  });

  it('the run state: bounded, typed command states and checks; output is text', () => {
    const state = {
      host: 'web-1', strategy: 'redeploy', from: LIVE, to: SHA, phase: 'done', resumed: false, probeFrom: 'host',
      commands: [{ command: 'git checkout --quiet --detach x', label: 'check out', state: 'ok', exitCode: 0 }],
      probes: [{ ok: true, detail: 'answered', streak: 1 }],
      outcome: { kind: 'refused', stage: null, message: 'held', holder: { id: 'h1', who: 'bob', at: '2026-11-20T09:00:00Z', incidentId: null, ageSeconds: 4000 }, stale: true, checks: [], ledgerLine: null, ledgerWhy: 'not verified', lockReleased: false, lockNote: null, recordErrors: [] },
      recorded: [{ type: 'rollback_started', text: 'Rollback …' }],
    };
    const run = rollbackProtocol.toWebview.run.params;
    assert.equal(validate(run, state).ok, true);
    assert.equal(validate(run, { ...state, commands: [{ ...state.commands[0], state: 'exploded' }] }).ok, false);
    assert.equal(validate(run, { ...state, outcome: { ...state.outcome, checks: [{ name: 'health', status: 'maybe', detail: '' }] } }).ok, false);
    assert.equal(validate(rollbackProtocol.toWebview.output.params, { index: 0, text: 'x'.repeat(1 << 16) }).ok, true);
    assert.equal(validate(rollbackProtocol.toWebview.output.params, { index: -1, text: 'x' }).ok, false);
    assert.equal(validate(rollbackProtocol.toWebview.interrupted.params, null).ok, true);
  });
});
