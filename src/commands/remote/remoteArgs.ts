import * as vscode from 'vscode';
import type { Change } from '../../core/incidents/actions';
import { isoNow } from '../../core/util/time';
import { recordingIncident } from '../runbooks/stepArgs';
import type { HostsController } from '../../remote/hostsController';
import { Cancelled, type CommandContext } from '../commandRunner';

/** The Local Docker engine's name in pickers, the Hosts view and on the timeline. */
export const LOCAL = 'local';

/** The Local Docker engine as a picker item, described by the endpoint it would really use (or why it is refused). */
export async function localEngineItem(hosts: HostsController): Promise<{ label: string; description: string; value: string }> {
  const summary = await hosts.localDockerSummary();
  return { label: 'Local Docker engine', description: summary.kind === 'endpoint' ? summary.text : `refused: ${summary.message}`, value: LOCAL };
}

/** A host from a Hosts view row (`{ kind: 'host', name }`), a name given by code, or undefined. */
export function hostArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as { kind?: unknown; name?: unknown } | undefined;
  return node && (node.kind === 'host' || node.kind === 'local') && typeof node.name === 'string' ? node.name : undefined;
}

/** Refuses in Restricted Mode, offering the trust editor: nothing runs on a machine from an untrusted folder. */
export function requireTrust(what: string): void {
  if (vscode.workspace.isTrusted) return;
  void vscode.window.showErrorMessage(`${what} needs a trusted workspace: this one is in Restricted Mode.`, 'Manage Workspace Trust').then((p) => {
    if (p) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  throw new Cancelled();
}

/** Records on the focused active incident, if there is one; remote work without one is still allowed. */
export async function recordOnFocused(ctx: CommandContext, change: (actor: string, ts: string) => Change): Promise<string | undefined> {
  const incident = recordingIncident(ctx.incidents.focused());
  if (!incident) return undefined;
  const actor = await ctx.incidents.actor();
  await ctx.incidents.requireStore().record(incident.id, change(actor, isoNow()));
  return incident.id;
}
