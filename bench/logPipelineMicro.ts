// Micro-benchmark of the Docker log pipeline (demux → lines → sanitise → view buffer) on 1,000,000
// synthetic framed lines held in memory, so only the pipeline's own work is timed. The real figure
// (against `docker logs` to /dev/null on a real container) needs a daemon; this one says whether the
// pipeline itself is far enough ahead of any daemon not to be the bottleneck.
//
// Run: npx tsc -p test && node out/bench/logPipelineMicro.js [lines]
import { performance } from 'node:perf_hooks';
import { DockerLogDemuxer } from '../src/services/docker/logs/demux';
import { LineSplitter } from '../src/services/docker/logs/lineSplitter';
import { LogPipeline } from '../src/services/docker/logs/logPipeline';
import { absoluteFigure, renderTable } from './figures';
import type { FigureGroup } from './figures';
import { RetainedSampler, spreadOf } from './stats';
import type { MemoryUse, Spread } from './stats';
import { PIPELINE_MEMORY_TARGET_BYTES } from './targets';

export interface SyntheticLogOptions {
  readonly lines: number;
  /** Size of the chunks (socket reads); default 64 KiB. */
  readonly chunkSize?: number;
  /** End chunks on frame boundaries (a chunk then holds whole frames only), instead of anywhere. */
  readonly frameAligned?: boolean;
  /** Prefix each line with an RFC 3339 nanosecond timestamp, as `docker logs --timestamps` does. */
  readonly timestamps?: boolean;
}

const T0_MS = Date.parse('2026-11-22T14:05:00.000Z');
const PATHS = ['/api/orders', '/api/users/me', '/healthz', '/api/cart/items', '/static/app.js'];

/** A realistic mix: access logs, some coloured, some warnings and errors on stderr, a little non-ASCII. */
function syntheticLine(i: number): { stderr: boolean; text: string } {
  const path = PATHS[i % PATHS.length];
  const ms = (i * 7) % 900;
  const trace = (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
  switch (i % 50) {
    case 7:
    case 19:
    case 31:
    case 43:
      return { stderr: true, text: `WARN  [pool] connection ${i % 64} slow: waited ${ms} ms for a lease (max 500) trace=${trace}\n` };
    case 11:
      return { stderr: true, text: `ERROR [http] POST ${path} 502 upstream reset by peer after ${ms} ms trace=${trace} retry=1\n` };
    case 13:
      return { stderr: false, text: `INFO  [i18n] café crème ✓ commande n° ${i} confirmée — ${ms} ms 😀 trace=${trace}\n` };
    default:
      if (i % 10 === 3) {
        return { stderr: false, text: `\x1b[32mINFO \x1b[0m [http] GET ${path}/${i % 10000} \x1b[1m200\x1b[0m ${ms}ms user=${i % 977} trace=${trace}\n` };
      }
      return { stderr: false, text: `INFO  [http] GET ${path}/${i % 10000} 200 ${ms}ms bytes=${(i * 31) % 65536} user=${i % 977} trace=${trace}\n` };
  }
}

function timestampFor(i: number): string {
  // Several lines share a millisecond, as they do under load; nanoseconds keep them apart.
  const ms = T0_MS + Math.floor(i / 8);
  const iso = new Date(ms).toISOString(); // 2026-11-22T14:05:00.123Z
  return `${iso.slice(0, 23)}${String((i % 8) * 1000 + 17).padStart(6, '0')}Z `;
}

/**
 * The bytes a daemon sends for `lines` log lines, framed (8-byte headers), cut into chunks of
 * `chunkSize`, anywhere or (frameAligned) between frames. Generated lazily, so a caller can stream
 * a million lines without holding them.
 */
export function* syntheticLogChunks(options: SyntheticLogOptions): Generator<Buffer> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  let chunk = Buffer.allocUnsafe(chunkSize);
  let at = 0;
  const frame = Buffer.allocUnsafe(8 + 4096);
  for (let i = 0; i < options.lines; i++) {
    const line = syntheticLine(i);
    const text = options.timestamps ? timestampFor(i) + line.text : line.text;
    const length = frame.write(text, 8, 'utf8');
    frame[0] = line.stderr ? 2 : 1;
    frame[1] = 0;
    frame[2] = 0;
    frame[3] = 0;
    frame.writeUInt32BE(length, 4);
    const total = 8 + length;
    if (options.frameAligned && at + total > chunkSize) {
      yield chunk.subarray(0, at);
      chunk = Buffer.allocUnsafe(chunkSize);
      at = 0;
    }
    let from = 0;
    while (from < total) {
      const n = frame.copy(chunk, at, from, total);
      at += n;
      from += n;
      if (at === chunkSize) {
        yield chunk;
        chunk = Buffer.allocUnsafe(chunkSize);
        at = 0;
      }
    }
  }
  if (at > 0) yield chunk.subarray(0, at);
}

export interface LogPipelineMicroResult {
  readonly lines: number;
  readonly bytes: number;
  /** Per configuration: the time over rounds (median, min–max). */
  readonly figures: readonly { readonly name: string; readonly ms: Spread; readonly mbPerSecond: number; readonly linesPerSecond: number }[];
  /** The default pipeline (timestamps, 64 KiB reads) fed lazily, one run per round: what it holds. */
  readonly memory: { readonly retained: Spread; readonly peak: Spread };
}

/** One untimed run (JIT, first allocations), then `rounds` timed ones. */
async function timeRounds(rounds: number, run: () => void | Promise<void>): Promise<Spread> {
  const samples: number[] = [];
  await run();
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  return spreadOf(samples);
}

/** Bytes a socket read hands over at most; the microtask queue runs between reads. */
const SOCKET_READ = 64 * 1024;

/** Feeds chunks as socket reads would (queued deliveries run between reads); checks every line arrived. */
async function feedPipeline(chunks: Iterable<Buffer>, lines: number, timestamps: boolean, onBatch: (linesSoFar: number) => void = () => undefined): Promise<void> {
  const p = new LogPipeline({ tty: false, timestamps });
  let delivered = 0;
  p.onLines((batch) => {
    delivered += batch.lines.length;
    onBatch(delivered);
  });
  let read = 0;
  for (const chunk of chunks) {
    p.write(chunk);
    read += chunk.length;
    if (read >= SOCKET_READ) {
      read = 0;
      await undefined; // the end of a socket read: queued deliveries run
    }
  }
  p.end();
  if (delivered !== lines) throw new Error(`delivered ${delivered} of ${lines} lines (dropped ${p.counters.dropped})`);
}

/** GC'd checkpoints per memory run, plus one at its end. */
const GC_CHECKPOINTS = 8;

/**
 * What the pipeline holds while a million lines go through it: fed lazily from the generator (the
 * input is not held), a forced full GC every 1/8 of the lines and at the end (pipeline still alive).
 */
async function memoryRun(lines: number): Promise<MemoryUse> {
  const sampler = new RetainedSampler({ total: lines, checkpoints: GC_CHECKPOINTS });
  try {
    await feedPipeline(syntheticLogChunks({ lines, timestamps: true }), lines, true, (done) => sampler.progress(done));
    return sampler.stop();
  } finally {
    sampler.stop();
  }
}

/**
 * `breakdown`: also time the stages alone and the pipeline without timestamps (where the time goes;
 * the standalone script does, `npm run bench` keeps to the two configurations a daemon sends).
 */
export async function benchLogPipelineMicro(lines = 1_000_000, rounds = 5, breakdown = true): Promise<LogPipelineMicroResult> {
  const figures: { name: string; ms: Spread; mbPerSecond: number; linesPerSecond: number }[] = [];
  const measure = async (name: string, chunks: Buffer[], run: (chunks: Buffer[]) => void | Promise<void>): Promise<void> => {
    const bytes = chunks.reduce((n, c) => n + c.length, 0);
    const ms = await timeRounds(rounds, () => run(chunks));
    figures.push({ name, ms, mbPerSecond: bytes / 1e6 / (ms.median / 1000), linesPerSecond: lines / (ms.median / 1000) });
  };
  const pipeline = (timestamps: boolean) => (chunks: Buffer[]): Promise<void> => feedPipeline(chunks, lines, timestamps);

  // Memory first, before the timed runs hold their input (~100 MB of chunks) in this heap.
  const memory: MemoryUse[] = [];
  await memoryRun(lines); // warm-up
  for (let r = 0; r < rounds; r++) memory.push(await memoryRun(lines));

  let chunks = [...syntheticLogChunks({ lines, timestamps: true })];
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  await measure('pipeline, timestamps, 64 KiB chunks', chunks, pipeline(true));
  if (breakdown) {
    // Where the time goes: the stages alone.
    await measure('  demux only', chunks, (cs) => {
      let n = 0;
      const demuxer = new DockerLogDemuxer(false, (_stream, _data, start, end) => {
        n += end - start;
      });
      for (const chunk of cs) demuxer.push(chunk);
      if (n === 0) throw new Error('nothing demultiplexed');
    });
    await measure('  demux + split (no sanitise, no buffer)', chunks, (cs) => {
      let n = 0;
      const sink = (): void => {
        n++;
      };
      const splitters = { stdout: new LineSplitter({ timestamps: true }, sink), stderr: new LineSplitter({ timestamps: true }, sink) };
      const demuxer = new DockerLogDemuxer(false, (stream, data, start, end) => splitters[stream].push(data, start, end));
      for (const chunk of cs) demuxer.push(chunk);
      if (n !== lines) throw new Error(`split ${n} of ${lines} lines`);
    });
    chunks = [...syntheticLogChunks({ lines, timestamps: false })];
    await measure('pipeline, no timestamps, 64 KiB chunks', chunks, pipeline(false));
  }
  // What a real daemon sends: it flushes every log entry, so Node hands the pipeline one frame per
  // chunk, several hundred per socket read. Making the per-frame Buffer views is timed too (Node
  // makes one per chunk as well).
  chunks = [...syntheticLogChunks({ lines, timestamps: true, frameAligned: true })];
  await measure('pipeline, timestamps, a chunk per frame', chunks, async (cs) => {
    const p = new LogPipeline({ tty: false, timestamps: true });
    let delivered = 0;
    p.onLines((batch) => {
      delivered += batch.lines.length;
    });
    for (const read of cs) {
      for (let at = 0; at < read.length; ) {
        const end = at + 8 + read.readUInt32BE(at + 4);
        p.write(read.subarray(at, end));
        at = end;
      }
      await undefined;
    }
    p.end();
    if (delivered !== lines) throw new Error(`delivered ${delivered} of ${lines} lines`);
  });
  chunks = [];
  return { lines, bytes, figures, memory: { retained: spreadOf(memory.map((m) => m.retained)), peak: spreadOf(memory.map((m) => m.peak)) } };
}

/** The micro-benchmark as a figure group of `npm run bench` (no daemon needed). */
export async function benchLogPipelineGroup(lines: number, rounds: number, breakdown = false): Promise<FigureGroup> {
  const result = await benchLogPipelineMicro(lines, rounds, breakdown);
  const n = lines.toLocaleString('en-US');
  return {
    title: `log pipeline alone (${n} synthetic lines in memory, no daemon)`,
    figures: [
      ...result.figures.map((f) => absoluteFigure(`synthetic ${n} lines: ${f.name.trim()}`, 'ms', f.ms, null)),
      absoluteFigure(`synthetic ${n} lines: pipeline memory retained (after forced GCs)`, 'B', result.memory.retained, PIPELINE_MEMORY_TARGET_BYTES),
      absoluteFigure(`synthetic ${n} lines: pipeline memory peak between GCs (GC-timing dependent)`, 'B', result.memory.peak, null),
    ],
    notes: [
      `${(result.bytes / 1e6).toFixed(1)} MB framed with timestamps; ${rounds} timed rounds per configuration after one warm-up; median (min–max) over rounds; no baseline (the daemon-backed figure, logs, has docker logs as its plain tool)`,
      ...result.figures.map((f) => `${f.name.trim()}: ${f.mbPerSecond.toFixed(0)} MB/s, ${(f.linesPerSecond / 1e6).toFixed(2)} M lines/s (median round)`),
      `memory: heapUsed + external over a GC'd baseline while the default pipeline (timestamps, 64 KiB reads, default view buffer) takes the lines from a lazy generator; retained = the largest value right after a forced full GC (${GC_CHECKPOINTS - 1} during the run, one at its end with the pipeline alive); peak = sampled between GCs (GC-timing dependent); ${rounds} runs (+1 warm-up)`,
    ],
  };
}

if (require.main === module) {
  const lines = Number(process.argv[2] ?? 1_000_000);
  benchLogPipelineGroup(lines, 5, true).then(
    (group) => console.log(renderTable([group])),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
