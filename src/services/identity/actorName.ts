import { execFile } from 'node:child_process';
import * as os from 'node:os';

/**
 * The name to record on timeline events when the user set none: the global git `user.name` (what
 * teammates see on commits), else the OS user. Read from the home folder, never from the workspace,
 * so an untrusted repository's config cannot choose it.
 */
export function defaultActorName(timeoutMs = 2000): Promise<string> {
  const fallback = (() => {
    try {
      return os.userInfo().username || 'unknown';
    } catch {
      return 'unknown';
    }
  })();
  return new Promise((resolve) => {
    execFile('git', ['config', '--global', '--get', 'user.name'], { cwd: os.homedir(), timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      const name = err ? '' : stdout.trim();
      resolve(name || fallback);
    });
  });
}
