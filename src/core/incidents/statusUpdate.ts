import { formatDuration, utcClock } from '../util/time';
import { ROLE_LABELS, STATUS_LABELS, type Incident } from './model';
import type { SeverityLevel } from '../severity/policy';
import type { TimelineEvent } from '../timeline/events';

/** How many of the notes since the last update go in: enough for context, short enough for a chat or status page. */
export const MAX_NOTES = 3;

export type UpdateKind = 'initial' | 'update' | 'resolved';

export const UPDATE_KIND_LABELS: Record<UpdateKind, string> = {
  initial: 'Initial notification',
  update: 'Progress update',
  resolved: 'Resolution notice',
};

/** What a status page says at each stage, in the plain wording teams post. */
const STATUS_SENTENCE: Record<Incident['status'], string> = {
  investigating: 'We are investigating the issue and will share more as soon as we know it.',
  identified: 'The cause has been identified and a fix is being put in place.',
  monitoring: 'A fix has been applied and we are monitoring the results.',
  resolved: 'This incident has been resolved.',
};

/** The kind that fits the incident now: initial before any update went out, resolved at the end. */
export function suggestedKind(incident: Incident): UpdateKind {
  if (incident.status === 'resolved') return 'resolved';
  return incident.lastUpdateAt ? 'update' : 'initial';
}

/** One line of text as the user wrote it, for a one-line-per-item message. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * What the people working the incident wrote that a reader of the update needs: the note of the
 * latest status change (or resolution, or reopening), and the notes added since the last update
 * went out (the latest MAX_NOTES of them). Only text the user typed; automatic events add nothing.
 */
export function userWords(events: readonly TimelineEvent[]): { statusNote?: { label: string; text: string; ts: string }; notes: TimelineEvent[]; moreNotes: number } {
  let statusNote: { label: string; text: string; ts: string } | undefined;
  let sinceUpdate: TimelineEvent[] = [];
  for (const e of events) {
    if (e.type === 'status_update') sinceUpdate = [];
    else if (e.type === 'note' && oneLine(e.text)) sinceUpdate.push(e);
    else if (e.type === 'status_changed' || e.type === 'resolved' || e.type === 'reopened') {
      const note = e.data?.note ?? e.data?.reason;
      const label = e.type === 'resolved' ? 'Resolution' : e.type === 'reopened' ? 'Reopened' : 'Latest';
      statusNote = typeof note === 'string' && oneLine(note) ? { label, text: oneLine(note), ts: e.ts } : undefined;
    }
  }
  return { statusNote, notes: sinceUpdate.slice(-MAX_NOTES), moreNotes: Math.max(0, sinceUpdate.length - MAX_NOTES) };
}

/**
 * A status update ready to paste into a status page, chat or e-mail. Only facts from the record go
 * in; nothing is invented (no ETA unless the cadence gives the next update time). With the
 * timeline's `events`: the latest status note and the notes since the last update (userWords).
 */
export function renderStatusUpdate(incident: Incident, kind: UpdateKind, level: SeverityLevel | undefined, nowMs: number, events: readonly TimelineEvent[] = []): string {
  const affected = incident.service ? incident.service : 'some of our services';
  const impact = incident.summary ? incident.summary : undefined;
  const lines: string[] = [];
  const sev = level ? `${incident.severity} ${level.label}` : incident.severity;
  const nextUpdate = level ? utcClock(new Date(nowMs + level.updateMinutes * 60_000).toISOString()) : undefined;
  if (kind === 'initial') {
    lines.push(`[${sev}] Investigating: ${incident.title}`);
    lines.push(`We are aware of an issue affecting ${affected} and are investigating.${impact ? ` Impact: ${impact}` : ''}`);
    lines.push(`Started: ${utcClock(incident.declaredAt)}.${nextUpdate ? ` Next update by ${nextUpdate}.` : ''}`);
  } else if (kind === 'update') {
    lines.push(`[${sev}] ${STATUS_LABELS[incident.status]}: ${incident.title}`);
    lines.push(`${STATUS_SENTENCE[incident.status]}${impact ? ` Impact: ${impact}` : ''}`);
    lines.push(`Affected: ${affected}. Ongoing for ${formatDuration(nowMs - Date.parse(incident.declaredAt))}.${nextUpdate && incident.status !== 'resolved' ? ` Next update by ${nextUpdate}.` : ''}`);
  } else {
    const end = incident.resolvedAt ?? new Date(nowMs).toISOString();
    lines.push(`[${sev}] Resolved: ${incident.title}`);
    lines.push(`${STATUS_SENTENCE.resolved} ${affected[0].toUpperCase()}${affected.slice(1)} ${incident.service ? 'is' : 'are'} operating normally.`);
    lines.push(`Duration: ${formatDuration(Date.parse(end) - Date.parse(incident.declaredAt))} (${utcClock(incident.declaredAt)} to ${utcClock(end)}). A post-incident review will follow.`);
  }
  const words = userWords(events);
  if (words.statusNote) lines.splice(2, 0, `${words.statusNote.label}: ${words.statusNote.text} (${utcClock(words.statusNote.ts)})`);
  if (words.notes.length) {
    lines.push(`Notes since the last update${words.moreNotes ? ` (latest ${words.notes.length} of ${words.notes.length + words.moreNotes})` : ''}:`);
    for (const n of words.notes) lines.push(`- ${utcClock(n.ts)} ${oneLine(n.text)}`);
  }
  const commander = incident.roles.commander;
  if (commander) lines.push(`${ROLE_LABELS.commander}: ${commander}`);
  return lines.join('\n');
}
