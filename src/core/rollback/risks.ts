// What a rollback from the live commit to a target risks, from the facts of the range
// target..live that the git adapter reads. Pure.
import picomatch from 'picomatch';

export const RISK_KINDS = ['migration', 'compose', 'dockerfile', 'env', 'lockfile', 'merge', 'unreachable', 'shallow', 'dirty'] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

export interface Risk {
  readonly kind: RiskKind;
  readonly detail: string;
}

export interface RangeFacts {
  readonly from: string;
  readonly to: string;
  /** Files changed by the first-parent commits of the range (merges against their first parent), repository-relative. */
  readonly files: readonly string[];
  /** First-parent commits of the range that are merges. */
  readonly merges: ReadonlyArray<{ readonly sha: string; readonly subject: string }>;
  /** The branch the live commit should be on, and whether it is; undefined: no branch to compare with. */
  readonly branch?: { readonly name: string; readonly containsLive: boolean };
  /** The repository is a shallow clone. */
  readonly shallow: boolean;
  /** Uncommitted changes in the work tree (porcelain paths); undefined: not looked for (an untrusted workspace). */
  readonly dirty: readonly string[] | undefined;
}

const COMPOSE = ['**/docker-compose*.yml', '**/docker-compose*.yaml', '**/compose.yml', '**/compose.yaml', '**/compose.*.yml', '**/compose.*.yaml'];
const DOCKERFILE = ['**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile', '**/*.dockerfile', '**/Containerfile', '**/.dockerignore'];
const ENV = ['**/.env', '**/.env.*', '**/*.env'];
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'Gemfile.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'Cargo.lock', 'go.sum', 'composer.lock', 'mix.lock', 'pubspec.lock', 'packages.lock.json'].map((f) => `**/${f}`);

export const SHALLOW_RISK: Risk = { kind: 'shallow', detail: 'shallow clone: older commits, tags and ledger entries may be missing (git fetch --unshallow to see all)' };

const matcher = (globs: readonly string[]) => (globs.length ? picomatch([...globs], { dot: true }) : () => false);

function listed(files: readonly string[], max = 5): string {
  return files.length <= max ? files.join(', ') : `${files.slice(0, max).join(', ')} and ${files.length - max} more`;
}

/** Each risk of the range with what it is about; empty when the rollback changes nothing risky. */
export function rangeRisks(facts: RangeFacts, migrationGlobs: readonly string[]): Risk[] {
  const risks: Risk[] = [];
  const files = [...new Set(facts.files)].sort();
  const add = (kind: RiskKind, globs: readonly string[], say: (hit: string[]) => string) => {
    const m = matcher(globs);
    const hit = files.filter((f) => m(f));
    if (hit.length) risks.push({ kind, detail: say(hit) });
  };
  add('migration', migrationGlobs, (hit) => `database migrations in the range: ${listed(hit)}; the database is not rolled back with the code`);
  add('compose', COMPOSE, (hit) => `compose file changed: ${listed(hit)}; the rollback runs the old services, volumes and ports`);
  add('dockerfile', DOCKERFILE, (hit) => `image build changed: ${listed(hit)}`);
  add('env', ENV, (hit) => `environment file changed: ${listed(hit)}; variables the live code needs may go, or come back`);
  add('lockfile', LOCKFILES, (hit) => `dependencies changed: ${listed(hit)}`);
  if (facts.merges.length) {
    risks.push({ kind: 'merge', detail: `${facts.merges.length} merge commit(s) in the range (a revert needs -m 1 and covers each side branch): ${facts.merges.slice(0, 5).map((m) => `${m.sha.slice(0, 12)} ${m.subject}`).join('; ')}` });
  }
  if (facts.branch && !facts.branch.containsLive) {
    risks.push({ kind: 'unreachable', detail: `the live commit ${facts.to.slice(0, 12)} is not on ${facts.branch.name} (history rewritten by a force push?): a redeploy from the branch would not bring it back, and the range is computed from the commits themselves` });
  }
  if (facts.shallow) risks.push(SHALLOW_RISK);
  if (!facts.dirty) risks.push({ kind: 'dirty', detail: 'uncommitted changes not looked for: the workspace is not trusted, and git status could run programs its .git/config names' });
  else if (facts.dirty.length) risks.push({ kind: 'dirty', detail: `uncommitted changes in the work tree: ${listed([...facts.dirty])}` });
  return risks;
}
