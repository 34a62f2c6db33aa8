// The last stable report on real repositories: the answer with the ledger's state, and what a
// shallow clone that lacks the stable commit says (a note and the shallow risk, not a silent range).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEFAULT_MIGRATION_GLOBS, DEFAULT_TAG_PATTERNS } from '../../../../src/core/rollback/deploySettings';
import { appendLedger } from '../../../../src/services/git/deployLedger';
import { openRepository } from '../../../../src/services/git/gitRepository';
import { type StableRequest, lastStableReport } from '../../../../src/services/git/lastStable';
import { TempDirs } from '../../support/tempDirs';
import { RepoBuilder, git } from './gitFixture';

const at = (hhmm: string) => Date.parse(`2026-11-01T${hhmm}:00Z`);
const REQ: StableRequest = {
  incidents: [{ id: 'inc', service: 'web', declaredAt: at('12:30') }], service: 'web', env: 'production', before: at('12:30'), beforeLabel: 'the incident',
  liveAt: at('13:00'), tagPatterns: DEFAULT_TAG_PATTERNS, stableMinutes: 30, migrationGlobs: DEFAULT_MIGRATION_GLOBS, fetch: true,
};

describe('last stable report (real repositories)', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('answers from the fetched ledger; a shallow clone without the stable commit says so', async () => {
    const ws = await temp.make('idk-report-');
    const src = RepoBuilder.init(path.join(ws, 'src'));
    const c1 = src.commit('one', '2026-11-01T09:00:00Z', { 'a.txt': '1\n' });
    src.commit('two', '2026-11-01T10:00:00Z', { 'migrations/002.sql': 'x\n' });
    const c3 = src.commit('three', '2026-11-01T12:00:00Z', { 'a.txt': '3\n' });
    const origin = path.join(ws, 'origin.git');
    git(ws, ['clone', '-q', '--bare', src.dir, origin]);
    const full = await openRepository(src.dir);
    for (const [sha, when] of [[c1, '09:10'], [c3, '12:10']] as const) {
      await appendLedger(full, { sha, service: 'web', env: 'production', status: 'succeeded', at: `2026-11-01T${when}:00.000Z`, by: 'ci', kind: 'deploy' });
    }
    git(src.dir, ['push', '-q', origin, 'refs/notes/deploys']);

    const shallowDir = path.join(ws, 'shallow');
    git(ws, ['clone', '-q', '--depth', '1', `file://${origin}`, shallowDir]);
    const shallow = await openRepository(shallowDir);
    const r = await lastStableReport(shallow, REQ);
    assert.equal(r.ledger.fetched, true);
    assert.equal(r.ledger.entries, 2);
    assert.equal(r.live?.sha, c3);
    assert.equal(r.stable?.sha, c1);
    assert.deepEqual(r.risks.map((x) => x.kind), ['shallow']);
    assert.deepEqual(r.notes, ['shallow clone: older commits and tags may be missing', `the stable commit ${c1.slice(0, 12)} is not in this repository: fetch it before rolling back`]);

    // The full clone reads the same answer and the range's migration.
    const whole = await lastStableReport(full, { ...REQ, fetch: false });
    assert.equal(whole.stable?.sha, c1);
    assert.deepEqual(whole.risks.map((x) => x.kind), ['migration']);
    assert.equal(whole.ledger.fetchReason, 'not fetched (--no-fetch)');
  });
});
