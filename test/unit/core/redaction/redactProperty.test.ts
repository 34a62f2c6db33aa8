import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { redactText } from '../../../../src/core/redaction/redact';
import { innocentCorpus, secretCorpus } from '../../../fixtures/secrets/corpus';

const corpus = secretCorpus();
const secrets = corpus.flatMap((s) => s.secrets.map((x) => x.value));

/** Text around the secrets: words, punctuation, quotes, `=`, `:`, newlines, innocent lines, other samples. */
const filler = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(' ', '\n', '=', ': ', '"', "'", ',', ';', '&', '/', '@', '-', '_', 'token ', 'password=', 'Bearer ', 'https://u:', '\\n'),
  fc.constantFrom(...innocentCorpus()),
);
const piece = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...corpus.map((s) => s.text)) }, { weight: 3, arbitrary: filler });

describe('redaction: properties', function () {
  this.timeout(120_000);

  it('no corpus secret survives, whatever surrounds it, and a second pass changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 8 }), async (pieces) => {
        const text = pieces.join('');
        const once = await redactText(text);
        for (const s of secrets) if (text.includes(s)) assert.ok(!once.text.includes(s), `survived: ${s.slice(0, 12)}… in ${JSON.stringify(once.text)}`);
        const twice = await redactText(once.text);
        assert.equal(twice.text, once.text);
        assert.deepEqual(twice.kinds, []);
      }),
      { numRuns: 150 },
    );
  });

  it('idempotent on arbitrary text too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const once = await redactText(text);
        assert.equal((await redactText(once.text)).text, once.text);
      }),
      { numRuns: 150 },
    );
  });
});
