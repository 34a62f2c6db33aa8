// The shapes the SSH parts share: what connecting needs, and what the channel helpers (exec, shell,
// the docker agent) need from a connection. Apart from sshConnection.ts, which builds on those
// helpers, so that they never import it back.
import type { ClientChannel, ExecOptions, PseudoTtyOptions } from 'ssh2';
import type { HostKeyCheckOptions } from './hostKeyVerifier';
import type { HostProfile } from './hostProfiles';
import type { SshError } from './sshError';

export type SshLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What connectSsh needs besides the profile: trust, credentials (asked, never stored here) and timing. */
export interface ConnectSshDeps {
  /** known_hosts files, the trust store and the "unknown key" question; host and port come from the profile. */
  readonly hostKey: Omit<HostKeyCheckOptions, 'host' | 'port' | 'hostKeyAlias'>;
  /** The ssh-agent socket; default `process.env.SSH_AUTH_SOCK`; `false`: no agent. */
  readonly agentSocket?: string | false;
  /** Reads a private key file (default fs.readFile). */
  readonly readKey?: (keyPath: string) => Promise<Buffer>;
  /** Asked when an identity file is encrypted; `attempt` is 2 or 3 after a wrong passphrase. Undefined: skip the key. */
  readonly askPassphrase?: (keyPath: string, attempt: number) => PromiseLike<string | undefined>;
  /** Asked when the server accepts passwords and nothing else worked. Undefined: cancelled. */
  readonly askPassword?: (user: string, host: string) => PromiseLike<string | undefined>;
  /** Default: the profile's keepalive, else 15000; 0 turns keepalive off. The connection counts as dropped after the profile's countMax (default 3) unanswered. */
  readonly keepaliveIntervalMs?: number;
  /** From TCP connect to logged in, not counting time spent in the prompts above. Default 20000; 0: none. */
  readonly readyTimeoutMs?: number;
  /** Where the default identity files are looked for (`~/.ssh/id_*`); default os.homedir(). */
  readonly homeDir?: string;
  /** Connection events; never a password, passphrase or key. */
  readonly log?: (level: SshLogLevel, message: string) => void;
}

/** What the channel helpers (exec, shell, docker agent) need from a connection. */
export interface ChannelOpener {
  readonly profile: HostProfile;
  readonly closed: boolean;
  readonly closeReason: SshError | undefined;
  /** An exec channel once the server accepted the command; rejects with a typed SshError. */
  openExecChannel(command: string, options: ExecOptions): Promise<ClientChannel>;
  /** A shell channel with a pty; rejects with a typed SshError. */
  openShellChannel(pty: PseudoTtyOptions, env: Record<string, string> | undefined): Promise<ClientChannel>;
}
