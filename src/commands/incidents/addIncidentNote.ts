import { addNote } from '../../core/incidents/actions';
import { validateText } from '../../core/incidents/validate';
import { parseOccurredAt } from '../../core/timeline/occurredAt';
import { isoNow } from '../../core/util/time';
import { InvalidInput, type CommandDefinition } from '../commandRunner';
import { ask, checked, resolveIncident } from './incidentArgs';

/** What the timeline view (and other code) passes: no prompt is shown. */
interface NoteArgs { incidentId: string; text: string; occurredAt?: string }

function noteArgs(target: unknown): NoteArgs | undefined {
  if (!target || typeof target !== 'object') return undefined;
  const t = target as Record<string, unknown>;
  if (typeof t.incidentId !== 'string' || typeof t.text !== 'string') return undefined;
  if (t.occurredAt !== undefined && typeof t.occurredAt !== 'string') throw new InvalidInput('occurredAt must be a time as text (e.g. 14:05, -20m or an ISO time).');
  return { incidentId: t.incidentId, text: t.text, occurredAt: t.occurredAt as string | undefined };
}

/**
 * Add Note: a line on the timeline (what was tried, what was seen). Works on resolved incidents too.
 * Arguments: (incident, text) or ({ incidentId, text, occurredAt? }); from the palette it asks for
 * the text, then optionally when it happened, if earlier than now.
 */
export const addIncidentNote: CommandDefinition = {
  id: 'incidentDesk.incident.addNote',
  async run({ incidents, notices }, target?: unknown, text?: unknown) {
    const given = noteArgs(target);
    const entry = await resolveIncident(incidents, given?.incidentId ?? target, 'any', 'Add a note to which incident?');
    const check = (v: string) => validateText(v, 'note');
    const rawText = given?.text ?? text;
    const note = typeof rawText === 'string' ? checked(rawText, check) : (await ask({ title: `Note: ${entry.incident.title}`, prompt: 'What happened or what you found', validateInput: check })).trim();
    const when = (v: string) => parseOccurredAt(v, Date.now(), entry.incident.declaredAt);
    let occurred: string | undefined;
    if (given) {
      const parsed = when(given.occurredAt ?? '');
      if (parsed && !parsed.ok) throw new InvalidInput(parsed.message);
      occurred = parsed?.iso;
    } else if (typeof rawText !== 'string') {
      const answer = await ask({
        title: `Note: ${entry.incident.title}`,
        prompt: 'When did it happen? Leave empty for now; or 14:05, 2026-12-02 14:05, -20m (local time)',
        placeHolder: 'now',
        validateInput: (v) => { const p = when(v); return p && !p.ok ? p.message : undefined; },
      });
      const parsed = when(answer);
      if (parsed && !parsed.ok) throw new InvalidInput(parsed.message);
      occurred = parsed?.iso;
    }
    const change = addNote(entry.incident, note, await incidents.actor(), isoNow(), occurred);
    await incidents.requireStore().record(entry.id, change);
    // Only once the note is on disk: a refused write throws above and says so instead.
    notices.status(`$(note) Note added to "${entry.incident.title}"${occurred ? ' (backdated)' : ''}`);
    return change.event.id;
  },
};
