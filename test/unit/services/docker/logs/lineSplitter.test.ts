import * as assert from 'node:assert/strict';
import { LineSplitter, cutMarker, incompleteTail } from '../../../../../src/services/docker/logs/lineSplitter';
import type { LineSplitterOptions } from '../../../../../src/services/docker/logs/lineSplitter';

interface Line {
  text: string;
  timestamp?: string;
  cut?: true;
}

function splitter(options: LineSplitterOptions = {}): { s: LineSplitter; lines: Line[] } {
  const lines: Line[] = [];
  const s = new LineSplitter(options, (text, timestamp, cut) => {
    const line: Line = { text };
    if (timestamp !== undefined) line.timestamp = timestamp;
    if (cut) line.cut = true;
    lines.push(line);
  });
  return { s, lines };
}

function split(chunks: Buffer[], options: LineSplitterOptions = {}): Line[] {
  const { s, lines } = splitter(options);
  for (const c of chunks) s.push(c);
  s.flush();
  return lines;
}

const texts = (lines: Line[]): string[] => lines.map((l) => l.text);

describe('LineSplitter', () => {
  it('splits on \\n, keeps empty lines, holds the unfinished line until flush', () => {
    const { s, lines } = splitter();
    s.push(Buffer.from('one\n\nthree\npart'));
    assert.deepEqual(texts(lines), ['one', '', 'three']);
    s.push(Buffer.from('ial'));
    assert.equal(lines.length, 3, 'no newline yet: nothing new');
    s.push(Buffer.from(' line\nnext'));
    assert.deepEqual(texts(lines), ['one', '', 'three', 'partial line']);
    s.flush();
    assert.deepEqual(texts(lines), ['one', '', 'three', 'partial line', 'next']);
    s.flush();
    assert.equal(lines.length, 5, 'a second flush emits nothing');
  });

  it('takes a byte range of a larger buffer', () => {
    const { s, lines } = splitter();
    const buf = Buffer.from('XXXXab\ncdYYYY');
    s.push(buf, 4, 9);
    s.push(Buffer.from('!!e\n!!'), 2, 4);
    assert.deepEqual(texts(lines), ['ab', 'cde']);
  });

  it('strips the \\r of CRLF, also when \\r and \\n arrive in different chunks, and only a trailing one', () => {
    assert.deepEqual(texts(split([Buffer.from('a\r\nb\r'), Buffer.from('\nc\rd\r\n')])), ['a', 'b', 'c\rd']);
    assert.deepEqual(texts(split([Buffer.from('last\r')])), ['last'], 'at flush too');
  });

  it('decodes 2-, 3- and 4-byte UTF-8 characters split at every byte offset', () => {
    const text = 'aé€😀b\nça 日本 🇫🇷\n';
    const bytes = Buffer.from(text, 'utf8');
    const expected = ['aé€😀b', 'ça 日本 🇫🇷'];
    for (let cut = 0; cut <= bytes.length; cut++) {
      assert.deepEqual(texts(split([bytes.subarray(0, cut), bytes.subarray(cut)])), expected, `split at byte ${cut}`);
    }
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const lines = split([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        assert.deepEqual(texts(lines), expected, `split at ${i} and ${j}`);
      }
    }
    assert.deepEqual(texts(split([...bytes].map((b) => Buffer.from([b])))), expected, 'one byte at a time');
  });

  it('replaces invalid UTF-8 with U+FFFD, the same whatever the chunking', () => {
    const bytes = Buffer.from([
      0x61, 0xff, 0x62, 0x0a, // a stray byte
      0xe2, 0x82, 0x0a, // a 3-byte character cut short by the newline
      0xc3, 0x28, 0x0a, // a lead byte followed by ASCII
      0xed, 0xa0, 0x80, 0x0a, // an encoded surrogate
      0xc0, 0xaf, 0x0a, // an overlong '/'
      0x80, 0x80, 0x41, 0x0a, // lone continuation bytes
      0xf0, 0x9f, 0x98, // a 4-byte character cut short by the end of the stream
    ]);
    const whole = texts(split([bytes]));
    assert.deepEqual(whole, ['a\ufffdb', '\ufffd', '\ufffd(', '\ufffd\ufffd\ufffd', '\ufffd\ufffd', '\ufffd\ufffdA', '\ufffd']);
    // Node's own decoding of the whole buffer agrees (the W3C "maximal subpart" rule).
    assert.deepEqual(whole, bytes.toString('utf8').split('\n'));
    for (let cut = 0; cut <= bytes.length; cut++) {
      assert.deepEqual(texts(split([bytes.subarray(0, cut), bytes.subarray(cut)])), whole, `split at byte ${cut}`);
    }
    assert.deepEqual(texts(split([...bytes].map((b) => Buffer.from([b])))), whole, 'one byte at a time');
  });

  it('incompleteTail counts only the bytes of a character that has begun and not ended', () => {
    const t = (...b: number[]): number => incompleteTail(Buffer.from(b), 0, b.length);
    assert.equal(t(0x61), 0);
    assert.equal(t(0xc3), 1);
    assert.equal(t(0xc3, 0xa9), 0);
    assert.equal(t(0xe2, 0x82), 2);
    assert.equal(t(0xe2, 0x82, 0xac), 0);
    assert.equal(t(0xf0, 0x9f, 0x98), 3);
    assert.equal(t(0xf0, 0x9f, 0x98, 0x80), 0);
    assert.equal(t(0x80, 0x80, 0x80), 0, 'no lead byte: nothing to wait for');
    assert.equal(t(0xff), 0, 'not a lead byte');
    assert.equal(t(0xc0), 0, 'an overlong lead is invalid at once');
    assert.equal(incompleteTail(Buffer.from([0xe2, 0x82]), 1, 2), 0, 'a range without its lead byte');
  });

  describe('long lines', () => {
    it('cuts a line longer than the maximum, with a marker saying how many bytes were left out', () => {
      const lines = split([Buffer.from(`${'a'.repeat(25)}\nshort\n`)], { maxLineLength: 10 });
      assert.deepEqual(lines, [{ text: `aaaaaaaaaa${cutMarker(15)}`, cut: true }, { text: 'short' }]);
      assert.equal(cutMarker(15), ' … [line cut: 15 more bytes]');
      assert.deepEqual(split([Buffer.from('x'.repeat(10))], { maxLineLength: 10 }), [{ text: 'xxxxxxxxxx' }], 'exactly the maximum is kept whole');
    });

    it('counts bytes, not characters, and never splits a surrogate pair', () => {
      // 'ab' + 😀 (2 UTF-16 units, 4 bytes) + 'é' (2 bytes): a cut at 3 units would split the pair.
      const lines = split([Buffer.from('ab😀é\n')], { maxLineLength: 3 });
      assert.deepEqual(lines, [{ text: `ab${cutMarker(6)}`, cut: true }]);
    });

    it('cuts a 1 MB line at the default 16 KiB, holding only the head while the line streams in', () => {
      const { s, lines } = splitter();
      const oneMB = 1024 * 1024;
      const line = Buffer.alloc(oneMB, 'é'); // 2-byte characters, so chunk edges fall inside them
      let maxHeld = 0;
      for (let at = 0; at < line.length; at += 16 * 1024 + 1) {
        s.push(line.subarray(at, at + 16 * 1024 + 1));
        maxHeld = Math.max(maxHeld, s.bufferedLength);
      }
      assert.equal(lines.length, 0, 'no newline yet');
      assert.ok(maxHeld <= 16 * 1024 + 2, `held ${maxHeld} code units while waiting`);
      s.push(Buffer.from('\r\nnext line\n'));
      assert.equal(lines.length, 2);
      assert.equal(lines[0].text, 'é'.repeat(16 * 1024) + cutMarker(oneMB - 2 * 16 * 1024));
      assert.equal(lines[0].cut, true);
      assert.deepEqual(lines[1], { text: 'next line' });
      assert.equal(s.bufferedLength, 0);
    });

    it('counts the same bytes whether the long line came in one chunk or many, with CRLF and at flush', () => {
      const body = `${'x'.repeat(100)}€${'y'.repeat(50)}`;
      const bytes = Buffer.from(`${body}\r\n`);
      const expected = { text: `${'x'.repeat(40)}${cutMarker(Buffer.byteLength(body) - 40)}`, cut: true as const };
      for (let size = 1; size <= bytes.length; size += 7) {
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
        assert.deepEqual(split(chunks, { maxLineLength: 40 }), [expected], `chunks of ${size}`);
      }
      assert.deepEqual(split([Buffer.from(body.slice(0, 90)), Buffer.from(body.slice(90))], { maxLineLength: 40 }), [expected], 'ends at flush');
    });

    it('appends the marker after the transform, so an unterminated sequence cannot swallow it', () => {
      const lines = split([Buffer.from(`${'a'.repeat(20)}\n`)], { maxLineLength: 5, transform: (t) => t.toUpperCase() });
      assert.deepEqual(lines, [{ text: `AAAAA${cutMarker(15)}`, cut: true }]);
    });
  });

  describe('timestamps', () => {
    const ts = '2026-11-22T14:05:00.123456789Z';

    it('parses the RFC 3339 nanosecond timestamp off each line into a field', () => {
      const lines = split([Buffer.from(`${ts} hello world\r\n${ts} \n2026-11-22T14:05:01+02:00 offset form\n`)], { timestamps: true });
      assert.deepEqual(lines, [
        { text: 'hello world', timestamp: ts },
        { text: '', timestamp: ts },
        { text: 'offset form', timestamp: '2026-11-22T14:05:01+02:00' },
      ]);
    });

    it('keeps a line that does not start with a timestamp whole, and ignores timestamps when off', () => {
      assert.deepEqual(split([Buffer.from('no timestamp here\n2026-11-22 14:05:00 not RFC 3339\n')], { timestamps: true }), [
        { text: 'no timestamp here' },
        { text: '2026-11-22 14:05:00 not RFC 3339' },
      ]);
      assert.deepEqual(split([Buffer.from(`${ts} text\n`)]), [{ text: `${ts} text` }]);
    });

    it('does not count the timestamp in the maximum length, also when cutting while streaming', () => {
      const line = `${ts} ${'z'.repeat(30)}\n`;
      const expected = [{ text: `${'z'.repeat(10)}${cutMarker(20)}`, timestamp: ts, cut: true }];
      assert.deepEqual(split([Buffer.from(line)], { timestamps: true, maxLineLength: 10 }), expected);
      const chunks = [...Buffer.from(line)].map((b) => Buffer.from([b]));
      assert.deepEqual(split(chunks, { timestamps: true, maxLineLength: 10 }), expected);
    });
  });

  it('reset() forgets the unfinished line and a half-received character', () => {
    const { s, lines } = splitter();
    s.push(Buffer.from([0x61, 0x62, 0xe2, 0x82]));
    s.reset();
    s.push(Buffer.from('fresh\n'));
    s.flush();
    assert.deepEqual(texts(lines), ['fresh']);
  });
});
