import * as assert from 'node:assert/strict';
import { syntheticLogChunks } from '../../../../../bench/logPipelineMicro';
import { cutMarker } from '../../../../../src/services/docker/logs/lineSplitter';
import { DockerLogError } from '../../../../../src/services/docker/logs/logErrors';
import { LogPipeline } from '../../../../../src/services/docker/logs/logPipeline';
import type { LogBatch, LogLine, LogPipelineOptions } from '../../../../../src/services/docker/logs/logPipeline';
import { gcFunction } from '../../../../services/memory';

const ESC = '\x1b';

function frame(type: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
const out = (payload: string): Buffer => frame(1, payload);
const err = (payload: string): Buffer => frame(2, payload);

/** Lets queued deliveries run (they are batched per microtask turn). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function watch(options: LogPipelineOptions): { pipeline: LogPipeline; batches: LogBatch[]; lines: () => string[] } {
  const pipeline = new LogPipeline(options);
  const batches: LogBatch[] = [];
  pipeline.onLines((batch) => batches.push(batch));
  const lines = (): string[] => batches.flatMap((b) => b.lines.map(show));
  return { pipeline, batches, lines };
}

/** A line as `stream|timestamp|text`, to compare whole deliveries at a glance. */
function show(line: LogLine): string {
  return `${line.stream === 'stdout' ? 'out' : 'err'}|${line.timestamp ?? ''}|${line.text}`;
}

describe('LogPipeline', () => {
  it("keeps stdout's and stderr's unfinished lines apart and delivers lines in the order they complete", async () => {
    const { pipeline, lines } = watch({ tty: false });
    pipeline.write(Buffer.concat([out('hel'), err('oops'), out('lo\n'), err(' again\n')]));
    await settle();
    assert.deepEqual(lines(), ['out||hello', 'err||oops again']);
  });

  it('delivers one batch per microtask turn, whatever the number of chunks and lines', async () => {
    const { pipeline, batches } = watch({ tty: false });
    // A daemon flushes every entry: one socket read is many one-frame chunks.
    for (let i = 0; i < 100; i++) pipeline.write(out(`line ${i}\n`));
    assert.equal(batches.length, 0, 'nothing during write');
    await settle();
    assert.equal(batches.length, 1);
    assert.equal(batches[0].lines.length, 100);
    assert.equal(batches[0].lines[99].text, 'line 99');
    assert.equal(batches[0].dropped, 0);
    pipeline.write(out('one more\n'));
    await settle();
    assert.equal(batches.length, 2);
  });

  it('reads a TTY stream as raw stdout with CRLF line ends', async () => {
    const { pipeline, lines } = watch({ tty: true });
    pipeline.write(Buffer.from(`${ESC}[32mready${ESC}[0m\r\n${ESC}[2J${ESC}[Hprompt> `));
    pipeline.end();
    assert.deepEqual(lines(), [`out||${ESC}[32mready${ESC}[0m`, 'out||prompt> ']);
  });

  it('sanitises every line, keeps colours, and cuts long lines with a marker no sequence can hide', async () => {
    const { pipeline, lines } = watch({ tty: false, maxLineLength: 40 });
    pipeline.write(out(`${ESC}]52;c;c2VjcmV0${ESC}\\${ESC}[31merror${ESC}[0m\u0007\n`));
    // 47 characters: the cut at 40 falls inside an OSC that never ends, which sanitising removes.
    const long = `0123456789${ESC}]0;this title never ends and is long`;
    assert.equal(long.length, 47);
    pipeline.write(err(`${long}\n`));
    pipeline.end();
    assert.deepEqual(lines(), [`out||${ESC}[31merror${ESC}[0m`, `err||0123456789${cutMarker(7)}`]);
    assert.equal(pipeline.counters.cut, 1);
  });

  it('counts lines and bytes', async () => {
    const { pipeline } = watch({ tty: false });
    const chunk = Buffer.concat([out('a\nb\n'), err('c\n')]);
    pipeline.write(chunk);
    pipeline.end();
    assert.deepEqual(pipeline.counters, { lines: 3, bytes: chunk.length, dropped: 0, cut: 0, skipped: 0 });
  });

  describe('timestamps and resuming without duplicates', () => {
    const t1 = '2026-11-22T14:05:00.000000001Z';
    const t2 = '2026-11-22T14:05:00.000000002Z';
    const t3 = '2026-11-22T14:05:00.000000003Z';
    const t4 = '2026-11-22T14:05:01.000000000Z';

    it('parses timestamps off and tracks the last one with its count', async () => {
      const { pipeline, lines } = watch({ tty: false, timestamps: true });
      assert.equal(pipeline.resumePoint, undefined);
      pipeline.write(Buffer.concat([out(`${t1} a\n`), err(`${t2} b\n`), out(`${t2} c\n`)]));
      await settle();
      assert.deepEqual(lines(), [`out|${t1}|a`, `err|${t2}|b`, `out|${t2}|c`]);
      assert.equal(pipeline.lastTimestamp, t2);
      assert.deepEqual(pipeline.resumePoint, { timestamp: t2, count: 2 });
    });

    it('after a drop, reattach() skips what was delivered (equal timestamps counted) and re-reads the cut line whole', async () => {
      const { pipeline, lines } = watch({ tty: false, timestamps: true });
      const first = Buffer.concat([out(`${t1} a\n`), out(`${t2} b\n`), err(`${t2} c\n`), out(`${t3} d is a long line`)]);
      // The connection drops in the middle of the last frame.
      pipeline.write(first.subarray(0, first.length - 5));
      await settle();
      assert.deepEqual(pipeline.resumePoint, { timestamp: t2, count: 2 });
      pipeline.reattach();
      // Reconnected with since=t2: the daemon sends everything at or after t2 again, plus new lines.
      pipeline.write(Buffer.concat([out(`${t2} b\n`), err(`${t2} c\n`), out(`${t2} e, new at the same time\n`)]));
      pipeline.write(Buffer.concat([out(`${t3} d is a long line\n`), err(`${t4} f\n`)]));
      pipeline.end();
      assert.deepEqual(lines(), [
        `out|${t1}|a`,
        `out|${t2}|b`,
        `err|${t2}|c`,
        `out|${t2}|e, new at the same time`,
        `out|${t3}|d is a long line`,
        `err|${t4}|f`,
      ]);
      assert.equal(pipeline.counters.skipped, 2);
      assert.equal(pipeline.counters.lines, 6);
    });

    it('a new pipeline resumes from an old one with skipUntil, dropping older lines and the first N at the same time', async () => {
      const old = watch({ tty: false, timestamps: true });
      old.pipeline.write(Buffer.concat([out(`${t1} x\n`), out(`${t2} a\n`)]));
      old.pipeline.end();
      const point = old.pipeline.resumePoint;
      assert.deepEqual(point, { timestamp: t2, count: 1 });

      const next = watch({ tty: false, timestamps: true });
      next.pipeline.skipUntil(point);
      assert.deepEqual(next.pipeline.resumePoint, point, 'a drop before any new line resumes from the same point');
      next.pipeline.write(Buffer.concat([out(`${t1} x\n`), out(`${t2} a\n`), out(`${t2} b\n`), out(`${t3} c\n`), out(`${t2} late but new\n`)]));
      next.pipeline.end();
      assert.deepEqual(next.lines(), [`out|${t2}|b`, `out|${t3}|c`, `out|${t2}|late but new`]);
      assert.equal(next.pipeline.counters.skipped, 2);
    });

    it('matches equal times written differently (fraction length), and keeps counting at the resume time', async () => {
      const { pipeline, lines } = watch({ tty: false, timestamps: true });
      pipeline.skipUntil({ timestamp: '2026-11-22T14:05:00.5Z', count: 2 });
      const same = '2026-11-22T14:05:00.500000000Z';
      pipeline.write(Buffer.concat([out(`${same} 1\n`), out(`${same} 2\n`), out(`${same} 3\n`)]));
      pipeline.end();
      assert.deepEqual(lines(), [`out|${same}|3`]);
      assert.deepEqual(pipeline.resumePoint, { timestamp: same, count: 3 });
    });

    it('refuses to resume without timestamps, and a resume point that is not a time', () => {
      assert.throws(() => new LogPipeline({ tty: false }).skipUntil({ timestamp: t1, count: 1 }), (e: unknown) => DockerLogError.is(e, 'needsTimestamps'));
      assert.throws(
        () => new LogPipeline({ tty: false, timestamps: true }).skipUntil({ timestamp: 'now', count: 1 }),
        (e: unknown) => DockerLogError.is(e, 'badTimestamp'),
      );
    });
  });

  describe('faults', () => {
    it('delivers the lines before a malformed frame, then throws a typed error on this and every later write', () => {
      const { pipeline, lines } = watch({ tty: false });
      const bad = Buffer.from([5, 0, 0, 0, 0, 0, 0, 1, 0x41]);
      assert.throws(() => pipeline.write(Buffer.concat([out('fine\n'), bad])), (e: unknown) => DockerLogError.is(e, 'badFrameHeader'));
      assert.deepEqual(lines(), ['out||fine'], 'delivered at once, before the throw');
      assert.throws(() => pipeline.write(out('more\n')), (e: unknown) => DockerLogError.is(e, 'badFrameHeader'));
    });

    it('end() inside a frame delivers what it has and reports a truncated stream; writes after end are refused', () => {
      const { pipeline, lines } = watch({ tty: false });
      pipeline.write(out('complete\nhalf a li').subarray(0, 23));
      assert.throws(() => pipeline.end(), (e: unknown) => DockerLogError.is(e, 'truncatedFrame'));
      assert.deepEqual(lines(), ['out||complete', 'out||half a']);

      const ended = new LogPipeline({ tty: false });
      ended.end();
      assert.throws(() => ended.write(out('x\n')), (e: unknown) => DockerLogError.is(e, 'writeAfterEnd'));
    });
  });

  describe('the bounded buffer', () => {
    it('holds at most its capacity of undelivered lines: more in one turn drops the oldest, counted in the batch', async () => {
      const { pipeline, batches } = watch({ tty: false, capacity: { lines: 100, bytes: 1 << 20 } });
      for (let chunk = 0; chunk < 30; chunk++) {
        pipeline.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => out(`line ${chunk * 10 + i}\n`))));
      }
      assert.equal(batches.length, 0, 'nothing delivered during the turn');
      await settle();
      assert.equal(batches.length, 1, 'one batch for the turn');
      assert.equal(batches[0].dropped, 200);
      assert.equal(batches[0].lines.length, 100);
      assert.equal(batches[0].lines[0].text, 'line 200');
      assert.equal(batches[0].lines[99].text, 'line 299');
      assert.equal(pipeline.counters.dropped, 200);
      pipeline.write(out('after\n'));
      await settle();
      assert.deepEqual(batches[1], { lines: [{ stream: 'stdout', text: 'after', timestamp: undefined }], dropped: 0 });
    });

    it('counts the byte bound too', async () => {
      const { pipeline, batches } = watch({ tty: false, capacity: { lines: 1000, bytes: 300 } });
      pipeline.write(out(`${'a'.repeat(200)}\n`));
      pipeline.write(out(`${'b'.repeat(200)}\n`));
      await settle();
      assert.deepEqual(batches.map((b) => [b.lines.map((l) => l.text[0]), b.dropped]), [[['b'], 1]]);
    });

    it('deliverNow() delivers the lines parsed so far at once (what the caller says next comes after them), and only once', async () => {
      const { pipeline, batches, lines } = watch({ tty: false });
      pipeline.write(Buffer.concat([out('one\n'), out('two\n'), out('half')]));
      pipeline.deliverNow();
      assert.deepEqual(lines(), ['out||one', 'out||two']);
      await settle();
      assert.equal(batches.length, 1, 'the queued delivery finds nothing left');
    });

    it('delivers nothing after dispose', async () => {
      const { pipeline, batches } = watch({ tty: false });
      pipeline.write(out('queued\n'));
      pipeline.dispose();
      await settle();
      assert.equal(batches.length, 0);
    });

    describe('a burst of 1,000,000 lines', function () {
      this.timeout(120_000);
      const LINES = 1_000_000;
      // Generous, but far below what keeping the lines would take (about 150 MB for 1,000,000).
      const BOUND = 40 * 1024 * 1024;

      interface Burst {
        readonly pipeline: LogPipeline;
        /** Updated by the listener, also after the burst. */
        readonly seen: { delivered: number; dropped: number };
        readonly growth: number;
      }

      /** Every chunk through the pipeline, a turn after each (one socket read each) or all in one turn (a consumer that never gets to run). */
      async function burst(yieldBetween: boolean): Promise<Burst> {
        const gc = gcFunction();
        const pipeline = new LogPipeline({ tty: false, timestamps: true });
        const seen = { delivered: 0, dropped: 0 };
        pipeline.onLines((batch) => {
          seen.delivered += batch.lines.length;
          seen.dropped += batch.dropped;
        });
        gc();
        const baseline = process.memoryUsage().heapUsed;
        let growth = 0;
        let chunks = 0;
        for (const chunk of syntheticLogChunks({ lines: LINES, timestamps: true })) {
          pipeline.write(chunk);
          if (yieldBetween) await undefined;
          if (++chunks % 200 === 0) {
            gc();
            growth = Math.max(growth, process.memoryUsage().heapUsed - baseline);
          }
        }
        pipeline.end();
        gc();
        growth = Math.max(growth, process.memoryUsage().heapUsed - baseline);
        return { pipeline, seen, growth };
      }

      it('to a live consumer: every line delivered, nothing held after, heap growth bounded', async () => {
        const r = await burst(true);
        assert.equal(r.seen.delivered, LINES);
        assert.equal(r.pipeline.counters.lines, LINES);
        assert.equal(r.seen.dropped, 0);
        assert.ok(r.growth < BOUND, `heap grew by ${(r.growth / 1e6).toFixed(1)} MB`);
      });

      it('all in one turn (the consumer never runs): at most the capacity held, the rest dropped and counted, heap growth bounded', async () => {
        const r = await burst(false);
        assert.equal(r.pipeline.counters.lines, LINES);
        assert.equal(r.pipeline.counters.dropped, LINES - 10_000);
        assert.ok(r.growth < BOUND, `heap grew by ${(r.growth / 1e6).toFixed(1)} MB`);
        assert.equal(r.seen.delivered, 10_000, 'end() delivered the newest 10,000');
        assert.equal(r.seen.dropped, LINES - 10_000);
      });
    });
  });
});
