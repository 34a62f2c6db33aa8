// The git adapter on real repositories built by the test: a repository in a subfolder, a detached
// HEAD, a shallow clone, tags and merges at fixed dates, a force-pushed history, and revisions that
// look like options (refused, never run).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { GitError } from '../../../../src/services/git/gitErrors';
import { openRepository } from '../../../../src/services/git/gitRepository';
import { checkObjectName } from '../../../../src/services/git/objectName';
import { TempDirs } from '../../support/tempDirs';
import { RepoBuilder, git } from './gitFixture';

describe('git adapter (real repositories)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  let ws: string;
  let repo: RepoBuilder;
  let c1: string, c2: string, side: string, merge: string, c4: string;

  before(async () => {
    ws = await temp.make('idk-git-');
    // The repository is a subfolder of the workspace.
    repo = RepoBuilder.init(path.join(ws, 'app'));
    c1 = repo.commit('first', '2026-11-01T10:00:00Z', { 'src/a.ts': 'a\n' });
    c2 = repo.commit('second', '2026-11-01T11:00:00Z', { 'src/a.ts': 'b\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    side = repo.commit('side work', '2026-11-01T11:30:00Z', { 'db/migrate/001_add.sql': 'alter table x;\n' });
    repo.git('checkout', '-q', 'main');
    merge = repo.merge('feature', '2026-11-01T12:00:00Z');
    c4 = repo.commit('fourth', '2026-11-01T13:00:00Z', { 'docker-compose.yml': 'services: {}\n', 'package-lock.json': '{}\n' });
    repo.tag('v1.0.0', c1, '2026-11-01T10:05:00Z');
    repo.tag('release-2', c2, '2026-11-01T11:05:00Z', true);
  });

  it('opens the repository from a subfolder of it, with its top level, branch and head', async () => {
    fs.mkdirSync(path.join(repo.dir, 'src', 'deep'), { recursive: true });
    const r = await openRepository(path.join(repo.dir, 'src', 'deep'));
    assert.equal(r.root, repo.dir);
    assert.deepEqual(r.head, { sha: c4, branch: 'main' });
    assert.equal(r.shallow, false);
  });

  it('a folder outside any repository is a typed error, not a crash', async () => {
    await assert.rejects(openRepository(ws), (e) => GitError.is(e, 'notARepository'));
    await assert.rejects(openRepository(path.join(ws, 'missing')), (e) => GitError.is(e, 'unavailable'));
  });

  it('a detached HEAD has no branch and still its commit', async () => {
    const dir = path.join(ws, 'detached');
    git(ws, ['clone', '-q', repo.dir, dir]);
    git(dir, ['checkout', '-q', '--detach', c2]);
    const r = await openRepository(dir);
    assert.deepEqual(r.head, { sha: c2, branch: undefined });
  });

  it('a shallow clone says so, and an older commit is unknown there', async () => {
    const dir = path.join(ws, 'shallow');
    git(ws, ['clone', '-q', '--depth', '1', `file://${repo.dir}`, dir]);
    const r = await openRepository(dir);
    assert.equal(r.shallow, true);
    await assert.rejects(r.resolveCommit(c1), (e) => GitError.is(e, 'unknownRevision') && /shallow clone/.test(e.message));
    assert.ok((await r.rangeFacts(c4, c4)).shallow);
  });

  it('resolves tags, branches and relative names to full commit ids', async () => {
    const r = await openRepository(repo.dir);
    assert.equal(await r.resolveCommit('v1.0.0'), c1);
    assert.equal(await r.resolveCommit('release-2'), c2);
    assert.equal(await r.resolveCommit('HEAD~1'), merge);
    assert.equal(await r.resolveCommit('feature'), side);
    assert.equal(await r.resolveCommit(c2.slice(0, 10)), c2);
    await assert.rejects(r.resolveCommit('no-such-tag'), (e) => GitError.is(e, 'unknownRevision'));
  });

  it('refuses option-like and malformed revisions before git runs anything', async () => {
    const ran: string[][] = [];
    const r = await openRepository(repo.dir, { onCommand: (args) => ran.push([...args]) });
    ran.length = 0;
    for (const bad of ['--output=x', '-c core.pager=touch pwned', '-ccore.pager=touch pwned', '--upload-pack=touch pwned', '-h', 'HEAD..main', 'HEAD:src/a.ts', ':/fix', 'a\nb', '', ' ']) {
      await assert.rejects(r.resolveCommit(bad), (e) => GitError.is(e, 'badObjectName'), bad);
    }
    assert.deepEqual(ran, [], 'no git command ran');
    assert.ok(!fs.existsSync(path.join(repo.dir, 'x')) && !fs.existsSync(path.join(repo.dir, 'pwned')));
    await r.resolveCommit('main');
    assert.equal(ran.length, 1, 'a good name runs exactly one rev-parse');
    assert.deepEqual((ran as string[][])[0]!.slice(0, 4), ['rev-parse', '--verify', '--quiet', '--end-of-options']);
  });

  it('property: a name that starts with "-" or has a space inside is always refused', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      assert.throws(() => checkObjectName(`-${a}`), (e) => GitError.is(e, 'badObjectName'));
      assert.throws(() => checkObjectName(`x${a} ${b}x`), (e) => GitError.is(e, 'badObjectName'));
    }));
  });

  it('subjects of many commits in one git process; a commit not here is left out, a name that is not a full id refused', async () => {
    const ran: string[][] = [];
    const r = await openRepository(repo.dir, { onCommand: (args) => ran.push([...args]) });
    ran.length = 0;
    const missing = '0123456789abcdef0123456789abcdef01234567';
    const got = await r.subjects([c4, c1, missing, c1, merge]);
    assert.deepEqual([...got.entries()].sort(), [[c1, 'first'], [c4, 'fourth'], [merge, 'Merge feature']].sort());
    assert.equal(ran.length, 1, 'one git process');
    await assert.rejects(r.subjects(['--output=x']), (e) => GitError.is(e, 'badObjectName'));
    assert.equal((await r.subjects([])).size, 0);
  });

  it('first-parent log with dates: the merge, not its side commit', async () => {
    const r = await openRepository(repo.dir);
    const log = await r.firstParentLog(c4);
    assert.deepEqual(log.map((e) => e.sha), [c4, merge, c2, c1]);
    assert.deepEqual(log.map((e) => new Date(e.at).toISOString()), ['2026-11-01T13:00:00.000Z', '2026-11-01T12:00:00.000Z', '2026-11-01T11:00:00.000Z', '2026-11-01T10:00:00.000Z']);
    assert.deepEqual(log[1]!.parents, [c2, side]);
    assert.equal(log[1]!.subject, 'Merge feature');
    assert.equal((await r.firstParentLog(c4, { maxCount: 2 })).length, 2);
  });

  it('tags with dates: the tagger date of an annotated tag, the commit date of a lightweight one', async () => {
    const r = await openRepository(repo.dir);
    const tags = (await r.tags()).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(tags.map((t) => ({ ...t, at: new Date(t.at).toISOString() })), [
      { name: 'release-2', sha: c2, at: '2026-11-01T11:00:00.000Z' },
      { name: 'v1.0.0', sha: c1, at: '2026-11-01T10:05:00.000Z' },
    ]);
  });

  it('range facts: files of every first-parent commit (merges against their first parent) and the merges', async () => {
    const r = await openRepository(repo.dir);
    const facts = await r.rangeFacts(c2, c4);
    assert.deepEqual([...facts.files].sort(), ['db/migrate/001_add.sql', 'docker-compose.yml', 'package-lock.json']);
    assert.deepEqual(facts.merges, [{ sha: merge, subject: 'Merge feature' }]);
    assert.deepEqual(facts.branch, { name: 'main', containsLive: true });
    assert.deepEqual(facts.dirty, []);
  });

  it('a force-pushed history: the old live commit is not on the branch any more; uncommitted work is seen', async () => {
    const origin = path.join(ws, 'origin.git');
    git(ws, ['clone', '-q', '--bare', repo.dir, origin]);
    const dev = path.join(ws, 'dev');
    git(ws, ['clone', '-q', origin, dev]);
    // Someone rewrites main to drop the last commit, and force-pushes; this clone fetches.
    const other = path.join(ws, 'other');
    git(ws, ['clone', '-q', origin, other]);
    git(other, ['reset', '-q', '--hard', 'HEAD~1']);
    const rewritten = new RepoBuilder(other).commit('rewritten', '2026-11-01T14:00:00Z', { 'src/a.ts': 'c\n' });
    git(other, ['push', '-q', '--force', 'origin', 'main']);
    git(dev, ['fetch', '-q', 'origin']);
    fs.writeFileSync(path.join(dev, 'src', 'a.ts'), 'local edit\n');
    const r = await openRepository(dev);
    const facts = await r.rangeFacts(c2, c4);
    assert.deepEqual(facts.branch, { name: 'origin/main', containsLive: false });
    assert.deepEqual(facts.dirty, ['src/a.ts']);
    assert.equal(await r.isAncestor(c2, rewritten), true);
    assert.deepEqual(await r.compareWithBranch(c4), { known: true, branch: 'origin/main', ahead: 1, behind: 1 }, 'the old live commit: one ahead (off the branch), one behind');
    assert.equal(await r.isAncestor(merge, c4), true);
    assert.equal(await r.isAncestor(c4, merge), false);
  });

  it('a commit against the branch: behind, ahead (off the branch), or unknown here', async () => {
    const r = await openRepository(repo.dir);
    assert.deepEqual(await r.compareWithBranch(c2), { known: true, branch: 'main', ahead: 0, behind: 3 });
    assert.deepEqual(await r.compareWithBranch(c4), { known: true, branch: 'main', ahead: 0, behind: 0 });
    assert.deepEqual(await r.compareWithBranch(side), { known: true, branch: 'main', ahead: 0, behind: 2 });
    assert.deepEqual(await r.compareWithBranch('e'.repeat(40)), { known: false });
  });
});

describe('git adapter: a repository whose own config names programs (a hostile clone)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  /** A repository whose .git/config runs a script from git status: core.fsmonitor and a clean filter, each leaving a mark. */
  async function hostile(): Promise<{ dir: string; fsmonitorMark: string; filterMark: string; c1: string }> {
    const ws = await temp.make('idk-git-hostile-');
    const repo = RepoBuilder.init(path.join(ws, 'app'));
    const c1 = repo.commit('first', '2026-11-01T10:00:00Z', { 'a.txt': 'a\n', '.gitattributes': '*.txt filter=evil\n' });
    const fsmonitorMark = path.join(ws, 'fsmonitor-ran');
    const filterMark = path.join(ws, 'filter-ran');
    const hook = path.join(ws, 'fsmonitor.sh');
    fs.writeFileSync(hook, `#!/bin/sh\ntouch '${fsmonitorMark}'\nexit 1\n`, { mode: 0o755 });
    repo.git('config', 'core.fsmonitor', hook);
    repo.git('config', 'filter.evil.clean', `touch '${filterMark}'; cat`);
    // A changed mtime with the same content makes git status read the file again, through the filter.
    fs.writeFileSync(path.join(repo.dir, 'b.txt'), 'untracked\n');
    fs.utimesSync(path.join(repo.dir, 'a.txt'), new Date('2026-11-02T00:00:00Z'), new Date('2026-11-02T00:00:00Z'));
    return { dir: repo.dir, fsmonitorMark, filterMark, c1 };
  }

  it('plain git status runs both programs (the fixture is hostile for real)', async () => {
    const h = await hostile();
    git(h.dir, ['status', '--porcelain']);
    assert.ok(fs.existsSync(h.fsmonitorMark), 'core.fsmonitor did not run under plain git');
    assert.ok(fs.existsSync(h.filterMark), 'the clean filter did not run under plain git');
  });

  it('trusted: core.fsmonitor never runs; uncommitted work is still seen', async () => {
    const h = await hostile();
    const r = await openRepository(h.dir);
    assert.deepEqual(await r.dirtyPaths(), ['b.txt']);
    assert.equal(fs.existsSync(h.fsmonitorMark), false, 'core.fsmonitor ran through the adapter');
  });

  it('untrusted: no git status at all, so neither program runs; the preview says the work tree was not looked at', async () => {
    const h = await hostile();
    const commands: string[][] = [];
    const r = await openRepository(h.dir, { untrusted: true, onCommand: (args) => commands.push([...args]) });
    assert.equal(await r.dirtyPaths(), undefined);
    const facts = await r.rangeFacts(h.c1, h.c1);
    assert.equal(facts.dirty, undefined);
    assert.equal(commands.some((a) => a.includes('status')), false, `git status ran: ${JSON.stringify(commands)}`);
    assert.equal(fs.existsSync(h.fsmonitorMark), false, 'core.fsmonitor ran');
    assert.equal(fs.existsSync(h.filterMark), false, 'the clean filter ran');
  });
});
