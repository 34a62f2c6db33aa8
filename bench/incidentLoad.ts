// Figure 2: loading an incident with a 10,000-event timeline. What a user waits for is the store's
// loader, loadIncident() (lstat, incident.yaml read and parsed, timeline read, every line checked),
// so that is the headline; readTimeline() alone shows how much of it is the timeline. The plain tool
// is fs.readFileSync + split on newlines + JSON.parse of each line of the same file.
//
// The three run in turn, in rounds (the order rotates), after a warm-up; per round the median of each,
// then the median over rounds of ours / plain, with its min–max.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadIncident } from '../src/core/incidents/incidentLoader';
import type { Incident } from '../src/core/incidents/model';
import { RECORD_FILE, stringifyRecord } from '../src/core/incidents/record';
import type { TimelineEvent } from '../src/core/timeline/events';
import { TIMELINE_FILE, readTimeline, serializeEvent } from '../src/core/timeline/timelineFile';
import { comparedFigure } from './figures';
import type { FigureGroup } from './figures';
import { gcFunction } from '../test/services/memory';
import { compareRounds, interleave, perRound, timed } from './stats';
import type { Comparison, Timing } from './stats';
import { withScratchDir } from './scratch';
import { LOAD_TARGET_RATIO } from './targets';

export interface LoadOptions {
  readonly events: number;
  readonly rounds: number;
  /** Loads of each side per round. */
  readonly perRound: number;
  readonly warmup: number;
}

const ID = '2026-11-22-checkout-errors-after-deploy';
const T0 = Date.parse('2026-11-22T14:05:00.000Z');
const PEOPLE = ['Dana Okafor', 'Jun Watanabe', 'Priya Raman', 'Mateus Costa', 'incident-desk'];
const STATUSES = ['investigating', 'identified', 'monitoring'];

/** A plausible mix: mostly notes of varying length, some status, severity and role changes, updates. */
function sampleEvent(i: number): TimelineEvent {
  const ts = new Date(T0 + i * 7_000).toISOString();
  const actor = PEOPLE[i % PEOPLE.length];
  if (i === 0) return { ts, type: 'declared', actor, text: 'Declared P1: Checkout errors after deploy', data: { severity: 'P1', status: 'investigating', service: 'checkout' } };
  switch (i % 10) {
    case 3: {
      const from = STATUSES[i % 3];
      const to = STATUSES[(i + 1) % 3];
      return { ts, type: 'status_changed', actor, text: `Status ${from} → ${to}`, data: { from, to } };
    }
    case 5:
      return { ts, type: 'role_assigned', actor, text: `${PEOPLE[(i + 1) % 4]} is commander`, data: { role: 'commander', person: PEOPLE[(i + 1) % 4] } };
    case 7:
      return {
        ts, type: 'status_update', actor,
        text: `Update ${i}: checkout error rate is ${(i % 37) / 10} %, rollback of build 4.18.${i % 9} is in progress on eu-west; next update in 30 minutes. Customers may see "payment failed" and should retry.`,
        data: { channel: 'status-page', audience: 'customers' },
      };
    case 9:
      return { ts, type: 'escalation', actor: 'incident-desk', text: `Escalation step ${i % 3}: notify #payments-oncall`, data: { step: i % 3, notify: '#payments-oncall' } };
    default:
      return { ts, type: 'note', actor, text: `Note ${i}: ${'pod checkout-7f9c restarted; '.repeat(1 + (i % 4))}grafana dashboard "Checkout / Errors" — naïve retry storm?` };
  }
}

function incidentRecord(events: number): Incident {
  return {
    version: 1,
    id: ID,
    title: 'Checkout errors after deploy',
    severity: 'P1',
    status: 'monitoring',
    service: 'checkout',
    summary: 'Card payments fail for about 30 % of customers since the 14:00 deploy.',
    roles: { commander: 'Dana Okafor', tech_lead: 'Jun Watanabe', comms_lead: 'Priya Raman' },
    declaredAt: new Date(T0).toISOString(),
    declaredBy: 'Dana Okafor',
    acknowledgedAt: new Date(T0 + 60_000).toISOString(),
    mitigatedAt: new Date(T0 + 3_600_000).toISOString(),
    resolvedAt: null,
    lastUpdateAt: new Date(T0 + (events - 1) * 7_000).toISOString(),
    escalationsReached: [0, 1],
  };
}

function plainLoad(file: string): unknown[] {
  const out: unknown[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line) out.push(JSON.parse(line));
  }
  return out;
}

export async function benchIncidentLoad(opts: LoadOptions): Promise<FigureGroup> {
  return withScratchDir('load', async (root) => {
    const incidentsDir = path.join(root, 'incidents');
    const dir = path.join(incidentsDir, ID);
    fs.mkdirSync(dir, { recursive: true });
    const timelineFile = path.join(dir, TIMELINE_FILE);
    const lines: string[] = [];
    for (let i = 0; i < opts.events; i++) lines.push(serializeEvent(sampleEvent(i)));
    fs.writeFileSync(timelineFile, lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, RECORD_FILE), stringifyRecord(incidentRecord(opts.events)));
    const now = new Date(T0 + opts.events * 7_000).toISOString();

    const check = (n: number, what: string): void => {
      if (n !== opts.events) throw new Error(`${what} read ${n} events, expected ${opts.events}`);
    };
    const runners: Record<'loader' | 'timeline' | 'plain', () => Promise<Timing>> = {
      loader: async () => {
        let entry: Awaited<ReturnType<typeof loadIncident>> | undefined;
        const t = await timed(async () => {
          entry = await loadIncident(incidentsDir, ID, now);
        });
        if (entry?.kind !== 'incident') throw new Error(`loadIncident: ${entry?.kind === 'broken' ? entry.message : 'nothing loaded'}`);
        check(entry.events.length, 'loadIncident');
        return t;
      },
      timeline: async () => {
        let n = 0;
        const t = await timed(async () => {
          n = (await readTimeline(timelineFile)).events.length;
        });
        check(n, 'readTimeline');
        return t;
      },
      plain: async () => {
        let n = 0;
        const t = await timed(async () => {
          n = plainLoad(timelineFile).length;
        });
        check(n, 'plain load');
        return t;
      },
    };
    const first = { loader: await runners.loader(), timeline: await runners.timeline(), plain: await runners.plain() };
    // Each load starts from a collected heap: 10,000 events of garbage from one side are not collected
    // on the next side's clock (which side paid for it varied from process to process).
    const gc = gcFunction();
    const rounds = await interleave(runners, { rounds: opts.rounds, perRound: opts.perRound, warmup: Math.max(0, opts.warmup - 1), beforeEach: gc });
    const per = (n: keyof typeof runners, clock: keyof Timing): number[] => perRound(rounds[n].map((round) => round.map((x) => x[clock])));
    const versus = (n: 'loader' | 'timeline', clock: keyof Timing): Comparison => compareRounds(per(n, clock), per('plain', clock));
    const ms = (n: number): string => `${n.toFixed(1)} ms`;
    const bytes = fs.statSync(timelineFile).size;

    return {
      title: `incident load (${opts.events.toLocaleString('en-US')} events)`,
      figures: [
        comparedFigure('load incident: loadIncident(), CPU time', 'ms', versus('loader', 'cpu'), LOAD_TARGET_RATIO),
        comparedFigure('read timeline: readTimeline(), CPU time', 'ms', versus('timeline', 'cpu'), LOAD_TARGET_RATIO),
        comparedFigure('load incident: loadIncident(), wall time', 'ms', versus('loader', 'wall'), null),
      ],
      notes: [
        `timeline.jsonl ${(bytes / 1024 / 1024).toFixed(2)} MiB, ${opts.events} lines; ${opts.rounds} rounds × ${opts.perRound} loads of each (+${opts.warmup} warm-up), rotating order, a forced GC before each (off the clock); a round's median per side, then the median over rounds; page cache warm`,
        `baseline: fs.readFileSync(timeline.jsonl) + split('\\n') + JSON.parse per line (no validation, no incident.yaml)`,
        'CPU time: this process, user + system, all threads (the thread pool reading the file included); a load is CPU-bound with the page cache warm, so on an idle machine wall time matches it, and on a shared one the wall clock mostly measures the scheduler: the target applies to CPU time, wall time shown for information',
        `first call in this process (cold JIT), wall: loadIncident ${ms(first.loader.wall)}, readTimeline ${ms(first.timeline.wall)}, plain ${ms(first.plain.wall)}`,
      ],
    };
  });
}
