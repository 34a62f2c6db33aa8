// The references of starred events that point at old events by a hash of their line (`h:`): the
// loaded events do not keep their lines, so the timeline file is read again for those alone.
import * as path from 'node:path';
import { MAX_TIMELINE_BYTES } from '../incidents/incidentLoader';
import { starredRefs } from '../incidents/keyMoments';
import type { TimelineEvent } from './events';
import { LINE_REF_PREFIX, lineRef } from './eventRef';
import { TIMELINE_FILE, serializeEvent } from './timelineFile';
import { readFileNoFollow } from '../util/fsSafe';

/**
 * A line whose last member is a non-empty string `id` (how serializeEvent writes every event since
 * ids exist): its event is referenced by that id, never by a hash of the line, so it is not hashed.
 * An unescaped `"` cannot occur inside a JSON string, so the match is the object's own last member.
 */
const ENDS_WITH_ID = /"id":"[^"\\]+"}$/;

/**
 * Each event's ref, for key moments: its id, or, for an old event without one that a star names
 * by a hash of its line (`h:`), that hash. Only the raw file has the line, so it is read again
 * then; lines are hashed, not parsed again, and only a line a star names is parsed, to find its
 * event. Refs of events nobody starred by line are left empty.
 */
export async function eventsWithRefs(dir: string, events: TimelineEvent[]): Promise<{ events: TimelineEvent[]; refs?: string[] }> {
  const wanted = new Set([...starredRefs(events)].filter((r) => r.startsWith(LINE_REF_PREFIX)));
  if (wanted.size === 0) return { events };
  const buf = await readFileNoFollow(path.join(dir, TIMELINE_FILE), MAX_TIMELINE_BYTES);
  if (!buf) return { events };
  const refs = events.map((e) => (typeof e.id === 'string' ? e.id : ''));
  for (let line of buf.toString('utf8').split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (!line.trim() || ENDS_WITH_ID.test(line)) continue;
    const ref = lineRef(line);
    if (!wanted.has(ref)) continue;
    try {
      // The same event, read from the same line (the first with that serialisation and no ref yet).
      const read = JSON.parse(line) as TimelineEvent;
      const key = serializeEvent(read);
      const i = events.findIndex((e, j) => !refs[j] && e.ts === read.ts && serializeEvent(e) === key);
      if (i >= 0) refs[i] = ref;
    } catch {
      // a damaged line is not an event: nothing to star
    }
  }
  return { events, refs };
}
