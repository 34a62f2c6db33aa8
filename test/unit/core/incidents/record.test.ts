import * as assert from 'node:assert/strict';
import { MAX_RECORD_BYTES, RecordError, parseRecord, stringifyRecord } from '../../../../src/core/incidents/record';
import { recordText, sampleIncident } from '../../support/fixtures';

const ID = '2026-11-22-checkout';

function errorOf(text: string, folder = ID): RecordError {
  try {
    parseRecord(text, folder);
  } catch (e) {
    assert.ok(e instanceof RecordError, `expected a RecordError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected parseRecord to throw');
}

/** Asserts the error's 1-based line and column and that its message matches. */
function assertAt(text: string, line: number, column: number, message: RegExp, folder = ID): void {
  const e = errorOf(text, folder);
  assert.deepEqual({ line: e.line, column: e.column }, { line, column }, e.message);
  assert.match(e.message, message);
}

describe('incident.yaml record', () => {
  describe('parseRecord: valid', () => {
    it('reads every field of a full record', () => {
      const text = `# Incident record
version: 1
id: ${ID}
title: "Checkout returns 502"
severity: P1
status: monitoring
service: checkout
summary: Customers cannot pay
roles:
  commander: Dana
  scribe: Lee
declaredAt: 2026-11-22T14:05:00.000Z
declaredBy: Dana
acknowledgedAt: 2026-11-22T14:07:00Z
mitigatedAt: 2026-11-22T15:00:00.5Z
resolvedAt: null
lastUpdateAt:
escalationsReached: [0, 1]
customer_tickets: 42 # a field Incident Desk does not know
`;
      const { incident, doc } = parseRecord(text, ID);
      assert.deepEqual(incident, {
        version: 1, id: ID, title: 'Checkout returns 502', severity: 'P1', status: 'monitoring', service: 'checkout',
        summary: 'Customers cannot pay', roles: { commander: 'Dana', scribe: 'Lee' }, declaredAt: '2026-11-22T14:05:00.000Z',
        declaredBy: 'Dana', acknowledgedAt: '2026-11-22T14:07:00Z', mitigatedAt: '2026-11-22T15:00:00.5Z', resolvedAt: null,
        lastUpdateAt: null, escalationsReached: [0, 1],
      });
      assert.equal(doc.get('customer_tickets'), 42, 'unknown fields stay in the document');
    });

    it('fills optional fields when they are absent', () => {
      const { incident } = parseRecord(recordText(ID), ID);
      assert.equal(incident.summary, '');
      assert.equal(incident.declaredBy, '');
      assert.deepEqual(incident.roles, {});
      assert.deepEqual(incident.escalationsReached, []);
      assert.equal(incident.acknowledgedAt, null);
    });

    it('tolerates a BOM and CRLF line ends (a file saved on Windows), with positions still right', () => {
      const windows = `\ufeff${recordText(ID).replace(/\n/g, '\r\n')}`;
      assert.equal(parseRecord(windows, ID).incident.title, 'Checkout returns 502');
      assertAt(windows.replace('status: investigating', 'status: bogus'), 5, 9, /^status: must be one of/);
    });

    it('reads a numeric severity as its text', () => {
      assert.equal(parseRecord(recordText(ID).replace('severity: P1', 'severity: 1'), ID).incident.severity, '1');
    });
  });

  describe('parseRecord: hand-broken files give line and column', () => {
    it('an unknown status on line 5, column 9', () => {
      assertAt(recordText(ID).replace('status: investigating', 'status: bogus'), 5, 9, /^status: must be one of investigating, identified, monitoring, resolved \(got "bogus"\)$/);
    });

    it('bad indentation under roles', () => {
      const text = `${recordText(ID)}roles:\n    commander: Dana\n  scribe: Lee\n`;
      assertAt(text, 10, 1, /All mapping items must start at the same column/);
    });

    it('a key indented under the previous value', () => {
      const text = recordText(ID).replace('service: checkout', '  service: checkout');
      // the plain scalar "investigating" on line 5 swallows the over-indented line
      assertAt(text, 5, 9, /Nested mappings are not allowed/);
    });

    it('a duplicate key, at the second occurrence', () => {
      assertAt(`${recordText(ID)}title: Another title\n`, 8, 1, /Map keys must be unique/);
    });

    it('a missing title', () => {
      assertAt(recordText(ID).replace('title: Checkout returns 502\n', ''), 1, 1, /^title: is missing$/);
    });

    it('an empty title', () => {
      assertAt(recordText(ID).replace('title: Checkout returns 502', 'title: "   "'), 3, 8, /^title: is empty$/);
    });

    it('a title that is not text', () => {
      assertAt(recordText(ID).replace('title: Checkout returns 502', 'title: [a, b]'), 3, 8, /^title: must be text$/);
    });

    it('an empty severity (null in YAML) instead of the id "null"', () => {
      assertAt(recordText(ID).replace('severity: P1', 'severity:'), 4, 10, /^severity: is missing$/);
      assertAt(recordText(ID).replace('severity: P1', 'severity: ""'), 4, 11, /^severity: is missing$/);
      assertAt(recordText(ID).replace('severity: P1', 'severity: [P1]'), 4, 11, /^severity: must be a severity id/);
    });

    it('a time in the wrong format', () => {
      assertAt(`${recordText(ID)}acknowledgedAt: 2026-11-22 14:07\n`, 8, 17, /^acknowledgedAt: must be an ISO-8601 UTC time .* \(got "2026-11-22 14:07"\)$/);
      assertAt(recordText(ID).replace('2026-11-22T14:05:00.000Z', '2026-11-22T14:05:00+01:00'), 7, 13, /^declaredAt: must be an ISO-8601 UTC time/);
      assertAt(recordText(ID).replace('2026-11-22T14:05:00.000Z', '2026-02-30T14:05:00.000Z'), 7, 13, /^declaredAt: must be an ISO-8601/);
      assertAt(recordText(ID).replace('declaredAt: 2026-11-22T14:05:00.000Z\n', ''), 1, 1, /^declaredAt: is missing$/);
    });

    it('an id that does not match its folder', () => {
      assertAt(recordText(ID), 2, 5, /^id: "2026-11-22-checkout" does not match its folder "2026-11-22-other"$/, '2026-11-22-other');
    });

    it('a version this build does not read', () => {
      assertAt(recordText(ID).replace('version: 1', 'version: 2'), 1, 10, /^version: .*reads version 1 \(got 2\)$/);
    });

    it('resolved without resolvedAt', () => {
      assertAt(recordText(ID).replace('status: investigating', 'status: resolved'), 1, 1, /^resolvedAt: is missing for a resolved incident$/);
    });

    it('roles that are not a map of people', () => {
      assertAt(`${recordText(ID)}roles: [Dana]\n`, 8, 8, /^roles: must map a role/);
      // the role at fault, not the first role
      assertAt(`${recordText(ID)}roles:\n  commander: Dana\n  scribe: 7\n`, 10, 11, /^roles: scribe must name a person$/);
      assertAt(`${recordText(ID)}roles:\n  commander:\n`, 9, 13, /^roles: commander must name a person$/);
    });

    it('escalationsReached that is not a list of step numbers', () => {
      for (const bad of ['[-1]', '[1.5]', '["a"]', 'yes']) {
        assertAt(`${recordText(ID)}escalationsReached: ${bad}\n`, 8, 21, /^escalationsReached: must be a list of step numbers$/);
      }
    });

    it('tabs used as indentation', () => {
      assertAt(`${recordText(ID)}\tsummary: x\n`, 8, 1, /Tabs are not allowed/);
    });

    it('an unclosed quote, where the closing quote is missing (the end of the file)', () => {
      assertAt(`${recordText(ID)}summary: "never closed\n`, 9, 1, /Missing closing "quote/);
    });

    it('a document that is not a mapping', () => {
      assertAt('- a\n- b\n', 1, 1, /expected a mapping/);
      assertAt('just text\n', 1, 1, /expected a mapping/);
      assertAt('', 1, 1, /expected a mapping/);
    });

    it('two documents in one file', () => {
      assertAt(`${recordText(ID)}---\nother: 1\n`, 8, 1, /multiple documents/);
    });

    it('an alias bomb, quickly and without expanding it', () => {
      const bomb = [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
        'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
        'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
      ].join('\n');
      const lines = recordText(ID).split('\n').length;
      // Pointed at the first alias, named as what it is.
      assertAt(`${recordText(ID)}${bomb}\n`, lines + 1, 8, /aliases cannot be resolved within 100 expansions \(an alias bomb\?\)/);
    });

    it('10,000-deep flow nesting: refused with its line and column, not a stack overflow', () => {
      const lines = recordText(ID).split('\n').length;
      const deep = `${recordText(ID)}extra: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
      const e = errorOf(deep);
      assert.match(e.message, /nested more than 64 levels deep; the file is refused/);
      assert.equal(e.line, lines);
      assert.ok(e.column > 8 && e.column < 8 + 70, `column ${e.column} is not where the nesting passes the limit`);
    });

    it('deep block nesting (mappings and sequences by indentation) is refused the same way', () => {
      let block = '';
      for (let i = 0; i < 200; i++) block += `${' '.repeat(i)}${i % 2 ? '- ' : 'k:'}\n`;
      assert.match(errorOf(`${recordText(ID)}${block}`).message, /nested more than 64 levels deep/);
      const map = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
      assert.match(errorOf(`${recordText(ID)}extra:\n${map} 1\n`).message, /nested more than 64 levels deep/);
    });

    it('an oversized file, before parsing it', () => {
      const big = `${recordText(ID)}summary: "${'x'.repeat(MAX_RECORD_BYTES)}"\n`;
      assertAt(big, 1, 1, /larger than 256 KiB/);
      // multi-byte text is measured in bytes, not characters
      const wide = `${recordText(ID)}summary: "${'é'.repeat(MAX_RECORD_BYTES / 2)}"\n`;
      assertAt(wide, 1, 1, /larger than 256 KiB/);
    });
  });

  describe('stringifyRecord', () => {
    it('writes a fresh record with a header that parses back to the same incident', () => {
      const incident = sampleIncident({ id: ID, roles: { commander: 'Dana' }, escalationsReached: [0, 2], acknowledgedAt: '2026-11-22T14:07:00.000Z' });
      const text = stringifyRecord(incident);
      assert.match(text, /^# Incident record kept by Incident Desk/);
      const back = parseRecord(text, ID);
      assert.deepEqual(back.incident, incident);
      assert.equal(stringifyRecord(back.incident, back.doc), text, 'rewriting an unchanged record changes nothing');
    });

    it('keeps titles that YAML would misread as other types or as syntax', () => {
      for (const title of ['yes', 'null', '123', '# not a comment', 'key: value', '- dash', '"quoted"', "it's", '@at', '%percent', 'multi  space', '']) {
        const incident = sampleIncident({ id: ID, title: title || 'x', summary: title });
        assert.deepEqual(parseRecord(stringifyRecord(incident), ID).incident, incident, title);
      }
    });

    it("a rewrite from the parsed document keeps the person's comments, key order and extra fields", () => {
      const handWritten = `# Checkout outage: see #inc-4521 in chat
version: 1
id: ${ID}
title: 'Checkout returns 502' # wording from the status page
severity: P1
status: investigating
service: checkout
# the commander changes at shift end
roles:
  commander: Dana
declaredAt: 2026-11-22T14:05:00.000Z
customer_tickets: 42
jira: OPS-1234
`;
      const parsed = parseRecord(handWritten, ID);
      const next = { ...parsed.incident, status: 'monitoring' as const, acknowledgedAt: '2026-11-22T14:07:00.000Z', mitigatedAt: '2026-11-22T14:30:00.000Z' };
      const text = stringifyRecord(next, parsed.doc);
      for (const kept of ['# Checkout outage: see #inc-4521 in chat', "title: 'Checkout returns 502' # wording from the status page",
        '# the commander changes at shift end', 'customer_tickets: 42', 'jira: OPS-1234', 'roles:\n  commander: Dana']) {
        assert.ok(text.includes(kept), `kept ${JSON.stringify(kept)} in:\n${text}`);
      }
      assert.match(text, /^status: monitoring$/m);
      const order = ['version', 'id', 'title', 'severity', 'status', 'service', 'roles', 'declaredAt', 'customer_tickets', 'jira'].map((k) => text.indexOf(`\n${k}:`));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'existing keys stay where they were');
      const back = parseRecord(text, ID);
      assert.deepEqual(back.incident, next);
      assert.equal(back.doc.get('jira'), 'OPS-1234');
      assert.ok(parsed.doc.toString().includes('status: investigating'), 'the source document itself is not modified');
    });

    it('replaces a changed map (roles) and keeps unchanged ones as written', () => {
      const parsed = parseRecord(`${recordText(ID)}roles:\n  commander: Dana # on call\n`, ID);
      const same = stringifyRecord({ ...parsed.incident, summary: 'changed' }, parsed.doc);
      assert.ok(same.includes('commander: Dana # on call'), same);
      const changed = stringifyRecord({ ...parsed.incident, roles: { commander: 'Dana', scribe: 'Lee' } }, parsed.doc);
      assert.deepEqual(parseRecord(changed, ID).incident.roles, { commander: 'Dana', scribe: 'Lee' });
    });
  });
});
