import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IncidentDeskApi } from '../../src/extension';
import type { HostNode } from '../../src/views/hostsTree';

export const EXTENSION_ID = 'incident-desk.incident-desk';

/** The running extension's exports (activates it if needed). */
export async function api(): Promise<IncidentDeskApi> {
  const ext = vscode.extensions.getExtension<IncidentDeskApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  const desk = await ext.activate();
  const incidents = desk.container.incidents;
  await waitFor(() => incidents.store?.loaded === true, 'the incident store to load');
  return desk;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder');
  return folder.uri.fsPath;
}

export function incidentDir(id: string): string {
  return path.join(workspaceRoot(), 'incidents', id);
}

export interface RawEvent { id?: string; ts: string; type: string; actor: string; text: string; data?: Record<string, unknown> }

export function timelineOf(id: string): RawEvent[] {
  return fs.readFileSync(path.join(incidentDir(id), 'timeline.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RawEvent);
}

export function recordOf(id: string): string {
  return fs.readFileSync(path.join(incidentDir(id), 'incident.yaml'), 'utf8');
}

/** Polls `check` until it holds; fails with what it was waiting for. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The Hosts view's Local Docker engine row, as the view would show it now. */
export async function localDockerItem(): Promise<vscode.TreeItem> {
  const tree = (await api()).container.views.hostsTree;
  const nodes: HostNode[] = await tree.getChildren();
  const local = nodes.find((n) => n.kind === 'local');
  if (!local) throw new Error('the Local Docker engine is not listed in the Hosts view');
  return tree.getTreeItem(local);
}

/** A tree item's hover as text. */
export function tooltipText(item: vscode.TreeItem): string {
  return typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
}

/** A tree item's hover as the reader sees it: MarkdownString.appendText's escapes (`&nbsp;`, `\-`) undone. */
export function tooltipPlain(item: vscode.TreeItem): string {
  return tooltipText(item).replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
}
