// What the rollback wizard's host reads, on real repositories: the repository of the workspace
// folder or one a level below it (none: a message saying what to do), the stable commit with its
// evidence and subjects, a typed name resolved or refused (option-like input never reaches git),
// and the preview of target..live with its risks. The app's own rendering is proven by the e2e.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stableRequest } from '../../../../src/core/rollback/stableRequest';
import { appendLedger } from '../../../../src/services/git/deployLedger';
import { openRepository } from '../../../../src/services/git/gitRepository';
import { findRepository, readPreview, readTarget, resolveTarget } from '../../../../src/webviews/rollback/rollbackData';
import { TempDirs } from '../../support/tempDirs';
import { RepoBuilder } from '../../services/git/gitFixture';

describe('rollback wizard: what the host reads (real repositories)', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  let ws: string;
  let repo: RepoBuilder;
  let c1: string, c2: string, c3: string, c4: string;
  const incident = { id: 'inc-1', service: 'web', declaredAt: '2026-11-02T09:00:00.000Z' };
  const req = () => stableRequest({ incident, incidents: [{ id: 'inc-1', service: 'web', declaredAt: Date.parse(incident.declaredAt) }], setting: () => undefined, now: Date.parse('2026-11-02T10:00:00Z'), fetch: false });

  before(async () => {
    ws = await temp.make('idk-rollback-');
    // The repository is a subfolder of the workspace folder (the workspace holds incidents/ beside it).
    repo = RepoBuilder.init(path.join(ws, 'app'));
    fs.mkdirSync(path.join(ws, 'incidents'));
    c1 = repo.commit('one', '2026-11-01T09:00:00Z', { 'a.txt': '1\n' });
    c2 = repo.commit('two <b>bold</b>', '2026-11-01T10:00:00Z', { 'a.txt': '2\n' });
    c3 = repo.commit('add table', '2026-11-01T12:00:00Z', { 'prisma/migrations/1/migration.sql': 'x\n' });
    c4 = repo.commit('four', '2026-11-01T13:00:00Z', { 'a.txt': '4\n' });
    const r = await openRepository(repo.dir);
    for (const [sha, at] of [[c1, '2026-11-01T09:10'], [c2, '2026-11-01T10:10'], [c4, '2026-11-02T08:00']] as const) {
      await appendLedger(r, { sha, service: 'web', env: 'production', status: 'succeeded', at: `${at}:00.000Z`, by: 'ci', kind: 'deploy' });
    }
  });

  it('finds the repository one level below the workspace folder; none gives a message saying what to do', async () => {
    const found = await findRepository(ws);
    assert.equal(found.repo?.root, repo.dir);
    const empty = await temp.make('idk-norepo-');
    const none = await findRepository(empty);
    assert.equal(none.repo, null);
    assert.match(none.problem ?? '', /No git repository in .* or in a folder one level below it\. Open the workspace folder that holds the deployed repository/);
  });

  it('the Target step: the stable commit with evidence and subject, the candidate behind it, the live commit', async () => {
    const t = await readTarget(ws, req());
    assert.equal(t.live, c4);
    assert.equal(t.data.stable?.sha, c2);
    assert.equal(t.data.stable?.subject, 'two <b>bold</b>');
    assert.ok(t.data.stable?.evidence.some((e) => /deployed 2026-11-01 10:10 UTC to production \(web\) by ci/.test(e)));
    assert.deepEqual(t.data.candidates.map((c) => c.sha), [c1]);
    assert.equal(t.data.thin, false);
    assert.equal(t.data.live?.subject, 'four');
    assert.deepEqual(t.data.rejected.map((r) => r.sha), [c4]);
    assert.match(t.data.rejected[0]!.reasons.join('\n'), /it is the live one/);
  });

  it('no deploy record: the HEAD is taken as live and said so; no stable commit, with the reason', async () => {
    const bare = RepoBuilder.init(path.join(await temp.make('idk-noledger-'), 'x'));
    const head = bare.commit('only', '2026-11-01T09:00:00Z', { 'a.txt': '1\n' });
    const t = await readTarget(bare.dir, req());
    assert.equal(t.live, head);
    assert.match(t.data.live?.evidence[0] ?? '', /no deploy record or deploy tag: the repository's HEAD \(main\) is taken as live/);
    assert.equal(t.data.stable, null);
    assert.match(t.data.reason ?? '', /no deploy record and no deploy tag before incident inc-1/);
  });

  it('a typed name: a tag or short id resolves; option-like, ranges, unknown names and the live commit are refused', async () => {
    const ran: string[][] = [];
    const r = await openRepository(repo.dir, { onCommand: (a) => ran.push([...a]) });
    repo.tag('v1', c1, '2026-11-01T09:05:00Z');
    assert.deepEqual(await resolveTarget(r, 'v1', c4), { ok: 'yes', sha: c1, subject: 'one' });
    assert.deepEqual(await resolveTarget(r, c2.slice(0, 9), c4), { ok: 'yes', sha: c2, subject: 'two <b>bold</b>' });
    ran.length = 0;
    for (const [name, why] of [['--output=/tmp/x', /starts with "-"/], [`${c1}..${c4}`, /a range/], ['HEAD:a.txt', /path/]] as const) {
      const got = await resolveTarget(r, name, c4);
      assert.equal(got.ok, 'no');
      assert.match((got as { error: string }).error, why);
    }
    assert.deepEqual(ran, [], 'git never ran for a refused name');
    assert.match((await resolveTarget(r, 'no-such-tag', c4) as { error: string }).error, /names no commit/);
    assert.match((await resolveTarget(r, 'main', c4) as { error: string }).error, /is the live commit/);
    assert.match((await resolveTarget(null, 'v1', c4) as { error: string }).error, /no repository/);
  });

  it('the preview: commits undone newest first, diffstat, authors and the migration risk', async () => {
    const r = await openRepository(repo.dir);
    const p = await readPreview(r, { sha: c2, label: 'v2' }, c4, req().migrationGlobs);
    assert.deepEqual(p.commits.map((c) => c.sha), [c4, c3]);
    assert.deepEqual(p.commits.map((c) => c.subject), ['four', 'add table']);
    assert.equal(p.total, 2);
    assert.deepEqual(p.diff, { filesChanged: 2, insertions: 2, deletions: 1, files: [{ path: 'a.txt', insertions: 1, deletions: 1 }, { path: 'prisma/migrations/1/migration.sql', insertions: 1, deletions: 0 }] });
    assert.deepEqual(p.authors, [{ name: 'Test', commits: 2 }]);
    assert.deepEqual(p.risks.map((x) => x.kind), ['migration']);
    assert.equal(p.warning, null);
  });

  it('a target that is not an ancestor of live is said so', async () => {
    repo.git('checkout', '-q', '-b', 'other', c1);
    const off = repo.commit('elsewhere', '2026-11-01T14:00:00Z', { 'b.txt': 'b\n' });
    repo.git('checkout', '-q', 'main');
    const r = await openRepository(repo.dir);
    const p = await readPreview(r, { sha: off, label: 'other' }, c4, []);
    assert.match(p.warning ?? '', /other is not an ancestor of the live commit/);
    assert.deepEqual(p.commits.map((c) => c.subject), ['four', 'add table', 'two <b>bold</b>']);
  });
});
