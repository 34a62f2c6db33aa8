// User-typed revisions (a commit, a tag, `main~2`) checked before git sees them: a name that git
// could read as an option, a range or a path is refused with a typed error and never run.
import { GitError } from './gitErrors';

const MAX_NAME = 255;
// eslint-disable-next-line no-control-regex -- a name with control characters is refused
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

/** Returns the name trimmed; throws GitError('badObjectName') saying what is wrong. */
export function checkObjectName(name: unknown): string {
  if (typeof name !== 'string') throw new GitError('badObjectName', 'a commit or tag name must be text');
  const n = name.trim();
  const bad = (why: string) => new GitError('badObjectName', `${JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name)} is not a commit or tag name: ${why}`);
  if (n === '') throw bad('it is empty');
  if (n.length > MAX_NAME) throw bad(`longer than ${MAX_NAME} characters`);
  if (n.startsWith('-')) throw bad('it starts with "-" (git would read it as an option)');
  if (SPACE_OR_CONTROL.test(n)) throw bad('it contains spaces or control characters');
  if (n.includes('..')) throw bad('it is a range, not one commit');
  if (n.includes(':')) throw bad('it names a path or a search, not a commit');
  if (/[\\*?[]/.test(n)) throw bad('it contains a wildcard or a backslash');
  return n;
}
