// What Incident Desk fills into a post-mortem's generated regions, from the record and the
// timeline. Each region is plain markdown lists; text people typed (notes, titles, step names) is
// put on one line and cannot close a region or open an HTML comment.
import { computeMilestones, type Milestones, type TargetState } from '../incidents/milestones';
import { ROLE_LABELS, type Incident } from '../incidents/model';
import type { SeverityLevel } from '../severity/policy';
import type { TimelineEvent } from '../timeline/events';
import { formatDuration, utcMinute } from '../util/time';
import { starredRefs } from '../incidents/keyMoments';

/** The generated regions, in the order they appear in a draft. */
export const REGION_NAMES = ['overview', 'key-moments', 'response', 'runbook-steps'] as const;
export type RegionName = (typeof REGION_NAMES)[number];

export interface GenerateOptions {
  /** The incident's severity level in the policy; undefined when the policy does not know it. */
  level: SeverityLevel | undefined;
  /** Epoch ms: the end of an active incident's duration. */
  now: number;
  /**
   * `refs[i]` is how stars reference `events[i]` (parseTimelineWithRefs). Without it an event is
   * found by its `id` only, so a star of an old event without one (an `h:` line hash) is not.
   */
  refs?: readonly string[];
}

/** The starred events (key moments), in timeline order; the stars themselves are not moments. */
export function starredEvents(events: readonly TimelineEvent[], refs?: readonly string[]): TimelineEvent[] {
  const starred = starredRefs(events);
  if (starred.size === 0) return [];
  return events.filter((e, i) => e.type !== 'starred' && e.type !== 'unstarred' && starred.has(refs?.[i] ?? e.id ?? ''));
}

/** Whitespace other than single inner spaces, or a comment marker: what safeInline rewrites. */
const NEEDS_CLEANING = /[^\S ]| {2}|^ | $|<!--|-->/;

/** One line of untrusted text, safe inside a markdown list item and a generated region. */
export function safeInline(text: string): string {
  // Most text is already one clean line: skip the four passes (thousands of calls in a long draft).
  if (!NEEDS_CLEANING.test(text)) return text;
  return text.replace(/\s+/g, ' ').trim().replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');
}

function tPlus(declared: number, iso: string): string {
  const ms = Date.parse(iso) - declared;
  return ms < 0 ? `T-${formatDuration(-ms)}` : `T+${formatDuration(ms)}`;
}

const STATE: Record<TargetState, string> = { met: 'met', missed: 'missed', pending: 'not over yet' };

function dur(ms: number | null): string {
  return ms === null ? 'not reached' : formatDuration(ms);
}

function overview(incident: Incident, m: Milestones, level: SeverityLevel | undefined): string[] {
  const roles = Object.entries(incident.roles).map(([k, who]) => `${ROLE_LABELS[k] ?? k}: ${safeInline(who)}`);
  return [
    `- **Severity:** ${safeInline(incident.severity)}${level ? ` (${safeInline(level.label)})` : ' (not in the severity policy)'}`,
    `- **Service:** ${incident.service ? safeInline(incident.service) : 'not set'}`,
    `- **Declared:** ${utcMinute(m.declaredAt)}${incident.declaredBy ? ` by ${safeInline(incident.declaredBy)}` : ''}`,
    `- **Resolved:** ${m.resolvedAt ? utcMinute(m.resolvedAt) : 'not yet'}`,
    `- **Duration:** ${formatDuration(m.durationMs)}${m.resolvedAt ? '' : ' so far'}`,
    `- **Roles:** ${roles.length ? roles.join('; ') : 'none assigned'}`,
  ];
}

function response(m: Milestones, level: SeverityLevel | undefined): string[] {
  const out = [
    `- **Time to acknowledge:** ${dur(m.toAcknowledgeMs)}`,
    `- **Time to mitigate:** ${dur(m.toMitigateMs)}`,
    `- **Time to resolve:** ${dur(m.toResolveMs)}`,
  ];
  if (m.acknowledgement && m.updateCadence) {
    const a = m.acknowledgement;
    out.push(`- **Acknowledgement target (${formatDuration(a.targetMinutes * 60_000)}):** ${STATE[a.state]}${a.afterMs !== null && a.state === 'missed' ? ` by ${formatDuration(a.afterMs - a.targetMinutes * 60_000)}` : ''}`);
    const c = m.updateCadence;
    const gaps = c.missed.length ? `; ${c.missed.length} gap${c.missed.length === 1 ? '' : 's'} over the cadence, longest ${formatDuration(c.longestGapMs)}` : '';
    out.push(`- **Update cadence (every ${formatDuration(c.targetMinutes * 60_000)}):** ${STATE[c.state]}, ${c.updates} update${c.updates === 1 ? '' : 's'} while active${gaps}`);
  } else {
    out.push(`- **Targets:** unknown (${level ? 'no targets' : 'severity not in the policy'})`);
  }
  if (m.escalations.length === 0) out.push('- **Escalation steps reached:** none');
  else {
    out.push('- **Escalation steps reached:**');
    for (const e of m.escalations) out.push(`  - ${safeInline(e.notify)} (${e.afterMinutes ? `after ${formatDuration(e.afterMinutes * 60_000)}` : 'from the start'})${e.at ? ` at ${utcMinute(e.at)}` : ''}`);
  }
  return out;
}

const MILESTONE_LABEL = { declared: 'Declared', acknowledged: 'Acknowledged', mitigated: 'Mitigated', resolved: 'Resolved' } as const;

function keyMoments(events: readonly TimelineEvent[], refs: readonly string[] | undefined, m: Milestones): string[] {
  const declared = Date.parse(m.declaredAt);
  const rows: Array<{ ts: string; line: string }> = m.reached.map((r) => ({ ts: r.at, line: `**${MILESTONE_LABEL[r.kind]}**` }));
  for (const e of starredEvents(events, refs)) rows.push({ ts: e.ts, line: `${safeInline(e.text)}${e.actor ? ` (${safeInline(e.actor)})` : ''}` });
  rows.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return rows.map((r) => `- ${tPlus(declared, r.ts)} · ${utcMinute(r.ts)} · ${r.line}`);
}

interface StepRun {
  started: TimelineEvent;
  finished?: TimelineEvent;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function outcome(finished: TimelineEvent | undefined): string {
  if (!finished) return 'no result recorded';
  const d = finished.data ?? {};
  const code = d.exitCode;
  let out = code === 0 ? 'succeeded (exit 0)' : typeof code === 'number' ? `failed (exit ${code})` : `outcome unknown${str(d.unknown) ? ` (${safeInline(str(d.unknown))})` : ''}`;
  const expect = d.expect as { pattern?: unknown; met?: unknown } | undefined;
  if (expect && typeof expect.pattern === 'string') out += expect.met === true ? `; saw "${safeInline(expect.pattern)}"` : expect.met === false ? `; did not see "${safeInline(expect.pattern)}"` : '';
  return out;
}

function runbookSteps(events: readonly TimelineEvent[]): string[] {
  const runs = new Map<string, StepRun>();
  const order: Array<StepRun | TimelineEvent> = [];
  for (const e of events) {
    if (e.type !== 'runbook_step_started' && e.type !== 'runbook_step_finished' && e.type !== 'runbook_step_done') continue;
    const runId = str(e.data?.runId);
    if (e.type === 'runbook_step_started') {
      const run = { started: e };
      if (runId) runs.set(runId, run);
      order.push(run);
    } else if (e.type === 'runbook_step_finished') {
      const run = runId ? runs.get(runId) : undefined;
      if (run) run.finished = e;
      else order.push({ started: e, finished: e });
    } else if (e.type === 'runbook_step_done') order.push(e);
  }
  if (order.length === 0) return ['- No runbook steps were run or marked done from Incident Desk.'];
  return order.map((o) => {
    const ev = 'started' in o ? o.started : o;
    const d = ev.data ?? {};
    const where = [str(d.runbookTitle), str(d.section)].filter(Boolean).map(safeInline).join(' › ');
    const step = `"${safeInline(str(d.step) || ev.text)}"${where ? ` (${where})` : ''}`;
    if (!('started' in o)) return `- ${utcMinute(ev.ts)} · ${step} marked ${d.done === true ? 'done' : 'not done'} by ${safeInline(ev.actor)}`;
    const target = str(d.target);
    const cmd = str(d.command).split('\n')[0];
    return `- ${utcMinute(ev.ts)} · ${step}${target ? ` on ${safeInline(target)}` : ''}${cmd ? `: \`${safeInline(cmd).replace(/`/g, "'")}\`` : ''} — ${outcome(o.finished)}`;
  });
}

/** The content of every generated region (without markers), from the record and its timeline. */
export function generateRegions(incident: Incident, events: readonly TimelineEvent[], options: GenerateOptions): Record<RegionName, string> {
  const m = computeMilestones(incident, events, options.level, options.now);
  return {
    overview: overview(incident, m, options.level).join('\n'),
    'key-moments': keyMoments(events, options.refs, m).join('\n'),
    response: response(m, options.level).join('\n'),
    'runbook-steps': runbookSteps(events).join('\n'),
  };
}
