import * as assert from 'node:assert/strict';
import { parseExpectation, plainOutput } from '../../../../src/core/runbooks/expectation';

describe('expect: checking a step\'s output', () => {
  it('strips colours, cursor moves, OSC titles and shell-integration marks before matching', () => {
    const raw = '\u001b]633;C\u0007\u001b[32mStarted\u001b[0m web_1\r\n\u001b[2K\u001b]0;title\u0007done\r\n';
    assert.equal(plainOutput(raw), 'Started web_1\ndone\n');
  });

  it('matches text as a substring and /regex/flags as a regular expression', () => {
    const text = parseExpectation('Started');
    assert.ok('test' in text && text.test('web Started ok') && !text.test('started'));
    const rx = parseExpectation('/^up \\d+ days?$/im');
    assert.ok('test' in rx && rx.test('load\nUP 3 days\n') && !rx.test('down'));
  });

  it('reports an invalid regular expression instead of throwing', () => {
    const bad = parseExpectation('/(unclosed/');
    assert.ok('error' in bad);
    assert.match(bad.error, /not a valid regular expression/);
  });
});
