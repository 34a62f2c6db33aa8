// Which known_hosts files to read for a host, as OpenSSH picks them (the user's and the system's,
// or the ssh config's UserKnownHostsFile / GlobalKnownHostsFile), plus the setting's files and the
// CLI's own file. Reading and matching them is knownHosts.ts.
import * as os from 'node:os';
import * as path from 'node:path';

export interface KnownHostsFilesOptions {
  /** The user's home folder (default: os.homedir()). */
  homeDir?: string;
  /** ssh config `UserKnownHostsFile` values; replace the user defaults when given. `none` means none. */
  userKnownHostsFiles?: readonly string[];
  /** ssh config `GlobalKnownHostsFile` values; replace the system defaults when given. */
  globalKnownHostsFiles?: readonly string[];
  /** `$XDG_CONFIG_HOME` for the CLI's file (default: the environment's; see cliKnownHostsFile). */
  configHome?: string;
  /** The `incidentDesk.ssh.knownHostsFiles` setting, as written (absolute, `~/…`, or relative to the workspace folder). */
  settingFiles?: readonly string[];
  /** Where relative `settingFiles` are (a team's file in the repository). Without it they are left out, never read from the process's working folder. */
  workspaceFolder?: string;
}

/** Where each known_hosts file comes from; knownHostsFiles() is all of them. */
export interface KnownHostsSources {
  /** The user's files (ssh's UserKnownHostsFile): what the system ssh writes to. */
  readonly user: string[];
  /** The system's files (GlobalKnownHostsFile). */
  readonly global: string[];
  /** From the setting, resolved. */
  readonly setting: string[];
  /** Setting entries that could not be resolved (relative, with no workspace folder open). */
  readonly unresolved: string[];
  /** The CLI's own file (`incident-desk run --accept-new`): trusted too, whatever the ssh config says. */
  readonly cli: string[];
}

/**
 * The known_hosts files ssh reads, in its order: the user's (`~/.ssh/known_hosts`,
 * `~/.ssh/known_hosts2`), then the system's (`/etc/ssh/ssh_known_hosts`, `/etc/ssh/ssh_known_hosts2`,
 * OpenSSH's defaults, confirmed with `ssh -G`), each list replaced by the ssh config's
 * `UserKnownHostsFile` / `GlobalKnownHostsFile` when given; then the files of the
 * `incidentDesk.ssh.knownHostsFiles` setting (see resolveSettingFile). The one place this list is
 * made, for the built-in client and the system ssh alike.
 */
export function knownHostsSources(options: KnownHostsFilesOptions = {}): KnownHostsSources {
  const home = options.homeDir ?? os.homedir();
  const expand = (list: readonly string[]) =>
    list.length === 1 && list[0]!.toLowerCase() === 'none' ? [] : list.map((f) => expandHome(f, home));
  const user = options.userKnownHostsFiles ? expand(options.userKnownHostsFiles) : [path.join(home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts2')];
  const global = options.globalKnownHostsFiles ? expand(options.globalKnownHostsFiles) : ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
  const setting: string[] = [];
  const unresolved: string[] = [];
  for (const f of options.settingFiles ?? []) {
    const resolved = resolveSettingFile(f, home, options.workspaceFolder);
    if (resolved === undefined) unresolved.push(f);
    else setting.push(resolved);
  }
  return { user, global, setting, unresolved, cli: [cliKnownHostsFile(home, options.configHome)] };
}

/** Every known_hosts file to read (knownHostsSources, in order, each once). */
export function knownHostsFiles(options: KnownHostsFilesOptions = {}): string[] {
  return knownHostsFilesOf(knownHostsSources(options));
}

/** The files of knownHostsSources(), in order, each once. */
export function knownHostsFilesOf({ user, global, setting, cli }: KnownHostsSources): string[] {
  return [...new Set([...user, ...global, ...setting, ...cli])];
}

/**
 * A path from the `incidentDesk.ssh.knownHostsFiles` setting: `~` and `~/…` under the home folder,
 * absolute as is, relative against the workspace folder (a team's file in the repository).
 * undefined for a relative path with no workspace folder: the extension host's working folder is
 * nobody's choice.
 */
export function resolveSettingFile(p: string, homeDir: string, workspaceFolder: string | undefined): string | undefined {
  if (p === '~' || p.startsWith('~/')) return expandHome(p, homeDir);
  if (path.isAbsolute(p)) return path.normalize(p);
  return workspaceFolder === undefined ? undefined : path.resolve(workspaceFolder, p);
}

// --- The CLI's known_hosts (`incident-desk run --accept-new`) ------------------------------------

/**
 * Where `incident-desk run --accept-new` remembers host keys: `$XDG_CONFIG_HOME/incident-desk/known_hosts`,
 * `~/.config/incident-desk/known_hosts` when XDG_CONFIG_HOME is unset or not absolute (as the XDG
 * spec says). OpenSSH known_hosts format; the extension reads it like the user's files.
 */
export function cliKnownHostsFile(homeDir: string = os.homedir(), configHome: string | undefined = process.env.XDG_CONFIG_HOME): string {
  const base = configHome !== undefined && path.isAbsolute(configHome) ? configHome : path.join(homeDir, '.config');
  return path.join(base, 'incident-desk', 'known_hosts');
}

// --------------------------------------------------------------------------------------------------

/** `~` and `~/x` to the home folder; other paths unchanged. */
export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}
