import * as assert from 'node:assert/strict';
import { TerminalOutputFilter } from '../../../../src/core/terminal/terminalOutputFilter';

function run(input: string, splits: 'whole' | 'bytewise' = 'whole'): { out: string; dropped: number } {
  const f = new TerminalOutputFilter();
  const out = splits === 'whole' ? f.push(input) : [...input].map((c) => f.push(c)).join('');
  return { out, dropped: f.dropped };
}

describe('TerminalOutputFilter (interactive SSH output)', () => {
  const cases: Array<[string, string, string, number]> = [
    ['plain text and colours pass', 'ls\r\n\x1b[31mred\x1b[0m\r\n', 'ls\r\n\x1b[31mred\x1b[0m\r\n', 0],
    ['cursor movement and modes pass (full-screen programs)', '\x1b[2J\x1b[H\x1b[?1049h\x1b[10;5Hx\x1b(B', '\x1b[2J\x1b[H\x1b[?1049h\x1b[10;5Hx\x1b(B', 0],
    ['window title passes', 'a\x1b]0;root@vps: ~\x07b', 'a\x1b]0;root@vps: ~\x07b', 0],
    ['OSC 52 clipboard write is removed (BEL)', 'a\x1b]52;c;ZXZpbA==\x07b', 'ab', 1],
    ['OSC 52 clipboard write is removed (ST)', 'a\x1b]52;c;ZXZpbA==\x1b\\b', 'ab', 1],
    ['8-bit OSC is removed', 'a\x9d52;c;ZXZpbA==\x9cb', 'ab', 1],
    ['hyperlinks are removed, their text kept', '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07', 'click', 2],
    ['colour queries (answered as input) are removed', '\x1b]11;?\x07x', 'x', 1],
    ['shell-integration marks are removed', '\x1b]633;E;rm -rf /\x07$ ', '$ ', 1],
    ['DCS and APC strings are removed', 'a\x1bPq#0;2;0;0;0\x1b\\b\x1b_tmux;\x1b\x1b]52;c;x\x07\x1b\\c', 'abc', 2],
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
});
