// The last stable commit from evidence (pure): each evidence case, thin evidence said so, and what
// was live at a time against a brute-force model.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Deploy, DeployHistory, deploysFromEvidence, inScope, type TagInfo } from '../../../../src/core/rollback/deploys';
import type { LedgerEntry } from '../../../../src/core/rollback/ledger';
import { findLastStable, type IncidentFact, type StableQuery } from '../../../../src/core/rollback/stable';

const sha = (c: string) => c.repeat(40);
const [A, B, C, D] = ['a', 'b', 'c', 'd'].map(sha) as [string, string, string, string];
const t = (hhmm: string) => Date.parse(`2026-11-01T${hhmm}:00Z`);
const line = (s: string, at: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ sha: s, env: 'production', status: 'succeeded', at: `2026-11-01T${at}:00.000Z`, by: 'ci', kind: 'deploy', ...extra });
const incident = (id: string, service: string, at: string): IncidentFact => ({ id, service, declaredAt: t(at) });

function ask(entries: LedgerEntry[], opts: Partial<StableQuery> & { tags?: TagInfo[] } = {}) {
  return findLastStable({
    deploys: deploysFromEvidence(entries, opts.tags ?? [], ['v*', 'release-*', 'deploy-*']),
    incidents: opts.incidents ?? [],
    scope: opts.scope ?? { env: 'production', service: 'web' },
    before: opts.before ?? t('13:20'),
    beforeLabel: 'the incident',
    liveAt: opts.liveAt ?? t('14:00'),
    stableMinutes: opts.stableMinutes ?? 30,
  });
}

// A at 10:00, B at 11:00 (2 h), C at 13:00 (the live one); the incident at 13:20.
const HISTORY = [line(A, '10:00'), line(B, '11:00', { service: 'web' }), line(C, '13:00', { service: 'web' })];
const NOW_INCIDENT = incident('2026-11-01-web-500s', 'web', '13:20');

describe('last stable commit', () => {
  it('the newest commit deployed before the incident that stayed live long enough, with its evidence and the next candidates', () => {
    const a = ask(HISTORY, { incidents: [NOW_INCIDENT] });
    assert.equal(a.live?.sha, C);
    assert.equal(a.stable?.sha, B);
    assert.equal(a.stable?.deployedAt, '2026-11-01T11:00:00.000Z');
    assert.deepEqual(a.stable?.evidence, [
      'deployed 2026-11-01 11:00 UTC to production (web) by ci: succeeded',
      `live 2h (until 2026-11-01 13:00 UTC, when ${C.slice(0, 12)} was deployed), at least 30m`,
      'no incident on web while it was live',
      'never rolled back away from',
    ]);
    assert.deepEqual(a.candidates.map((c) => c.sha), [A]);
    assert.equal(a.thin, false);
    assert.deepEqual(a.rejected.map((r) => [r.sha, r.reasons[0]?.split(':')[0]]), [[C, 'it is the live one (deployed 2026-11-01 13']]);
    assert.match(a.rejected[0]!.reasons[1]!, /^suspect: live when incident 2026-11-01-web-500s on web was declared/);
  });

  it('not long enough live: passed over with how long it stayed', () => {
    const a = ask([line(A, '10:00'), line(B, '12:45'), line(C, '12:55')], { incidents: [NOW_INCIDENT] });
    assert.equal(a.stable?.sha, A);
    assert.deepEqual(a.rejected.find((r) => r.sha === B)?.reasons, [`live only 10m (until 2026-11-01 12:55 UTC, when ${C.slice(0, 12)} was deployed), less than the 30m a stable commit stays`]);
    assert.equal(ask([line(A, '10:00'), line(B, '12:45'), line(C, '12:55')], { stableMinutes: 5 }).stable?.sha, B, 'the threshold is a setting');
  });

  it('suspect: live when an incident on the same service was declared; an incident on another service does not count', () => {
    const earlier = incident('2026-11-01-web-slow', 'web', '12:00');
    assert.equal(ask(HISTORY, { incidents: [NOW_INCIDENT, earlier] }).stable?.sha, A);
    assert.equal(ask(HISTORY, { incidents: [NOW_INCIDENT, incident('2026-11-01-db', 'db', '12:00')] }).stable?.sha, B);
    // Without a service, every incident counts.
    assert.equal(ask(HISTORY, { scope: { env: 'production' }, incidents: [incident('2026-11-01-db', 'db', '12:00')] }).stable?.sha, A);
  });

  it('faulty: a commit rolled back away from is never stable, and the rollback target is live', () => {
    const entries = [...HISTORY.slice(0, 2), line(A, '12:30', { kind: 'rollback', from: B, by: 'dana' }), line(C, '13:00')];
    const a = ask(entries, { incidents: [NOW_INCIDENT] });
    assert.equal(a.stable?.sha, A);
    assert.ok(a.rejected.find((r) => r.sha === B)?.reasons.some((r) => r.startsWith('faulty: rolled back away from at 2026-11-01 12:30 UTC by dana')));
    assert.match(a.stable!.evidence[0]!, /^rolled back to, from bbbbbbbbbbbb, 2026-11-01 12:30 UTC/);
  });

  it('a ledger line without a service counts for every service; a line for another service does not', () => {
    const entries = [line(A, '10:00'), line(D, '11:30', { service: 'worker' }), line(B, '11:00', { service: 'web' }), line(C, '13:00')];
    assert.equal(ask(entries, { scope: { env: 'production', service: 'web' } }).stable?.sha, B);
    assert.equal(ask(entries, { scope: { env: 'production', service: 'worker' } }).stable?.sha, D);
  });

  it('failed deploys and other envs are not live', () => {
    const entries = [line(A, '10:00'), line(B, '11:00'), line(D, '12:00', { status: 'failed' }), line(D, '12:10', { env: 'staging' }), line(C, '13:00')];
    const a = ask(entries);
    assert.equal(a.stable?.sha, B);
    assert.ok(a.stable!.evidence[1]!.startsWith('live 2h'), 'the failed deploy did not end its stay');
  });

  it('thin evidence: only tags, said so, never a silent previous commit', () => {
    const tags: TagInfo[] = [{ name: 'v1.0.0', sha: A, at: t('09:00') }, { name: 'v1.1.0', sha: B, at: t('11:00') }, { name: 'v1.2.0', sha: C, at: t('13:00') }, { name: 'wip', sha: D, at: t('12:00') }];
    const a = ask([], { tags, incidents: [NOW_INCIDENT] });
    assert.equal(a.stable?.sha, B);
    assert.equal(a.thin, true);
    assert.equal(a.stable?.source, 'tag');
    assert.deepEqual(a.rejected.map((r) => r.sha), [C], 'v1.2.0 was the newest tag: the live one');
    assert.equal(a.live?.evidence[0], 'no deploy record: newest tag at 2026-11-01 14:00 UTC (v1.2.0, 2026-11-01 13:00 UTC)');
    assert.match(a.stable!.evidence.join('\n'), /^no deploy record: tag v1.1.0 at 2026-11-01 11:00 UTC\n/);
    assert.ok(a.stable!.evidence.some((e) => e.startsWith('thin evidence:')));
    // The live commit has a deploy record; the one before it only a tag: the newest tag before the incident.
    const b = ask([line(C, '13:00')], { tags: tags.slice(0, 2), incidents: [NOW_INCIDENT] });
    assert.equal(b.live?.sha, C);
    assert.equal(b.stable?.sha, B);
    assert.equal(b.thin, true);
    assert.equal(b.stable?.evidence[0], 'no deploy record: newest tag before the incident (v1.1.0, 2026-11-01 11:00 UTC)');
  });

  it('a tag on a commit the ledger knows is not a second deploy', () => {
    const d = deploysFromEvidence([line(B, '11:00')], [{ name: 'v2', sha: B, at: t('10:00') }, { name: 'release-1', sha: A, at: t('09:00') }, { name: 'v1', sha: A, at: t('09:30') }], ['v*', 'release-*']);
    assert.deepEqual(d.map((x) => [x.sha, x.source, x.tags, new Date(x.at).toISOString().slice(11, 16)]), [[B, 'ledger', undefined, '11:00'], [A, 'tag', ['release-1', 'v1'], '09:00']]);
  });

  it('no deploy record and no tag: no stable commit, and why', () => {
    const a = ask([]);
    assert.equal(a.stable, null);
    assert.equal(a.live, null);
    assert.equal(a.reason, 'no deploy record and no deploy tag before the incident: no stable commit can be named from evidence');
    const b = ask([line(C, '13:00')], { incidents: [NOW_INCIDENT] });
    assert.equal(b.stable, null);
    assert.match(b.reason!, /^none of the 1 commit\(s\) deployed before the incident qualifies/);
  });

  it('property: what was live at T is the newest succeeded deploy in scope at or before T (brute force)', () => {
    const deployArb = fc.record({
      sha: fc.constantFrom(A, B, C, D),
      at: fc.integer({ min: 0, max: 50 }),
      env: fc.option(fc.constantFrom('production', 'staging'), { nil: undefined }),
      service: fc.option(fc.constantFrom('web', 'db'), { nil: undefined }),
      status: fc.constantFrom('succeeded' as const, 'failed' as const),
    });
    fc.assert(fc.property(fc.array(deployArb, { maxLength: 30 }), fc.integer({ min: -1, max: 51 }), fc.constantFrom('web', 'db', undefined), (raw, at, service) => {
      const deploys: Deploy[] = raw.map((r, seq) => ({ ...r, kind: 'deploy', source: 'ledger', seq }));
      const scope = { env: 'production', service };
      let best: Deploy | undefined;
      for (const d of deploys) if (d.status === 'succeeded' && inScope(d, scope) && d.at <= at && (!best || d.at > best.at || (d.at === best.at && d.seq > best.seq))) best = d;
      const h = new DeployHistory(deploys, scope);
      assert.equal(h.liveAt(at), best);
      assert.equal(h.runAt(at)?.sha, best?.sha);
    }));
  });
});
