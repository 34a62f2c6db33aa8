// The rollback preview's reads on a real repository: the first-parent commits of target..live
// (a merge once, not its side commit), their authors (side branches too), the diffstat (binary
// files counted, names with spaces and markup as they are), and only full ids accepted.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GitError } from '../../../../src/services/git/gitErrors';
import { openRepository } from '../../../../src/services/git/gitRepository';
import { TempDirs } from '../../support/tempDirs';
import { RepoBuilder } from './gitFixture';

describe('git adapter: range log and diffstat (real repositories)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  let repo: RepoBuilder;
  let target: string, c2: string, merge: string, live: string;

  before(async () => {
    repo = RepoBuilder.init(path.join(await temp.make('idk-range-'), 'app'));
    target = repo.commit('base', '2026-11-01T10:00:00Z', { 'src/a.ts': 'a\nb\n' });
    c2 = repo.commit('second <img src=x onerror=alert(1)>', '2026-11-01T11:00:00Z', { 'src/a.ts': 'a\nc\nd\n', 'odd name <b>.txt': 'x\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.git('-c', 'user.name=Side Author', 'commit', '-q', '--allow-empty', '-m', 'side work');
    repo.commit('side migration', '2026-11-01T11:30:00Z', { 'db/migrate/001_add.sql': 'alter table x;\n' });
    repo.git('checkout', '-q', 'main');
    merge = repo.merge('feature', '2026-11-01T12:00:00Z');
    live = repo.commit('fourth', '2026-11-01T13:00:00Z', { 'logo.bin': Buffer.from([0, 1, 2, 0, 255]).toString('latin1'), 'src/a.ts': null });
  });

  it('lists the first-parent commits newest first, with author, date and merges marked', async () => {
    const r = await openRepository(repo.dir);
    const log = await r.rangeLog(target, live);
    assert.deepEqual(log.commits.map((c) => c.sha), [live, merge, c2]);
    assert.equal(log.total, 3);
    assert.equal(log.commits[2]!.subject, 'second <img src=x onerror=alert(1)>');
    assert.equal(log.commits[0]!.author, 'Test');
    assert.equal(log.commits[0]!.date, '2026-11-01T13:00:00Z'.replace('Z', '+00:00'));
    assert.deepEqual(log.commits.map((c) => c.merge), [false, true, false]);
    assert.deepEqual(log.authors.map((a) => a.name).sort(), ['Side Author', 'Test']);
    assert.equal(log.authors.find((a) => a.name === 'Test')!.commits, 4);
  });

  it('caps the commits listed and still counts them all', async () => {
    const r = await openRepository(repo.dir);
    const log = await r.rangeLog(target, live, { max: 1 });
    assert.deepEqual(log.commits.map((c) => c.sha), [live]);
    assert.equal(log.total, 3);
  });

  it('an empty range is empty', async () => {
    const r = await openRepository(repo.dir);
    assert.deepEqual(await r.rangeLog(live, live), { commits: [], total: 0, authors: [] });
    assert.deepEqual(await r.diffStat(live, live), { filesChanged: 0, insertions: 0, deletions: 0, files: [] });
  });

  it('diffstat: files changed, insertions and deletions, binary files without counts', async () => {
    const r = await openRepository(repo.dir);
    const d = await r.diffStat(target, live);
    assert.deepEqual(d.files.map((f) => f.path).sort(), ['db/migrate/001_add.sql', 'logo.bin', 'odd name <b>.txt', 'src/a.ts']);
    assert.equal(d.filesChanged, 4);
    assert.deepEqual(d.files.find((f) => f.path === 'logo.bin'), { path: 'logo.bin', insertions: null, deletions: null });
    assert.equal(d.insertions, 2);
    assert.equal(d.deletions, 2);
    const capped = await r.diffStat(target, live, { max: 2 });
    assert.equal(capped.files.length, 2);
    assert.equal(capped.filesChanged, 4);
  });

  it('takes full commit ids only: a name or an option never reaches git', async () => {
    const ran: string[][] = [];
    const r = await openRepository(repo.dir, { onCommand: (a) => ran.push([...a]) });
    ran.length = 0;
    for (const bad of ['main', '--output=/tmp/x', `${target}..${live}`, target.slice(0, 12)]) {
      await assert.rejects(r.rangeLog(bad, live), (e) => GitError.is(e, 'badObjectName'), bad);
      await assert.rejects(r.diffStat(target, bad), (e) => GitError.is(e, 'badObjectName'), bad);
    }
    assert.deepEqual(ran, []);
  });
});
