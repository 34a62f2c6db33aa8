// `--host NAME` for the CLI: the host profile (from ~/.ssh/config, and with --trust-workspace from
// the workspace's incidentDesk.hosts), and a connection over the extension's verified SSH code with
// the CLI's own trust rules: known keys pass, an unknown key only with --accept-new (then
// remembered in the CLI's known_hosts file), a changed or revoked key never.
import * as path from 'node:path';
import { cliKnownHostsFile, knownHostsFiles, knownHostsFilesOf, knownHostsSources } from '../services/ssh/knownHostsFiles';
import type { HostKeyQuestion } from '../services/ssh/hostKeyVerifier';
import { type HostProfile, mergeHostProfiles } from '../services/ssh/hostProfiles';
import { type SshConfigEnv, defaultSshConfigEnv, readSshConfig, userSshConfigFile } from '../services/ssh/sshConfig';
import { connectSsh, type SshConnection } from '../services/ssh/sshConnection';
import { SshError } from '../services/ssh/sshError';
import { TrustStore } from '../services/ssh/trustStore';
import { readWorkspaceHostSettings } from './workspaceSettings';

export interface HostChoice {
  readonly profile: HostProfile;
  /** Read in this order on every check; the CLI's own file among them. */
  readonly knownHostsFiles: readonly string[];
}

export type HostLookup = { readonly kind: 'found'; readonly host: HostChoice } | { readonly kind: 'unknown'; readonly names: readonly string[]; readonly problems: readonly string[] };

export interface HostOptions {
  readonly workspace: string;
  /** Use the workspace's incidentDesk.hosts and incidentDesk.ssh.knownHostsFiles. */
  readonly trustWorkspace: boolean;
  readonly env?: SshConfigEnv;
}

/** The profile named `name` (case-insensitive, as profile names are unique that way). */
export async function findHost(name: string, options: HostOptions): Promise<HostLookup> {
  const env = options.env ?? defaultSshConfigEnv();
  let configText: string | undefined;
  const problems: string[] = [];
  try {
    const read = await readSshConfig(userSshConfigFile(env.homeDir), { homeDir: env.homeDir });
    configText = read.text;
    for (const p of read.problems) problems.push(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`~/.ssh/config not read: ${(e as Error).message}`);
  }
  const workspace = options.trustWorkspace ? await readWorkspaceHostSettings(options.workspace, env.homeDir) : { hosts: undefined, knownHostsFiles: [] };
  const merged = mergeHostProfiles(workspace.hosts, configText, env);
  problems.push(...merged.problems.map((p) => p.message));
  const profile = merged.profiles.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!profile) return { kind: 'unknown', names: merged.profiles.map((p) => p.name), problems };
  // The same list, in the same order, as the extension reads for this host.
  const files = knownHostsFilesOf(knownHostsSources({
    homeDir: env.homeDir,
    userKnownHostsFiles: profile.ssh?.userKnownHostsFiles,
    globalKnownHostsFiles: profile.ssh?.globalKnownHostsFiles,
    settingFiles: workspace.knownHostsFiles,
    workspaceFolder: options.workspace,
  }));
  return { kind: 'found', host: { profile, knownHostsFiles: files } };
}

/** Why the CLI refused a host key, with what to do about it. */
export class HostKeyRefused extends Error {
  constructor(readonly reason: 'unknown' | 'changed' | 'revoked' | 'checkFailed', message: string) {
    super(message);
    this.name = 'HostKeyRefused';
  }
  static is(e: unknown): e is HostKeyRefused {
    return e instanceof HostKeyRefused;
  }
}

export interface ConnectOptions {
  /** Trust an unknown key and remember it in the CLI's known_hosts. */
  readonly acceptNew: boolean;
  readonly homeDir?: string;
  readonly log?: (message: string) => void;
}

/**
 * Logs in (ssh-agent, then the identity files; nothing is asked). A host-key refusal throws
 * HostKeyRefused before any credential was sent; other failures throw the SshError.
 */
export async function connectHost(host: HostChoice, options: ConnectOptions): Promise<SshConnection> {
  const homeDir = options.homeDir ?? defaultSshConfigEnv().homeDir;
  const cliFile = cliKnownHostsFile(homeDir);
  // Never the user's own files: the store refuses to be any of them.
  const userFiles = host.knownHostsFiles.filter((f) => path.resolve(f) !== path.resolve(cliFile));
  const store = new TrustStore(cliFile, { protectedFiles: [...userFiles, ...knownHostsFiles({ homeDir }).filter((f) => path.resolve(f) !== path.resolve(cliFile))] });
  let asked: HostKeyQuestion | undefined;
  try {
    return await connectSsh(host.profile, {
      hostKey: {
        knownHostsFiles: host.knownHostsFiles,
        trustStore: store,
        ask: (question) => {
          asked = question;
          return Promise.resolve(options.acceptNew ? 'always' : 'reject');
        },
      },
      homeDir,
      log: (level, message) => (level === 'warn' || level === 'error' ? options.log?.(message) : undefined),
    });
  } catch (e) {
    throw refusal(e, host.profile, asked, cliFile) ?? e;
  }
}

function refusal(e: unknown, profile: HostProfile, asked: HostKeyQuestion | undefined, cliFile: string): HostKeyRefused | undefined {
  if (!SshError.is(e)) return undefined;
  const where = `${profile.name} (${profile.host}:${profile.port})`;
  switch (e.reason) {
    case 'hostKeyRejected':
      return new HostKeyRefused(
        'unknown',
        `The host key of ${where} is not known: ${asked?.keyType ?? ''} ${asked?.fingerprint ?? e.hostKey?.presentedFingerprint ?? ''}. ` +
          `Check it against the server (ssh-keygen -lf on its host key), then run again with --accept-new to trust it; it is remembered in ${cliFile}. Nothing was run.`,
      );
    case 'hostKeyChanged':
      return new HostKeyRefused('changed', `${e.message} Nothing was run; --accept-new never overrides a changed key.`);
    case 'hostKeyRevoked':
      return new HostKeyRefused('revoked', `${e.message}. Nothing was run.`);
    case 'hostKeyCheckFailed':
      return new HostKeyRefused('checkFailed', `${e.message}. Nothing was run.`);
    default:
      return undefined;
  }
}
