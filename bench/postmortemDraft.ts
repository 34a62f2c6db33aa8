// Issue 11: a post-mortem draft from a 10,000-event incident, ≤ 100 ms. What `incident-desk
// postmortem` and Write Post-Mortem do: load the incident (record + timeline, every line checked),
// re-read the timeline for line refs when an old event is starred, compute the milestones, render
// the draft and scan it for secrets (redactText, default patterns) before it is shown or written. The ratio to loading alone (reading and parsing the files, loadIncident) shows what the
// post-mortem itself adds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventsWithRefs } from '../src/core/timeline/eventsWithRefs';
import { loadIncident } from '../src/core/incidents/incidentLoader';
import type { Incident } from '../src/core/incidents/model';
import { RECORD_FILE, stringifyRecord } from '../src/core/incidents/record';
import { renderDraft } from '../src/core/postmortem/draft';
import { redactText } from '../src/core/redaction/redact';
import { PRESETS } from '../src/core/severity/policy';
import { lineRef, newEventId } from '../src/core/timeline/eventRef';
import type { TimelineEvent } from '../src/core/timeline/events';
import { TIMELINE_FILE, serializeEvent } from '../src/core/timeline/timelineFile';
import { gcFunction } from '../test/services/memory';
import { absoluteFigure, comparedFigure, type FigureGroup } from './figures';
import { withScratchDir } from './scratch';
import { compareRounds, interleave, perRound, spreadOf, timed, type Timing } from './stats';
import { POSTMORTEM_DRAFT_TARGET_MS } from './targets';

export interface DraftBenchOptions {
  readonly events: number;
  readonly rounds: number;
  readonly perRound: number;
  readonly warmup: number;
}

const ID = '2026-11-22-checkout-errors-after-deploy';
/** The incident writeSampleIncident writes (the timeline benchmark opens it too). */
export const SAMPLE_INCIDENT_ID = ID;
const T0 = Date.parse('2026-11-22T14:05:00.000Z');
const PEOPLE = ['Dana Okafor', 'Jun Watanabe', 'Priya Raman', 'Mateus Costa'];

/** A long incident: notes, runbook steps started and finished, status updates, escalations; old events without ids. */
function sampleEvent(i: number): TimelineEvent {
  const ts = new Date(T0 + i * 7_000).toISOString();
  const actor = PEOPLE[i % PEOPLE.length];
  if (i === 0) return { ts, type: 'declared', actor, text: 'Declared P1 incident on checkout: Checkout errors after deploy', data: { title: 'Checkout errors after deploy', severity: 'P1', service: 'checkout' } };
  const step = { runbook: 'runbooks/checkout.md', runbookTitle: 'Checkout', section: 'Rollback', step: `Step ${i % 12}`, line: 10 + (i % 12), key: `runbooks/checkout.md#Rollback#Step ${i % 12}`, command: `kubectl rollout undo deploy/checkout --to-revision=${i % 40}`, target: 'prod-eu', runId: `run-${i - (i % 10)}` };
  switch (i % 10) {
    case 2: return { ts, type: 'runbook_step_started', actor, text: `Ran "${step.step}" on prod-eu`, data: step };
    case 3: return { ts, type: 'runbook_step_finished', actor, text: `"${step.step}" on prod-eu: exit 0`, data: { ...step, runId: `run-${i - (i % 10)}`, exitCode: i % 7 ? 0 : 1 } };
    case 7: return { ts, type: 'status_update', actor, text: 'Status update (update) copied for posting', data: { kind: 'update', message: `Update ${i}: error rate ${(i % 37) / 10} %` } };
    default: return { ts, type: 'note', actor, text: `Note ${i}: ${'pod checkout-7f9c restarted; '.repeat(1 + (i % 4))}grafana "Checkout / Errors"` };
  }
}

function record(events: number): Incident {
  return {
    version: 1, id: ID, title: 'Checkout errors after deploy', severity: 'P1', status: 'resolved', service: 'checkout',
    summary: 'Card payments failed for about 30 % of customers.', roles: { commander: 'Dana Okafor', scribe: 'Priya Raman' },
    declaredAt: new Date(T0).toISOString(), declaredBy: 'Dana Okafor', acknowledgedAt: new Date(T0 + 60_000).toISOString(),
    mitigatedAt: new Date(T0 + 3_600_000).toISOString(), resolvedAt: new Date(T0 + events * 7_000).toISOString(),
    lastUpdateAt: new Date(T0 + events * 7_000).toISOString(), escalationsReached: [0, 1],
  };
}

/**
 * incidents/<ID>/ with `events` timeline lines, the last 20 stars of older notes. With ids (every
 * event written since ids exist) a star names the id; without (an old timeline) the hash of the line.
 */
export function writeSampleIncident(incidentsDir: string, events: number, withIds: boolean): void {
  const dir = path.join(incidentsDir, ID);
  fs.mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < events - 20; i++) {
    const id = withIds ? newEventId(T0 + i * 7_000) : undefined;
    ids.push(id ?? '');
    lines.push(serializeEvent({ ...sampleEvent(i), ...(id ? { id } : {}) }));
  }
  for (let k = 0; k < 20; k++) {
    const target = k * 100 + 5;
    lines.push(serializeEvent({ ts: new Date(T0 + (events + k) * 7_000).toISOString(), type: 'starred', actor: 'Priya Raman', text: 'Starred', data: { ref: withIds ? ids[target] : lineRef(lines[target]) } }));
  }
  fs.writeFileSync(path.join(dir, TIMELINE_FILE), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, RECORD_FILE), stringifyRecord(record(events)));
}

export async function benchPostmortemDraft(opts: DraftBenchOptions): Promise<FigureGroup> {
  return withScratchDir('postmortem', async (root) => {
    const incidentsDir = path.join(root, 'incidents');
    writeSampleIncident(incidentsDir, opts.events, true);
    const legacyDir = path.join(root, 'legacy', 'incidents');
    writeSampleIncident(legacyDir, opts.events, false);
    const now = T0 + (opts.events + 100) * 7_000;
    const level = PRESETS['P1-P4'][0];
    let draftChars = 0;
    let keyMoments = 0;

    const load = async (from = incidentsDir) => {
      const entry = await loadIncident(from, ID, new Date(now).toISOString(), undefined, false);
      if (entry?.kind !== 'incident' || entry.events.length !== opts.events) throw new Error('the incident did not load');
      return entry;
    };
    const draft = (from: string) => timed(async () => {
      const entry = await load(from);
      const { events, refs } = await eventsWithRefs(entry.dir, entry.events);
      const { text } = await redactText(renderDraft(entry.incident, events, { level, now, refs }));
      draftChars = text.length;
      keyMoments = (text.match(/ · Note /g) ?? []).length;
    });
    const runners: Record<'draft' | 'legacy' | 'load', () => Promise<Timing>> = {
      draft: () => draft(incidentsDir),
      legacy: () => draft(legacyDir),
      load: () => timed(() => load()),
    };
    for (const side of ['draft', 'legacy'] as const) {
      await runners[side]();
      if (keyMoments !== 20) throw new Error(`${side}: expected 20 starred notes in the draft, found ${keyMoments}`);
    }
    const rounds = await interleave(runners, { rounds: opts.rounds, perRound: opts.perRound, warmup: opts.warmup, beforeEach: gcFunction() });
    const per = (n: keyof typeof runners, clock: keyof Timing): number[] => perRound(rounds[n].map((round) => round.map((x) => x[clock])));
    return {
      title: `post-mortem draft (${opts.events.toLocaleString('en-US')} events)`,
      figures: [
        absoluteFigure('post-mortem draft: load + render + redact, CPU time', 'ms', spreadOf(per('draft', 'cpu')), POSTMORTEM_DRAFT_TARGET_MS),
        absoluteFigure('post-mortem draft: load + render + redact, wall time', 'ms', spreadOf(per('draft', 'wall')), null),
        comparedFigure('post-mortem draft vs reading and parsing the files (loadIncident), CPU time', 'ms', compareRounds(per('draft', 'cpu'), per('load', 'cpu')), null),
        comparedFigure('post-mortem draft of an old timeline (no ids, stars by line hash) vs loadIncident, CPU time', 'ms', compareRounds(per('legacy', 'cpu'), per('load', 'cpu')), null),
      ],
      notes: [
        `timeline ${opts.events} lines (runbook steps, updates, notes), 20 of them starred; draft ${draftChars} characters, scanned by redactText (default patterns) as the CLI and Write Post-Mortem do. The old-timeline case has no ids: stars name a sha256 of the line, so every line is hashed once more (read again, not parsed again)`,
        `${opts.rounds} rounds × ${opts.perRound} of each (+${opts.warmup} warm-up), interleaved, a forced GC before each (off the clock); target on CPU time (the machine is shared), wall time for information`,
      ],
    };
  });
}
