import type { Change } from '../../core/incidents/actions';
import { isoNow } from '../../core/util/time';
import { LOCAL, recordingIncident } from '../commandGuards';
import type { HostsController } from '../../remote/hostsController';
import type { CommandContext } from '../commandRunner';


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

/** Records on the focused active incident, if there is one; remote work without one is still allowed. */
export async function recordOnFocused(ctx: CommandContext, change: (actor: string, ts: string) => Change): Promise<string | undefined> {
  const incident = recordingIncident(ctx.incidents.focused());
  if (!incident) return undefined;
  const actor = await ctx.incidents.actor();
  await ctx.incidents.requireStore().record(incident.id, change(actor, isoNow()));
  return incident.id;
}
