import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_TIMELINE_BYTES } from '../../core/incidents/incidentLoader';
import { KeyMomentError, setKeyMoment, starrable } from '../../core/incidents/keyMoments';
import { readFileNoFollow } from '../../core/util/fsSafe';
import { TIMELINE_FILE, parseTimelineWithRefs } from '../../core/timeline/timelineFile';
import { isoNow } from '../../core/util/time';
import { Cancelled, InvalidInput, type CommandContext } from '../commandRunner';
import { resolveIncident } from './incidentArgs';

/** What the timeline view passes: the incident and the event's ref (eventRef). */
interface KeyMomentArgs { incidentId: string; ref: string }

function keyMomentArgs(target: unknown): KeyMomentArgs | undefined {
  if (!target || typeof target !== 'object') return undefined;
  const t = target as Record<string, unknown>;
  return typeof t.incidentId === 'string' && typeof t.ref === 'string' ? { incidentId: t.incidentId, ref: t.ref } : undefined;
}

/**
 * Star or Unstar Event: appends a `starred` / `unstarred` event pointing at another one. Given
 * `{ incidentId, ref }` it writes at once; from the palette it asks for the incident, then the event
 * in a pick list (for Unstar: the starred ones). Resolves to the new event's id.
 */
export async function setKeyMomentCommand({ incidents, notices }: CommandContext, target: unknown, star: boolean): Promise<string | undefined> {
  const given = keyMomentArgs(target);
  const entry = await resolveIncident(incidents, given?.incidentId ?? target, 'any', star ? 'Star an event of which incident?' : 'Unstar an event of which incident?');
  // Read now, not from the last refresh: the event may have been written a moment ago by another window.
  const buf = await readFileNoFollow(path.join(entry.dir, TIMELINE_FILE), MAX_TIMELINE_BYTES);
  const timeline = parseTimelineWithRefs(buf ?? Buffer.alloc(0));
  const ref = given?.ref ?? (await pickEvent(timeline, star, entry.incident.title));
  let change;
  try {
    change = setKeyMoment(entry.incident, timeline, ref, star, await incidents.actor(), isoNow());
  } catch (e) {
    if (KeyMomentError.is(e)) throw new InvalidInput(e.message);
    throw e;
  }
  await incidents.requireStore().record(entry.id, change);
  notices.status(star ? `$(star-full) Key moment starred on "${entry.incident.title}"` : `$(star-empty) Key moment unstarred on "${entry.incident.title}"`);
  return change.event.id;
}

async function pickEvent(timeline: ReturnType<typeof parseTimelineWithRefs>, star: boolean, title: string): Promise<string> {
  const candidates = starrable(timeline).filter((c) => c.starred !== star).reverse();
  if (candidates.length === 0) {
    throw new InvalidInput(star ? `Every event of "${title}" is already a key moment.` : `"${title}" has no starred key moment.`);
  }
  const pick = await vscode.window.showQuickPick(candidates.map((c) => ({
    label: `${c.starred ? '$(star-full) ' : ''}${c.event.text.split(/\r?\n/, 1)[0]}`,
    description: `${c.event.type} · ${c.event.actor}`,
    detail: new Date(c.event.ts).toLocaleString(),
    ref: c.ref,
  })), { placeHolder: star ? 'Star which event as a key moment? (latest first)' : 'Unstar which key moment?', matchOnDescription: true });
  if (!pick) throw new Cancelled();
  return pick.ref;
}
