// What each host runs, said for the Hosts view: the commit (short), where the answer came from, how
// it stands against the repository here (unknown commit, ahead/behind the branch), uncommitted
// changes on the host, and hosts that disagree. Pure: the answers are asked elsewhere
// (services/ssh/liveCommit.ts, services/git/gitRepository.ts).

export type HostRunsSource = 'git' | 'imageLabel' | 'revisionFile';

/** What a host said (a LiveCommit, reduced to what is shown). */
export type HostAnswer =
  | { readonly kind: 'found'; readonly sha: string; readonly source: HostRunsSource; readonly dirty?: boolean; readonly branch?: string; readonly containersDisagree?: boolean; readonly notes: readonly string[] }
  | { readonly kind: 'unknown'; readonly notes: readonly string[] }
  | { readonly kind: 'unreachable'; readonly message: string };

/** The answer against the repository in the workspace. */
export type RepoComparison =
  | { readonly kind: 'compared'; readonly known: false }
  | { readonly kind: 'compared'; readonly known: true; readonly branch?: string; readonly ahead: number; readonly behind: number }
  | { readonly kind: 'notCompared'; readonly reason: string };

export interface HostRuns {
  readonly host: string;
  readonly answer: HostAnswer;
  readonly comparison?: RepoComparison;
  /** When it was asked (epoch ms). */
  readonly at: number;
}

export interface HostRunsView {
  /** For the tree item's description, after the address. */
  readonly description: string;
  /** Lines for the tooltip. */
  readonly details: string[];
  /** Something to look at: an unknown commit, uncommitted changes, hosts that disagree, no answer. */
  readonly warning: boolean;
}

const SOURCE_LABEL: Record<HostRunsSource, string> = {
  git: 'git HEAD in the work dir',
  imageLabel: 'the image label org.opencontainers.image.revision',
  revisionFile: 'the REVISION file in the work dir',
};

const short = (sha: string): string => sha.slice(0, 7);

/** Two answers name the same commit (a REVISION file may hold an abbreviated one). */
export function sameCommit(a: string, b: string): boolean {
  const [x, y] = a.length <= b.length ? [a, b] : [b, a];
  return x.length >= 7 && y.startsWith(x);
}

function comparisonText(c: RepoComparison | undefined): { text: string; warning: boolean } | undefined {
  if (!c) return undefined;
  if (c.kind === 'notCompared') return { text: `not compared with the repository: ${c.reason}`, warning: false };
  if (!c.known) return { text: 'unknown commit: not in the repository here (not fetched, or history rewritten)', warning: true };
  if (!c.branch) return { text: 'in the repository (no branch to compare with)', warning: false };
  if (c.ahead === 0 && c.behind === 0) return { text: `at ${c.branch}`, warning: false };
  const text = c.ahead && c.behind ? `${c.ahead} ahead, ${c.behind} behind ${c.branch}` : c.ahead ? `${c.ahead} ahead of ${c.branch}` : `${c.behind} behind ${c.branch}`;
  // Ahead: the host runs commits the branch does not have (deployed from elsewhere, or the branch was rewritten).
  return { text, warning: c.ahead > 0 };
}

/** How `host`'s answer reads, with the other hosts' answers to find disagreement. */
export function describeHostRuns(runs: HostRuns, others: readonly HostRuns[]): HostRunsView {
  const a = runs.answer;
  if (a.kind === 'unreachable') return { description: 'runs: cannot ask', details: [`Could not ask what it runs: ${a.message}`], warning: true };
  if (a.kind === 'unknown') return { description: 'runs: unknown', details: ['Cannot tell what it runs:', ...a.notes.map((n) => `- ${n}`)], warning: true };
  const details = [`Runs ${a.sha}`, `from ${SOURCE_LABEL[a.source]}${a.branch ? `, branch ${a.branch}` : a.source === 'git' ? ', detached HEAD' : ''}`];
  const flags: string[] = [];
  let warning = false;
  const cmp = comparisonText(runs.comparison);
  if (cmp) {
    details.push(cmp.text);
    warning ||= cmp.warning;
    if (runs.comparison?.kind === 'compared') flags.push(runs.comparison.known ? cmp.text.replace(/^at /, '') : 'unknown commit');
  }
  if (a.dirty) {
    flags.push('uncommitted changes');
    details.push('uncommitted changes to tracked files on the host');
    warning = true;
  }
  if (a.containersDisagree) {
    flags.push('containers disagree');
    details.push("the service's running containers do not all carry the same revision");
    warning = true;
  }
  const differ = others.filter((o) => o.host !== runs.host && o.answer.kind === 'found' && !sameCommit(o.answer.sha, a.sha));
  if (differ.length) {
    flags.push(`differs from ${differ.map((o) => o.host).join(', ')}`);
    for (const o of differ) if (o.answer.kind === 'found') details.push(`${o.host} runs ${short(o.answer.sha)}`);
    warning = true;
  }
  for (const n of a.notes) details.push(`- ${n}`);
  return { description: [`runs ${short(a.sha)}`, ...flags].join(' · '), details, warning };
}
