// Action items of a post-mortem: one syntax, read by the post-mortem editor, the Follow-ups view
// and `incident-desk check`, written so it reads well in a pull request:
//   - [ ] <what> (owner: <name>, due: YYYY-MM-DD, type: mitigate|prevent|process)
// Pure: works on the text, edits are the smallest change that does the job.

export const ACTION_TYPES = ['mitigate', 'prevent', 'process'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface ActionItemFields {
  done: boolean;
  /** What is to be done (the text before the parenthesis). */
  what: string;
  owner?: string;
  /** YYYY-MM-DD, as written (check `problems` for an invalid one). */
  due?: string;
  type?: ActionType;
}

export interface ActionItem extends ActionItemFields {
  /** 1-based line in the file. */
  line: number;
  /** 1-based column of the box's inner character (` ` or `x`), for a toggle edit. */
  boxColumn: number;
  /** The line as written, without its line ending. */
  raw: string;
  /** What is wrong with the item (missing owner, a date that does not exist…); empty when fine. */
  problems: ActionItemProblem[];
}

export interface ActionItemProblem {
  /** 1-based column where the problem is. */
  column: number;
  message: string;
  /** Missing owner or due date: what `check` fails on. */
  kind: 'missingOwner' | 'missingDue' | 'badDue' | 'badType' | 'unknownField' | 'emptyWhat';
}

/** Headings under which task lines are action items (any level, case-insensitive). */
const SECTION = /^\s{0,3}(#{1,6})\s+(action items|follow[- ]ups)\s*#*\s*$/i;
const HEADING = /^\s{0,3}(#{1,6})\s/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const TASK = /^(\s*[-*+]\s+\[)([ xX])(\]\s+)(.*)$/;
const META = /\(([^()]*)\)\s*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** Splits the text into lines without their endings (`\n` or `\r\n`). */
function lines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Reads one task line (`- [ ] …`); undefined when the line is not a task. `line` is its 1-based
 * line number, used in the result.
 */
export function parseActionItemLine(raw: string, line: number): ActionItem | undefined {
  const m = TASK.exec(raw);
  if (!m) return undefined;
  const [, before, box, after, rest] = m;
  const restColumn = before.length + 1 + after.length + 1;
  const item: ActionItem = { line, boxColumn: before.length + 1, raw, done: box !== ' ', what: rest.trim(), problems: [] };
  const meta = META.exec(rest);
  if (meta && /\b(owner|due|type)\s*:/i.test(meta[1])) {
    item.what = rest.slice(0, meta.index).trim();
    let column = restColumn + meta.index + 1;
    for (const part of meta[1].split(',')) {
      const partColumn = column + (part.length - part.trimStart().length);
      column += part.length + 1;
      if (!part.trim()) continue;
      const colon = part.indexOf(':');
      const key = (colon < 0 ? part : part.slice(0, colon)).trim().toLowerCase();
      const value = colon < 0 ? '' : part.slice(colon + 1).trim();
      if (key === 'owner' && value) item.owner = value;
      else if (key === 'due' && value) {
        item.due = value;
        if (!isIsoDate(value)) item.problems.push({ column: partColumn, kind: 'badDue', message: `due date "${value}" is not a date written YYYY-MM-DD` });
      } else if (key === 'type' && value) {
        if ((ACTION_TYPES as readonly string[]).includes(value.toLowerCase())) item.type = value.toLowerCase() as ActionType;
        else item.problems.push({ column: partColumn, kind: 'badType', message: `type "${value}" is not one of ${ACTION_TYPES.join(', ')}` });
      } else if (key !== 'owner' && key !== 'due' && key !== 'type') {
        item.problems.push({ column: partColumn, kind: 'unknownField', message: `unknown field "${key}" (expected owner, due, type)` });
      }
    }
  }
  if (!item.what) item.problems.push({ column: restColumn, kind: 'emptyWhat', message: 'the action item does not say what is to be done' });
  if (!item.owner) item.problems.push({ column: restColumn, kind: 'missingOwner', message: 'action item has no owner (owner: <name>)' });
  if (!item.due) item.problems.push({ column: restColumn, kind: 'missingDue', message: 'action item has no due date (due: YYYY-MM-DD)' });
  return item;
}

/**
 * The action items of a post-mortem: task lines in its "Action items" (or "Follow-ups") section,
 * up to the next heading of the same or a higher level. Task lines in code blocks are examples,
 * not items.
 */
export function parseActionItems(text: string): ActionItem[] {
  const items: ActionItem[] = [];
  let sectionLevel = 0;
  let fence: string | undefined;
  lines(text).forEach((raw, i) => {
    const f = FENCE.exec(raw);
    if (fence !== undefined) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && raw.trim() === f[1]) fence = undefined;
      return;
    }
    if (f) { fence = f[1]; return; }
    const h = HEADING.exec(raw);
    if (h) {
      const level = h[1].length;
      if (SECTION.test(raw)) sectionLevel = level;
      else if (sectionLevel && level <= sectionLevel) sectionLevel = 0;
      return;
    }
    if (!sectionLevel) return;
    const item = parseActionItemLine(raw, i + 1);
    if (item) items.push(item);
  });
  return items;
}

/** One action item as a line (no line ending), in the one syntax. */
export function formatActionItem(item: ActionItemFields): string {
  const meta = [item.owner ? `owner: ${item.owner}` : '', item.due ? `due: ${item.due}` : '', item.type ? `type: ${item.type}` : ''].filter(Boolean);
  return `- [${item.done ? 'x' : ' '}] ${item.what.replace(/\s+/g, ' ').trim()}${meta.length ? ` (${meta.join(', ')})` : ''}`;
}

/** A replacement of `length` characters at `offset` (0-based, in UTF-16 code units as JS strings count). */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
  /** 1-based line and column of `offset`, for editors that address by position. */
  line: number;
  column: number;
}

/**
 * The minimal edit that ticks (or unticks) the action item on `line`: the one character inside
 * its box. Undefined when that line is not a task line or is already in the wanted state.
 * `done` defaults to the opposite of the current state.
 */
export function toggleActionItemEdit(text: string, line: number, done?: boolean): TextEdit | undefined {
  let offset = 0;
  let current = 1;
  while (current < line) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return undefined;
    offset = nl + 1;
    current++;
  }
  const nl = text.indexOf('\n', offset);
  let raw = text.slice(offset, nl < 0 ? text.length : nl);
  if (raw.endsWith('\r')) raw = raw.slice(0, -1);
  const item = parseActionItemLine(raw, line);
  if (!item) return undefined;
  const want = done ?? !item.done;
  if (want === item.done) return undefined;
  return { offset: offset + item.boxColumn - 1, length: 1, newText: want ? 'x' : ' ', line, column: item.boxColumn };
}

/** Applies an edit to the text. */
export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.offset) + edit.newText + text.slice(edit.offset + edit.length);
}
