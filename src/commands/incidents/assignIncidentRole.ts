import * as vscode from 'vscode';
import { assignRole } from '../../core/incidents/actions';
import { KNOWN_ROLES, ROLE_LABELS } from '../../core/incidents/model';
import { validateText } from '../../core/incidents/validate';
import { isoNow } from '../../core/util/time';
import { Cancelled, InvalidInput, type CommandDefinition } from '../commandRunner';
import { ask, checked, resolveIncident } from './incidentArgs';

const ROLE_KEY = /^[a-z][a-z0-9_]{0,31}$/;

/** Assign Role: commander, tech lead, comms lead, scribe (or a role of the team's own). */
export const assignIncidentRole: CommandDefinition = {
  id: 'incidentDesk.incident.assignRole',
  async run({ incidents }, target?: unknown, role?: unknown, person?: unknown) {
    const entry = await resolveIncident(incidents, target, 'active', 'Assign a role on which incident?');
    let key: string;
    if (typeof role === 'string') {
      if (!ROLE_KEY.test(role)) throw new InvalidInput(`Role "${role}" must be lowercase letters, digits or _ (e.g. commander).`);
      key = role;
    } else {
      const items = KNOWN_ROLES.map((r) => ({ label: ROLE_LABELS[r], description: entry.incident.roles[r] ? `now ${entry.incident.roles[r]}` : 'unassigned', key: r as string }));
      const pick = await vscode.window.showQuickPick(items, { title: `Assign Role: ${entry.incident.title}`, placeHolder: 'Which role?' });
      if (!pick) throw new Cancelled();
      key = pick.key;
    }
    const check = (v: string) => validateText(v, 'name', { multiline: false, max: 100 });
    const name = typeof person === 'string' ? checked(person, check)
      : (await ask({ title: `${ROLE_LABELS[key] ?? key}: who?`, prompt: 'Name of the person taking this role', value: key === 'commander' && !entry.incident.roles.commander ? await incidents.actor() : entry.incident.roles[key], validateInput: check })).trim();
    await incidents.requireStore().record(entry.id, assignRole(entry.incident, key, name, await incidents.actor(), isoNow()));
  },
};
