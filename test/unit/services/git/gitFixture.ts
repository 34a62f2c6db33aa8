// Real git repositories built by the tests: commits, tags and merges at fixed dates, plain git
// (not the adapter under test).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const BASE_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));

export function git(cwd: string, args: readonly string[], at?: string): string {
  const env = { ...BASE_ENV, GIT_CONFIG_NOSYSTEM: '1', ...(at ? { GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at } : {}) };
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class RepoBuilder {
  constructor(readonly dir: string) {}

  static init(dir: string): RepoBuilder {
    fs.mkdirSync(dir, { recursive: true });
    git(dir, ['init', '-q']);
    return new RepoBuilder(dir);
  }

  git(...args: string[]): string {
    return git(this.dir, args);
  }

  /** Writes the files (null removes one), commits them at `at` and returns the commit id. */
  commit(message: string, at: string, files: Record<string, string | null> = {}): string {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(this.dir, name);
      if (text === null) fs.rmSync(file, { force: true });
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
      }
    }
    git(this.dir, ['add', '-A']);
    git(this.dir, ['commit', '-q', '--allow-empty', '-m', message], at);
    return this.head();
  }

  head(): string {
    return git(this.dir, ['rev-parse', 'HEAD']).trim();
  }

  /** An annotated tag (dated `at`) unless `lightweight`. */
  tag(name: string, sha: string, at: string, lightweight = false): void {
    if (lightweight) git(this.dir, ['tag', name, sha]);
    else git(this.dir, ['tag', '-a', '-m', name, name, sha], at);
  }

  /** Merges `branch` into the current branch with a merge commit at `at`. */
  merge(branch: string, at: string, message = `Merge ${branch}`): string {
    git(this.dir, ['merge', '-q', '--no-ff', '-m', message, branch], at);
    return this.head();
  }
}
