import * as vscode from 'vscode';
import { normalizeDueHours } from '../core/postmortem/due';
import { normalizeMigrationGlobs, normalizeStableMinutes, normalizeTagPatterns } from '../core/rollback/deploySettings';
import { buildPolicy, type SeverityPolicy } from '../core/severity/policy';

/** Setting keys, in one place (house style: typed settings module). */
export const SETTINGS = {
  section: 'incidentDesk',
  severityScale: 'severityScale',
  severities: 'severities',
  actor: 'actor',
  statusBarEnabled: 'statusBar.enabled',
  runbookFolders: 'runbookFolders',
  postmortemDueHours: 'postmortem.dueHours',
  redactPatterns: 'redact.patterns',
} as const;

export const DEFAULT_RUNBOOK_FOLDERS = ['runbooks', 'docs/runbooks'];

/** Workspace-relative runbook folders; entries that are absolute or climb out with .. are dropped. */
export function readRunbookFolders(): string[] {
  const v = vscode.workspace.getConfiguration(SETTINGS.section).get<unknown>(SETTINGS.runbookFolders);
  const list = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : DEFAULT_RUNBOOK_FOLDERS;
  return list.map((f) => f.replace(/\\/g, '/').replace(/\/+$/, '')).filter((f) => f && !f.startsWith('/') && !/^[a-zA-Z]:/.test(f) && !f.split('/').includes('..'));
}

export function affectsPolicy(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.severityScale}`) || e.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.severities}`);
}

export function readPolicy(): SeverityPolicy {
  const cfg = vscode.workspace.getConfiguration(SETTINGS.section);
  return buildPolicy(cfg.get<unknown>(SETTINGS.severityScale), cfg.get<unknown>(SETTINGS.severities));
}

export function readActorSetting(): string {
  const v = vscode.workspace.getConfiguration(SETTINGS.section).get<unknown>(SETTINGS.actor);
  return typeof v === 'string' ? v.trim().slice(0, 100) : '';
}

/** Hours after resolution within which a post-mortem is due (the two most severe levels). */
export function readPostmortemDueHours(): number {
  return normalizeDueHours(vscode.workspace.getConfiguration(SETTINGS.section).get<unknown>(SETTINGS.postmortemDueHours));
}

export function affectsPostmortemDue(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.postmortemDueHours}`);
}

/** The team's own redaction patterns as written (validated when used: an invalid one is an error naming it). */
export function readRedactPatterns(): readonly unknown[] {
  const v = vscode.workspace.getConfiguration(SETTINGS.section).get<unknown>(SETTINGS.redactPatterns, []);
  return Array.isArray(v) ? v : [v];
}

export function readStatusBarEnabled(): boolean {
  return vscode.workspace.getConfiguration(SETTINGS.section).get<boolean>(SETTINGS.statusBarEnabled, true) !== false;
}

/** Remote operations: hosts, the SSH client, log views. Host settings are restricted under Workspace Trust. */
export const REMOTE_SETTINGS = {
  hosts: 'hosts',
  useSystemClient: 'ssh.useSystemClient',
  rememberPasswords: 'ssh.rememberPasswords',
  knownHostsFiles: 'ssh.knownHostsFiles',
  logsTail: 'logs.tail',
  logsMaxLines: 'logs.maxLines',
  dockerAllowInsecureTcp: 'docker.allowInsecureTcp',
} as const;

/** The full key, for messages that tell the user which setting to change. */
export const DOCKER_ALLOW_INSECURE_TCP_KEY = `${SETTINGS.section}.${REMOTE_SETTINGS.dockerAllowInsecureTcp}`;

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS.section);
}

/** The raw `incidentDesk.hosts` value: validated by mergeHostProfiles, which reports each problem. */
export function readHostSettings(): unknown {
  return cfg().get<unknown>(REMOTE_SETTINGS.hosts, []);
}

export function readUseSystemSsh(): boolean {
  return cfg().get<unknown>(REMOTE_SETTINGS.useSystemClient) === true;
}

export function readRememberPasswords(): boolean {
  return cfg().get<unknown>(REMOTE_SETTINGS.rememberPasswords) === true;
}

/** Extra known_hosts files as written (absolute, ~, or relative to the workspace folder: see resolveSettingFile); non-strings are dropped. */
export function readExtraKnownHostsFiles(): string[] {
  const v = cfg().get<unknown>(REMOTE_SETTINGS.knownHostsFiles, []);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : [];
}

/**
 * Whether the Local Docker engine may use a plain tcp:// endpoint. Restricted under Workspace Trust
 * (package.json restrictedConfigurations): in Restricted Mode VS Code hands back the user's value only.
 */
export function readDockerAllowInsecureTcp(): boolean {
  return cfg().get<unknown>(REMOTE_SETTINGS.dockerAllowInsecureTcp) === true;
}

function intSetting(key: string, fallback: number, min: number, max: number): number {
  const v = cfg().get<unknown>(key);
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

export function readLogsTail(): number {
  return intSetting(REMOTE_SETTINGS.logsTail, 200, 0, 100_000);
}

export function readLogsMaxLines(): number {
  return intSetting(REMOTE_SETTINGS.logsMaxLines, 20_000, 1_000, 1_000_000);
}

export function affectsHosts(e: vscode.ConfigurationChangeEvent): boolean {
  return [REMOTE_SETTINGS.hosts, REMOTE_SETTINGS.knownHostsFiles].some((k) => e.affectsConfiguration(`${SETTINGS.section}.${k}`));
}

export function affectsDockerEndpoint(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(DOCKER_ALLOW_INSECURE_TCP_KEY);
}

/** The deploy evidence and the rollback risks (src/core/rollback/deploySettings.ts normalises them; the CLI reads the same keys). */
export const DEPLOY_SETTINGS = {
  tagPatterns: 'deploy.tagPatterns',
  stableMinutes: 'deploy.stableMinutes',
  migrationGlobs: 'rollback.migrationGlobs',
} as const;

/** What the rollback wizard runs and how it verifies (read raw by the wizard; core/rollback/healthPolicy.ts normalises the health window). */
export const ROLLBACK_SETTINGS = {
  command: 'rollback.command',
  health: 'rollback.health',
} as const;

export function readDeployTagPatterns(): string[] {
  return normalizeTagPatterns(cfg().get<unknown>(DEPLOY_SETTINGS.tagPatterns));
}

export function readStableMinutes(): number {
  return normalizeStableMinutes(cfg().get<unknown>(DEPLOY_SETTINGS.stableMinutes));
}

export function readMigrationGlobs(): string[] {
  return normalizeMigrationGlobs(cfg().get<unknown>(DEPLOY_SETTINGS.migrationGlobs));
}

export function affectsDeployEvidence(e: vscode.ConfigurationChangeEvent): boolean {
  return Object.values(DEPLOY_SETTINGS).some((k) => e.affectsConfiguration(`${SETTINGS.section}.${k}`));
}
