import type { TimelineEvent } from '../timeline/events';
import type { ParsedTimelineWithRefs } from '../timeline/timelineFile';
import { ActionError, timelineOnly, type Change } from './actions';
import type { Incident } from './model';

/** Why a star or unstar is refused, to branch on. */
export class KeyMomentError extends Error {
  constructor(readonly reason: 'unknownRef' | 'notStarrable', message: string) {
    super(message);
    this.name = 'KeyMomentError';
  }
  static is(e: unknown, reason?: KeyMomentError['reason']): e is KeyMomentError {
    return e instanceof KeyMomentError && (reason === undefined || e.reason === reason);
  }
}

const STAR_TYPES: ReadonlySet<string> = new Set(['starred', 'unstarred']);

function starRef(event: TimelineEvent): string | undefined {
  const ref = event.data?.ref;
  return STAR_TYPES.has(event.type) && typeof ref === 'string' ? ref : undefined;
}

/**
 * The refs (eventRef) of the events that are key moments now: for each ref the last `starred` or
 * `unstarred` wins, in the order given (parseTimeline's: time order, file order for equal times).
 */
export function starredRefs(events: readonly TimelineEvent[]): Set<string> {
  const starred = new Set<string>();
  for (const e of events) {
    const ref = starRef(e);
    if (ref === undefined) continue;
    if (e.type === 'starred') starred.add(ref);
    else starred.delete(ref);
  }
  return starred;
}

/** The event a ref points at in this timeline, or undefined. */
export function eventByRef(timeline: ParsedTimelineWithRefs, ref: string): TimelineEvent | undefined {
  const i = timeline.refs.indexOf(ref);
  return i < 0 ? undefined : timeline.events[i];
}

/** The events that can be starred (or unstarred): every event but the stars themselves, with their refs. */
export function starrable(timeline: ParsedTimelineWithRefs): { event: TimelineEvent; ref: string; starred: boolean }[] {
  const starred = starredRefs(timeline.events);
  return timeline.events.flatMap((event, i) => (STAR_TYPES.has(event.type) ? [] : [{ event, ref: timeline.refs[i], starred: starred.has(timeline.refs[i]) }]));
}

function excerpt(text: string): string {
  const line = text.split(/\r?\n/, 1)[0];
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * Marks (or unmarks) an event as a key moment for the post-mortem: a new event referencing it; the
 * timeline is never rewritten. Refuses a ref that is not in this timeline, a star of a star, and a
 * change that would change nothing.
 */
export function setKeyMoment(incident: Incident, timeline: ParsedTimelineWithRefs, ref: string, star: boolean, actor: string, ts: string): Change {
  const target = eventByRef(timeline, ref);
  if (!target) {
    throw new KeyMomentError('unknownRef', `No event ${JSON.stringify(ref)} on the timeline of "${incident.title}" (a ref is an event's id, or h: and a hash of its line).`);
  }
  if (STAR_TYPES.has(target.type)) throw new KeyMomentError('notStarrable', `That event is itself a ${target.type === 'starred' ? 'star' : 'unstar'}; star the event it points at instead.`);
  const isStarred = starredRefs(timeline.events).has(ref);
  if (star && isStarred) throw new ActionError('sameValue', `That event is already a key moment of "${incident.title}".`);
  if (!star && !isStarred) throw new ActionError('sameValue', `That event is not a key moment of "${incident.title}".`);
  const what = excerpt(target.text);
  return {
    event: { ts, type: star ? 'starred' : 'unstarred', actor, text: star ? `Starred as a key moment: ${what}` : `No longer a key moment: ${what}`, data: { ref } },
    apply: timelineOnly(),
  };
}
