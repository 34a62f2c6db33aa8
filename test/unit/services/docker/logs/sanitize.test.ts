import * as assert from 'node:assert/strict';
import { sanitize, stripAll } from '../../../../../src/services/docker/logs/sanitize';

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

describe('sanitize', () => {
  it('returns a line without control characters as it is (the same string)', () => {
    const line = 'GET /api/orders 200 12ms — café ✓ 😀 "quoted" \\back\\slash [brackets]';
    assert.equal(sanitize(line), line);
    assert.equal(stripAll(line), line);
    assert.equal(sanitize(''), '');
  });

  it('keeps SGR colours and styles and tabs', () => {
    const coloured = `${ESC}[31mred${ESC}[0m ${ESC}[1;38;5;208mbold orange${ESC}[m\t${ESC}[38:2::10:20:30mtruecolor${ESC}[39;49m`;
    assert.equal(sanitize(coloured), coloured);
    assert.equal(sanitize('a\tb\t\tc'), 'a\tb\t\tc');
  });

  it('removes OSC 52 clipboard writes (BEL or ST terminated, 7-bit or 8-bit)', () => {
    assert.equal(sanitize(`before${ESC}]52;c;cm0gLXJmIH4K${BEL}after`), 'beforeafter');
    assert.equal(sanitize(`before${ESC}]52;c;cm0gLXJmIH4K${ST}after`), 'beforeafter');
    assert.equal(sanitize('before\u009d52;c;cm0gLXJmIH4K\u009cafter'), 'beforeafter');
    assert.equal(sanitize('before\u009d52;c;cm0gLXJmIH4K\u0007after'), 'beforeafter');
  });

  it('removes OSC 8 hyperlinks but keeps their visible text', () => {
    assert.equal(sanitize(`see ${ESC}]8;;https://evil.example/${ST}the docs${ESC}]8;;${ST} now`), 'see the docs now');
    assert.equal(sanitize(`${ESC}]8;id=1;file:///etc/passwd${BEL}x${ESC}]8;;${BEL}`), 'x');
  });

  it('removes title and icon changes and other OSC', () => {
    assert.equal(sanitize(`${ESC}]0;pwned${BEL}text`), 'text');
    assert.equal(sanitize(`${ESC}]2;title${ST}text${ESC}]1;icon${BEL}`), 'text');
    assert.equal(sanitize(`${ESC}]4;1;rgb:ff/00/00${BEL}palette`), 'palette');
  });

  it('removes an unterminated OSC to the end of the line', () => {
    assert.equal(sanitize(`ok ${ESC}]52;c;c2VjcmV0IGRhdGEgdGhhdCBuZXZlciBlbmRz`), 'ok ');
  });

  it('ends an OSC at an ESC that is not ST, as terminals do, and goes on from there', () => {
    assert.equal(sanitize(`${ESC}]0;title${ESC}[31mred${ESC}[0m`), `${ESC}[31mred${ESC}[0m`);
  });

  it('removes cursor movement, erase, scroll and every other non-SGR CSI', () => {
    assert.equal(sanitize(`${ESC}[2J${ESC}[H${ESC}[10;20Hx${ESC}[5A${ESC}[3C${ESC}[K${ESC}[1;24r${ESC}[6n`), 'x');
    assert.equal(sanitize(`${ESC}[?1049h${ESC}[?25l${ESC}[?1000;1006hmodes${ESC}[?2004l`), 'modes');
    assert.equal(sanitize(`${ESC}[s${ESC}[u${ESC}[0 q${ESC}[!p${ESC}[>0c${ESC}[=1c`), '');
  });

  it('removes CSI that only look like SGR (private or intermediate bytes)', () => {
    // ESC [ > 4 ; 2 m is xterm's modifyOtherKeys, ESC [ ? 31 m not a colour at all.
    assert.equal(sanitize(`a${ESC}[>4;2mb${ESC}[?31mc${ESC}[1 md`), 'abcd');
  });

  it('removes a CSI cut short at the end of the line', () => {
    assert.equal(sanitize(`abc${ESC}[31`), 'abc');
    assert.equal(sanitize(`abc${ESC}[`), 'abc');
    assert.equal(sanitize(`abc${ESC}`), 'abc');
  });

  it('removes 8-bit CSI (U+009B) with its parameters', () => {
    assert.equal(sanitize('a\u009b2Jb\u009b10;20Hc\u009b31md'), 'abcd');
  });

  it('removes ESC c (full reset) and the other escape sequences', () => {
    assert.equal(sanitize(`${ESC}creset`), 'reset');
    assert.equal(sanitize(`${ESC}7saved${ESC}8`), 'saved');
    assert.equal(sanitize(`${ESC}(0line drawing${ESC}(B`), 'line drawing');
    assert.equal(sanitize(`${ESC}#8${ESC}=${ESC}>${ESC}M${ESC}D${ESC}E${ESC}Hdone`), 'done');
    assert.equal(sanitize(`${ESC}${ESC}[2Jx`), 'x', 'a lone ESC before another sequence');
  });

  it('removes DCS, APC, PM and SOS strings, 7-bit and 8-bit', () => {
    assert.equal(sanitize(`${ESC}Pq#0;2;0;0;0#1!10~${ST}after`), 'after', 'sixel graphics');
    assert.equal(sanitize(`${ESC}P$qm${ST}x`), 'x', 'DECRQSS');
    assert.equal(sanitize(`${ESC}_Gf=100,a=T;iVBORw0KGgo=${ST}img`), 'img', 'kitty graphics APC');
    assert.equal(sanitize(`${ESC}^privacy message${ST}pm`), 'pm');
    assert.equal(sanitize(`${ESC}Xstart of string${ST}sos`), 'sos');
    assert.equal(sanitize('a\u0090q payload\u009cb\u009fapc\u009cc\u009epm\u009cd\u0098sos\u009ce'), 'abcde');
    assert.equal(sanitize(`x${ESC}Pno terminator ever`), 'x');
  });

  it('removes C0 controls except TAB (NUL, BEL, BS, CR mid-line, VT, FF, ...), DEL and C1', () => {
    assert.equal(sanitize('a\u0000b\u0007c\bd\re\u000bf\u000cg\u000eh\u001fi\u007fj'), 'abcdefghij');
    assert.equal(sanitize('progress 50%\rprogress 100%'), 'progress 50%progress 100%');
    assert.equal(sanitize('next\u0085line\u0080\u0081end'), 'nextlineend');
    assert.equal(sanitize('a\u009fb'), 'a', 'U+009F is APC: it opens a string that runs to ST');
    assert.equal(sanitize('keeps\u00a0nbsp and \u00e9'), 'keeps\u00a0nbsp and \u00e9');
  });

  it('stripAll removes the colours too, for plain text', () => {
    assert.equal(stripAll(`${ESC}[31mred${ESC}[0m and ${ESC}[1mbold${ESC}[m${ESC}]0;t${BEL}\tend`), 'red and bold\tend');
  });

  it('never lets through any control sequence but complete SGR, whatever the input (fuzzed)', () => {
    const pieces = [
      ESC, '[', ']', 'P', '_', '^', 'X', '\\', BEL, 'm', ';', '?', '>', '1', '31', '0', ' ', 'a', 'é', '😀', '\t', '\r', '\n', '\u0000',
      '\u007f', '\u0085', '\u0090', '\u009b', '\u009c', '\u009d', '\u009f', '8', 'c', '(', '#', 'H', 'J', 'q',
    ];
    // eslint-disable-next-line no-control-regex -- the property is about control characters
    const safe = /^(?:[^\x00-\x08\x0a-\x1f\x7f-\x9f]|\x1b\[[0-9;:]*m)*$/u;
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const len = random(24);
      for (let k = 0; k < len; k++) s += pieces[random(pieces.length)];
      const out = sanitize(s);
      assert.match(out, safe, `sanitize(${JSON.stringify(s)}) = ${JSON.stringify(out)}`);
      assert.equal(sanitize(out), out, `idempotent on ${JSON.stringify(s)}`);
      const plain = stripAll(s);
      // eslint-disable-next-line no-control-regex -- the property is about control characters
      assert.doesNotMatch(plain, /[\x00-\x08\x0a-\x1f\x7f-\x9f]/, `stripAll(${JSON.stringify(s)})`);
      // Text is never invented: the output's plain characters all come from the input, in order.
      assert.equal(stripAll(out), plain);
    }
  });
});
