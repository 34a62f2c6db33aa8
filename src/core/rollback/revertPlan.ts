// The "Revert in git" rollback strategy, planned: from the first-parent commits of target..live,
// one `git revert` per commit, newest first, a merge with `-m 1` (which undoes its whole side
// branch, so the side branch's own commits are never reverted again), on a branch
// `rollback/<incident-id>` made in a temporary worktree, and the exact commands, as argument
// lists (what the git adapter runs) and as text (what the wizard shows before anything runs). Pure.
// The branch starts at the live commit (the reverts then apply cleanly by construction and the
// result has the target's tree), or at a later commit that contains it (the branch tip, so the
// branch can be merged as it is; commits after live that touch the same lines then conflict).
import { shellWord } from '../runbooks/placeholderFill';
import { isFullSha } from './ledger';

export const ROLLBACK_BRANCH_PREFIX = 'rollback/';

/** Stands for the temporary worktree's folder in the planned commands; the adapter fills it in. */
export const WORKTREE = '$WORKTREE';

export type RevertErrorReason =
  /** The incident id makes no branch name git accepts (empty, `..`, `.lock`, …). */
  | 'badBranchName'
  /** The target is the live commit, or not behind it: there is nothing to revert. */
  | 'nothingToRevert'
  /** The target is not on the live commit's first-parent line: reverts would not give its tree. */
  | 'offFirstParentLine'
  /** The commit to start the branch on does not contain the live commit. */
  | 'liveNotOnBase'
  /** The commits given are not a first-parent chain from live (a caller's mistake). */
  | 'badHistory'
  /** `rollback/<id>` exists already: never overwritten. */
  | 'branchExists'
  /** A commit the plan needs is not in this clone (a shallow clone says so). */
  | 'missingCommit'
  /** The temporary worktree could not be made or the branch not created there. */
  | 'worktreeFailed'
  /** A revert failed for another reason than a conflict (a hook, the disk); the branch keeps what was done. */
  | 'revertFailed'
  /** The remote refused the push (its branch has other commits); nothing there was overwritten. */
  | 'pushRejected'
  /** The push failed otherwise (no such remote, unreachable, protected). */
  | 'pushFailed';

/** Typed error of the revert strategy: callers branch on `reason`, never on the message. */
export class RevertError extends Error {
  constructor(readonly reason: RevertErrorReason, message: string) {
    super(message);
    this.name = 'RevertError';
  }

  static is(e: unknown, reason?: RevertErrorReason): e is RevertError {
    return e instanceof RevertError && (reason === undefined || e.reason === reason);
  }
}

/** One first-parent commit of target..live, as `git log --first-parent` gives it. */
export interface RangeCommit {
  readonly sha: string;
  /** First parent first. */
  readonly parents: readonly string[];
  readonly subject: string;
  /** Its tree, when known: a commit whose tree is its first parent's changes nothing and is not reverted. */
  readonly tree?: string;
}

export interface PlannedRevert {
  readonly sha: string;
  readonly subject: string;
  /** 1 for a merge (the mainline: its first parent); undefined for an ordinary commit. */
  readonly mainline?: 1;
  /** The commit's parents (a merge's side parents are what `-m 1` undoes with it). */
  readonly parents: readonly string[];
}

export interface PlannedCommand {
  /** Run in the repository, or in the temporary worktree. */
  readonly where: 'repository' | 'worktree';
  /** git's arguments; WORKTREE stands for the temporary folder. */
  readonly args: readonly string[];
  /** For a revert: the commit it reverts. */
  readonly reverts?: string;
}

export interface RevertPlan {
  readonly incidentId: string;
  readonly branch: string;
  readonly target: string;
  readonly live: string;
  /** The commit the branch starts on: live, or a later one that contains it. */
  readonly base: string;
  /** Newest first: the order they run in. */
  readonly reverts: readonly PlannedRevert[];
  /** Commits of the range that change nothing (an empty "redeploy" commit, a `merge -s ours`): git cannot revert them, nor need it. */
  readonly skipped: ReadonlyArray<{ readonly sha: string; readonly subject: string; readonly why: string }>;
  /** Everything that runs to make the branch, in order (cleanup included). */
  readonly commands: readonly PlannedCommand[];
}

export interface PlanInput {
  readonly incidentId: string;
  /** Full ids. */
  readonly target: string;
  readonly live: string;
  /** The commit to start the branch on (a full id that contains live, checked by the caller); default live. */
  readonly base?: string;
  /** `git log --first-parent target..live`: newest first, live first. */
  readonly commits: readonly RangeCommit[];
  /** The target's tree, when known (with the commits' trees: empty commits are skipped). */
  readonly targetTree?: string;
}

const MAX_COMPONENT = 100;

/**
 * Whether `git check-ref-format --branch <name>` accepts `name` (git's rules for a ref, under
 * refs/heads/, plus the branch rules: not starting with "-", not "HEAD"). Stricter on one point:
 * non-ASCII is refused here (git allows it), so names stay plain in every terminal and remote.
 */
export function isValidBranchName(name: string): boolean {
  if (name === '' || name === 'HEAD' || name === '@' || name.startsWith('-')) return false;
  // eslint-disable-next-line no-control-regex -- control characters, space and ~^:?*[\ are refused by git
  if (/[\u0000-\u0020\u007f-\uffff~^:?*[\\]/.test(name)) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  return name.split('/').every((c) => c !== '' && !c.startsWith('.') && !c.endsWith('.lock'));
}

/**
 * `rollback/<incident-id>`: every run of characters other than letters, digits, `.`, `_` and `-`
 * (spaces, `/~^:?*[\@{`, control and non-ASCII characters) becomes one "-"; what is still no valid
 * branch name (nothing left, `..`, a leading ".", a `.lock` or "." ending) is refused with
 * RevertError('badBranchName'), never guessed at.
 */
export function rollbackBranchName(incidentId: string): string {
  const component = incidentId.trim().replace(/[^A-Za-z0-9._-]+/g, '-');
  const name = `${ROLLBACK_BRANCH_PREFIX}${component}`;
  const why = component === '' || /^-+$/.test(component) ? 'it has no letters or digits'
    : component.length > MAX_COMPONENT ? `longer than ${MAX_COMPONENT} characters`
    : !isValidBranchName(name) ? 'git refuses it as a branch name (check-ref-format: "..", a leading ".", a "." or ".lock" ending)'
    : undefined;
  if (why) throw new RevertError('badBranchName', `${JSON.stringify(incidentId.length > 80 ? `${incidentId.slice(0, 77)}...` : incidentId)} makes no branch name: ${why}`);
  return name;
}

/** The arguments of `git revert` for one planned revert. */
export function revertArgs(r: PlannedRevert): string[] {
  return ['revert', '--no-edit', ...(r.mainline ? ['-m', String(r.mainline)] : []), '--end-of-options', r.sha];
}

/** The arguments of the push: the branch to the same name, never forced, never a `+` refspec. */
export function pushArgs(branch: string, remote: string): string[] {
  const ref = `refs/heads/${branch}`;
  return ['push', '--end-of-options', remote, `${ref}:${ref}`];
}

/**
 * The plan, or RevertError: 'badBranchName', 'nothingToRevert' (no commits), 'badHistory' (not
 * a first-parent chain from live), 'offFirstParentLine' (the chain does not end on the target).
 */
export function planReverts(input: PlanInput): RevertPlan {
  const { target, live, commits } = input;
  const base = input.base ?? live;
  const branch = rollbackBranchName(input.incidentId);
  for (const sha of [target, live, base]) if (!isFullSha(sha)) throw new RevertError('badHistory', `${JSON.stringify(sha)} is not a full commit id`);
  if (target === live || commits.length === 0) throw new RevertError('nothingToRevert', `nothing to revert: ${target === live ? 'the target is the live commit' : `${short(live)} has no commits after ${short(target)}`}`);
  if (commits[0]!.sha !== live) throw new RevertError('badHistory', `the range starts at ${short(commits[0]!.sha)}, not at the live commit ${short(live)}`);
  const seen = new Set<string>();
  commits.forEach((c, i) => {
    if (!isFullSha(c.sha) || seen.has(c.sha)) throw new RevertError('badHistory', `commit ${i + 1} of the range is ${seen.has(c.sha) ? 'listed twice' : 'not a full commit id'}: ${JSON.stringify(c.sha)}`);
    seen.add(c.sha);
    const next = commits[i + 1];
    if (next && c.parents[0] !== next.sha) throw new RevertError('badHistory', `${short(c.sha)}'s first parent is not ${short(next.sha)}: not a first-parent history`);
  });
  const last = commits[commits.length - 1]!;
  if (last.parents[0] !== target) {
    throw new RevertError('offFirstParentLine', `the target ${short(target)} is not on the first-parent history of ${short(live)} (it came in through a merge, or is not behind it): reverting the first-parent commits would not give its tree${last.parents[0] ? `; ${short(last.parents[0])} is the nearest commit on that line` : ''}`);
  }
  const reverts: PlannedRevert[] = [];
  const skipped: Array<{ sha: string; subject: string; why: string }> = [];
  commits.forEach((c, i) => {
    const parentTree = i + 1 < commits.length ? commits[i + 1]!.tree : input.targetTree;
    if (c.tree !== undefined && c.tree === parentTree) skipped.push({ sha: c.sha, subject: c.subject, why: 'changes nothing against its first parent (empty commit)' });
    else reverts.push({ sha: c.sha, subject: c.subject, parents: [...c.parents], ...(c.parents.length > 1 ? { mainline: 1 as const } : {}) });
  });
  if (reverts.length === 0) throw new RevertError('nothingToRevert', `nothing to revert: the ${commits.length} commit(s) after ${short(target)} change nothing`);
  return { incidentId: input.incidentId, branch, target, live, base, reverts, skipped, commands: revertCommands(branch, base, reverts) };
}

/**
 * The commands that make the branch, derived from the plan's facts alone (the adapter runs these,
 * not a list handed to it). Throws RevertError('badHistory' | 'badBranchName') for a plan whose
 * commits are not full ids or whose branch is not `rollback/…`.
 */
export function revertCommands(branch: string, base: string, reverts: readonly PlannedRevert[]): PlannedCommand[] {
  if (!branch.startsWith(ROLLBACK_BRANCH_PREFIX) || !isValidBranchName(branch)) throw new RevertError('badBranchName', `${JSON.stringify(branch)} is not a rollback branch name`);
  for (const sha of [base, ...reverts.map((r) => r.sha)]) if (!isFullSha(sha)) throw new RevertError('badHistory', `${JSON.stringify(sha)} is not a full commit id`);
  return [
    { where: 'repository', args: ['worktree', 'add', '--detach', '--', WORKTREE, base] },
    { where: 'worktree', args: ['switch', '-c', branch] },
    ...reverts.map((r) => ({ where: 'worktree' as const, args: revertArgs(r), reverts: r.sha })),
    { where: 'repository', args: ['worktree', 'remove', '--force', '--', WORKTREE] },
    { where: 'repository', args: ['worktree', 'prune'] },
  ];
}

/** A command as the user could type it: `git -C "$WORKTREE" revert …` for the worktree's. */
export function commandLine(c: PlannedCommand): string {
  const word = (a: string) => (a === WORKTREE ? `"${WORKTREE}"` : shellWord(a));
  return ['git', ...(c.where === 'worktree' ? ['-C', `"${WORKTREE}"`] : []), ...c.args.map(word)].join(' ');
}

/** The plan's commands as text, for the preview: what runs, in order, before anything runs. */
export function planCommandLines(plan: RevertPlan): string[] {
  return [`WORKTREE=$(mktemp -d)  # a temporary worktree: your checkout is not touched`, ...plan.commands.map(commandLine)];
}

/** What each of planCommandLines' lines does, in the same order, for the Strategy step. */
export function planCommandLabels(plan: RevertPlan): string[] {
  const subject = new Map(plan.reverts.map((r) => [r.sha, r]));
  const label = (c: PlannedCommand): string => {
    if (c.reverts) {
      const r = subject.get(c.reverts);
      return `revert ${c.reverts.slice(0, 12)}${r?.mainline ? ' (a merge: with its side branch)' : ''}${r?.subject ? `: ${r.subject}` : ''}`;
    }
    const [verb, sub] = c.args;
    if (verb === 'worktree' && sub === 'add') return `a temporary worktree at the live commit ${plan.base.slice(0, 12)}`;
    if (verb === 'switch') return `create the branch ${plan.branch} there`;
    if (verb === 'worktree' && sub === 'remove') return 'remove the temporary worktree (the branch stays)';
    if (verb === 'worktree' && sub === 'prune') return "forget the worktree's bookkeeping";
    return 'git';
  };
  return ['make a temporary folder', ...plan.commands.map(label)];
}

/**
 * After a conflict at `sha`: what the user can run by hand to finish (Incident Desk never resolves
 * a conflict): the branch checked out where they choose, that revert again, the conflict resolved
 * and continued, then the reverts that were still to come.
 */
export function continueByHandLines(plan: RevertPlan, sha: string): string[] {
  const at = plan.reverts.findIndex((r) => r.sha === sha);
  if (at < 0) return [];
  return [
    `git switch ${shellWord(plan.branch)}  # in a clean checkout (commit or stash your work first)`,
    ...plan.reverts.slice(at).flatMap((r, i) => [
      ['git', ...revertArgs(r)].join(' '),
      ...(i === 0 ? ['# resolve the conflicting files, git add them, then:', 'git revert --continue'] : []),
    ]),
  ];
}

/** The push, as text (its own confirmed step). */
export function pushCommandLine(branch: string, remote: string): string {
  return ['git', ...pushArgs(branch, remote).map((a) => shellWord(a))].join(' ');
}

function short(sha: string): string {
  return isFullSha(sha) ? sha.slice(0, 12) : JSON.stringify(sha);
}
