// The revert branch on real repositories built by the test (fixed dates, the repository in a
// subfolder of the workspace): reverts newest first giving the target's tree, a merge reverted once
// with -m 1, a conflict stopped and named, the user's checkout byte-for-byte untouched (also with a
// detached HEAD), an existing branch refused, option-like revisions never run, a shallow clone, and
// pushes to a real bare remote that are never forced.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RevertError, commandLine, continueByHandLines, planCommandLines } from '../../../../src/core/rollback/revertPlan';
import { GitError } from '../../../../src/services/git/gitErrors';
import { openRepository } from '../../../../src/services/git/gitRepository';
import { makeRevertBranch, planRevertBranch, pushRevertBranch } from '../../../../src/services/git/revertBranch';
import { TempDirs } from '../../support/tempDirs';
import { RepoBuilder, git } from './gitFixture';

const ID = '2026-11-02-api-down';
const BRANCH = `rollback/${ID}`;

/** Every file of the checkout (the work tree, HEAD and the index), by content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (p !== path.join(dir, '.git')) walk(p);
      } else out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  for (const f of ['HEAD', 'index']) out[`.git/${f}`] = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, '.git', f))).digest('hex');
  return out;
}

const treeEqual = (dir: string, a: string, b: string) => spawnSync('git', ['diff', '--quiet', a, b, '--'], { cwd: dir }).status === 0;
const subjects = (dir: string, range: string) => git(dir, ['log', '--format=%s', range]).split('\n').filter(Boolean);
const worktrees = (dir: string) => git(dir, ['worktree', 'list', '--porcelain']).split('\n').filter((l) => l.startsWith('worktree ')).length;

describe('revert branch (real repositories)', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  /** target, then three commits (one of them an empty "redeploy" commit) and live; dirty work in the checkout. */
  async function linear() {
    const ws = await temp.make('idk-revert-');
    const repo = RepoBuilder.init(path.join(ws, 'app'));
    const target = repo.commit('good', '2026-11-01T10:00:00Z', { 'src/app.ts': 'one\ntwo\nthree\n', 'README.md': 'app\n' });
    const c1 = repo.commit('bad: two', '2026-11-01T11:00:00Z', { 'src/app.ts': 'one\nTWO\nthree\n' });
    const c2 = repo.commit('redeploy', '2026-11-01T11:30:00Z');
    const c3 = repo.commit('feature', '2026-11-01T12:00:00Z', { 'src/feature.ts': 'x\n', 'README.md': null });
    fs.writeFileSync(path.join(repo.dir, 'src', 'app.ts'), 'my uncommitted edit\n');
    fs.writeFileSync(path.join(repo.dir, 'notes.txt'), 'untracked\n');
    git(repo.dir, ['add', 'notes.txt']);
    fs.writeFileSync(path.join(repo.dir, 'scratch.txt'), 'untracked too\n');
    return { ws, repo, target, c1, c2, c3 };
  }

  it('a linear range: reverted newest first on rollback/<id>, the tree is the target\'s, the commands ran as shown', async () => {
    const { repo, target, c1, c2, c3 } = await linear();
    const ran: string[][] = [];
    const r = await openRepository(path.join(repo.dir, 'src'), { onCommand: (a) => ran.push([...a]) });
    assert.equal(r.root, repo.dir, 'the repository is a subfolder of the workspace: its root is used');
    const before = snapshot(repo.dir);
    const plan = await planRevertBranch(r, { incidentId: ID, target: target.slice(0, 10), live: 'HEAD' });
    assert.deepEqual(plan.reverts.map((x) => x.sha), [c3, c1]);
    assert.deepEqual(plan.skipped.map((x) => x.sha), [c2], 'the empty commit changes nothing: not reverted');
    ran.length = 0;
    const result = await makeRevertBranch(r, plan, { onCommand: (a) => ran.push([...a]) });
    assert.deepEqual(result.reverted, [c3, c1]);
    assert.equal(result.conflict, undefined);
    assert.equal(git(repo.dir, ['rev-parse', BRANCH]).trim(), result.head);
    assert.ok(treeEqual(repo.dir, target, BRANCH), 'git diff --quiet target rollback/<id>');
    assert.deepEqual(subjects(repo.dir, `${c3}..${BRANCH}`), ['Revert "bad: two"', 'Revert "feature"']);
    // What ran is what the preview showed (the worktree's path filled in; the probes of the worktree
    // and a committer identity aside).
    const wtPath = ran.find((a) => a[0] === 'worktree' && a[1] === 'add')![4]!;
    const shown = plan.commands.map((c) => commandLine(c).replace(/^git -C "\$WORKTREE" /, 'git ').replaceAll('"$WORKTREE"', wtPath));
    const withoutIdentity = (a: string[]): string[] => (a[0] === '-c' ? withoutIdentity(a.slice(2)) : a);
    const done = ran.map((a) => `git ${withoutIdentity(a).join(' ')}`);
    for (const line of shown) assert.ok(done.includes(line), `${line} ran`);
    assert.ok(!ran.some((a) => a.includes('reset') || a.includes('--force') && a[0] === 'push'));
    assert.ok(!fs.existsSync(wtPath) && !fs.existsSync(path.dirname(wtPath)), 'the temporary worktree is gone');
    assert.equal(worktrees(repo.dir), 1);
    assert.deepEqual(snapshot(repo.dir), before, 'the checkout (files, index, HEAD) is byte-for-byte the same');
    assert.equal(git(repo.dir, ['symbolic-ref', 'HEAD']).trim(), 'refs/heads/main');
    assert.ok(planCommandLines(plan)[1]!.endsWith(c3));
  });

  it('a detached HEAD in the checkout: untouched as well', async () => {
    const { repo, target, c1, c3 } = await linear();
    git(repo.dir, ['checkout', '-q', '--detach', c1]);
    fs.writeFileSync(path.join(repo.dir, 'src', 'app.ts'), 'detached edit\n');
    const before = snapshot(repo.dir);
    const r = await openRepository(repo.dir);
    assert.equal(r.head.branch, undefined);
    const result = await makeRevertBranch(r, await planRevertBranch(r, { incidentId: ID, target, live: c3 }));
    assert.deepEqual(result.reverted, [c3, c1]);
    assert.ok(treeEqual(repo.dir, target, BRANCH));
    assert.deepEqual(snapshot(repo.dir), before);
    assert.equal(git(repo.dir, ['rev-parse', 'HEAD']).trim(), c1);
  });

  it('a merge in the range: reverted once with -m 1, its side commits never again; the tree is the target\'s', async () => {
    const ws = await temp.make('idk-revert-');
    const repo = RepoBuilder.init(path.join(ws, 'app'));
    const target = repo.commit('base', '2026-11-01T10:00:00Z', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const m1 = repo.commit('main work', '2026-11-01T11:00:00Z', { 'a.txt': 'a2\n' });
    repo.git('checkout', '-q', '-b', 'feature', target);
    const s1 = repo.commit('side one', '2026-11-01T11:10:00Z', { 'side.txt': '1\n' });
    const s2 = repo.commit('side two', '2026-11-01T11:20:00Z', { 'side.txt': '2\n', 'b.txt': 'b2\n' });
    repo.git('checkout', '-q', 'main');
    const merge = repo.merge('feature', '2026-11-01T12:00:00Z');
    const live = repo.commit('after merge', '2026-11-01T13:00:00Z', { 'db/migrate/001.sql': 'alter table x;\n' });
    const r = await openRepository(repo.dir);
    const plan = await planRevertBranch(r, { incidentId: ID, target, live });
    assert.deepEqual(plan.reverts.map((x) => [x.sha, x.mainline]), [[live, undefined], [merge, 1], [m1, undefined]]);
    assert.ok(!plan.reverts.some((x) => x.sha === s1 || x.sha === s2));
    assert.ok(plan.commands.some((c) => c.args.join(' ') === `revert --no-edit -m 1 --end-of-options ${merge}`));
    const result = await makeRevertBranch(r, plan);
    assert.deepEqual(result.reverted, [live, merge, m1]);
    assert.ok(treeEqual(repo.dir, target, BRANCH));
    assert.deepEqual(subjects(repo.dir, `${live}..${BRANCH}`), ['Revert "main work"', 'Revert "Merge feature"', 'Revert "after merge"']);
    // A target that came in through the merge is not on the first-parent line: refused, the nearest commit on it named.
    await assert.rejects(planRevertBranch(r, { incidentId: 'other', target: s1, live }), (e) => RevertError.is(e, 'offFirstParentLine') && e.message.includes(target.slice(0, 12)));
  });

  it('a conflict stops there: the commit and paths named, the reverts before it kept, nothing in progress, the worktree gone', async () => {
    const ws = await temp.make('idk-revert-');
    const repo = RepoBuilder.init(path.join(ws, 'app'));
    const target = repo.commit('good', '2026-11-01T10:00:00Z', { 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n' });
    const c1 = repo.commit('bad change', '2026-11-01T11:00:00Z', { 'a.txt': 'one\nTWO\nthree\n' });
    const c2 = repo.commit('other', '2026-11-01T11:30:00Z', { 'b.txt': 'b2\n' });
    // After the deploy, the branch moved on: a later commit edits the same line the bad change did.
    const later = repo.commit('later fix', '2026-11-01T14:00:00Z', { 'a.txt': 'one\nTWO!\nthree\n' });
    const before = snapshot(repo.dir);
    const ran: string[][] = [];
    const r = await openRepository(repo.dir);
    const plan = await planRevertBranch(r, { incidentId: ID, target, live: c2, onto: 'main' });
    assert.equal(plan.base, later);
    const result = await makeRevertBranch(r, plan, { onCommand: (a) => ran.push([...a]) });
    assert.deepEqual(result.reverted, [c2]);
    assert.deepEqual(result.conflict, { sha: c1, subject: 'bad change', paths: ['a.txt'] });
    assert.equal(continueByHandLines(plan, c1)[1], `git revert --no-edit --end-of-options ${c1}`, 'what to run by hand to finish');
    assert.ok(ran.some((a) => a.join(' ') === 'revert --abort'));
    assert.deepEqual(subjects(repo.dir, `${later}..${BRANCH}`), ['Revert "other"'], 'the branch keeps the reverts done so far');
    assert.equal(git(repo.dir, ['show', `${BRANCH}:a.txt`]), 'one\nTWO!\nthree\n', 'never resolved automatically');
    assert.equal(worktrees(repo.dir), 1);
    assert.ok(!fs.existsSync(path.join(repo.dir, '.git', 'worktrees')), 'no worktree left registered');
    for (const f of ['REVERT_HEAD', 'sequencer', 'MERGE_HEAD']) assert.ok(!fs.existsSync(path.join(repo.dir, '.git', f)), f);
    assert.deepEqual(snapshot(repo.dir), before);
  });

  it('a revert that fails otherwise (a hook refuses it) stops with the reason; the reverts before it kept, the worktree gone', async () => {
    const { repo, target, c3 } = await linear();
    const hook = path.join(repo.dir, '.git', 'hooks', 'prepare-commit-msg');
    fs.mkdirSync(path.dirname(hook), { recursive: true });
    fs.writeFileSync(hook, '#!/bin/sh\nif grep -q "bad: two" "$1"; then echo "policy: no reverting that" >&2; exit 1; fi\n', { mode: 0o755 });
    const before = snapshot(repo.dir);
    const r = await openRepository(repo.dir);
    await assert.rejects(makeRevertBranch(r, await planRevertBranch(r, { incidentId: ID, target, live: c3 })), (e) => RevertError.is(e, 'revertFailed') && /policy: no reverting that/.test(e.message) && e.message.includes(BRANCH));
    assert.deepEqual(subjects(repo.dir, `${c3}..${BRANCH}`), ['Revert "feature"']);
    assert.equal(worktrees(repo.dir), 1);
    assert.deepEqual(snapshot(repo.dir), before);
  });

  it('an existing rollback/<id> is refused and left as it was', async () => {
    const { repo, target, c1, c3 } = await linear();
    const r = await openRepository(repo.dir);
    const plan = await planRevertBranch(r, { incidentId: ID, target, live: c3 });
    git(repo.dir, ['branch', BRANCH, c1]);
    await assert.rejects(planRevertBranch(r, { incidentId: ID, target, live: c3 }), (e) => RevertError.is(e, 'branchExists') && e.message.includes(BRANCH));
    await assert.rejects(makeRevertBranch(r, plan), (e) => RevertError.is(e, 'branchExists'));
    assert.equal(git(repo.dir, ['rev-parse', BRANCH]).trim(), c1);
    assert.equal(worktrees(repo.dir), 1);
  });

  it('option-like revisions are refused before git runs anything, and what they would run did not happen', async () => {
    const { ws, repo, target, c3 } = await linear();
    const pwned = path.join(ws, 'pwned');
    const ran: string[][] = [];
    const r = await openRepository(repo.dir, { onCommand: (a) => ran.push([...a]) });
    ran.length = 0;
    for (const bad of [`--upload-pack=touch ${pwned}`, '-n', '--output=x', 'HEAD..main', 'HEAD:a']) {
      for (const req of [{ target: bad, live: c3 }, { target, live: bad }, { target, live: c3, onto: bad }]) {
        await assert.rejects(planRevertBranch(r, { incidentId: ID, ...req }), (e) => GitError.is(e, 'badObjectName'), JSON.stringify(req));
      }
    }
    assert.deepEqual(ran, [], 'no git command ran');
    // A plan altered after the preview: what runs is derived from its facts, checked first.
    const plan = await planRevertBranch(r, { incidentId: ID, target, live: c3 });
    ran.length = 0;
    await assert.rejects(makeRevertBranch(r, { ...plan, branch: 'main' }), (e) => RevertError.is(e, 'badBranchName'));
    await assert.rejects(makeRevertBranch(r, { ...plan, base: `--upload-pack=touch ${pwned}` }), (e) => RevertError.is(e, 'badHistory'));
    await assert.rejects(makeRevertBranch(r, { ...plan, reverts: [{ ...plan.reverts[0]!, sha: '-n' }] }), (e) => RevertError.is(e, 'badHistory'));
    assert.deepEqual(ran, [], 'no git command ran');
    await assert.rejects(pushRevertBranch(r, BRANCH, `--upload-pack=touch ${pwned}`), (e) => RevertError.is(e, 'pushFailed'));
    await assert.rejects(pushRevertBranch(r, `--upload-pack=touch ${pwned}`), (e) => RevertError.is(e, 'pushFailed'));
    assert.ok(!(ran as string[][]).some((a) => a.some((x) => x.includes('upload-pack'))));
    assert.ok(!fs.existsSync(pwned) && !fs.existsSync(path.join(repo.dir, 'x')));
  });

  it('refuses what reverts cannot reach: the target ahead of live, a base without live, nothing to revert', async () => {
    const { repo, target, c1, c3 } = await linear();
    const r = await openRepository(repo.dir);
    await assert.rejects(planRevertBranch(r, { incidentId: ID, target: c3, live: c1 }), (e) => RevertError.is(e, 'nothingToRevert'));
    await assert.rejects(planRevertBranch(r, { incidentId: ID, target: c3, live: c3 }), (e) => RevertError.is(e, 'nothingToRevert'));
    await assert.rejects(planRevertBranch(r, { incidentId: ID, target, live: c3, onto: c1 }), (e) => RevertError.is(e, 'liveNotOnBase'));
    await assert.rejects(planRevertBranch(r, { incidentId: '..', target, live: c3 }), (e) => RevertError.is(e, 'badBranchName'));
    assert.equal(git(repo.dir, ['branch', '--list', 'rollback/*']).trim(), '');
  });

  it('a shallow clone: a target older than the history here is said so; within it, the branch is made', async () => {
    const { ws, repo, target, c1, c3 } = await linear();
    const dir = path.join(ws, 'shallow');
    git(ws, ['clone', '-q', '--depth', '3', `file://${repo.dir}`, dir]);
    const r = await openRepository(dir);
    assert.equal(r.shallow, true);
    await assert.rejects(planRevertBranch(r, { incidentId: ID, target, live: c3 }), (e) => GitError.is(e, 'unknownRevision') && /shallow clone/.test(e.message));
    const result = await makeRevertBranch(r, await planRevertBranch(r, { incidentId: ID, target: c1, live: c3 }));
    assert.deepEqual(result.reverted, [c3]);
    assert.ok(treeEqual(dir, c1, BRANCH));
    // The target fetched alone: here, but the history joining it to live is not.
    const thin = path.join(ws, 'thin');
    git(ws, ['clone', '-q', '--depth', '1', `file://${repo.dir}`, thin]);
    git(thin, ['fetch', '-q', '--depth', '1', 'origin', target]);
    const t = await openRepository(thin);
    await assert.rejects(planRevertBranch(t, { incidentId: ID, target, live: c3 }), (e) => RevertError.is(e, 'missingCommit') && /shallow clone/.test(e.message) && /fetch --unshallow/.test(e.message));
  });

  it('push: to a real bare remote; a diverged branch there is refused and the remote keeps its commit (never forced)', async () => {
    const { ws, repo, target, c1, c3 } = await linear();
    const origin = path.join(ws, 'origin.git');
    git(ws, ['init', '-q', '--bare', origin]);
    git(repo.dir, ['remote', 'add', 'origin', origin]);
    const r = await openRepository(repo.dir);
    const made = await makeRevertBranch(r, await planRevertBranch(r, { incidentId: ID, target, live: c3 }));
    assert.deepEqual(await pushRevertBranch(r, BRANCH), { remote: 'origin', branch: BRANCH, sha: made.head });
    assert.equal(git(origin, ['rev-parse', `refs/heads/${BRANCH}`]).trim(), made.head);
    assert.deepEqual(await pushRevertBranch(r, BRANCH), { remote: 'origin', branch: BRANCH, sha: made.head }, 'pushing again changes nothing');
    // Another clone makes its own rollback/<id> (another target) and pushes it: refused.
    const other = path.join(ws, 'other');
    git(ws, ['clone', '-q', '--no-checkout', repo.dir, other]);
    const o = await openRepository(other);
    const theirs = await makeRevertBranch(o, await planRevertBranch(o, { incidentId: ID, target: c1, live: c3 }));
    git(other, ['remote', 'set-url', 'origin', origin]);
    await assert.rejects(pushRevertBranch(o, BRANCH), (e) => RevertError.is(e, 'pushRejected') && e.message.includes('nothing there was overwritten'));
    assert.equal(git(origin, ['rev-parse', `refs/heads/${BRANCH}`]).trim(), made.head, 'the remote ref is unchanged');
    assert.notEqual(theirs.head, made.head);
    await assert.rejects(pushRevertBranch(r, BRANCH, 'upstream'), (e) => RevertError.is(e, 'pushFailed') && /no remote named/.test(e.message));
    await assert.rejects(pushRevertBranch(r, 'main'), (e) => RevertError.is(e, 'pushFailed'));
  });
});
