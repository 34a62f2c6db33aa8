import * as vscode from 'vscode';
import { buildPolicy, type SeverityPolicy } from '../core/severity/policy';

/** Setting keys, in one place (house style: typed settings module). */
export const SETTINGS = {
  section: 'incidentDesk',
  severityScale: 'severityScale',
  severities: 'severities',
  actor: 'actor',
  statusBarEnabled: 'statusBar.enabled',
  runbookFolders: 'runbookFolders',
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

export function readStatusBarEnabled(): boolean {
  return vscode.workspace.getConfiguration(SETTINGS.section).get<boolean>(SETTINGS.statusBarEnabled, true) !== false;
}
