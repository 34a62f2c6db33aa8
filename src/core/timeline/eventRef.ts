import * as crypto from 'node:crypto';
import type { TimelineEvent } from './events';

/** Crockford's base32 (no I, L, O, U), as ULIDs spell it. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const MAX_TIME = 2 ** 48 - 1;

function randomDigits(): number[] {
  // 80 random bits as 16 five-bit digits.
  const bytes = crypto.randomBytes(10);
  const digits: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      digits.push((acc >> bits) & 31);
    }
    acc &= (1 << bits) - 1;
  }
  return digits;
}

/** Adds one to the random part; false when it was all ones (2^80 ids in one millisecond). */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i]++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

/**
 * Makes ULIDs (26 characters of Crockford base32, the first 10 the time in ms) that sort in the
 * order they were made: ids in the same millisecond count up from the last one, and a clock that
 * steps back keeps the last time.
 */
export class EventIdGenerator {
  private lastTime = -1;
  private lastRandom: number[] = [];

  next(now: number = Date.now()): string {
    let time = Math.min(Math.max(0, Math.floor(now)), MAX_TIME);
    if (time <= this.lastTime) {
      time = this.lastTime;
      if (!increment(this.lastRandom)) {
        time = Math.min(this.lastTime + 1, MAX_TIME);
        this.lastRandom = randomDigits();
      }
    } else {
      this.lastRandom = randomDigits();
    }
    this.lastTime = time;
    let head = '';
    for (let i = 0, t = time; i < TIME_CHARS; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
    return head + this.lastRandom.map((d) => CROCKFORD[d]).join('');
  }
}

/** One per process, so every id this process writes sorts after the ones it wrote before. */
const shared = new EventIdGenerator();

/** A new event id (a ULID at `now`), time-ordered with every other id made by this process. */
export function newEventId(now: number = Date.now()): string {
  return shared.next(now);
}

const ULID = new RegExp(`^[0-7][${CROCKFORD}]{${TIME_CHARS + RANDOM_CHARS - 1}}$`);

export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && ULID.test(value);
}

/** The time an id was made (ms since the epoch), or undefined for anything that is not one. */
export function eventIdTime(id: string): number | undefined {
  if (!isEventId(id)) return undefined;
  let t = 0;
  for (const c of id.slice(0, TIME_CHARS)) t = t * 32 + CROCKFORD.indexOf(c);
  return t;
}

/** Prefix of a reference made from an old event's line rather than its id. */
export const LINE_REF_PREFIX = 'h:';

/**
 * How other events (a star) point at this one: its `id`, or for an event written before ids
 * existed, `h:` and 16 hex digits of the sha256 of its line in timeline.jsonl (without the line
 * end). A git union merge moves lines but never changes their text, so the reference survives it.
 */
export function eventRef(event: TimelineEvent, rawLine: string): string {
  if (typeof event.id === 'string' && event.id !== '') return event.id;
  return lineRef(rawLine);
}

/**
 * One-shot sha256 (Node ≥ 20.12): no Hash object per line, which is most of the cost of hashing a
 * 10,000-line timeline (npm run bench -- postmortem, the old-timeline case). Older hosts use createHash.
 */
const sha256Hex: (text: string) => string = typeof (crypto as { hash?: unknown }).hash === 'function'
  ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: 'hex'): string }).hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

export function lineRef(rawLine: string): string {
  const line = rawLine.endsWith('\n') ? rawLine.slice(0, -1) : rawLine;
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return LINE_REF_PREFIX + sha256Hex(text).slice(0, 16);
}
