import * as assert from 'node:assert/strict';
import { DockerLogDemuxer } from '../../../../../src/services/docker/logs/demux';
import type { LogStream } from '../../../../../src/services/docker/logs/demux';
import { DockerLogError } from '../../../../../src/services/docker/logs/logErrors';

/** One frame as the daemon writes it: type, three zero bytes, uint32 BE length, payload. */
function frame(type: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

interface Collected {
  /** Every sink call, in order. */
  readonly calls: { stream: LogStream; data: string }[];
  /** Consecutive same-stream output merged: what a reader of the streams sees, independent of chunking. */
  merged(): [LogStream, string][];
}

function collector(): { sink: (stream: LogStream, data: Buffer, start: number, end: number) => void; out: Collected } {
  const calls: { stream: LogStream; data: string }[] = [];
  return {
    sink: (stream, data, start, end) => calls.push({ stream, data: data.toString('latin1', start, end) }),
    out: {
      calls,
      merged() {
        const result: [LogStream, string][] = [];
        for (const c of calls) {
          const last = result[result.length - 1];
          if (last && last[0] === c.stream) last[1] += c.data;
          else result.push([c.stream, c.data]);
        }
        return result.filter(([, d]) => d.length > 0);
      },
    },
  };
}

function demuxChunks(chunks: Buffer[], tty = false): Collected {
  const { sink, out } = collector();
  const demuxer = new DockerLogDemuxer(tty, sink);
  for (const c of chunks) demuxer.push(c);
  assert.equal(demuxer.midFrame, false, 'every frame was complete');
  return out;
}

describe('DockerLogDemuxer', () => {
  // stdout and stderr interleaved, an empty frame, a frame holding several lines, one splitting a
  // line, binary-ish payload bytes (all 256 values pass through untouched).
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const stream = Buffer.concat([
    frame(1, 'out one\n'),
    frame(2, 'err one\n'),
    frame(1, ''),
    frame(1, 'out two\nout three\n'),
    frame(2, 'err tw'),
    frame(2, 'o\n'),
    frame(1, allBytes),
    frame(2, 'last err\n'),
  ]);
  const expected: [LogStream, string][] = [
    ['stdout', 'out one\n'],
    ['stderr', 'err one\n'],
    ['stdout', 'out two\nout three\n'],
    ['stderr', 'err two\n'],
    ['stdout', allBytes.toString('latin1')],
    ['stderr', 'last err\n'],
  ];

  it('separates stdout and stderr in one chunk, in order', () => {
    assert.deepEqual(demuxChunks([stream]).merged(), expected);
  });

  it('gives the same result whatever the single split point (header or payload split)', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const out = demuxChunks([stream.subarray(0, cut), stream.subarray(cut)]);
      assert.deepEqual(out.merged(), expected, `split at byte ${cut}`);
    }
  });

  it('gives the same result for every pair of split points and for one byte at a time', () => {
    const small = Buffer.concat([frame(1, 'ab\n'), frame(2, 'cd\n'), frame(1, 'é€😀\n')]);
    const smallExpected: [LogStream, string][] = [
      ['stdout', 'ab\n'],
      ['stderr', 'cd\n'],
      ['stdout', Buffer.from('é€😀\n').toString('latin1')],
    ];
    for (let i = 0; i <= small.length; i++) {
      for (let j = i; j <= small.length; j++) {
        const out = demuxChunks([small.subarray(0, i), small.subarray(i, j), small.subarray(j)]);
        assert.deepEqual(out.merged(), smallExpected, `split at ${i} and ${j}`);
      }
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    assert.deepEqual(demuxChunks(bytes).merged(), expected);
  });

  it('hands many same-stream frames of one chunk to the sink as one buffer', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}\n`);
    const out = demuxChunks([Buffer.concat(lines.map((l) => frame(1, l)))]);
    assert.equal(out.calls.length, 1);
    assert.deepEqual(out.calls[0], { stream: 'stdout', data: lines.join('') });
  });

  it('passes a large frame on as it arrives, without waiting for its end', () => {
    const payload = Buffer.alloc(1024 * 1024, 'x');
    const whole = frame(1, payload);
    const { sink, out } = collector();
    const demuxer = new DockerLogDemuxer(false, sink);
    let delivered = 0;
    for (let at = 0; at < whole.length; at += 64 * 1024) {
      demuxer.push(whole.subarray(at, at + 64 * 1024));
      delivered = out.calls.reduce((n, c) => n + c.data.length, 0);
      assert.equal(delivered, Math.min(at + 64 * 1024, whole.length) - 8, `after the chunk at ${at}`);
    }
    assert.equal(demuxer.midFrame, false);
  });

  it('reports a frame left incomplete', () => {
    const { sink } = collector();
    const demuxer = new DockerLogDemuxer(false, sink);
    demuxer.push(frame(1, 'hello\n').subarray(0, 10));
    assert.equal(demuxer.midFrame, true);
    demuxer.reset();
    assert.equal(demuxer.midFrame, false);
    demuxer.push(frame(2, 'after reset\n'));
    demuxer.push(frame(1, 'x').subarray(0, 3));
    assert.equal(demuxer.midFrame, true, 'a split header counts too');
  });

  it('treats stdin frames (type 0) as stdout, as Docker does', () => {
    assert.deepEqual(demuxChunks([frame(0, 'typed\n'), frame(1, 'more\n')]).merged(), [['stdout', 'typed\nmore\n']]);
  });

  it('passes a TTY stream through untouched, all stdout, the same buffer', () => {
    const raw = Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('\x1b[31mred\r\n')]);
    const { sink, out } = collector();
    const seen: Buffer[] = [];
    const demuxer = new DockerLogDemuxer(true, (s, d, a, b) => {
      seen.push(d);
      sink(s, d, a, b);
    });
    demuxer.push(raw.subarray(0, 3));
    demuxer.push(raw.subarray(3));
    demuxer.push(Buffer.alloc(0));
    assert.deepEqual(out.merged(), [['stdout', raw.toString('latin1')]]);
    assert.equal(out.calls.length, 2, 'no call for an empty chunk');
    assert.equal(seen[1].buffer, raw.buffer, 'no copy');
  });

  describe('malformed streams', () => {
    it('refuses an unknown stream type with a typed error, after passing on what came before', () => {
      const { sink, out } = collector();
      const demuxer = new DockerLogDemuxer(false, sink);
      const bad = Buffer.concat([frame(1, 'good\n'), frame(2, 'also good\n'), frame(7, 'garbage')]);
      assert.throws(() => demuxer.push(bad), (e: unknown) => DockerLogError.is(e, 'badFrameHeader'));
      assert.deepEqual(out.merged(), [['stdout', 'good\n'], ['stderr', 'also good\n']]);
      // Once failed, always failed: nothing after the bad header is trusted.
      assert.throws(() => demuxer.push(frame(1, 'later\n')), (e: unknown) => DockerLogError.is(e, 'badFrameHeader'));
      assert.equal(out.calls.length, 2);
    });

    it('refuses a header whose padding bytes are not zero', () => {
      const bad = frame(1, 'x\n');
      bad[2] = 1;
      const { sink } = collector();
      assert.throws(() => new DockerLogDemuxer(false, sink).push(bad), (e: unknown) => DockerLogError.is(e, 'badFrameHeader'));
    });

    it('refuses a TTY (raw) stream read as multiplexed instead of emitting garbage', () => {
      const { sink, out } = collector();
      const demuxer = new DockerLogDemuxer(false, sink);
      assert.throws(() => demuxer.push(Buffer.from('hello world\n')), (e: unknown) => DockerLogError.is(e, 'badFrameHeader'));
      assert.equal(out.calls.length, 0);
    });

    it('detects a bad header split across chunks', () => {
      const { sink } = collector();
      const demuxer = new DockerLogDemuxer(false, sink);
      const bad = frame(9, 'x');
      demuxer.push(bad.subarray(0, 1));
      assert.throws(() => demuxer.push(bad.subarray(1)), (e: unknown) => DockerLogError.is(e, 'badFrameHeader'));
    });

    it("turns the daemon's system-error frame (type 3) into a typed error carrying its message", () => {
      const { sink, out } = collector();
      const demuxer = new DockerLogDemuxer(false, sink);
      const stream = Buffer.concat([frame(1, 'before\n'), frame(3, 'error from daemon in stream: log file rotated\n')]);
      demuxer.push(stream.subarray(0, 20));
      let error: unknown;
      try {
        demuxer.push(stream.subarray(20));
      } catch (e) {
        error = e;
      }
      assert.ok(DockerLogError.is(error, 'daemonError'));
      assert.match(error.message, /log file rotated/);
      assert.deepEqual(out.merged(), [['stdout', 'before\n']]);
    });
  });
});
