import type { HostProfile } from './hostProfiles';
import { knownHostsSources } from './knownHostsFiles';

export interface SystemSshOptions {
  /** For `~` in the ssh config's UserKnownHostsFile and in the setting. */
  readonly homeDir: string;
  /** incidentDesk.ssh.knownHostsFiles, as written. */
  readonly extraKnownHostsFiles?: readonly string[];
  /** Where relative extraKnownHostsFiles are. */
  readonly workspaceFolder?: string;
  /** Incident Desk's own trust store ("Trust always"), a known_hosts-format file. */
  readonly trustStoreFile?: string;
  /** `$XDG_CONFIG_HOME` for the CLI's known_hosts (default: the environment's). */
  readonly configHome?: string;
}

/** Why a path cannot be handed to ssh's UserKnownHostsFile (which splits on spaces and reads `"`, `%` and `~`). */
function unquotable(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22) return true;
  }
  return false;
}

/** One UserKnownHostsFile entry: `%` escaped (ssh expands tokens there), quoted (spaces). */
function knownHostsArg(p: string): string {
  return `"${p.replace(/%/g, '%%')}"`;
}

/**
 * The argv for the system `ssh` client that reaches `profile` the way Incident Desk's own client
 * would: the same port, user and identity, and the same host-key sources (the user's known_hosts
 * files first, so a key the user accepts in that terminal is written there, as ssh always does;
 * then the extra files from the setting and Incident Desk's trust store). The host is the alias the
 * profile was resolved from, so ssh applies its own config (ProxyJump included) itself; `--` ends
 * the options, and the alias was validated (no leading `-`, no whitespace).
 */
export function systemSshArgs(profile: HostProfile, opts: SystemSshOptions): { args: string[]; skippedFiles: string[]; unresolvedFiles: string[] } {
  const args = ['-p', String(profile.port), '-l', profile.user];
  if (profile.identityFile) args.push('-i', profile.identityFile);
  const sources = knownHostsSources({
    homeDir: opts.homeDir,
    userKnownHostsFiles: profile.ssh?.userKnownHostsFiles,
    globalKnownHostsFiles: profile.ssh?.globalKnownHostsFiles,
    settingFiles: opts.extraKnownHostsFiles,
    workspaceFolder: opts.workspaceFolder,
    configHome: opts.configHome,
  });
  // The CLI's file (keys accepted with `incident-desk run --accept-new`) counts here as in the built-in client.
  const extra = [...sources.setting, ...(opts.trustStoreFile ? [opts.trustStoreFile] : []), ...sources.cli];
  const skippedFiles: string[] = [];
  if (extra.length > 0) {
    const files: string[] = [];
    for (const f of [...sources.user, ...extra]) {
      if (unquotable(f)) skippedFiles.push(f);
      else if (!files.includes(f)) files.push(f);
    }
    if (files.length > 0) args.push('-o', `UserKnownHostsFile=${files.map(knownHostsArg).join(' ')}`);
  }
  if (profile.keepalive) {
    args.push('-o', `ServerAliveInterval=${profile.keepalive.intervalSeconds}`);
    if (profile.keepalive.countMax !== undefined) args.push('-o', `ServerAliveCountMax=${profile.keepalive.countMax}`);
  }
  args.push('--', profile.ssh?.alias ?? profile.host);
  // Relative entries with no folder to resolve them against are left out, as the built-in client does.
  return { args, skippedFiles, unresolvedFiles: sources.unresolved };
}
