// What the rollback wizard's host reads for its first two steps: the repository (the workspace
// folder's, or one a level below it), the last stable commit with its evidence and candidates,
// a typed target resolved safely, and the preview of target..live. Git is reached only through
// the lazily loaded remote bundle (loadRemote), so the extension bundle holds no git code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rangeRisks, type Risk } from '../../core/rollback/risks';
import type { Candidate } from '../../core/rollback/stable';
import type { StableRequest } from '../../core/rollback/stableRequest';
import type { GitRepository } from '../../services/git/gitRepository';
import { loadRemote } from '../../remote/loadRemote';
import { MAX_PREVIEW_COMMITS, MAX_PREVIEW_FILES, type PreviewData, type Resolved, type TargetData, type WireCandidate } from './protocol';

export type RepoFound = { repo: GitRepository; problem: null } | { repo: null; problem: string };

/** The repository of `folder`: the one it is in, else the first folder one level below it holding a `.git`. */
export async function findRepository(folder: string, options: { untrusted?: boolean } = {}): Promise<RepoFound> {
  const remote = await loadRemote();
  try {
    return { repo: await remote.openRepository(folder, options), problem: null };
  } catch (e) {
    if (!remote.GitError.is(e, 'notARepository')) {
      return { repo: null, problem: `Git cannot read ${folder}: ${e instanceof Error ? e.message : String(e)}. Check that git is installed and on the PATH, then Reload.` };
    }
  }
  const below = fs.readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && fs.existsSync(path.join(folder, d.name, '.git')))
    .map((d) => d.name).sort();
  for (const name of below) {
    try {
      return { repo: await remote.openRepository(path.join(folder, name), options), problem: null };
    } catch {
      // not a usable repository after all: try the next
    }
  }
  return {
    repo: null,
    problem: `No git repository in ${folder} or in a folder one level below it. Open the workspace folder that holds the deployed repository (or clone the repository into a subfolder of this one), then Reload.`,
  };
}


export interface TargetRead {
  data: Omit<TargetData, 'incident' | 'trusted'>;
  /** The live commit the preview compares with (the ledger's, else the repository's HEAD). */
  live: string | null;
  repo: GitRepository | null;
}

/** The Target step: the last stable commit, its evidence, the candidates and the live commit. */
export async function readTarget(folder: string, req: StableRequest, options: { untrusted?: boolean } = {}): Promise<TargetRead> {
  const found = await findRepository(folder, options);
  const empty = { repo: null, problem: found.problem, env: req.env, live: null, stable: null, thin: false, reason: null, candidates: [], rejected: [], notes: [] };
  if (!found.repo) return { data: empty, live: null, repo: null };
  const repo = found.repo;
  const remote = await loadRemote();
  const report = await remote.lastStableReport(repo, req);
  // Every subject shown in one git process (two per commit took ~470 ms on a 1,000-commit bench).
  const subjects = await repo.subjects([report.live?.sha, repo.head.sha, report.stable?.sha, ...report.candidates.map((c) => c.sha)].filter((x): x is string => !!x));
  const subjectOf = (sha: string) => subjects.get(sha) ?? null;
  const wire = (c: Candidate): WireCandidate => ({ sha: c.sha, deployedAt: c.deployedAt, source: c.source, evidence: c.evidence, subject: subjectOf(c.sha) });
  let live: TargetData['live'] = null;
  if (report.live) live = { sha: report.live.sha, evidence: report.live.evidence, subject: subjectOf(report.live.sha) };
  else if (repo.head.sha) {
    live = { sha: repo.head.sha, subject: subjectOf(repo.head.sha),
      evidence: [`no deploy record or deploy tag: the repository's HEAD${repo.head.branch ? ` (${repo.head.branch})` : ' (detached)'} is taken as live`] };
  }
  const notes = [...report.notes, ...report.ledger.problems.map((p) => `ledger line ${p.line} of ${p.note.slice(0, 12)} left out: ${p.message}`)];
  return {
    repo,
    live: live?.sha ?? null,
    data: {
      repo: { root: repo.root, branch: repo.head.branch ?? null, shallow: repo.shallow }, problem: null, env: req.env,
      live, stable: report.stable ? wire(report.stable) : null, thin: report.thin, reason: report.reason ?? null,
      candidates: report.candidates.map(wire), notes,
      rejected: report.rejected.slice(0, 100).map((r) => ({ sha: r.sha, deployedAt: r.deployedAt, reasons: r.reasons })),
    },
  };
}

/** A typed commit or tag: refused when it is not an object name (option-like, a range) or names no commit. */
export async function resolveTarget(repo: GitRepository | null, name: string, live: string | null): Promise<Resolved> {
  if (!repo) return { ok: 'no', error: 'There is no repository to look the commit up in.' };
  const remote = await loadRemote();
  try {
    const sha = await repo.resolveCommit(name);
    if (sha === live) return { ok: 'no', error: `${name.trim()} is the live commit: rolling back to it changes nothing.` };
    return { ok: 'yes', sha, subject: (await repo.subjects([sha])).get(sha) ?? '' };
  } catch (e) {
    if (remote.GitError.is(e, 'badObjectName') || remote.GitError.is(e, 'unknownRevision')) return { ok: 'no', error: e.message };
    throw e;
  }
}

/** The Preview step: what a rollback from live to target undoes, and its risks. */
export async function readPreview(repo: GitRepository, target: { sha: string; label: string }, live: string, migrationGlobs: readonly string[]): Promise<PreviewData> {
  if (!(await repo.hasCommit(target.sha))) throw new Error(`The target ${target.sha.slice(0, 12)} is not in this repository: fetch it, then Reload.`);
  if (!(await repo.hasCommit(live))) {
    const risks: Risk[] = [{ kind: 'unreachable', detail: `the live commit ${live.slice(0, 12)} is not in this repository (history rewritten by a force push, or not fetched): what the rollback undoes cannot be shown` }];
    return { target, live, commits: [], total: 0, authors: [], diff: { filesChanged: 0, insertions: 0, deletions: 0, files: [] }, risks, warning: null };
  }
  const [log, diff, facts, ancestor] = await Promise.all([
    repo.rangeLog(target.sha, live, { max: MAX_PREVIEW_COMMITS }),
    repo.diffStat(target.sha, live, { max: MAX_PREVIEW_FILES }),
    repo.rangeFacts(target.sha, live),
    repo.isAncestor(target.sha, live),
  ]);
  return {
    target, live, commits: log.commits, total: log.total, authors: log.authors, diff,
    risks: rangeRisks(facts, migrationGlobs),
    warning: ancestor ? null : `${target.label} is not an ancestor of the live commit: the list shows what the live commit has that it lacks, and the rollback also brings back what it has that live lacks.`,
  };
}
