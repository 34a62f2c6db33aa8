// Key moments: the events someone starred for the post-mortem. Starring appends a `starred` event
// whose `data.ref` names the starred event, unstarring an `unstarred` one; the last of the two wins.
import type { TimelineEvent } from '../timeline/events';
import { eventKey } from '../incidents/replay';

// Until h2's eventRef lands: an event's own id, else its time and line hash.
function eventRef(e: TimelineEvent): string {
  const id = (e as { id?: unknown }).id;
  return typeof id === 'string' ? id : eventKey(e);
}

/** The starred events, in time order, as the timeline holds them now. */
export function starredEvents(events: readonly TimelineEvent[]): TimelineEvent[] {
  const state = new Map<string, boolean>();
  for (const e of events) {
    const ref = e.data?.ref;
    if (typeof ref !== 'string') continue;
    if (e.type === 'starred') state.set(ref, true);
    else if (e.type === 'unstarred') state.set(ref, false);
  }
  if (state.size === 0) return [];
  return events.filter((e) => e.type !== 'starred' && e.type !== 'unstarred' && state.get(eventRef(e)) === true);
}
