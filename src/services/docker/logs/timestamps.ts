// The timestamps `docker logs --timestamps` puts in front of each line: RFC 3339 with nanoseconds
// (the daemon writes nine fraction digits and `Z`; fewer digits and offsets are accepted too).
import { DockerLogError } from './logErrors';

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;
/** The same, anchored where `lastIndex` is set, followed by the space. */
const TIMESTAMP_AT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) /y;

/** Longest accepted timestamp: 19 for the date and time, 10 for the fraction, 6 for an offset. */
export const MAX_TIMESTAMP_LENGTH = 35;

/** A point in time to nanosecond precision, comparable without losing digits to a float. */
export interface TimestampKey {
  readonly seconds: number;
  readonly nanos: number;
}

/** What the daemon writes, `2006-01-02T15:04:05.000000000Z`, is this long. */
const DOCKER_LENGTH = 30;

/**
 * Length of the timestamp that `text` has at `start` (a space follows it), or -1 when there is
 * none there (then the line is kept whole as text). The daemon's fixed-width form is recognised by
 * its separators alone: it starts every line, and checking each digit too would cost more than the
 * rest of the line's work. Any other RFC 3339 form goes through the full pattern.
 */
export function leadingTimestampLength(text: string, start = 0, end = text.length): number {
  if (end - start <= 20 || text.charCodeAt(start + 4) !== 45 /* - */ || text.charCodeAt(start + 10) !== 84 /* T */) return -1;
  if (
    end - start > DOCKER_LENGTH &&
    text.charCodeAt(start + 30) === 32 && // space
    text.charCodeAt(start + 29) === 90 && // Z
    text.charCodeAt(start + 19) === 46 && // .
    text.charCodeAt(start + 16) === 58 && // :
    text.charCodeAt(start + 13) === 58 && // :
    text.charCodeAt(start + 7) === 45 // -
  ) {
    return DOCKER_LENGTH;
  }
  TIMESTAMP_AT.lastIndex = start;
  if (!TIMESTAMP_AT.test(text) || TIMESTAMP_AT.lastIndex > end) return -1;
  return TIMESTAMP_AT.lastIndex - start - 1;
}

export function isTimestamp(value: string): boolean {
  return TIMESTAMP.test(value);
}

/** Parses an RFC 3339 timestamp; undefined when it is not one. */
export function timestampKey(timestamp: string): TimestampKey | undefined {
  const m = TIMESTAMP.exec(timestamp);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const nanos = m[2] === undefined ? 0 : Number(m[2].padEnd(9, '0'));
  return { seconds: ms / 1000, nanos };
}

export function compareTimestampKeys(a: TimestampKey, b: TimestampKey): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/**
 * The `since` parameter of the Docker logs API for a timestamp, to the nanosecond
 * (`<unix seconds>.<9 digits>`). The daemon returns entries at or after it, so the lines at exactly
 * this time come again and the pipeline's resume rule drops the ones already shown.
 */
export function toDockerSince(timestamp: string): string {
  const key = timestampKey(timestamp);
  if (!key) throw new DockerLogError('badTimestamp', `Not an RFC 3339 timestamp: ${timestamp}`);
  return `${key.seconds}.${String(key.nanos).padStart(9, '0')}`;
}
