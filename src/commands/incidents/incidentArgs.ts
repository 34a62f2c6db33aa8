import * as vscode from 'vscode';
import type { LoadedIncident } from '../../core/incidents/incidentLoader';
import { ActionError } from '../../core/incidents/actions';
import { STATUS_LABELS } from '../../core/incidents/model';
import { StoreError } from '../../core/incidents/storeErrors';
import { formatDuration } from '../../core/util/time';
import type { IncidentsController } from '../../incidents/incidentsController';
import { Cancelled, InvalidInput } from '../commandRunner';

/** A command's target: a tree node, an id (from tests, links and other commands), or nothing (ask). */
export type IncidentTarget = string | { incidentId: string } | undefined;

function targetId(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object' && typeof (target as { incidentId?: unknown }).incidentId === 'string') return (target as { incidentId: string }).incidentId;
  return undefined;
}

/**
 * Resolves the incident a command acts on. From the palette: the only candidate if there is one,
 * else a pick list with the focused incident first. `unacknowledged`: active ones nobody has
 * acknowledged yet (Acknowledge offers nothing it would refuse).
 */
export async function resolveIncident(incidents: IncidentsController, target: unknown, which: 'active' | 'unacknowledged' | 'resolved' | 'any', placeHolder: string): Promise<LoadedIncident> {
  const store = incidents.requireStore();
  const id = targetId(target);
  if (id) {
    const entry = store.get(id);
    if (!entry) throw new StoreError('notFound', `No readable incident ${id} in incidents/.`);
    return entry;
  }
  const candidates = which === 'active' ? incidents.active() : which === 'unacknowledged' ? incidents.active().filter((e) => !e.incident.acknowledgedAt)
    : which === 'resolved' ? incidents.resolved() : [...incidents.active(), ...incidents.resolved()];
  if (candidates.length === 0 && which === 'unacknowledged') {
    const acked = incidents.active().length;
    throw new ActionError('alreadyAcknowledged', `No incident is waiting for acknowledgement${acked ? `: ${acked === 1 ? 'the active one is' : `all ${acked} active ones are`} acknowledged` : ''}.`);
  }
  if (candidates.length === 0) {
    throw new StoreError('notFound', which === 'resolved' ? 'No resolved incident to pick.' : 'No active incident. Declare one first (Incident: Declare Incident).');
  }
  if (candidates.length === 1) return candidates[0];
  const focused = candidates.find((c) => c.id === incidents.focused()?.id);
  const ordered = focused ? [focused, ...candidates.filter((c) => c.id !== focused.id)] : candidates;
  const now = Date.now();
  const pick = await vscode.window.showQuickPick(ordered.map((e) => ({
    label: e.incident.title,
    description: `${e.incident.severity} · ${STATUS_LABELS[e.incident.status]} · ${formatDuration(now - Date.parse(e.incident.declaredAt))}`,
    detail: e.id,
    entry: e,
  })), { placeHolder, matchOnDetail: true });
  if (!pick) throw new Cancelled();
  return pick.entry;
}

/** Shows an input box; throws Cancelled on Escape. */
export async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) throw new Cancelled();
  return value;
}

/** Throws the validator's message as a refusal when an argument came from code, not the input box. */
export function checked(value: string, validate: (v: string) => string | undefined): string {
  const problem = validate(value);
  if (problem) throw new InvalidInput(problem);
  return value.trim();
}
