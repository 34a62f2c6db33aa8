import * as assert from 'node:assert/strict';
import { MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, validateText, validateTitle } from '../../../../src/core/incidents/validate';

describe('validate', () => {
  describe('validateTitle', () => {
    it('accepts good titles', () => {
      for (const t of ['Checkout returns 502', '  padded is fine  ', 'Café: 5xx on /api/pay (EU)', '支付失败', 'Ошибка оплаты', 'خطأ في الدفع', '🔥 fire', 'x'.repeat(MAX_TITLE_LENGTH)]) {
        assert.equal(validateTitle(t), undefined, t);
      }
    });

    it('refuses an empty or whitespace-only title', () => {
      for (const t of ['', ' ', '\t\n ']) assert.match(validateTitle(t) ?? '', /short title/, JSON.stringify(t));
    });

    it('refuses a 500-character title, saying how long it is', () => {
      assert.equal(MAX_TITLE_LENGTH, 120);
      assert.match(validateTitle('x'.repeat(500)) ?? '', /120 characters or fewer \(it has 500\)/);
      assert.match(validateTitle('x'.repeat(121)) ?? '', /it has 121/);
    });

    it('counts characters, not UTF-16 units', () => {
      assert.equal(validateTitle('🔥'.repeat(120)), undefined);
      assert.match(validateTitle('🔥'.repeat(121)) ?? '', /it has 121/);
    });

    it('refuses the right-to-left override and other direction controls', () => {
      assert.match(validateTitle('invoice\u202Efdp.exe') ?? '', /direction-control character \(U\+202E\)/);
      for (const ch of ['\u202a', '\u202b', '\u202c', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c']) {
        assert.match(validateTitle(`a${ch}b`) ?? '', /direction-control/, ch.codePointAt(0)!.toString(16));
      }
    });

    it('refuses control characters, naming the code point', () => {
      assert.match(validateTitle('a\u0000b') ?? '', /control character \(U\+0000\)/);
      assert.match(validateTitle('a\u001bb') ?? '', /control character \(U\+001B\)/);
      assert.match(validateTitle('a\u007fb') ?? '', /U\+007F/);
      assert.match(validateTitle('a\u0085b') ?? '', /U\+0085/);
    });

    it('refuses a newline or carriage return inside the title', () => {
      assert.match(validateTitle('first\nsecond') ?? '', /single line/);
      assert.match(validateTitle('first\rsecond') ?? '', /single line/);
      assert.equal(validateTitle('trailing newline is trimmed\n'), undefined);
    });
  });

  describe('validateText', () => {
    it('accepts multi-line notes with tabs', () => {
      assert.equal(validateText('Restarted pods\n\tstill failing\r\nrolled back', 'note'), undefined);
    });

    it('refuses empty text only when required', () => {
      assert.equal(validateText('  ', 'note'), 'The note is empty.');
      assert.equal(validateText('  ', 'summary', { required: false }), undefined);
    });

    it('refuses newlines in single-line text and bidi/control characters anywhere', () => {
      assert.equal(validateText('a\nb', 'service', { multiline: false }), 'The service must be a single line.');
      assert.match(validateText('a\u202eb', 'note') ?? '', /U\+202E/);
      assert.match(validateText('a\u0007b', 'note') ?? '', /control character \(U\+0007\)/);
    });

    it('bounds the length', () => {
      assert.equal(validateText('x'.repeat(MAX_TEXT_LENGTH), 'note'), undefined);
      assert.match(validateText('x'.repeat(MAX_TEXT_LENGTH + 1), 'note') ?? '', /4000 characters or fewer \(it has 4001\)/);
      assert.match(validateText('x'.repeat(11), 'service', { max: 10 }) ?? '', /10 characters or fewer/);
    });
  });
});
