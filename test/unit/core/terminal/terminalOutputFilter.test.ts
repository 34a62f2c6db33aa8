import * as assert from 'node:assert/strict';
import { StringDecoder } from 'node:string_decoder';
import * as fc from 'fast-check';
import { TerminalOutputFilter } from '../../../../src/core/terminal/terminalOutputFilter';
import { TerminalOracle } from '../../support/terminalOracle';

function run(input: string, splits: 'whole' | 'bytewise' = 'whole'): { out: string; dropped: number } {
  const f = new TerminalOutputFilter();
  const out = splits === 'whole' ? f.push(input) : [...input].map((c) => f.push(c)).join('');
  return { out, dropped: f.dropped };
}

/** `text` cut at the given offsets (sorted, deduplicated, within it). */
function splitAt(text: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const c of at) {
    parts.push(text.slice(from, c));
    from = c;
  }
  parts.push(text.slice(from));
  return parts;
}

// eslint-disable-next-line no-control-regex -- the property is about control characters
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const C1 = /[\x80-\x9f]/;

describe('TerminalOutputFilter (interactive SSH output)', () => {
  const cases: Array<[string, string, string, number]> = [
    ['plain text and colours pass', 'ls\r\n\x1b[31mred\x1b[0m\r\n', 'ls\r\n\x1b[31mred\x1b[0m\r\n', 0],
    ['cursor movement and modes pass (full-screen programs)', '\x1b[2J\x1b[H\x1b[?1049h\x1b[10;5Hx\x1b(B', '\x1b[2J\x1b[H\x1b[?1049h\x1b[10;5Hx\x1b(B', 0],
    ['window title passes', 'a\x1b]0;root@vps: ~\x07b', 'a\x1b]0;root@vps: ~\x07b', 0],
    ['a title ended by ST passes, BEL-terminated', 'a\x1b]2;t\x1b\\b', 'a\x1b]2;t\x07b', 0],
    ['OSC 52 clipboard write is removed (BEL)', 'a\x1b]52;c;ZXZpbA==\x07b', 'ab', 1],
    ['OSC 52 clipboard write is removed (ST)', 'a\x1b]52;c;ZXZpbA==\x1b\\b', 'ab', 1],
    ['8-bit OSC is removed', 'a\x9d52;c;ZXZpbA==\x9cb', 'ab', 1],
    ['hyperlinks are removed, their text kept', '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07', 'click', 2],
    ['colour queries (answered as input) are removed', '\x1b]11;?\x07x', 'x', 1],
    ['shell-integration marks are removed', '\x1b]633;E;rm -rf /\x07$ ', '$ ', 1],
    // An ESC ends an APC in the emulator: tmux's doubled ESC starts a sequence of its own (an OSC 52 here, removed too).
    ['DCS and APC strings are removed', 'a\x1bPq#0;2;0;0;0\x1b\\b\x1b_tmux;\x1b\x1b]52;c;x\x07\x1b\\c', 'abc', 3],
    ['an 8-bit CSI is passed in its 7-bit form', 'a\x9b31mred\x9b0m', 'a\x1b[31mred\x1b[0m', 0],
    ['C1 controls are not passed on', 'a\x85b\x84c', 'abc', 0],
    ['text from U+00A0 up passes as it is', 'caf\u00e9 \u00a0 \u2588 😀 \u4e2d', 'caf\u00e9 \u00a0 \u2588 😀 \u4e2d', 0],
  ];
  for (const [name, input, expected, dropped] of cases) {
    it(name, () => {
      assert.deepEqual(run(input), { out: expected, dropped });
      assert.deepEqual(run(input, 'bytewise'), { out: expected, dropped }, 'split at every character');
    });
  }

  it('bounds an endless OSC: dropped, and memory does not grow with it', () => {
    const f = new TerminalOutputFilter();
    let out = f.push('a\x1b]0;');
    for (let i = 0; i < 1000; i++) out += f.push('x'.repeat(1000));
    out += f.push('\x07b');
    assert.equal(out, 'ab');
    assert.equal(f.dropped, 1);
  });

  describe('against xterm.js (headless), the emulator VS Code runs', function () {
    this.timeout(120_000);
    let oracle: TerminalOracle;
    before(() => (oracle = new TerminalOracle()));
    afterEach(() => oracle.reset());
    after(() => oracle.dispose());

    /** Streams the chunks through one filter into the emulator; returns the filter's output. */
    async function stream(chunks: readonly string[]): Promise<string> {
      const f = new TerminalOutputFilter();
      let out = '';
      for (const chunk of chunks) {
        const piece = f.push(chunk);
        out += piece;
        await oracle.write(piece);
      }
      return out;
    }

    it('the oracle sees an attack written straight to it (the handlers are live)', async () => {
      await oracle.write('\x1b]0;t\u009d52;c;ZXZpbA==\x07\x1b]8;;https://x\x07\x1bPq#0\x1b\\\x1b]633;A\x07');
      assert.deepEqual(oracle.fired, ['OSC 52: "c;ZXZpbA=="', 'OSC 8: ";https://x"', 'DCS q: "#0"', 'OSC 633: "A"']);
    });

    it('a title holding U+009D (8-bit OSC) does not write the clipboard', async () => {
      const attack = '\x1b]0;t\u009d52;c;ZXZpbA==\x07';
      for (const chunks of [[attack], [...attack], ['\x1b]0;t', '\u009d52;c;', 'ZXZpbA==\x07']]) {
        const out = await stream(chunks);
        assert.deepEqual(oracle.fired, [], `through the filter: ${JSON.stringify(out)}`);
        assert.doesNotMatch(out, C1);
        assert.ok(await oracle.inGroundState(), 'the emulator is back to reading text');
        await oracle.reset();
      }
    });

    it('C1 controls inside any string body (DCS, APC, PM, SOS, OSC) fire nothing', async () => {
      const inner = ['\u009d52;c;eA==\u0007', '\u009d8;;https://x\u009c', '\u0090q#0\u009c', '\u009d133;A\u0007', '\u009b31m'];
      const openers = ['\x1b]0;', '\x1b]2;', '\x1b]52;', '\x1bP', '\x1bPq', '\x1b_', '\x1b^', '\x1bX', '\u0090', '\u009f', '\u009e', '\u0098', '\u009d0;', '\x1b[', '\x1b', '\x1b('];
      for (const open of openers) {
        for (const attack of inner) {
          const out = await stream([open, 'x', attack, 'after']);
          assert.deepEqual(oracle.fired, [], `${JSON.stringify(open + 'x' + attack)} → ${JSON.stringify(out)}`);
          assert.ok(await oracle.inGroundState(), JSON.stringify(open + attack));
          await oracle.reset();
        }
      }
    });

    const hostile = [
      '\x1b', '[', ']', 'P', '_', '^', 'X', '\\', '\x07', '\x18', '\x1a', '\x7f', '\r', '\n', '\t', ';', '?', '>', '$', ' ', '(',
      '\u0080', '\u0084', '\u0085', '\u0090', '\u0098', '\u009b', '\u009c', '\u009d', '\u009e', '\u009f', '\u00a0', 'é', '😀', '\u2588',
      '0', '1', '2', '4', '8', '52', '133', '633', '1337', 'q', 'm', 'c', 't',
      '52;c;ZXZpbA==', '8;;https://evil.example', '633;E;rm -rf /', '1337;File=inline=1:eA==', '4;1;?', '10;?', '11;?',
      '\x1b]0;t\u009d52;c;eA==\x07', '\x1bP$q\x1b\\', '\x1bPq#0;2;0;0;0\x1b\\', '\x1b_Gf=100;eA==\x1b\\', '\u009d52;c;eA==\u009c',
    ];
    const hostileText = fc.array(fc.oneof(fc.constantFrom(...hostile), fc.string({ unit: fc.integer({ min: 0, max: 0x2ff }).map((c) => String.fromCharCode(c)), maxLength: 8 })), { maxLength: 40 }).map((p) => p.join(''));

    it('fuzz: hostile text split anywhere fires no OSC or DCS handler, leaves no C1, ends in ground state', async () => {
      await fc.assert(
        fc.asyncProperty(hostileText, fc.array(fc.nat(), { maxLength: 8 }), async (text, cuts) => {
          const out = await stream(splitAt(text, cuts));
          try {
            assert.deepEqual(oracle.fired, [], `${JSON.stringify(text)} → ${JSON.stringify(out)}`);
            for (const title of oracle.titles) assert.doesNotMatch(title, CONTROL, `title ${JSON.stringify(title)}`);
            assert.doesNotMatch(out, C1);
            assert.ok(await oracle.inGroundState(), `${JSON.stringify(text)} → ${JSON.stringify(out)} leaves a sequence open`);
          } finally {
            await oracle.reset();
          }
        }),
        { numRuns: 400 },
      );
    });

    it('fuzz: random bytes decoded as the SSH terminal does (UTF-8, chunks split anywhere) fire nothing', async () => {
      // A raw 0x9D byte is invalid UTF-8 (U+FFFD); the two bytes C2 9D are U+009D: both are in the mix.
      const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x1b, 0x5d, 0x9d, 0xc2, 0x07, 0x50, 0x5c, 0x3b, 0x35, 0x32)), { maxLength: 300 });
      await fc.assert(
        fc.asyncProperty(bytes, fc.array(fc.nat(), { maxLength: 10 }), async (list, cuts) => {
          const buf = Buffer.from(list);
          const decoder = new StringDecoder('utf8');
          const f = new TerminalOutputFilter();
          let from = 0;
          try {
            for (const cut of [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b).concat(buf.length)) {
              await oracle.write(f.push(decoder.write(buf.subarray(from, cut))));
              from = cut;
            }
            assert.deepEqual(oracle.fired, [], buf.toString('hex'));
            assert.ok(await oracle.inGroundState(), buf.toString('hex'));
          } finally {
            await oracle.reset();
          }
        }),
        { numRuns: 300 },
      );
    });

    // Harmless output: plain ASCII, C0 line controls, text from U+00A0 up (never C1), SGR colours.
    const harmless = fc
      .array(
        fc.oneof(
          fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0x2fff })).map((c) => String.fromCharCode(c)), maxLength: 12 }),
          fc.constantFrom('\r\n', '\t', '\b', '😀', '\x1b[0m', '\x1b[31m', '\x1b[1;38;5;208m', '\x1b[38;2;10;20;30m', '\x1b[K', '\x1b[2;5H'),
        ),
        { maxLength: 30 },
      )
      .map((p) => p.join(''));

    it('fuzz: harmless output passes unchanged, split anywhere, and shows on screen', async () => {
      await fc.assert(
        fc.asyncProperty(harmless, fc.array(fc.nat(), { maxLength: 8 }), async (text, cuts) => {
          try {
            assert.equal(await stream(splitAt(text, cuts)), text);
          } finally {
            await oracle.reset();
          }
        }),
        { numRuns: 200 },
      );
      await stream(['caf\u00e9 \u00a0nbsp \x1b[31m\u2588 red\x1b[0m 😀']);
      assert.match(oracle.text(), /café \u00a0nbsp █ red 😀/);
    });

    it('fuzz: hostile sequences between harmless text remove only themselves', async () => {
      const attacks = fc.constantFrom(
        '\x1b]52;c;ZXZpbA==\x07', '\x1b]8;;https://x\x1b\\', '\u009d52;c;eA==\u009c', '\x1bPq#0;2;0;0;0\x1b\\', '\x1b_Gf=100;eA==\x1b\\',
        '\u009fapc\u009c', '\u0090$q\u009c', '\x1b]633;E;x\x07', '\x1b]1337;File=x\x07', '\x1b]11;?\x07',
      );
      const plain = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0x2fff })).map((c) => String.fromCharCode(c)), maxLength: 10 });
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(plain, attacks), { maxLength: 10 }), plain, fc.array(fc.nat(), { maxLength: 8 }), async (pairs, last, cuts) => {
          const text = pairs.map(([p, a]) => p + a).join('') + last;
          const expected = pairs.map(([p]) => p).join('') + last;
          try {
            assert.equal(await stream(splitAt(text, cuts)), expected);
            assert.deepEqual(oracle.fired, []);
          } finally {
            await oracle.reset();
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
