import * as assert from 'node:assert/strict';
import { secretCorpus } from '../../../fixtures/secrets/corpus';
import { OUTPUT_TAIL_MAX_BYTES, OUTPUT_TAIL_MAX_LINES, outputTail, plainTail } from '../../../../src/core/runbooks/outputTail';

describe('outputTail (what a finished step keeps of its output)', () => {
  it('plain text: colours, OSC marks (shell integration, links) and other escapes are stripped; CRLF is LF', async () => {
    const raw = '\x1b]633;C\x07\x1b[1;32mok\x1b[0m: 3 pods\r\n\x1b]8;;https://x\x07link\x1b]8;;\x07 done\r\n\x1b[?2004l';
    assert.deepEqual(await outputTail(raw), { text: 'ok: 3 pods\nlink done', truncated: false });
  });

  it('a progress bar redrawn with \\r keeps only what the terminal last showed', () => {
    assert.equal(plainTail('progress 10%\rprogress 55%\rprogress 100%\nready\n').text, 'progress 100%\nready');
  });

  it(`keeps the last ${OUTPUT_TAIL_MAX_LINES} lines, and says earlier ones were left out`, () => {
    const raw = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') + '\n\n';
    const tail = plainTail(raw);
    assert.equal(tail.truncated, true);
    const lines = tail.text.split('\n');
    assert.equal(lines.length, OUTPUT_TAIL_MAX_LINES);
    assert.equal(lines[0], 'line 61');
    assert.equal(lines.at(-1), 'line 100');
  });

  it(`at most ${OUTPUT_TAIL_MAX_BYTES} bytes, starting on a whole line, never inside a character`, () => {
    const long = Array.from({ length: 10 }, (_, i) => `${i} ${'é'.repeat(700)}`).join('\n');
    const tail = plainTail(long);
    assert.equal(tail.truncated, true);
    assert.ok(Buffer.byteLength(tail.text) <= OUTPUT_TAIL_MAX_BYTES);
    assert.ok(/^\d /.test(tail.text), tail.text.slice(0, 10));
    assert.ok(tail.text.endsWith('9 ' + 'é'.repeat(700)));
    const one = plainTail('x'.repeat(10_000) + 'é'.repeat(3000));
    assert.ok(Buffer.byteLength(one.text) <= OUTPUT_TAIL_MAX_BYTES && !one.text.includes('\ufffd'));
  });

  it('a huge output costs only its end; a cut escape sequence at the cut does not leak', () => {
    const raw = '\x1b[31m' + 'a'.repeat(1_000_000) + '\n' + 'tail line\n';
    assert.deepEqual(plainTail(raw), { text: 'tail line', truncated: true });
  });

  it('secrets in the output are redacted before the tail is kept, and the kinds (never the values) said', async () => {
    for (const name of ['GitHub classic token', 'RSA private key']) {
      const sample = secretCorpus().find((c) => c.name === name)!;
      // Coloured, as a command prints it to a terminal.
      const raw = sample.text.split('\n').map((l) => `\x1b[33m${l}\x1b[0m`).join('\r\n') + '\r\n';
      const tail = (await outputTail(raw))!;
      for (const { value, kind } of sample.secrets) {
        assert.ok(!tail.text.includes(value), `${name}: the secret is gone`);
        assert.ok(tail.redacted?.includes(kind), `${name}: ${JSON.stringify(tail.redacted)}`);
      }
      assert.match(tail.text, /\[redacted: [a-z-]+\]/);
    }
  });

  it('a private key that starts above the last 40 lines is still redacted: redaction runs before the cut', async () => {
    const sample = secretCorpus().find((c) => c.name === 'RSA private key')!;
    const raw = `${sample.text}\n${Array.from({ length: 30 }, (_, i) => `after ${i}`).join('\n')}\n`;
    assert.ok(raw.trimEnd().split('\n').length > 40 && !plainTail(raw).text.includes('BEGIN'), 'cut first, the BEGIN line would be gone');
    const tail = (await outputTail(raw))!;
    for (const { value } of sample.secrets) assert.ok(!tail.text.includes(value), 'no line of the key is kept');
    assert.deepEqual(tail.redacted, ['private-key']);
    assert.ok(tail.text.endsWith('after 29'));
  });

  it('a secret only in the lines that were cut is not reported as redacted in what is kept', async () => {
    const sample = secretCorpus().find((c) => c.name === 'GitHub classic token')!;
    const tail = (await outputTail(`${sample.text}\n${Array.from({ length: 50 }, (_, i) => `after ${i}`).join('\n')}`))!;
    assert.equal(tail.truncated, true);
    assert.equal(tail.redacted, undefined);
    assert.ok(!tail.text.includes(sample.secrets[0].value));
  });

  it('nothing printed, or output that could not be read: no tail', async () => {
    assert.equal(await outputTail(undefined), undefined);
    assert.equal(await outputTail('\x1b]633;D;0\x07\r\n'), undefined);
  });
});
