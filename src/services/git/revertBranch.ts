// The "Revert in git" rollback strategy on a real repository: the plan (revisions validated, the
// range read, the branch name free), then the branch made in a temporary worktree of the live
// commit, so the user's checkout (current branch, index, uncommitted work) is never touched. A
// conflict stops there (aborted, never resolved); the branch keeps the reverts done so far. Pushing
// is its own step, never forced.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROLLBACK_BRANCH_PREFIX, RevertError, type RevertPlan, WORKTREE, isValidBranchName, planReverts, pushArgs, revertCommands, rollbackBranchName } from '../../core/rollback/revertPlan';
import { identityArgs } from './deployLedger';
import { GitError } from './gitErrors';
import { type GitRepository, type OpenOptions, openRepository } from './gitRepository';
import { checkObjectName } from './objectName';

export interface RevertBranchRequest {
  readonly incidentId: string;
  /** The commit to go back to, as typed or chosen (a sha, a tag, `main~2`): validated first. */
  readonly target: string;
  /** The live commit (the host's answer or the ledger's): validated first. */
  readonly live: string;
  /**
   * Where the branch starts (validated first; must contain live): default the live commit, whose
   * reverts apply cleanly and give the target's tree. The branch tip (`main`) instead makes a
   * branch that merges as it is; commits after live touching the same lines then conflict.
   */
  readonly onto?: string;
}

export interface RevertConflict {
  /** The commit whose revert conflicted (not reverted; the ones after it in the plan neither). */
  readonly sha: string;
  readonly subject: string;
  /** Repository-relative paths that conflicted. */
  readonly paths: readonly string[];
}

export interface RevertBranchResult {
  readonly branch: string;
  /** The branch's commit now. */
  readonly head: string;
  /** The commits reverted, in the order they were (newest first). */
  readonly reverted: readonly string[];
  /** Set when a revert conflicted: the branch holds the reverts before it, nothing was resolved. */
  readonly conflict?: RevertConflict;
}

/**
 * The plan for the preview. Throws GitError('badObjectName') before git runs anything for a
 * revision that is no object name, GitError('unknownRevision') for one that names nothing here
 * (a shallow clone says so), RevertError for the rest (the branch exists already, target not
 * behind live, nothing to revert, target off the first-parent line, live not in `onto`).
 */
export async function planRevertBranch(repo: GitRepository, req: RevertBranchRequest): Promise<RevertPlan> {
  const branch = rollbackBranchName(req.incidentId);
  const names = [req.target, req.live, ...(req.onto === undefined ? [] : [req.onto])].map(checkObjectName);
  const [target, live] = [await repo.resolveCommit(names[0]!), await repo.resolveCommit(names[1]!)] as const;
  const base = names[2] === undefined ? live : await repo.resolveCommit(names[2]);
  if (base !== live && !(await repo.isAncestor(live, base))) {
    throw new RevertError('liveNotOnBase', `${names[2]} (${short(base)}) does not contain the live commit ${short(live)}: the reverts would not apply there${repo.shallow ? ' (or this shallow clone lacks the history between them)' : ''}`);
  }
  if (target !== live && !(await repo.isAncestor(target, live))) {
    if (repo.shallow) throw new RevertError('missingCommit', `${short(target)} is not found behind ${short(live)} in this shallow clone: the history between them may not be here (git fetch --unshallow)`);
    throw new RevertError('nothingToRevert', `${short(target)} is not behind the live commit ${short(live)} (newer, or on another line): reverts cannot reach it; redeploy it instead`);
  }
  const log = target === live ? [] : await repo.firstParentLog(live, { exclude: target });
  const targetTree = (await repo.raw(['rev-parse', '--verify', '--end-of-options', `${target}^{tree}`])).trim();
  const plan = planReverts({ incidentId: req.incidentId, target, live, base, commits: log, targetTree });
  await refuseExistingBranch(repo, branch);
  return plan;
}

/**
 * Makes the plan's branch in a temporary worktree (removed at the end, also on failure). A conflict
 * is a result, not an error; RevertError('branchExists' | 'worktreeFailed' | 'revertFailed')
 * otherwise. `options` are those the worktree is opened with (a test sees its commands).
 */
export async function makeRevertBranch(repo: GitRepository, plan: RevertPlan, options: OpenOptions = {}): Promise<RevertBranchResult> {
  // Derived again from the plan's facts (validated): what runs never comes from a list handed in.
  const commands = revertCommands(plan.branch, plan.base, plan.reverts);
  await refuseExistingBranch(repo, plan.branch);
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'incident-desk-revert-'));
  const worktree = path.join(tmp, 'worktree');
  const fill = (args: readonly string[]) => args.map((a) => (a === WORKTREE ? worktree : a));
  const cleanup = commands.filter((c) => c.args[0] === 'worktree' && (c.args[1] === 'remove' || c.args[1] === 'prune'));
  let wt: GitRepository | undefined;
  let identity: string[] | undefined;
  const reverted: string[] = [];
  try {
    for (const command of commands) {
      if (cleanup.includes(command)) continue;
      const args = fill(command.args);
      if (command.where === 'repository') {
        await repo.raw(args).catch((e) => {
          throw new RevertError('worktreeFailed', `the temporary worktree could not be made: ${message(e)}`);
        });
        wt = await openRepository(worktree, options);
        continue;
      }
      if (!wt) throw new RevertError('worktreeFailed', 'the temporary worktree is not there');
      if (!command.reverts) {
        await wt.raw(args).catch(async (e) => {
          if (await branchExists(repo, plan.branch)) throw new RevertError('branchExists', `${plan.branch} was created meanwhile by someone else: left as it is`);
          throw new RevertError('worktreeFailed', `${plan.branch} could not be created: ${message(e)}`);
        });
        continue;
      }
      identity ??= await identityArgs(wt);
      const conflict = await revertOne(wt, command.reverts, [...identity, ...args], plan);
      if (conflict) return { branch: plan.branch, head: await headOf(repo, plan.branch), reverted, conflict };
      reverted.push(command.reverts);
    }
    return { branch: plan.branch, head: await headOf(repo, plan.branch), reverted };
  } finally {
    for (const c of cleanup) await repo.raw(fill(c.args)).catch(() => undefined);
    await fs.promises.rm(tmp, { recursive: true, force: true });
    await repo.raw(['worktree', 'prune']).catch(() => undefined);
  }
}

/** Runs one revert; a conflict is aborted and returned, any other failure aborted and thrown. */
async function revertOne(wt: GitRepository, sha: string, args: string[], plan: RevertPlan): Promise<RevertConflict | undefined> {
  try {
    await wt.raw(args);
    return undefined;
  } catch (e) {
    const unmerged = await wt.raw(['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => '');
    const paths = [...new Set(unmerged.split('\0').filter(Boolean))].sort();
    await wt.raw(['revert', '--abort']).catch(() => undefined);
    const subject = plan.reverts.find((r) => r.sha === sha)?.subject ?? '';
    if (paths.length) return { sha, subject, paths };
    throw new RevertError('revertFailed', `git revert ${short(sha)} (${subject}) failed without a conflict; ${plan.branch} keeps the reverts before it: ${message(e)}`);
  }
}

export interface PushResult {
  readonly remote: string;
  readonly branch: string;
  /** The commit the remote's branch now points to. */
  readonly sha: string;
}

/**
 * Pushes `refs/heads/<branch>` to the same name on `remote`: never forced, never a `+` refspec.
 * Refused because the remote's branch has other commits: RevertError('pushRejected'), the remote
 * unchanged. Any other failure: RevertError('pushFailed').
 */
export async function pushRevertBranch(repo: GitRepository, branch: string, remote = 'origin'): Promise<PushResult> {
  if (!isValidBranchName(branch) || !branch.startsWith(ROLLBACK_BRANCH_PREFIX)) throw new RevertError('pushFailed', `${JSON.stringify(branch)} is not a rollback branch (rollback/<incident>): not pushed`);
  const remotes = await repo.remotes();
  if (!remotes.includes(remote)) throw new RevertError('pushFailed', `no remote named ${JSON.stringify(remote)}${remotes.length ? ` (this repository has ${remotes.join(', ')})` : ' (this repository has none)'}: not pushed`);
  const sha = await headOf(repo, branch).catch(() => {
    throw new RevertError('pushFailed', `there is no branch ${branch} here to push`);
  });
  try {
    await repo.raw(pushArgs(branch, remote));
    return { remote, branch, sha };
  } catch (e) {
    const theirs = await remoteBranchSha(repo, remote, branch);
    if (theirs && theirs !== sha) {
      throw new RevertError('pushRejected', `${remote} already has a branch ${branch} (at ${short(theirs)}) with commits that yours does not have; nothing there was overwritten. Look at it first (git fetch ${remote} ${branch}), then delete the stale one on ${remote} yourself or make the revert branch for another incident id.`);
    }
    throw new RevertError('pushFailed', `${branch} could not be pushed to ${remote}: ${message(e)}`);
  }
}

async function remoteBranchSha(repo: GitRepository, remote: string, branch: string): Promise<string | undefined> {
  const out = await repo.raw(['ls-remote', '--end-of-options', remote, `refs/heads/${branch}`]).catch(() => '');
  const line = out.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line?.split('\t')[0];
}

async function branchExists(repo: GitRepository, branch: string): Promise<boolean> {
  return (await repo.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], [1])).trim() !== '';
}

async function refuseExistingBranch(repo: GitRepository, branch: string): Promise<void> {
  if (await branchExists(repo, branch)) {
    throw new RevertError('branchExists', `a branch ${branch} exists already: it is left as it is (never overwritten). Look at it, push it, or delete it yourself (git branch -D ${branch}) to make it again.`);
  }
}

async function headOf(repo: GitRepository, branch: string): Promise<string> {
  const sha = (await repo.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], [1])).trim();
  if (!sha) throw new GitError('unknownRevision', `no branch ${branch}`);
  return sha;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().split('\n').slice(0, 4).join(' ');
}

function short(sha: string): string {
  return sha.slice(0, 12);
}
