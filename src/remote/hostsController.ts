import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DOCKER_ALLOW_INSECURE_TCP_KEY, affectsDockerEndpoint, affectsHosts, readDockerAllowInsecureTcp, readExtraKnownHostsFiles, readHostSettings, readRememberPasswords } from '../config/settings';
import type { DockerTarget, DockerTunnel } from '../services/docker/dockerClient';
import type { ResolveDockerEndpointOptions, SshDockerEndpoint } from '../services/docker/dockerEndpoint';
import type { HostProfile, HostProfileProblem } from '../services/ssh/hostProfiles';
import type { SshConnection } from '../services/ssh/sshConnection';
import type { TrustStore } from '../services/ssh/trustStore';
import type { ComponentLog } from '../log';
import { askHostKey } from './askHostKey';
import { HostRunsStore } from './hostRunsStore';
import { loadRemote } from './loadRemote';
import { setWalkthroughKey, WALKTHROUGH_KEYS } from '../walkthrough/walkthroughKeys';

/** What the Hosts view shows for a host. */
export type HostState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected'; fingerprint?: string }
  | { kind: 'failed'; message: string };

/** What the Hosts view says about the Local Docker engine: the endpoint it uses, or why it refuses to use one. */
export type LocalDockerSummary = { readonly kind: 'endpoint'; readonly text: string } | { readonly kind: 'refused'; readonly message: string };

/** ~/.ssh/config, as the remote module's userSshConfigFile names it (without loading that module). */
export function userSshConfigPath(): string {
  return path.join(os.homedir(), '.ssh', 'config');
}

/** Refused before anything is sent: running things on machines needs a trusted workspace. */
export class UntrustedWorkspace extends Error {
  constructor(what: string) {
    super(`${what} needs a trusted workspace: this one is in Restricted Mode.`);
    this.name = 'UntrustedWorkspace';
  }
}

/**
 * The hosts (the `incidentDesk.hosts` setting merged with ~/.ssh/config) and their SSH connections:
 * one shared connection per host for runbook steps and Docker, opened on first use; terminals get
 * their own. Host keys are checked by the services' verifier; this class supplies the prompts (key
 * fingerprint, passphrase, password) and the trust store file in global storage.
 */
export class HostsController implements vscode.Disposable {
  private profiles: HostProfile[] = [];
  /** ~/.ssh/config with its Includes, as last read: an ssh:// Docker endpoint is resolved through it like a host. */
  private sshConfigText: string | undefined;
  private problems: HostProfileProblem[] = [];
  private loaded: Promise<void> | undefined;
  private readonly pool = new Map<string, Promise<SshConnection>>();
  private readonly states = new Map<string, HostState>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private trustStore: TrustStore | undefined;
  /** What the last call to the Local Docker engine found, and the endpoint it went to. */
  private localOutcome: { endpoint: string; state: HostState } | undefined;
  /** What each host runs, as last asked (Check What Host Runs). */
  readonly runs: HostRunsStore;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: ComponentLog) {
    this.runs = new HostRunsStore(this, log, () => this.changed.fire());
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      // Hosts not read yet (nothing remote used in this window): the first use reads the new values.
      if (this.loaded && affectsHosts(e)) void this.reload();
      // The Hosts view says whether the Local Docker engine's endpoint is refused.
      else if (affectsDockerEndpoint(e)) this.changed.fire();
    }));
    // A host added to ~/.ssh/config in the editor (Open SSH Config File) shows without a Refresh.
    this.disposables.push(vscode.workspace.onDidSaveTextDocument((doc) => {
      if (this.loaded && doc.uri.scheme === 'file' && doc.uri.fsPath === userSshConfigPath()) void this.reload();
    }));
  }

  /** Reads the hosts on first use (the Hosts view showing, a command), not at activation. */
  ready(): Promise<void> {
    this.loaded ??= this.read();
    return this.loaded;
  }

  reload(): Promise<void> {
    this.loaded = this.read();
    return this.loaded;
  }

  all(): readonly HostProfile[] {
    return this.profiles;
  }

  configProblems(): readonly HostProfileProblem[] {
    return this.problems;
  }

  get(name: string): HostProfile | undefined {
    return this.profiles.find((p) => p.name === name);
  }

  state(name: string): HostState {
    return this.states.get(name) ?? { kind: 'idle' };
  }

  private async read(): Promise<void> {
    const remote = await loadRemote();
    const env = remote.defaultSshConfigEnv();
    let configText: string | undefined;
    try {
      const read = await remote.readSshConfig(remote.userSshConfigFile(env.homeDir), { homeDir: env.homeDir });
      configText = read.text;
      for (const p of read.problems) this.log.warn(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`~/.ssh/config not read: ${String(e)}`);
    }
    this.sshConfigText = configText;
    const merged = remote.mergeHostProfiles(readHostSettings(), configText, env);
    this.profiles = merged.profiles;
    this.problems = merged.problems;
    for (const p of merged.problems) this.log.warn(p.message);
    setWalkthroughKey(WALKTHROUGH_KEYS.sshHosts, this.profiles.length > 0);
    if (merged.problems.some((p) => p.source === 'settings')) {
      void vscode.window.showWarningMessage(`Incident Desk hosts: ${merged.problems.filter((p) => p.source === 'settings').map((p) => p.message).join(' ')}`, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'incidentDesk.hosts');
      });
    }
    this.changed.fire();
  }

  /** Lets the user pick a host (by name). `extra` items go first (e.g. "Local Docker engine"). */
  async pick(title: string, extra: ReadonlyArray<{ label: string; description?: string; value: string }> = [], preselect?: string): Promise<string | undefined> {
    await this.ready();
    const items = [
      ...extra.map((e) => ({ label: e.label, description: e.description, value: e.value })),
      ...this.profiles.map((p) => ({ label: p.name, description: `${p.user}@${p.host}${p.port === 22 ? '' : `:${p.port}`}`, detail: p.source === 'ssh-config' ? 'from ~/.ssh/config' : undefined, value: p.name })),
    ];
    if (items.length === 0) {
      const open = await vscode.window.showInformationMessage('No hosts configured. Add one to the incidentDesk.hosts setting or to ~/.ssh/config.', 'Open Settings');
      if (open) void vscode.commands.executeCommand('workbench.action.openSettings', 'incidentDesk.hosts');
      return undefined;
    }
    const ordered = preselect ? [...items.filter((i) => i.value === preselect), ...items.filter((i) => i.value !== preselect)] : items;
    const pick = await vscode.window.showQuickPick(ordered, { title, placeHolder: 'Pick a host', matchOnDescription: true, ignoreFocusOut: true });
    return pick?.value;
  }

  /**
   * The shared connection to a host (opened, or re-opened after a drop or after the host's
   * address, user or key changed in the settings). Its state is what the Hosts view shows.
   */
  async connection(name: string): Promise<SshConnection> {
    const existing = this.pool.get(name);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      const profile = this.get(name);
      if (conn && !conn.closed && profile && sameEndpoint(conn.profile, profile)) return conn;
      if (this.pool.get(name) === existing) this.pool.delete(name);
      conn?.end();
    }
    this.setState(name, { kind: 'connecting' });
    const opening = this.connect(name);
    this.pool.set(name, opening);
    opening.then((conn) => {
      this.setState(name, { kind: 'connected', fingerprint: conn.hostKeyFingerprint });
      conn.onClose(() => {
        if (this.pool.get(name) === opening) this.pool.delete(name);
        this.setState(name, conn.closeReason ? { kind: 'failed', message: conn.closeReason.message } : { kind: 'idle' });
      });
    }, (e: unknown) => {
      if (this.pool.get(name) === opening) this.pool.delete(name);
      this.setState(name, { kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    });
    return opening;
  }

  /** A connection of its own (an SSH terminal): closing it leaves the shared one alone. */
  dedicatedConnection(name: string): Promise<SshConnection> {
    return this.connect(name);
  }

  async disconnect(name: string): Promise<void> {
    const conn = await this.pool.get(name)?.catch(() => undefined);
    this.pool.delete(name);
    conn?.end();
    this.setState(name, { kind: 'idle' });
  }

  /** Incident Desk's "Trust always" file, in global storage (shared by every window). */
  private get trustStoreFile(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'known_hosts');
  }

  /**
   * The system `ssh` argv for a host (incidentDesk.ssh.useSystemClient), with the same host-key
   * sources as the built-in client: OpenSSH then does its own checking (and asks, as it always does).
   */
  async systemSshArgs(name: string): Promise<string[]> {
    await this.ready();
    const profile = this.get(name);
    if (!profile) throw new Error(`No host named "${name}": check the incidentDesk.hosts setting or ~/.ssh/config.`);
    const remote = await loadRemote();
    const { args, skippedFiles, unresolvedFiles } = remote.systemSshArgs(profile, {
      homeDir: remote.defaultSshConfigEnv().homeDir,
      extraKnownHostsFiles: readExtraKnownHostsFiles(),
      workspaceFolder: workspaceFolderPath(),
      trustStoreFile: this.trustStoreFile,
    });
    for (const f of skippedFiles) this.log.warn(`known_hosts file ${JSON.stringify(f)} not passed to ssh: its name has a double quote or a control character`);
    warnUnresolved(this.log, unresolvedFiles);
    return args;
  }

  /**
   * The Local Docker engine as the docker CLI would pick it (DOCKER_HOST, DOCKER_CONTEXT, the
   * current context), under Incident Desk's rules: ssh:// through the same verified connection
   * as any host, plain tcp:// only with incidentDesk.docker.allowInsecureTcp (and a warning).
   */
  localDockerTarget(): DockerTarget {
    return {
      kind: 'local',
      endpoint: localDockerEndpointOptions(),
      ssh: (endpoint) => this.dockerTunnel(endpoint),
      onInsecure: (message) => {
        this.log.warn(message);
        void vscode.window.showWarningMessage(message, 'Open Settings').then((pick) => {
          if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', DOCKER_ALLOW_INSECURE_TCP_KEY);
        });
      },
    };
  }

  /** The Local Docker engine's endpoint as it would be resolved now (the environment and ~/.docker can change under us). */
  async localDockerSummary(): Promise<LocalDockerSummary> {
    const remote = await loadRemote();
    try {
      return { kind: 'endpoint', text: remote.describeDockerEndpoint(await remote.resolveDockerEndpoint(localDockerEndpointOptions())) };
    } catch (e) {
      return { kind: 'refused', message: e instanceof Error ? e.message : String(e) };
    }
  }

  /**
   * What the last call to the Local Docker engine found, when it went to `endpoint` (the summary
   * text now): 'failed' after a call that did not reach the daemon, 'connected' after one that did;
   * idle when nothing was called yet or the endpoint changed since.
   */
  localState(endpoint: string): HostState {
    return this.localOutcome?.endpoint === endpoint ? this.localOutcome.state : { kind: 'idle' };
  }

  /**
   * Told by every call to the Local Docker engine, with the endpoint the call went to: `error`
   * undefined when it reached the daemon. Fires a change only when what the view shows changes.
   */
  reportLocal(endpoint: string, error: Error | undefined): void {
    const state: HostState = error ? { kind: 'failed', message: error.message } : { kind: 'connected' };
    const before = this.localOutcome;
    this.localOutcome = { endpoint, state };
    if (before?.endpoint !== endpoint || before.state.kind !== state.kind || (before.state.kind === 'failed' && state.kind === 'failed' && before.state.message !== state.message)) this.changed.fire();
  }

  /**
   * An ssh:// Docker endpoint: its host resolved like `ssh` would (the ssh config's aliases), then
   * a connection of its own with the same known_hosts files, trust store, questions and
   * credentials as the Hosts view's hosts; released with the Docker client.
   */
  private async dockerTunnel(endpoint: SshDockerEndpoint): Promise<DockerTunnel> {
    await this.ready();
    const remote = await loadRemote();
    const profile = remote.sshEndpointProfile(endpoint, this.sshConfigText, remote.defaultSshConfigEnv());
    const conn = await this.connectProfile(profile);
    const agent = conn.dockerAgent();
    this.log.info(`Local Docker engine: ${endpoint.url}${endpoint.source.kind === 'context' ? ` (docker context ${endpoint.source.name})` : ''} through the verified SSH connection to ${profile.user}@${profile.host}:${profile.port}`);
    return { agent, release: () => { agent.destroy(); conn.end(); } };
  }

  private async connect(name: string): Promise<SshConnection> {
    await this.ready();
    const profile = this.get(name);
    if (!profile) throw new Error(`No host named "${name}": check the incidentDesk.hosts setting or ~/.ssh/config.`);
    return this.connectProfile(profile);
  }

  private async connectProfile(profile: HostProfile): Promise<SshConnection> {
    if (!vscode.workspace.isTrusted) throw new UntrustedWorkspace('Connecting to a host');
    const remote = await loadRemote();
    const env = remote.defaultSshConfigEnv();
    const sources = remote.knownHostsSources({
      homeDir: env.homeDir,
      userKnownHostsFiles: profile.ssh?.userKnownHostsFiles,
      globalKnownHostsFiles: profile.ssh?.globalKnownHostsFiles,
      settingFiles: readExtraKnownHostsFiles(),
      workspaceFolder: workspaceFolderPath(),
    });
    warnUnresolved(this.log, sources.unresolved);
    const files = remote.knownHostsFilesOf(sources);
    this.trustStore ??= new remote.TrustStore(this.trustStoreFile);
    await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
    let usedStoredPassword = false;
    /** Kept only once the server accepted it (a mistyped password is never stored). */
    let typedPassword: string | undefined;
    const secretKey = `ssh-password:${profile.user}@${profile.host}:${profile.port}`;
    try {
      const conn = await remote.connectSsh(profile, {
        hostKey: { knownHostsFiles: files, trustStore: this.trustStore, ask: (q) => askHostKey(q, profile.name) },
        askPassphrase: (keyPath) => askSecret(`Passphrase for ${keyPath} (${profile.name})`),
        askPassword: async (user, host) => {
          if (readRememberPasswords() && !usedStoredPassword) {
            const stored = await this.context.secrets.get(secretKey);
            if (stored) {
              usedStoredPassword = true;
              return stored;
            }
          }
          typedPassword = await askSecret(`Password for ${user}@${host} (${profile.name})`);
          return typedPassword;
        },
        // The log channel has no debug level: per-method chatter stays out of it.
        log: (level, message) => (level === 'error' ? this.log.error(message) : level === 'warn' ? this.log.warn(message) : level === 'info' ? this.log.info(message) : undefined),
      });
      // A password is the last method tried: logged in after typing one means it was right.
      if (typedPassword && readRememberPasswords()) await this.context.secrets.store(secretKey, typedPassword);
      this.log.info(`connected to ${profile.name} (${profile.user}@${profile.host}:${profile.port}), host key ${conn.hostKeyFingerprint ?? '?'}`);
      return conn;
    } catch (e) {
      if (usedStoredPassword && remote.SshError.is(e, 'authFailed')) await this.context.secrets.delete(secretKey);
      throw e;
    }
  }

  private setState(name: string, state: HostState): void {
    this.states.set(name, state);
    this.changed.fire();
  }

  dispose(): void {
    for (const p of this.pool.values()) void p.then((c) => c.end(), () => undefined);
    this.pool.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

function localDockerEndpointOptions(): ResolveDockerEndpointOptions {
  return { allowInsecureTcp: readDockerAllowInsecureTcp(), insecureTcpSetting: DOCKER_ALLOW_INSECURE_TCP_KEY };
}

/** Whether a connection made for `a` still reaches what `b` describes (the settings may have changed since). */
function sameEndpoint(a: HostProfile, b: HostProfile): boolean {
  return a.host === b.host && a.port === b.port && a.user === b.user && a.identityFile === b.identityFile && a.ssh?.proxyJump === b.ssh?.proxyJump;
}

/** Where relative incidentDesk.ssh.knownHostsFiles entries are: the (first) workspace folder on disk. */
function workspaceFolderPath(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

function warnUnresolved(log: ComponentLog, files: readonly string[]): void {
  for (const f of files) log.warn(`known_hosts file ${JSON.stringify(f)} from incidentDesk.ssh.knownHostsFiles not read: a relative path needs a workspace folder`);
}

function askSecret(prompt: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ prompt, password: true, ignoreFocusOut: true });
}
