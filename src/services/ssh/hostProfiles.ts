import type { SSHConfig } from 'ssh-config';
import { expandHome } from './knownHostsFiles';
import { type ResolvedSshHost, type SshConfigEnv, concreteHostAliases, parseSshConfig, resolveSshHost } from './sshConfig';

/** A host the user can pick, from the `incidentDesk.hosts` setting, ~/.ssh/config, or both. */
export interface HostProfile {
  /** Unique (case-insensitively) among the profiles; what the user picks. */
  readonly name: string;
  /** The machine to connect to (the ssh config's HostName when the setting names an alias). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Absolute or `~`-expanded; undefined: ssh-agent and the defaults. */
  readonly identityFile?: string;
  /** Remote paths, used as given. */
  readonly workDir?: string;
  readonly composeFile?: string;
  readonly healthUrl?: string;
  /**
   * The compose service that is the app (`incidentDesk.hosts[].service`): the rollback's verify
   * checks its containers (and reads their image label), and the ledger line names it.
   */
  readonly service?: string;
  /**
   * The host's own rollback/redeploy commands (`incidentDesk.hosts[].deploy`), run in order in the
   * work dir instead of the default fetch, checkout and compose up; `${sha}` (and `${short_sha}`,
   * `${work_dir}`, `${compose_file}`, `${host}`) filled and quoted (core/rollback/redeployPlan.ts).
   */
  readonly deploy?: readonly string[];
  /**
   * Keepalive probes: every `intervalSeconds`, and the connection counts as lost after `countMax`
   * unanswered. From the setting's keepaliveInterval, else the ssh config's ServerAliveInterval /
   * ServerAliveCountMax; undefined: the connection's defaults.
   */
  readonly keepalive?: { readonly intervalSeconds: number; readonly countMax?: number };
  readonly source: 'settings' | 'ssh-config' | 'both';
  /** What the ssh config says for this host (IdentitiesOnly, UserKnownHostsFile, ProxyJump, HostKeyAlias…). */
  readonly ssh?: ResolvedSshHost;
}

export interface HostProfileProblem {
  /** Index in the settings array; -1 for a problem in the ssh config. */
  readonly index: number;
  readonly source: 'settings' | 'ssh-config';
  readonly message: string;
}

export interface MergedHostProfiles {
  readonly profiles: HostProfile[];
  readonly problems: HostProfileProblem[];
}

const KNOWN_FIELDS = new Set(['name', 'host', 'port', 'user', 'identityFile', 'workDir', 'composeFile', 'healthUrl', 'keepaliveInterval', 'deploy', 'service']);
/** Upper bound of the keepaliveInterval setting, in seconds. */
const MAX_KEEPALIVE_SECONDS = 3600;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.@\\-]{0,63}\$?$/;

/**
 * Why a host name is refused. Whitespace and a leading '-' matter because the same name may be
 * handed to the system `ssh` client, where `-oProxyCommand=…` as a "host" would run a command.
 */
export function hostNameProblem(host: string): string | undefined {
  if (host === '') return 'is empty';
  if (host.startsWith('-')) return "starts with '-' (would be read as an ssh option)";
  if (/\s/.test(host) || hasControlChars(host)) return 'contains whitespace or control characters';
  if (host.includes('@')) return "contains '@': put the user name in \"user\"";
  if (/[,*?!]/.test(host)) return "contains ',', '*', '?' or '!' (a pattern, not a host)";
  return undefined;
}

/**
 * Merges the `incidentDesk.hosts` setting with the ssh config.
 *
 * Settings entries are validated (an invalid entry is dropped with a message; an unknown field is
 * only reported). Every settings host is resolved through the ssh config like `ssh <host>` would,
 * so a setting that names an alias (or a name a `Host` pattern covers) takes HostName, Port, User
 * and IdentityFile from the config where it does not give them itself; the profile is then
 * 'both'. Concrete `Host` aliases (no wildcards) that no setting uses are offered as 'ssh-config'
 * profiles after the settings ones. Missing values default as ssh does: port 22, the local user.
 */
export function mergeHostProfiles(settingsHosts: unknown, sshConfig: string | readonly string[] | SSHConfig | undefined, env: SshConfigEnv): MergedHostProfiles {
  const problems: HostProfileProblem[] = [];
  const profiles: HostProfile[] = [];
  const config = sshConfig === undefined ? undefined : typeof sshConfig !== 'string' && isParsed(sshConfig) ? sshConfig : parseSshConfig(sshConfig as string | readonly string[]);
  const names = new Set<string>();
  const usedAliases = new Set<string>();

  const entries: unknown[] = Array.isArray(settingsHosts) ? settingsHosts : [];
  if (settingsHosts !== undefined && settingsHosts !== null && !Array.isArray(settingsHosts)) {
    problems.push({ index: -1, source: 'settings', message: 'incidentDesk.hosts must be a list of hosts' });
  }

  entries.forEach((raw, index) => {
    const say = (message: string) => problems.push({ index, source: 'settings', message: `incidentDesk.hosts[${index}]: ${message}` });
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      say('must be an object with at least "name" and "host"');
      return;
    }
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) if (!KNOWN_FIELDS.has(key)) say(`unknown field "${key}" ignored`);
    let ok = true;
    const fail = (message: string) => {
      say(message);
      ok = false;
    };

    const name = typeof entry.name === 'string' ? entry.name.trim() : undefined;
    if (!name) fail('"name" is required (a non-empty string)');
    else if (hasControlChars(name)) fail('"name" contains control characters');
    else if (names.has(name.toLowerCase())) fail(`"name" ${JSON.stringify(name)} is used by an earlier host; names must be unique`);

    const host = typeof entry.host === 'string' ? entry.host.trim() : undefined;
    if (host === undefined) fail('"host" is required (a host name, an address or an ~/.ssh/config alias)');
    else {
      const why = hostNameProblem(host);
      if (why) fail(`"host" ${JSON.stringify(host)} ${why}`);
    }

    let port: number | undefined;
    if (entry.port !== undefined) {
      if (typeof entry.port === 'number' && Number.isInteger(entry.port) && entry.port >= 1 && entry.port <= 65535) port = entry.port;
      else fail(`"port" must be a whole number from 1 to 65535, not ${JSON.stringify(entry.port)}`);
    }

    let user: string | undefined;
    if (entry.user !== undefined) {
      if (typeof entry.user === 'string' && USER.test(entry.user)) user = entry.user;
      else fail(`"user" ${JSON.stringify(entry.user)} is not a user name (letters, digits, '.', '_', '-', '@'; not starting with '-')`);
    }

    const paths: Partial<Record<'identityFile' | 'workDir' | 'composeFile', string>> = {};
    for (const key of ['identityFile', 'workDir', 'composeFile'] as const) {
      const v = entry[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.trim() === '' || hasControlChars(v)) fail(`"${key}" must be a non-empty path`);
      else paths[key] = v.trim();
    }

    let healthUrl: string | undefined;
    if (entry.healthUrl !== undefined) {
      if (typeof entry.healthUrl === 'string' && isHttpUrl(entry.healthUrl.trim())) healthUrl = entry.healthUrl.trim();
      else fail(`"healthUrl" must be an http:// or https:// URL, not ${JSON.stringify(entry.healthUrl)}`);
    }

    let service: string | undefined;
    if (entry.service !== undefined) {
      // A compose service name (compose's own rule), so it is safe in a docker label filter.
      if (typeof entry.service === 'string' && /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/.test(entry.service.trim())) service = entry.service.trim();
      else fail(`"service" must be a compose service name (letters, digits, '.', '_', '-'), not ${JSON.stringify(entry.service)}`);
    }

    let deploy: string[] | undefined;
    if (entry.deploy !== undefined) {
      const v = entry.deploy;
      if (Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'string' && c.trim() !== '' && !c.includes('\0'))) deploy = v.map((c: string) => c.trim());
      else fail('"deploy" must be a non-empty list of commands (strings)');
    }

    let keepaliveInterval: number | undefined;
    if (entry.keepaliveInterval !== undefined) {
      const v = entry.keepaliveInterval;
      if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_KEEPALIVE_SECONDS) keepaliveInterval = v;
      else fail(`"keepaliveInterval" must be a whole number of seconds from 1 to ${MAX_KEEPALIVE_SECONDS}, not ${JSON.stringify(v)}`);
    }

    if (!ok || !name || host === undefined) return;

    const ssh = config ? resolveSshHost(config, host, env) : undefined;
    for (const p of ssh?.problems ?? []) problems.push({ index, source: 'ssh-config', message: p });
    const fromConfig = ssh !== undefined && (
      (ssh.hostName !== undefined && ssh.hostName !== host) ||
      (port === undefined && ssh.port !== undefined) ||
      (user === undefined && ssh.user !== undefined) ||
      (paths.identityFile === undefined && ssh.identityFiles.length > 0)
    );
    const target = ssh?.hostName ?? host;
    const why = hostNameProblem(target);
    if (why) {
      say(`the ssh config's HostName ${JSON.stringify(target)} for ${JSON.stringify(host)} ${why}`);
      return;
    }
    names.add(name.toLowerCase());
    usedAliases.add(host);
    profiles.push({
      name,
      host: target,
      port: port ?? ssh?.port ?? 22,
      user: user ?? ssh?.user ?? env.localUser,
      identityFile: paths.identityFile !== undefined ? expandHome(paths.identityFile, env.homeDir) : ssh?.identityFiles[0],
      workDir: paths.workDir,
      composeFile: paths.composeFile,
      healthUrl,
      ...(deploy ? { deploy } : {}),
      ...(service ? { service } : {}),
      ...keepaliveFrom(keepaliveInterval, ssh),
      source: fromConfig ? 'both' : 'settings',
      ssh,
    });
  });

  if (config) {
    for (const alias of concreteHostAliases(config)) {
      if (usedAliases.has(alias) || names.has(alias.toLowerCase())) continue;
      const say = (message: string) => problems.push({ index: -1, source: 'ssh-config', message: `Host ${alias}: ${message}` });
      const ssh = resolveSshHost(config, alias, env);
      for (const p of ssh.problems) say(p);
      const target = ssh.hostName ?? alias;
      const bad = [alias, target].find((h) => hostNameProblem(h) !== undefined);
      if (bad !== undefined) {
        say(`${JSON.stringify(bad)} ${hostNameProblem(bad)}; not offered`);
        continue;
      }
      if (ssh.user !== undefined && !USER.test(ssh.user)) {
        say(`User ${JSON.stringify(ssh.user)} is not a user name; not offered`);
        continue;
      }
      names.add(alias.toLowerCase());
      profiles.push({
        name: alias,
        host: target,
        port: ssh.port ?? 22,
        user: ssh.user ?? env.localUser,
        identityFile: ssh.identityFiles[0],
        ...keepaliveFrom(undefined, ssh),
        source: 'ssh-config',
        ssh,
      });
    }
  }
  return { profiles, problems };
}

/** The setting's interval wins; the ssh config's ServerAliveInterval/CountMax otherwise. */
function keepaliveFrom(settingSeconds: number | undefined, ssh: ResolvedSshHost | undefined): Pick<HostProfile, 'keepalive'> {
  const intervalSeconds = settingSeconds ?? ssh?.serverAliveInterval;
  if (intervalSeconds === undefined) return {};
  return { keepalive: ssh?.serverAliveCountMax !== undefined ? { intervalSeconds, countMax: ssh.serverAliveCountMax } : { intervalSeconds } };
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function isParsed(v: readonly string[] | SSHConfig): v is SSHConfig {
  return typeof (v as SSHConfig).compute === 'function';
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
