// Figure 1: latency of one durable timeline append, appendEvents(file, [event]) against the plain
// tool doing the same line: open(file, 'a') + appendFile + fsync + close.
//
// Both run in the same rounds, alternating call by call (who goes first flips every round), each on
// its own file in the same folder, so disk and scheduler noise lands on both alike. Percentiles are
// taken per round and the median over rounds is reported.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { appendEvents } from '../src/core/timeline/timelineFile';
import type { TimelineEvent } from '../src/core/timeline/events';
import { figure, median, percentile } from './figures';
import type { FigureGroup } from './figures';
import { withScratchDir } from './scratch';

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

    for (let i = 0; i < opts.warmup; i++) {
      await ours();
      await plain();
    }

    const rounds: Array<{ ours: number[]; plain: number[] }> = [];
    for (let r = 0; r < opts.rounds; r++) {
      const round = { ours: [] as number[], plain: [] as number[] };
      for (let i = 0; i < opts.perRound; i++) {
        if ((i + r) % 2 === 0) {
          round.ours.push(await ours());
          round.plain.push(await plain());
        } else {
          round.plain.push(await plain());
          round.ours.push(await ours());
        }
      }
      rounds.push(round);
    }

    const per = (p: number, side: 'ours' | 'plain'): number[] => rounds.map((r) => percentile(r[side], p));
    const p50 = { ours: median(per(50, 'ours')), plain: median(per(50, 'plain')) };
    const p99 = { ours: median(per(99, 'ours')), plain: median(per(99, 'plain')) };
    const all = { ours: rounds.flatMap((r) => r.ours), plain: rounds.flatMap((r) => r.plain) };
    const ratios = (p: number): string => {
      const rs = rounds.map((r) => percentile(r.ours, p) / percentile(r.plain, p));
      return `${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}`;
    };
    const ms = (n: number): string => `${n.toFixed(3)} ms`;
    const size = (await fsp.stat(oursFile)).size;

    return {
      title: 'timeline append (fsync)',
      figures: [
        figure('append p50: appendEvents()', 'ms', p50.ours, p50.plain, 1.2),
        figure('append p99: appendEvents()', 'ms', p99.ours, p99.plain, 1.2),
      ],
      notes: [
        `${opts.rounds} rounds × ${opts.perRound} appends per side (+${opts.warmup} warm-up), alternating call by call; value = median over rounds of each round's percentile`,
        `baseline: fs.promises.open(file,'a') + fh.appendFile(JSON line) + fh.sync() + fh.close()`,
        `pooled, ours:  p50 ${ms(percentile(all.ours, 50))}  p99 ${ms(percentile(all.ours, 99))}  max ${ms(Math.max(...all.ours))}`,
        `pooled, plain: p50 ${ms(percentile(all.plain, 50))}  p99 ${ms(percentile(all.plain, 99))}  max ${ms(Math.max(...all.plain))}`,
        `per-round ratio range: p50 ${ratios(50)}, p99 ${ratios(99)}; timeline grew to ${(size / 1024).toFixed(0)} KiB`,
      ],
    };
  });
}
