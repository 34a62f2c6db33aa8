// Follow-ups: the open action items of every post-mortem (`incidents/*.md`), with when each is due.
// Pure: the Follow-ups view reads files and the calendar date and hands them here.
import { type ActionItem, parseActionItems } from './actionItems';
import { incidentIdOfPostmortem } from './draft';

export interface Followup {
  /** The post-mortem's file name in incidents/, e.g. `2026-11-20-checkout-502.md`. */
  readonly file: string;
  /** The post-mortem's title (front matter, else its first heading, else the file name). */
  readonly postmortem: string;
  /** The incident the post-mortem belongs to, when its name says so. */
  readonly incidentId: string | undefined;
  readonly item: ActionItem;
}

/** Where a follow-up's due date stands on a given day. */
export type DueState =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'later'; readonly days: number }
  | { readonly kind: 'today' }
  | { readonly kind: 'overdue'; readonly days: number };

const DAY_MS = 86_400_000;

/** The calendar date (YYYY-MM-DD) of `ms` where the user is: a due date names a day, not an instant. */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** How `due` (YYYY-MM-DD) stands on `today` (YYYY-MM-DD): overdue once the day has passed. */
export function dueState(due: string | undefined, today: string): DueState {
  if (!due) return { kind: 'none' };
  const days = dayNumber(due) - dayNumber(today);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(due) || Number.isNaN(days)) return { kind: 'invalid' };
  if (days < 0) return { kind: 'overdue', days: -days };
  return days === 0 ? { kind: 'today' } : { kind: 'later', days };
}

/** "overdue 3 days", "due today", "due in 5 days", "no due date". */
export function describeDue(state: DueState): string {
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  switch (state.kind) {
    case 'none': return 'no due date';
    case 'invalid': return 'due date unreadable';
    case 'today': return 'due today';
    case 'later': return state.days === 1 ? 'due tomorrow' : `due in ${days(state.days)}`;
    case 'overdue': return `overdue ${days(state.days)}`;
  }
}

/** The post-mortem's title: `title:` of its front matter, else its first `# ` heading, else the file name. */
export function postmortemTitle(text: string, file: string): string {
  const matter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  const fromMatter = matter && /^title:[ \t]*(.+?)[ \t]*$/m.exec(matter[1]);
  if (fromMatter) {
    const t = fromMatter[1].replace(/^(['"])(.*)\1$/, '$2').trim();
    if (t) return t;
  }
  const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(matter ? text.slice(matter[0].length) : text);
  return heading?.[1].replace(/^Post-mortem:\s*/i, '').trim() || file.replace(/\.md$/, '');
}

/** The open (unticked) action items of one post-mortem, in file order. */
export function openFollowups(file: string, text: string): Followup[] {
  const items = parseActionItems(text).filter((i) => !i.done);
  if (items.length === 0) return [];
  const postmortem = postmortemTitle(text, file);
  const incidentId = incidentIdOfPostmortem(file);
  return items.map((item) => ({ file, postmortem, incidentId, item }));
}

/** Rank for sorting: overdue first (most overdue first), then by due date, then undated ones. */
function urgency(f: Followup, today: string): number {
  const s = dueState(f.item.due, today);
  if (s.kind === 'overdue') return -s.days;
  if (s.kind === 'today') return 0;
  if (s.kind === 'later') return s.days;
  return Number.MAX_SAFE_INTEGER;
}

/** All follow-ups by due date (overdue first); ties by file and line. */
export function sortByDue(followups: readonly Followup[], today: string): Followup[] {
  return [...followups].sort((a, b) => urgency(a, today) - urgency(b, today) || a.file.localeCompare(b.file) || a.item.line - b.item.line);
}

export interface FollowupGroup {
  readonly file: string;
  readonly postmortem: string;
  /** In file order. */
  readonly items: readonly Followup[];
  readonly overdue: number;
}

/** Follow-ups grouped by post-mortem: the group with the most urgent item first, newest file on a tie. */
export function groupByPostmortem(followups: readonly Followup[], today: string): FollowupGroup[] {
  const byFile = new Map<string, Followup[]>();
  for (const f of followups) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const groups = [...byFile.values()].map((items) => {
    const sorted = [...items].sort((a, b) => a.item.line - b.item.line);
    return {
      file: sorted[0].file,
      postmortem: sorted[0].postmortem,
      items: sorted,
      overdue: sorted.filter((f) => dueState(f.item.due, today).kind === 'overdue').length,
      rank: Math.min(...sorted.map((f) => urgency(f, today))),
    };
  });
  groups.sort((a, b) => a.rank - b.rank || b.file.localeCompare(a.file));
  return groups.map(({ rank: _rank, ...g }) => g);
}
