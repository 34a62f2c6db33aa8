import type { EventType } from './eventTypes';

/** One line of `timeline.jsonl`. Unknown types and extra fields from newer versions are kept as read. */
export interface TimelineEvent {
  /**
   * A ULID given when the event is written (newEventId); events written before ids existed have
   * none and are referenced by a hash of their line instead (eventRef).
   */
  id?: string;
  /** ISO-8601 UTC with milliseconds: when the event was written. */
  ts: string;
  type: EventType | string;
  /** Who did it (a person's name, or `incident-desk` for automatic events such as escalations). */
  actor: string;
  /** One readable sentence; what a reader of the raw file or the timeline view sees. */
  text: string;
  /** Structured details, per type. */
  data?: Record<string, unknown>;
}

export const SYSTEM_ACTOR = 'incident-desk';

/** Why a line of the timeline could not be read. */
export interface TimelineProblem {
  /** 1-based line and column in timeline.jsonl. */
  line: number;
  column: number;
  message: string;
  /** True for the last line without a newline: a write cut short by a crash. */
  torn: boolean;
  /** The raw text of the line, kept so nothing is lost. */
  raw: string;
  /** Byte offset of the line start (identifies it across reloads). */
  offset: number;
}

export function isTimelineEvent(value: unknown): value is TimelineEvent {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.ts === 'string' && typeof v.type === 'string' && typeof v.actor === 'string' && typeof v.text === 'string' &&
    (v.data === undefined || (typeof v.data === 'object' && v.data !== null && !Array.isArray(v.data)));
}
