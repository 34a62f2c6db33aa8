// Revert in git, from the wizard: the branch rollback/<incident-id> made in a temporary worktree
// (the user's branch, index and uncommitted work untouched), a conflict shown with what to run by
// hand, and the push as its own confirmed step, never forced. Each outcome is a note on the
// incident's timeline (the event list has no revert type: a note with `data.kind`).
import { continueByHandLines, pushCommandLine, type RevertPlan } from '../../core/rollback/revertPlan';
import type { GitRepository } from '../../services/git/gitRepository';
import { loadRemote } from '../../remote/loadRemote';
import type { RevertResult } from './protocolRun';

export type RecordNote = (text: string, data: Record<string, unknown>) => Promise<void>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 4000);

function empty(msg: string): RevertResult {
  return { ok: false, branch: null, head: null, reverted: [], conflict: null, message: msg, push: null, pushed: false };
}

/** Plans again (the branch must still be free, the range the same) and makes the branch. */
export async function makeBranch(repo: GitRepository | null, req: { incidentId: string; target: string; live: string }, record: RecordNote): Promise<RevertResult> {
  if (!repo) return empty('There is no repository to make the branch in.');
  const remote = await loadRemote();
  let plan: RevertPlan;
  try {
    plan = await remote.planRevertBranch(repo, req);
  } catch (e) {
    return empty(`The revert branch was not made: ${message(e)}`);
  }
  try {
    const r = await remote.makeRevertBranch(repo, plan);
    const remotes = await repo.remotes().catch(() => [] as string[]);
    const push = remotes.includes('origin') ? pushCommandLine(r.branch, 'origin') : null;
    const base = { kind: 'rollback_revert_branch', branch: r.branch, head: r.head, target: req.target, live: req.live, reverted: r.reverted };
    if (r.conflict) {
      const text = `Revert branch ${r.branch}: git revert ${r.conflict.sha.slice(0, 12)} (${r.conflict.subject}) conflicted in ${r.conflict.paths.join(', ')}; the branch holds the ${r.reverted.length} revert(s) before it, nothing was resolved`;
      await record(text, { ...base, conflict: { sha: r.conflict.sha, paths: r.conflict.paths } }).catch(() => undefined);
      return {
        ok: false, branch: r.branch, head: r.head, reverted: [...r.reverted], push: null, pushed: false, message: text,
        conflict: { sha: r.conflict.sha, subject: r.conflict.subject, paths: [...r.conflict.paths], byHand: continueByHandLines(plan, r.conflict.sha) },
      };
    }
    const text = `Revert branch ${r.branch} made at ${r.head.slice(0, 12)}: ${r.reverted.length} revert(s), back to the tree of ${req.target.slice(0, 12)}; not pushed`;
    await record(text, base).catch(() => undefined);
    return { ok: true, branch: r.branch, head: r.head, reverted: [...r.reverted], conflict: null, message: text, push, pushed: false };
  } catch (e) {
    return empty(`The revert branch was not made: ${message(e)}`);
  }
}

/** Pushes the branch to origin (never forced); a refusal leaves the remote as it was. */
export async function pushBranch(repo: GitRepository | null, branch: string, record: RecordNote): Promise<RevertResult> {
  if (!repo) return empty('There is no repository to push from.');
  const remote = await loadRemote();
  try {
    const r = await remote.pushRevertBranch(repo, branch, 'origin');
    const text = `Revert branch ${r.branch} pushed to ${r.remote} at ${r.sha.slice(0, 12)}`;
    await record(text, { kind: 'rollback_revert_pushed', branch: r.branch, remote: r.remote, head: r.sha }).catch(() => undefined);
    return { ok: true, branch: r.branch, head: r.sha, reverted: [], conflict: null, message: text, push: pushCommandLine(r.branch, r.remote), pushed: true };
  } catch (e) {
    return { ...empty(`Not pushed: ${message(e)}`), branch };
  }
}
