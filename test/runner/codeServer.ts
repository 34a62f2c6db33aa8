// Starts a real VS Code (code-server: the VS Code 1.100 workbench + a Node extension host) on
// loopback for integration and e2e tests, and a headless Chromium to open it. See
// /work/shared/notes/test-infrastructure.md for why code-server and not VS Code desktop.
//
// Every code-server runs in its own process group with fresh temp user-data and extensions dirs;
// stop() (also run on exit and on SIGINT/SIGTERM) kills that group and nothing else.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** out/test/runner -> the repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const HOST = '127.0.0.1';

/** The packaged extension the e2e suites install (INCIDENT_DESK_VSIX or dist/incident-desk.vsix). */
export function packagedVsix(): string {
  const vsix = path.resolve(process.env.INCIDENT_DESK_VSIX ?? path.join(REPO_ROOT, 'dist', 'incident-desk.vsix'));
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  return vsix;
}

export interface CodeServerOptions {
  /** The folder to open. */
  readonly workspace: string;
  /** Workspace trust on: the folder opens in Restricted Mode (no prompt). Default off. */
  readonly workspaceTrust?: boolean;
  /** .vsix files (or extension ids) installed into the fresh extensions dir before start. */
  readonly installExtensions?: readonly string[];
  /** Extra user settings, merged over the quiet defaults. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Extra environment for the server (and so the extension host). */
  readonly env?: Readonly<Record<string, string>>;
  /** Fixed port; default a free one. */
  readonly port?: number;
  /** Keep the temp dirs after stop() (for debugging). Default: $INCIDENT_DESK_KEEP_TEMP === '1'. */
  readonly keepTemp?: boolean;
  readonly startTimeoutMs?: number;
}

export interface CodeServer {
  readonly port: number;
  readonly pid: number;
  readonly baseUrl: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The server's own stdout+stderr. */
  readonly logFile: string;
  /** Workbench URL opening `folder` (default the workspace), with an optional `payload` query. */
  workbenchUrl(options?: { folder?: string; payload?: ReadonlyArray<readonly [string, string]> }): string;
  /** `vscode-remote://` URI of a local path, as the workbench payload expects. */
  remoteUri(fsPath: string): string;
  stop(): Promise<void>;
}

/** Quiet, deterministic UI: nothing pops up that a test did not ask for. */
function userSettings(trust: boolean, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'security.workspace.trust.enabled': trust,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'update.showReleaseNotes': false,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    'editor.minimap.enabled': false,
    'files.autoSave': 'off',
    'workbench.editor.enablePreview': false,
    ...extra,
  };
}

/** Installs code-server if needed (scripts/ensure-code-server.sh) and returns its entry script. */
export function ensureCodeServer(): string {
  const dir = process.env.INCIDENT_DESK_CODE_SERVER_DIR ?? execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim().split('\n').pop()!;
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(entry)) throw new Error(`code-server entry not found: ${entry}`);
  return entry;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// --- bookkeeping: only groups and temp dirs we made, cleaned up on any way out (Ctrl-C too) ------
const liveGroups = new Set<number>();
const tempDirs = new Set<string>();
let exitHooksInstalled = false;

/** Deletes `dir` when this process exits, however it exits; `false` hands it back (keep or done). */
export function removeOnExit(dir: string, remove = true): void {
  installExitHooks();
  if (remove) tempDirs.add(dir);
  else tempDirs.delete(dir);
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pid of liveGroups) killGroup(pid, 'SIGTERM');
      process.exit(signal === 'SIGINT' ? 130 : 143); // 'exit' hook then SIGKILLs stragglers
    });
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  installExitHooks();
  const entry = ensureCodeServer();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-cs-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const configFile = path.join(tmp, 'config.yaml');
  const logFile = path.join(tmp, 'code-server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settings = userSettings(options.workspaceTrust ?? false, options.settings ?? {});
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // Our own config file, so ~/.config/code-server/config.yaml (maybe password auth, other port) is never read.
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const keepTemp = options.keepTemp ?? process.env.INCIDENT_DESK_KEEP_TEMP === '1';
  if (!keepTemp) removeOnExit(tmp);
  const removeTemp = (): void => {
    if (keepTemp) return;
    fs.rmSync(tmp, { recursive: true, force: true });
    removeOnExit(tmp, false);
  };

  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, XDG_DATA_HOME: path.join(tmp, 'xdg-data') };
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  try {
    for (const ext of options.installExtensions ?? []) {
      execFileSync(process.execPath, [entry, ...common, '--force', '--install-extension', ext], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    }
  } catch (err) {
    removeTemp();
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`installing extensions failed: ${e.message}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }

  const port = options.port ?? (await freePort());
  const args = [
    entry, ...common,
    '--bind-addr', `${HOST}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    options.workspace,
  ];
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) {
    removeTemp();
    throw new Error('code-server did not start (no pid)');
  }
  liveGroups.add(pid);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (killGroup(pid, 'SIGTERM') && !(await waitForExit(child, 5000))) killGroup(pid, 'SIGKILL');
      // The extension host and watchers are in the same group: make sure none outlive the server.
      await new Promise((r) => setTimeout(r, 200));
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
      removeTemp();
    })();
    return stopped;
  };

  const baseUrl = `http://${HOST}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await httpOk(`${baseUrl}/healthz`))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const why = child.exitCode !== null || child.signalCode !== null ? `exited (${child.exitCode ?? child.signalCode})` : 'did not answer in time';
      const logText = tail(logFile);
      await stop();
      throw new Error(`code-server ${why} on ${baseUrl}\n${logText}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const remoteUri = (fsPath: string): string => `vscode-remote://${HOST}:${port}${path.resolve(fsPath)}`;
  return {
    port,
    pid,
    baseUrl,
    userDataDir,
    extensionsDir,
    logFile,
    remoteUri,
    workbenchUrl: ({ folder = options.workspace, payload } = {}) => {
      let url = `${baseUrl}/?folder=${encodeURIComponent(path.resolve(folder))}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    stop,
  };
}

/** Headless Debian Chromium (Playwright cannot download its own browser offline). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.INCIDENT_DESK_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
