// Figure 1: latency of one durable timeline append, appendEvents(file, [event]) against the plain
// tool doing the same line: open(file, 'a') + appendFile + fsync + close.
//
// Both run in the same rounds, alternating call by call (who goes first flips every call and every
// round), each on its own file in the same folder, so disk and scheduler noise lands on both alike.
// Percentiles are taken per round and the median over rounds is reported with its min–max.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { appendEvents } from '../src/core/timeline/timelineFile';
import type { TimelineEvent } from '../src/core/timeline/events';
import { comparedFigure } from './figures';
import type { FigureGroup } from './figures';
import { compareRounds, interleave, percentile, perRound } from './stats';
import type { Comparison } from './stats';
import { withScratchDir } from './scratch';
import { APPEND_TARGET_RATIO, APPEND_TOLERANCE_MS } from './targets';

export interface AppendOptions {
  readonly rounds: number;
  readonly perRound: number;
  readonly warmup: number;
}

const T0 = Date.parse('2026-11-22T14:05:00.000Z');

function sampleEvent(i: number): TimelineEvent {
  return {
    ts: new Date(T0 + i * 1000).toISOString(),
    type: 'note',
    actor: 'Dana Okafor',
    text: `Checked the load balancer after the rollback (${i}): 5xx rate is back under 0.5 %, p99 latency 310 ms.`,
    data: { source: 'bench', seq: i },
  };
}

async function plainAppend(file: string, event: TimelineEvent): Promise<void> {
  const fh = await fsp.open(file, 'a');
  try {
    await fh.appendFile(JSON.stringify(event) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function benchTimelineAppend(opts: AppendOptions): Promise<FigureGroup> {
  return withScratchDir('append', async (dir) => {
    const oursFile = path.join(dir, 'ours', 'timeline.jsonl');
    const plainFile = path.join(dir, 'plain', 'timeline.jsonl');
    await fsp.mkdir(path.dirname(oursFile));
    await fsp.mkdir(path.dirname(plainFile));
    let seq = 0;
    const ours = async (): Promise<number> => {
      const e = sampleEvent(seq++);
      const t = performance.now();
      await appendEvents(oursFile, [e]);
      return performance.now() - t;
    };
    const plain = async (): Promise<number> => {
      const e = sampleEvent(seq++);
      const t = performance.now();
      await plainAppend(plainFile, e);
      return performance.now() - t;
    };

    const rounds = await interleave({ ours, plain }, { rounds: opts.rounds, perRound: opts.perRound, warmup: opts.warmup });
    const at = (p: number): Comparison => compareRounds(perRound(rounds.ours, (xs) => percentile(xs, p)), perRound(rounds.plain, (xs) => percentile(xs, p)));
    const p50 = at(50);
    const p99 = at(99);
    const all = { ours: rounds.ours.flat(), plain: rounds.plain.flat() };
    const ms = (n: number): string => `${n.toFixed(3)} ms`;
    const size = (await fsp.stat(oursFile)).size;

    return {
      title: 'timeline append (fsync)',
      figures: [
        comparedFigure('append p50: appendEvents()', 'ms', p50, APPEND_TARGET_RATIO, APPEND_TOLERANCE_MS),
        comparedFigure('append p99: appendEvents()', 'ms', p99, APPEND_TARGET_RATIO, APPEND_TOLERANCE_MS),
      ],
      notes: [
        `${opts.rounds} rounds × ${opts.perRound} appends per side (+${opts.warmup} warm-up), alternating call by call, who goes first flipping; a round's p50/p99 per side, then the median over rounds (min–max beside)`,
        `baseline: fs.promises.open(file,'a') + fh.appendFile(JSON line) + fh.sync() + fh.close()`,
        `pooled, ours:  p50 ${ms(percentile(all.ours, 50))}  p99 ${ms(percentile(all.ours, 99))}  max ${ms(Math.max(...all.ours))}`,
        `pooled, plain: p50 ${ms(percentile(all.plain, 50))}  p99 ${ms(percentile(all.plain, 99))}  max ${ms(Math.max(...all.plain))}`,
        `ours − plain, median over rounds: p50 ${ms(p50.diff.median)}, p99 ${ms(p99.diff.median)}; timeline grew to ${(size / 1024).toFixed(0)} KiB`,
      ],
    };
  });
}
