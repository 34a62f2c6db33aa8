// The ledger line schema (pure): validation that names what is wrong, and a round trip.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { type LedgerEntry, ledgerEntryProblems, parseLedgerNote, serializeLedgerEntry } from '../../../../src/core/rollback/ledger';

const SHA = 'a'.repeat(40);
const OK: LedgerEntry = { sha: SHA, env: 'production', status: 'succeeded', at: '2026-11-02T10:00:00.000Z', by: 'ci', kind: 'deploy' };

describe('deploy ledger lines', () => {
  it('a valid line has no problem; each wrong field is named with what was expected and what came', () => {
    assert.deepEqual(ledgerEntryProblems(OK), []);
    assert.deepEqual(ledgerEntryProblems({ ...OK, sha: 'abc' }), ['sha: expected a full commit id (40 or 64 lower-case hex digits), got "abc"']);
    assert.deepEqual(ledgerEntryProblems({ ...OK, host: 'web 1' }), ['host: expected a name without spaces (1-200 characters), got "web 1"']);
    assert.deepEqual(ledgerEntryProblems({ ...OK, status: 'ok' }), ['status: expected "succeeded" or "failed", got "ok"']);
    assert.deepEqual(ledgerEntryProblems({ ...OK, at: '2026-02-30T10:00:00Z' }), ['at: expected an ISO-8601 UTC time such as "2026-11-02T10:00:00Z", got "2026-02-30T10:00:00Z"']);
    assert.deepEqual(ledgerEntryProblems({ ...OK, by: '' }), ['by: expected who deployed (1-200 characters, one line), got ""']);
    assert.deepEqual(ledgerEntryProblems({ ...OK, kind: 'rollback' }), ['from: a rollback names the commit rolled back away from (a full commit id), got nothing']);
    assert.deepEqual(ledgerEntryProblems({ ...OK, kind: 'rollback', from: SHA }), ['from: a rollback goes to another commit than the one it leaves']);
    assert.deepEqual(ledgerEntryProblems({ ...OK, from: 'b'.repeat(40) }), ['from: only a rollback has "from"']);
    assert.deepEqual(ledgerEntryProblems([]), ['expected a JSON object']);
  });

  it('a note: blank lines skipped, unknown fields dropped, a line on the wrong commit and a damaged line reported', () => {
    const text = `${JSON.stringify({ ...OK, extra: 1 })}\n\nnot json\n${JSON.stringify({ ...OK, sha: 'b'.repeat(40) })}\n`;
    const { entries, problems } = parseLedgerNote(SHA, text);
    assert.deepEqual(entries, [OK]);
    assert.deepEqual(problems.map((p) => [p.line, p.message.slice(0, 8)]), [[3, 'not JSON'], [4, 'sha: the']]);
  });

  it('property: a serialised entry reads back the same, from one line', () => {
    const name = fc.stringMatching(/^[a-z0-9._-]{1,20}$/);
    const entry = fc.record({
      sha: fc.stringMatching(/^[0-9a-f]{40}$/),
      host: fc.option(name, { nil: undefined }),
      service: fc.option(name, { nil: undefined }),
      env: name,
      status: fc.constantFrom('succeeded' as const, 'failed' as const),
      at: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
      by: fc.string({ minLength: 1, maxLength: 50 }).filter((s) => s.trim() !== '' && ![...s].some((c) => c < ' ' || c === '\u007f')),
      kind: fc.constant('deploy' as const),
    }).map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as LedgerEntry);
    fc.assert(fc.property(entry, (e) => {
      const line = serializeLedgerEntry(e);
      assert.ok(!line.includes('\n'));
      assert.deepEqual(parseLedgerNote(e.sha, line), { entries: [e], problems: [] });
    }));
  });
});
