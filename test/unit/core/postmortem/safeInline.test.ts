import * as assert from 'node:assert/strict';
import { safeInline } from '../../../../src/core/postmortem/generated';

/** What safeInline did before its fast path: every text goes through the four passes. */
const slow = (text: string): string => text.replace(/\s+/g, ' ').trim().replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');

describe('safeInline', () => {
  it('returns clean one-line text as it is, and rewrites everything else as the four passes do', () => {
    const cases = ['Restart the API', 'a  b', ' lead', 'trail ', 'tab\there', 'line\nbreak', 'crlf\r\n', 'nbsp\u00a0x', 'bom\ufeffx', 'ls\u2028x',
      'open <!-- comment', 'close --> here', '<!---->', '', ' ', 'x y z', '--> <!--', 'é ü ✓ 日本'];
    for (const c of cases) assert.equal(safeInline(c), slow(c), JSON.stringify(c));
    const clean = 'Ran "Step 3" on prod-eu';
    assert.equal(safeInline(clean), clean);
  });

  it('agrees with the four passes on random text made of the characters that matter', () => {
    const alphabet = [' ', ' ', 'a', 'b', '\t', '\n', '\r', '\u00a0', '<', '!', '-', '-', '>', '\u2028'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 5000; i++) {
      let s = '';
      for (let k = rand(12); k > 0; k--) s += alphabet[rand(alphabet.length)];
      assert.equal(safeInline(s), slow(s), JSON.stringify(s));
    }
  });
});
