// The revert plan (pure): branch names that git accepts (checked against the real
// `git check-ref-format --branch`), one revert per first-parent commit newest first, `-m 1` for a
// merge, the exact commands shown before anything runs, and the histories it refuses.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import fc from 'fast-check';
import { type RangeCommit, RevertError, WORKTREE, commandLine, continueByHandLines, isValidBranchName, planCommandLabels, planCommandLines, planReverts, pushCommandLine, rollbackBranchName } from '../../../../src/core/rollback/revertPlan';

const gitAccepts = (name: string) => spawnSync('git', ['check-ref-format', '--branch', name], { cwd: os.tmpdir(), stdio: 'ignore' }).status === 0;

/** A fake full id for commit number n. */
const id = (n: number) => n.toString(16).padStart(40, '0');

/** A first-parent chain from `target` (0) up to live (n), newest first; `merges` get a side parent. */
function chain(n: number, merges: ReadonlySet<number> = new Set()): RangeCommit[] {
  const commits: RangeCommit[] = [];
  for (let i = n; i >= 1; i--) commits.push({ sha: id(i), parents: merges.has(i) ? [id(i - 1), id(1000 + i)] : [id(i - 1)], subject: `commit ${i}` });
  return commits;
}

describe('revert plan (pure)', () => {
  describe('branch name', () => {
    it('an incident id is its own ref component under rollback/', () => {
      assert.equal(rollbackBranchName('2026-12-03-db-outage'), 'rollback/2026-12-03-db-outage');
      assert.equal(rollbackBranchName('INC 42 / api:down?'), 'rollback/INC-42-api-down-');
      assert.equal(rollbackBranchName('a~1^2@{now}\\x*[y]'), 'rollback/a-1-2-now-x-y-');
      assert.equal(rollbackBranchName('ünïcode-id'), 'rollback/-n-code-id');
    });

    it('what git would still refuse is refused, never guessed at', () => {
      for (const bad of ['', '   ', '///', 'é', '.hidden', 'x.lock', 'a..b', 'ends.', '-', 'x'.repeat(101)]) {
        assert.throws(() => rollbackBranchName(bad), (e) => RevertError.is(e, 'badBranchName'), JSON.stringify(bad));
      }
    });

    it('property: every name made is accepted by the real git check-ref-format --branch', () => {
      const unit = fc.oneof(fc.constantFrom(...'aZ09._-/ ~^:?*[\\@{}'.split(''), '..', '.lock', '\t', 'é', 'HEAD'), fc.string({ unit: 'binary', maxLength: 1 }));
      let made = 0;
      fc.assert(fc.property(fc.string({ unit, maxLength: 12 }), (raw) => {
        let name: string;
        try {
          name = rollbackBranchName(raw);
        } catch (e) {
          assert.ok(RevertError.is(e, 'badBranchName'), String(e));
          return;
        }
        made++;
        assert.ok(gitAccepts(name), name);
      }), { numRuns: 400 });
      // About a third of the random names are valid; 400 runs make ~130 (a bound of 50 for 150 runs failed at 49 once).
      assert.ok(made > 60, `only ${made} names made`);
    });

    it('property: the pure check agrees with git on ASCII names (stricter only on "@" alone)', () => {
      const unit = fc.constantFrom(...'ab-./@{}~^:?*[\\ .lockHEAD'.split(''), '\t', '\x7f', 'lock', '.lock', '..', '@{', '//');
      fc.assert(fc.property(fc.string({ unit, maxLength: 10 }), (name) => {
        if (name === '@' || name.includes('\0')) return;
        assert.equal(isValidBranchName(name), gitAccepts(name), JSON.stringify(name));
      }), { numRuns: 200 });
    });
  });

  describe('plan', () => {
    it('a linear range: each commit reverted once, newest first, and the exact commands', () => {
      const plan = planReverts({ incidentId: '2026-12-03-api', target: id(0), live: id(3), commits: chain(3) });
      assert.equal(plan.branch, 'rollback/2026-12-03-api');
      assert.deepEqual(plan.reverts.map((r) => [r.sha, r.mainline]), [[id(3), undefined], [id(2), undefined], [id(1), undefined]]);
      assert.deepEqual(planCommandLines(plan), [
        'WORKTREE=$(mktemp -d)  # a temporary worktree: your checkout is not touched',
        `git worktree add --detach -- "$WORKTREE" ${id(3)}`,
        'git -C "$WORKTREE" switch -c rollback/2026-12-03-api',
        `git -C "$WORKTREE" revert --no-edit --end-of-options ${id(3)}`,
        `git -C "$WORKTREE" revert --no-edit --end-of-options ${id(2)}`,
        `git -C "$WORKTREE" revert --no-edit --end-of-options ${id(1)}`,
        'git worktree remove --force -- "$WORKTREE"',
        'git worktree prune',
      ]);
      assert.equal(pushCommandLine(plan.branch, 'origin'), 'git push --end-of-options origin refs/heads/rollback/2026-12-03-api:refs/heads/rollback/2026-12-03-api');
      // What each line does, line for line, for the Strategy step.
      const labels = planCommandLabels(plan);
      assert.equal(labels.length, planCommandLines(plan).length);
      assert.deepEqual(labels.slice(0, 4), ['make a temporary folder', `a temporary worktree at the live commit ${id(3).slice(0, 12)}`, 'create the branch rollback/2026-12-03-api there', `revert ${id(3).slice(0, 12)}: ${plan.reverts[0]!.subject}`]);
      assert.deepEqual(labels.slice(-2), ['remove the temporary worktree (the branch stays)', "forget the worktree's bookkeeping"]);
    });

    it('a merge is reverted once with -m 1; its side parent is named, never reverted', () => {
      const plan = planReverts({ incidentId: 'inc', target: id(0), live: id(3), commits: chain(3, new Set([2])) });
      assert.deepEqual(plan.reverts.map((r) => r.mainline), [undefined, 1, undefined]);
      assert.deepEqual(plan.reverts[1]!.parents, [id(1), id(1002)]);
      const lines = plan.commands.map(commandLine);
      assert.ok(lines.includes(`git -C "$WORKTREE" revert --no-edit -m 1 --end-of-options ${id(2)}`));
      assert.ok(!lines.some((l) => l.includes(id(1002))));
    });

    it('a commit that changes nothing (an empty redeploy commit, a merge -s ours) is skipped, said so', () => {
      const commits = chain(3, new Set([3])).map((c, i) => ({ ...c, tree: ['t2', 't2', 't1'][i] }));
      const plan = planReverts({ incidentId: 'inc', target: id(0), live: id(3), commits, targetTree: 't0' });
      assert.deepEqual(plan.reverts.map((r) => r.sha), [id(2), id(1)]);
      assert.deepEqual(plan.skipped, [{ sha: id(3), subject: 'commit 3', why: 'changes nothing against its first parent (empty commit)' }]);
      const allEmpty = chain(2).map((c) => ({ ...c, tree: 't0' }));
      assert.throws(() => planReverts({ incidentId: 'inc', target: id(0), live: id(2), commits: allEmpty, targetTree: 't0' }), (e) => RevertError.is(e, 'nothingToRevert'));
    });

    it('after a conflict: the commands to finish by hand, from the conflicting revert on', () => {
      const plan = planReverts({ incidentId: 'inc', target: id(0), live: id(3), commits: chain(3, new Set([1])) });
      assert.deepEqual(continueByHandLines(plan, id(2)), [
        'git switch rollback/inc  # in a clean checkout (commit or stash your work first)',
        `git revert --no-edit --end-of-options ${id(2)}`,
        '# resolve the conflicting files, git add them, then:',
        'git revert --continue',
        `git revert --no-edit -m 1 --end-of-options ${id(1)}`,
      ]);
      assert.deepEqual(continueByHandLines(plan, id(99)), []);
    });

    it('refuses: nothing to revert, a history that is no first-parent chain, a target off the line', () => {
      const plan = (p: Partial<Parameters<typeof planReverts>[0]>) => () => planReverts({ incidentId: 'inc', target: id(0), live: id(3), commits: chain(3), ...p });
      assert.throws(plan({ target: id(3) }), (e) => RevertError.is(e, 'nothingToRevert'));
      assert.throws(plan({ commits: [] }), (e) => RevertError.is(e, 'nothingToRevert'));
      assert.throws(plan({ commits: chain(3).slice(1) }), (e) => RevertError.is(e, 'badHistory') && /live commit/.test(e.message));
      assert.throws(plan({ commits: [chain(3)[0]!, chain(3)[2]!] }), (e) => RevertError.is(e, 'badHistory'));
      assert.throws(plan({ commits: [...chain(3), chain(3)[0]!] }), (e) => RevertError.is(e, 'badHistory'));
      assert.throws(plan({ target: id(1001) }), (e) => RevertError.is(e, 'offFirstParentLine') && e.message.includes(id(0).slice(0, 12)));
      assert.throws(plan({ live: '--upload-pack=x' }), (e) => RevertError.is(e, 'badHistory'));
      assert.throws(plan({ incidentId: '..' }), (e) => RevertError.is(e, 'badBranchName'));
    });

    it('property: every first-parent commit appears exactly once, in order; merges always with -m 1, others never', () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 1, max: 40 })), (n, m) => {
        const merges = new Set(m.filter((i) => i <= n));
        const commits = chain(n, merges);
        const plan = planReverts({ incidentId: 'inc', target: id(0), live: id(n), commits });
        assert.deepEqual(plan.reverts.map((r) => r.sha), commits.map((c) => c.sha));
        for (const r of plan.reverts) assert.equal(r.mainline, merges.has(parseInt(r.sha, 16)) ? 1 : undefined);
        const reverts = plan.commands.filter((c) => c.args[0] === 'revert');
        assert.deepEqual(reverts.map((c) => c.reverts), commits.map((c) => c.sha));
        assert.deepEqual(reverts.map((c) => c.args.includes('-m')), commits.map((c) => c.parents.length > 1));
        // Every user-derived value sits after --end-of-options / -- or is the validated branch name.
        for (const c of plan.commands) for (const a of c.args) assert.ok(!a.startsWith('-') || ['--no-edit', '-m', '--end-of-options', '--detach', '--', '-c', '--force'].includes(a), a);
        assert.equal(plan.commands.filter((c) => c.args.includes(WORKTREE)).length, 2);
        assert.deepEqual(plan.commands[0]!.args.slice(-1), [id(n)], 'the worktree starts at live');
      }));
    });
  });
});
