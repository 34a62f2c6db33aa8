import * as assert from 'node:assert/strict';
import { RedactionError, redactText, redactTexts } from '../../../../src/core/redaction/redact';
import { redactEvent } from '../../../../src/core/redaction/redactEvent';
import { innocentCorpus, secretCorpus } from '../../../fixtures/secrets/corpus';

describe('redaction: the secrets corpus', () => {
  for (const sample of secretCorpus()) {
    it(`${sample.name}: each secret replaced by its kind, the text around it kept`, async () => {
      const { text, kinds } = await redactText(sample.text);
      for (const s of sample.secrets) {
        assert.ok(!text.includes(s.value), `${sample.name}: the secret is still there:\n${text}`);
        assert.ok(text.includes(`[redacted: ${s.kind}]`), `${sample.name}: no [redacted: ${s.kind}] in:\n${text}`);
        assert.ok(kinds.includes(s.kind), `${sample.name}: kinds ${JSON.stringify(kinds)} miss ${s.kind}`);
      }
      for (const k of sample.keep) assert.ok(text.includes(k), `${sample.name}: lost ${JSON.stringify(k)}:\n${text}`);
    });
  }

  it('all of them in one text, as a pasted log would hold them', async () => {
    const corpus = secretCorpus();
    const { text } = await redactText(corpus.map((s) => s.text).join('\n---\n'));
    for (const s of corpus) for (const v of s.secrets) assert.ok(!text.includes(v.value), `${s.name} survived`);
  });
});

describe('redaction: text that is no secret', () => {
  for (const text of innocentCorpus()) {
    it(`kept as is: ${JSON.stringify(text.slice(0, 60))}…`, async () => {
      const out = await redactText(text);
      assert.equal(out.text, text);
      assert.deepEqual(out.kinds, []);
    });
  }
});

describe('redaction: rules of our own', () => {
  it('a private key cut off at either end (an output tail) still goes', async () => {
    const body = ['MIIEowIBAAKCAQEA' + 'x'.repeat(48), 'y'.repeat(64), 'z'.repeat(64)];
    const begin = `-----BEGIN RSA ${'PRIVATE'} KEY-----`;
    const end = `-----END RSA ${'PRIVATE'} KEY-----`;
    const head = await redactText(`$ cat key\n${begin}\n${body.join('\n')}`);
    assert.equal(head.text, '$ cat key\n[redacted: private-key]');
    const tail = await redactText(`${body.slice(1).join('\n')}\n${end}\nexit 0`);
    assert.ok(!tail.text.includes('y'.repeat(64)) && tail.text.endsWith('[redacted: private-key]\nexit 0'), tail.text);
  });

  it('every PEM kind, also inside JSON with \\n escapes', async () => {
    for (const label of ['RSA ', 'EC ', 'DSA ', 'OPENSSH ', 'ENCRYPTED ', '']) {
      const block = `-----BEGIN ${label}PRIVATE KEY-----\\nQUJD${'a'.repeat(60)}\\n-----END ${label}PRIVATE KEY-----`;
      const { text } = await redactText(`{"key": "${block}"}`);
      assert.equal(text, '{"key": "[redacted: private-key]"}', label);
    }
    const pgp = await redactText(`-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF${'q'.repeat(60)}\n-----END PGP PRIVATE KEY BLOCK-----`);
    assert.equal(pgp.text, '[redacted: private-key]');
  });

  it('two Authorization headers run together: both credentials go (found by the property test)', async () => {
    const basic = 'Authorization: Basic ZmFrZS11c2VyOjh3YUZrNk94SmI0Vw==';
    for (const text of [basic + basic, `${basic}Proxy-Authorization: Bearer abc123def456ghi789`, 'authorization=tok_1234567890abcdefAuthorization: Basic ZmFrZS11c2VyOjh3YUZrNk94SmI0Vw==']) {
      const once = await redactText(text);
      assert.doesNotMatch(once.text, /ZmFrZS11|abc123def|tok_1234/, once.text);
      assert.equal((await redactText(once.text)).text, once.text, 'a second pass changes nothing');
    }
    // One header alone is still redacted to its end, and what follows a space is kept.
    assert.equal((await redactText(`${basic} next`)).text, 'Authorization: Basic [redacted: authorization] next');
  });

  it('placeholders and variables are names of secrets, not secrets', async () => {
    for (const t of ['password=$DB_PASSWORD', 'token: ${{ secrets.TOKEN }}', 'password=<your password>', 'secret=****', 'api_key=%API_KEY%']) {
      assert.equal((await redactText(t)).text, t);
    }
  });
});

describe('redaction: incidentDesk.redact.patterns', () => {
  it("a team's pattern is redacted as `pattern`; with a group, only the group", async () => {
    const patterns = ['acme_[a-z0-9]{12}', '/ticket-key: (\\w+)/i'];
    const { text, kinds } = await redactText('used acme_0a1b2c3d4e5f and TICKET-KEY: zzz999 today', { patterns });
    assert.equal(text, 'used [redacted: pattern] and TICKET-KEY: [redacted: pattern] today');
    assert.deepEqual(kinds, ['pattern']);
  });

  it('an invalid pattern is an error naming it, never skipped', async () => {
    await assert.rejects(redactText('anything', { patterns: ['ok', 'bad[('] }), (e: unknown) => RedactionError.is(e, 'invalidPattern') && e.message.includes('"bad[("') && e.message.includes('incidentDesk.redact.patterns'));
    await assert.rejects(redactText('', { patterns: [42] }), (e: unknown) => RedactionError.is(e, 'invalidPattern') && e.message.includes('[0]'));
  });

  it('a pattern that matches a label does not redact it again', async () => {
    const once = await redactText('password=hunter22', { patterns: ['redacted'] });
    assert.equal(once.text, 'password=[redacted: assignment]');
    assert.equal((await redactText(once.text, { patterns: ['redacted'] })).text, once.text);
  });
});

describe('redaction: several texts, an event', () => {
  it('texts are redacted apart: a secret in one never swallows the next', async () => {
    const begin = `-----BEGIN ${'PRIVATE'} KEY-----`;
    const { texts, kinds } = await redactTexts([`${begin}\nMIIE${'a'.repeat(60)}`, 'the next line is kept', '']);
    assert.deepEqual(texts, ['[redacted: private-key]', 'the next line is kept', '']);
    assert.deepEqual(kinds, ['private-key']);
  });

  it('an event: its text and every string inside data, recursively; data.redacted says what kinds, never what', async () => {
    const [gh] = secretCorpus();
    const token = gh!.secrets[0]!.value;
    const event = { ts: '2026-11-22T14:07:00.000Z', type: 'logs_pinned', actor: 'alice', text: `pinned ${token}`, data: { lines: ['ok', { raw: `x ${token}` }], count: 2 }, id: '01JFAKE' };
    const out = await redactEvent(event);
    assert.equal(out.event.text, 'pinned [redacted: github-token]');
    assert.deepEqual(out.event.data, { lines: ['ok', { raw: 'x [redacted: github-token]' }], count: 2, redacted: ['github-token'] });
    assert.equal(out.event.id, '01JFAKE');
    assert.ok(!JSON.stringify(out.event).includes(token));
    const clean = { ts: event.ts, type: 'note', actor: 'alice', text: 'nothing here' };
    assert.equal((await redactEvent(clean)).event, clean);
  });
});
