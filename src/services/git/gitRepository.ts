// A small adapter over simple-git (≥ 4: older versions have option-injection CVEs) for what the
// deploy evidence and the rollback need: the repository (also from a subfolder; detached HEAD and
// shallow clones said so), commits, first-parent history, tags, and the facts of a range.
// User-typed revisions go through checkObjectName and `rev-parse --verify --end-of-options`; the
// rest of the arguments are built here from full commit ids.
import * as fs from 'node:fs';
import { type SimpleGit, simpleGit } from 'simple-git';
import type { TagInfo } from '../../core/rollback/deploys';
import { isFullSha } from '../../core/rollback/ledger';
import type { RangeFacts } from '../../core/rollback/risks';
import { GitError } from './gitErrors';
import { checkObjectName } from './objectName';

export interface OpenOptions {
  /** Called with the arguments of every git command before it runs (tests see what ran). */
  readonly onCommand?: (args: readonly string[]) => void;
  /** Kill a git command silent this long (ms); default 60 s. */
  readonly timeoutMs?: number;
  /**
   * The workspace is not trusted (Restricted Mode): its `.git/config` may name programs that
   * `git status` would run (clean filters on files it re-reads), so uncommitted changes are not
   * looked for (`dirtyPaths` answers undefined). core.fsmonitor is off in every mode.
   */
  readonly untrusted?: boolean;
}

export interface LogEntry {
  readonly sha: string;
  readonly parents: readonly string[];
  /** The commit's tree (a commit whose tree is its first parent's changes nothing). */
  readonly tree: string;
  /** Committer date, epoch ms. */
  readonly at: number;
  readonly subject: string;
}

/** One commit of a range, as the rollback preview lists it. */
export interface RangeCommit {
  readonly sha: string;
  readonly subject: string;
  readonly author: string;
  /** Author date, ISO-8601 with its offset. */
  readonly date: string;
  readonly merge: boolean;
}

export interface RangeLog {
  /** First-parent commits of the range, newest first, at most `max`. */
  readonly commits: RangeCommit[];
  /** How many first-parent commits the range has in all. */
  readonly total: number;
  /** Every author of the range (side branches of merges too), most commits first. */
  readonly authors: Array<{ readonly name: string; readonly commits: number }>;
}

export interface DiffStat {
  readonly filesChanged: number;
  readonly insertions: number;
  readonly deletions: number;
  /** Per file (at most `max`), binary files with null counts. */
  readonly files: Array<{ readonly path: string; readonly insertions: number | null; readonly deletions: number | null }>;
}

export interface HeadState {
  /** Undefined in a repository without commits. */
  readonly sha?: string;
  /** The checked-out branch; undefined when HEAD is detached. */
  readonly branch?: string;
}

const EXIT = /^git exited with (\d+)\n/;

/** The repository containing `dir` (its top level). Throws GitError('notARepository' | 'unavailable'). */
export async function openRepository(dir: string, options: OpenOptions = {}): Promise<GitRepository> {
  if (!fs.existsSync(dir)) throw new GitError('unavailable', `${dir}: no such folder`);
  const probe = makeGit(dir, options);
  let top: string;
  try {
    top = (await run(probe, ['rev-parse', '--show-toplevel'])).trim();
  } catch (e) {
    if (GitError.is(e, 'failed')) throw new GitError('notARepository', `${dir}: not in a git repository (${e.message.trim()})`);
    throw e;
  }
  if (!top) throw new GitError('notARepository', `${dir}: not in a git work tree`);
  const git = makeGit(top, options);
  const [shallow, sha, branch] = await Promise.all([
    run(git, ['rev-parse', '--is-shallow-repository']).then((s) => s.trim() === 'true'),
    run(git, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], [1]).then((s) => s.trim() || undefined),
    run(git, ['symbolic-ref', '--quiet', '--short', 'HEAD'], [1]).then((s) => s.trim() || undefined),
  ]);
  return new GitRepository(git, top, shallow, { sha, branch }, options.untrusted === true);
}

/** Passed as `-c` to every git command (see makeGit). */
const SAFE_CONFIG = ['core.fsmonitor=false'] as const;

function makeGit(baseDir: string, options: OpenOptions): SimpleGit {
  const git = simpleGit({
    baseDir,
    strict: true,
    // A repository's own config may set core.fsmonitor to a program that git status and diff run
    // (a cloned repository is untrusted input): off for every command. simple-git refuses to pass any
    // core.fsmonitor value unless told; `false` runs nothing.
    config: [...SAFE_CONFIG],
    unsafe: { allowUnsafeFsMonitor: true },
    maxConcurrentProcesses: 4,
    timeout: { block: options.timeoutMs ?? 60_000 },
    // Every non-zero exit is an error here (simple-git lets one without stderr pass), with its status.
    allowEnvironment: PASSED_ENV,
    errors: (error, result) => (result.exitCode !== 0 ? Buffer.from(`git exited with ${result.exitCode}\n${Buffer.concat(result.stdErr).toString('utf8')}`) : error),
  });
  git.env(gitEnv());
  const onCommand = options.onCommand;
  // The command's own arguments, without the config every command carries (SAFE_CONFIG).
  return onCommand ? git.outputHandler((_command, _out, _err, args) => onCommand(args[0] === '-c' && args[1] === SAFE_CONFIG[0] ? args.slice(2) : args)) : git;
}

/** The user's own ways to reach a remote over ssh pass through; prompts never wait for a terminal. */
const PASSED_ENV = ['GIT_TERMINAL_PROMPT', 'GIT_SSH_COMMAND', 'GIT_SSH'];

/**
 * This process's environment without what could make git run something else or read another
 * repository (GIT_DIR, GIT_CONFIG_*, pagers, editors): simple-git strict mode would refuse them.
 */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const key = k.toLowerCase();
    if (key.startsWith('git_') || ['editor', 'visual', 'pager', 'prefix', 'ssh_askpass'].includes(key)) continue;
    env[k] = v;
  }
  for (const k of ['GIT_SSH_COMMAND', 'GIT_SSH']) if (process.env[k]) env[k] = process.env[k];
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}

/** Runs git; exit statuses in `ok` resolve with stdout ('' then), any other failure is GitError('failed'). */
async function run(git: SimpleGit, args: string[], ok: readonly number[] = []): Promise<string> {
  return (await runStatus(git, args, ok)).out;
}

/** Runs git; resolves with stdout and the exit status when it is 0 or in `ok`. */
async function runStatus(git: SimpleGit, args: string[], ok: readonly number[]): Promise<{ out: string; code: number }> {
  try {
    return { out: await git.raw(args), code: 0 };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = EXIT.exec(message);
    if (m && ok.includes(Number(m[1]))) return { out: '', code: Number(m[1]) };
    if (!m && /ENOENT|spawn/.test(message)) throw new GitError('unavailable', `git could not be started: ${message}`);
    throw new GitError('failed', `git ${args[0]}: ${(m ? message.slice(m[0].length) : message).trim() || `exit status ${m?.[1] ?? 'unknown'}`}`);
  }
}

export class GitRepository {
  constructor(
    private readonly git: SimpleGit,
    /** The work tree's top level (the repository may be a subfolder of the workspace). */
    readonly root: string,
    /** A shallow clone: history, tags and notes may be missing. */
    readonly shallow: boolean,
    readonly head: HeadState,
    /** Restricted Mode: see OpenOptions.untrusted. */
    readonly untrusted = false,
  ) {}

  /** For the ledger adapter: a command built from validated values. */
  raw(args: string[], ok: readonly number[] = []): Promise<string> {
    return run(this.git, args, ok);
  }

  /** The full id of the commit `name` names (a commit, tag, branch, `HEAD~2`). Throws GitError('badObjectName' | 'unknownRevision'). */
  async resolveCommit(name: string): Promise<string> {
    const n = checkObjectName(name);
    const sha = (await run(this.git, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${n}^{commit}`], [1])).trim();
    if (!isFullSha(sha)) throw new GitError('unknownRevision', `${JSON.stringify(n)} names no commit in ${this.root}${this.shallow ? ' (a shallow clone: it may be older than the history fetched)' : ''}`);
    return sha;
  }

  /** Whether the commit is here (a full id; false for anything else). */
  async hasCommit(sha: string): Promise<boolean> {
    if (!isFullSha(sha)) return false;
    return (await runStatus(this.git, ['cat-file', '-e', `${sha}^{commit}`], [1, 128])).code === 0;
  }

  /** Whether `ancestor` is reachable from `descendant` (both full ids). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    this.requireShas(ancestor, descendant);
    return (await runStatus(this.git, ['merge-base', '--is-ancestor', ancestor, descendant], [1])).code === 0;
  }

  /** First-parent history from the commit `sha` (a full id), newest first; with `exclude` (a full id), only what it cannot reach (`exclude..sha`). */
  async firstParentLog(sha: string, opts: { maxCount?: number; exclude?: string } = {}): Promise<LogEntry[]> {
    this.requireShas(sha, ...(opts.exclude === undefined ? [] : [opts.exclude]));
    const args = ['log', '--first-parent', '--no-color', '--format=%H%x1f%P%x1f%ct%x1f%T%x1f%s%x1e'];
    if (opts.maxCount !== undefined) args.push(`--max-count=${Math.max(0, Math.floor(opts.maxCount))}`);
    args.push('--end-of-options', sha, ...(opts.exclude === undefined ? [] : [`^${opts.exclude}`]));
    const out = await run(this.git, args);
    const entries: LogEntry[] = [];
    for (const record of out.split('\x1e')) {
      const r = record.replace(/^\n/, '');
      if (!r) continue;
      const [id, parents, ct, tree, subject] = r.split('\x1f');
      entries.push({ sha: id!, parents: parents ? parents.split(' ') : [], tree: tree!, at: Number(ct) * 1000, subject: subject ?? '' });
    }
    return entries;
  }

  /** Every tag that points (through annotated tags) to a commit, with its date: the tagger's, else the commit's. */
  async tags(): Promise<TagInfo[]> {
    const out = await run(this.git, ['for-each-ref', '--format=%(refname:strip=2)%1f%(objectname)%1f%(*objectname)%1f%(*objecttype)%1f%(objecttype)%1f%(creatordate:unix)', 'refs/tags/']);
    const tags: TagInfo[] = [];
    for (const line of out.split('\n')) {
      if (!line) continue;
      const [name, object, peeled, peeledType, type, date] = line.split('\x1f');
      const sha = type === 'commit' ? object : peeledType === 'commit' ? peeled : undefined;
      if (sha && name) tags.push({ name, sha, at: Number(date) * 1000 });
    }
    return tags;
  }

  /** Remote names (validated: a name that looks like an option is left out). */
  async remotes(): Promise<string[]> {
    const out = await run(this.git, ['remote']);
    return out.split('\n').map((s) => s.trim()).filter((s) => /^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/.test(s));
  }

  /** The branch the live commit should be on: the current branch's upstream, else the branch, else origin/HEAD. */
  async comparisonBranch(): Promise<{ name: string; sha: string } | undefined> {
    const tryRef = async (ref: string) => (await run(this.git, ['rev-parse', '--verify', '--quiet', '--symbolic-full-name', ref], [1, 128]).catch(() => '')).trim();
    const names = this.head.branch ? ['@{upstream}', `refs/heads/${this.head.branch}`] : ['refs/remotes/origin/HEAD'];
    for (const ref of names) {
      const full = await tryRef(ref);
      if (!full) continue;
      const sha = (await run(this.git, ['rev-parse', '--verify', '--quiet', `${full}^{commit}`], [1])).trim();
      if (isFullSha(sha)) return { name: full.replace(/^refs\/(heads|remotes)\//, ''), sha };
    }
    return undefined;
  }

  /**
   * Where a commit (a host's answer, say) stands against the comparison branch: unknown here, or
   * how many commits it is ahead of and behind the branch. Undefined branch: none to compare with.
   */
  async compareWithBranch(sha: string): Promise<{ known: false } | { known: true; branch?: string; ahead: number; behind: number }> {
    if (!(await this.hasCommit(sha))) return { known: false };
    const branch = await this.comparisonBranch();
    if (!branch) return { known: true, ahead: 0, behind: 0 };
    const out = (await run(this.git, ['rev-list', '--left-right', '--count', `${sha}...${branch.sha}`])).trim();
    const [ahead, behind] = out.split(/\s+/).map(Number);
    return { known: true, branch: branch.name, ahead: ahead ?? 0, behind: behind ?? 0 };
  }

  /** The subjects of these commits (full ids), in one git process; a commit not in the repository is left out. */
  async subjects(shas: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(shas)];
    this.requireShas(...wanted);
    const found = new Map<string, string>();
    if (wanted.length === 0) return found;
    const out = await run(this.git, ['log', '--no-walk=unsorted', '--ignore-missing', '--no-color', '--format=%H%x1f%s', '--end-of-options', ...wanted]);
    for (const line of out.split('\n')) {
      const [sha, subject] = line.split('\x1f');
      if (sha && subject !== undefined) found.set(sha, subject);
    }
    return found;
  }

  /** Uncommitted changes (tracked and untracked), porcelain paths; undefined when not looked for (untrusted). */
  async dirtyPaths(): Promise<string[] | undefined> {
    if (this.untrusted) return undefined;
    const out = await run(this.git, ['status', '--porcelain=v1', '-z', '--untracked-files=normal']);
    const paths: string[] = [];
    const parts = out.split('\0');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.length < 4) continue;
      paths.push(p.slice(3));
      if (p[0] === 'R' || p[0] === 'C') i++; // the rename's source follows
    }
    return paths;
  }

  /** What the risks need to know of `from..to` (full ids): files changed, merges, whether `to` is on the branch. */
  async rangeFacts(from: string, to: string): Promise<RangeFacts> {
    this.requireShas(from, to);
    const [log, branch, dirty] = await Promise.all([
      run(this.git, ['log', '--first-parent', '-m', '--no-color', '--no-renames', '--name-only', '-z', '--format=%x1e%H%x1f%P%x1f%s', '--end-of-options', `${from}..${to}`]),
      this.comparisonBranch(),
      this.dirtyPaths(),
    ]);
    const files = new Set<string>();
    const merges: Array<{ sha: string; subject: string }> = [];
    for (const record of log.split('\x1e')) {
      if (!record) continue;
      const nl = record.indexOf('\n');
      const header = nl < 0 ? record : record.slice(0, nl);
      const [sha, parents, subject] = header.replace(/\0+$/, '').split('\x1f');
      if (parents && parents.split(' ').length > 1) merges.push({ sha: sha!, subject: subject ?? '' });
      if (nl >= 0) for (const f of record.slice(nl + 1).split('\0')) if (f.trim()) files.add(f.replace(/^\n/, ''));
    }
    return {
      from, to, files: [...files], merges, shallow: this.shallow, dirty,
      branch: branch ? { name: branch.name, containsLive: branch.sha === to || (await this.isAncestor(to, branch.sha)) } : undefined,
    };
  }

  /** `git log --first-parent from..to` (full ids): what a rollback from `to` to `from` undoes, newest first. */
  async rangeLog(from: string, to: string, opts: { max?: number } = {}): Promise<RangeLog> {
    this.requireShas(from, to);
    const range = `${from}..${to}`;
    const max = Math.max(0, Math.floor(opts.max ?? 500));
    const [log, count, names] = await Promise.all([
      run(this.git, ['log', '--first-parent', '--no-color', `--max-count=${max}`, '--format=%H%x1f%P%x1f%an%x1f%aI%x1f%s%x1e', '--end-of-options', range]),
      run(this.git, ['rev-list', '--first-parent', '--count', '--end-of-options', range]),
      run(this.git, ['log', '--no-color', '--format=%an%x1e', '--end-of-options', range]),
    ]);
    const commits: RangeCommit[] = [];
    for (const record of log.split('\x1e')) {
      const r = record.replace(/^\n/, '');
      if (!r) continue;
      const [sha, parents, author, date, subject] = r.split('\x1f');
      commits.push({ sha: sha!, subject: subject ?? '', author: author ?? '', date: date ?? '', merge: (parents ?? '').split(' ').filter(Boolean).length > 1 });
    }
    const byAuthor = new Map<string, number>();
    for (const n of names.split('\x1e')) {
      const name = n.replace(/^\n/, '');
      if (name) byAuthor.set(name, (byAuthor.get(name) ?? 0) + 1);
    }
    const authors = [...byAuthor].map(([name, c]) => ({ name, commits: c })).sort((a, b) => b.commits - a.commits || a.name.localeCompare(b.name));
    return { commits, total: Number(count.trim()) || 0, authors };
  }

  /** `git diff --numstat from to` (full ids): the files, insertions and deletions between the two trees. */
  async diffStat(from: string, to: string, opts: { max?: number } = {}): Promise<DiffStat> {
    this.requireShas(from, to);
    const max = Math.max(0, Math.floor(opts.max ?? 1000));
    const out = await run(this.git, ['diff', '--numstat', '-z', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--end-of-options', from, to, '--']);
    const files: DiffStat['files'][number][] = [];
    let filesChanged = 0, insertions = 0, deletions = 0;
    for (const rec of out.split('\0')) {
      const m = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(rec.replace(/^\n/, ''));
      if (!m) continue;
      const ins = m[1] === '-' ? null : Number(m[1]);
      const del = m[2] === '-' ? null : Number(m[2]);
      filesChanged++;
      insertions += ins ?? 0;
      deletions += del ?? 0;
      if (files.length < max) files.push({ path: m[3]!, insertions: ins, deletions: del });
    }
    return { filesChanged, insertions, deletions, files };
  }

  private requireShas(...shas: string[]): void {
    for (const s of shas) if (!isFullSha(s)) throw new GitError('badObjectName', `${JSON.stringify(s)} is not a full commit id`);
  }
}
