import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits, formEdits, minimalEdit, regionEdits, yamlScalar, type TextEdit } from '../../../../src/core/postmortem/formEdits';
import { parsePostmortem } from '../../../../src/core/postmortem/postmortemDocument';
import { parse as parseYaml } from 'yaml';

const DOC = [
  '---',
  'incident: 2026-11-22-checkout-returns-502',
  'title: "Checkout returns 502"',
  'severity: P1',
  'status: draft',
  'authors: [Dana, Eve]',
  'reviewed:',
  '---',
  '',
  '# Post-mortem: Checkout returns 502',
  '',
  '## Summary',
  '',
  '_What happened, in two or three sentences._',
  '',
  'The checkout API returned 502 for 14 minutes.',
  '',
  '## Impact',
  '',
  '## Timeline',
  '',
  '<!-- incident-desk:timeline -->',
  '- 10:00 declared',
  '<!-- /incident-desk:timeline -->',
  '',
  '```md',
  '## not a section',
  '```',
  '',
  '## Action items',
  '',
  '- [ ] Add a canary (owner: Dana, due: 2026-12-01, type: prevent)',
  '',
].join('\n');

/** Every edit stays inside [lo, hi) and everything outside is kept byte for byte. */
function assertInside(before: string, edits: TextEdit[], lo: number, hi: number): void {
  for (const e of edits) assert.ok(e.start >= lo && e.end <= hi, `edit ${JSON.stringify(e)} outside [${lo}, ${hi})`);
  const after = applyEdits(before, edits);
  assert.equal(after.slice(0, lo), before.slice(0, lo));
  assert.equal(after.slice(after.length - (before.length - hi)), before.slice(hi));
}

describe('post-mortem form edits', () => {
  it('reads the front matter fields and the ## sections, not headings inside a fence', () => {
    const p = parsePostmortem(DOC);
    assert.deepEqual(p.frontMatter?.fields.map((f) => [f.key, f.value, f.kind]), [
      ['incident', '2026-11-22-checkout-returns-502', 'scalar'], ['title', 'Checkout returns 502', 'scalar'], ['severity', 'P1', 'scalar'],
      ['status', 'draft', 'scalar'], ['authors', 'Dana, Eve', 'list'], ['reviewed', '', 'scalar'],
    ]);
    assert.equal(p.title, 'Post-mortem: Checkout returns 502');
    assert.deepEqual(p.sections.map((s) => s.id), ['summary', 'impact', 'timeline', 'action-items']);
    assert.equal(p.sections[0].body, '_What happened, in two or three sentences._\n\nThe checkout API returned 502 for 14 minutes.');
    assert.equal(p.sections[1].body, '');
    assert.ok(p.sections[2].body.endsWith('```md\n## not a section\n```'));
  });

  it('the help comment and the generated regions under a heading are not the user\'s text', () => {
    const text = ['## Summary', '', '<!-- What happened. -->', '', '<!-- incident-desk:overview -->', '- Duration: 14m', '<!-- /incident-desk:overview -->', '', '## Impact', '', '<!-- Who noticed. -->', '', 'Everyone.', ''].join('\n');
    const [summary, impact] = parsePostmortem(text).sections;
    assert.equal(summary.help, 'What happened.');
    assert.deepEqual(summary.generated, [{ name: 'overview', content: '- Duration: 14m' }]);
    assert.equal(summary.body, '');
    assert.equal(impact.help, 'Who noticed.');
    assert.equal(impact.body, 'Everyone.');
    const r = formEdits(text, { kind: 'section', id: 'summary', expected: '', body: 'It broke.' });
    if (r.kind !== 'edits') return assert.fail(r.kind);
    assert.equal(applyEdits(text, r.edits), text.replace('<!-- /incident-desk:overview -->\n', '<!-- /incident-desk:overview -->\n\nIt broke.\n'));
  });

  it('a status change is an edit of the value only', () => {
    const r = formEdits(DOC, { kind: 'field', key: 'status', expected: 'draft', value: 'in-review' });
    assert.equal(r.kind, 'edits');
    if (r.kind !== 'edits') return;
    assert.equal(r.edits.length, 1);
    const at = DOC.indexOf('status: draft') + 'status: '.length;
    assert.deepEqual(r.edits[0], { start: at, end: at + 'draft'.length, text: 'in-review' });
  });

  it('quotes a value that would not read back as the same string, and fills an empty key', () => {
    for (const v of ['yes', '12', 'a: b', ' lead', '#x', '"q"', 'null', 'Dana <d@x>', '0x10', 'ok']) {
      assert.equal(parseYaml(`k: ${yamlScalar(v)}`).k, v, v);
    }
    const r = formEdits(DOC, { kind: 'field', key: 'reviewed', expected: '', value: '2026-12-03' });
    assert.equal(r.kind, 'edits');
    if (r.kind === 'edits') assert.match(applyEdits(DOC, r.edits), /\nreviewed: 2026-12-03\n---\n/);
    const l = formEdits(DOC, { kind: 'field', key: 'authors', expected: 'Dana, Eve', value: 'Dana, Eve, yes' });
    if (l.kind === 'edits') assert.deepEqual(parseYaml(applyEdits(DOC, l.edits).split('---')[1]).authors, ['Dana', 'Eve', 'yes']);
    else assert.fail(l.kind);
  });

  it('a change based on a value the file no longer holds is a conflict carrying the file\'s value', () => {
    assert.deepEqual(formEdits(DOC, { kind: 'field', key: 'status', expected: 'final', value: 'in-review' }), { kind: 'conflict', current: 'draft' });
    const r = formEdits(DOC, { kind: 'section', id: 'summary', expected: 'old', body: 'new' });
    assert.equal(r.kind, 'conflict');
    assert.deepEqual(formEdits(DOC, { kind: 'section', id: 'nope', expected: '', body: 'x' }), { kind: 'missing' });
  });

  it('writing into an empty section puts the body after a blank line, before the next heading', () => {
    const r = formEdits(DOC, { kind: 'section', id: 'impact', expected: '', body: 'All EU customers.' });
    assert.equal(r.kind, 'edits');
    if (r.kind !== 'edits') return;
    assert.ok(applyEdits(DOC, r.edits).includes('## Impact\n\nAll EU customers.\n\n## Timeline'));
    assert.equal(parsePostmortem(applyEdits(DOC, r.edits)).sections[1].body, 'All EU customers.');
  });

  it('keeps the file\'s CRLF line breaks', () => {
    const crlf = DOC.replace(/\n/g, '\r\n');
    const r = formEdits(crlf, { kind: 'section', id: 'summary', expected: parsePostmortem(crlf).sections[0].body, body: 'one\ntwo' });
    assert.equal(r.kind, 'edits');
    if (r.kind === 'edits') assert.ok(applyEdits(crlf, r.edits).includes('## Summary\r\n\r\none\r\ntwo\r\n\r\n## Impact'));
  });

  it('minimalEdit: applying it gives exactly the new text; the kept prefix and suffix are maximal (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      const edits = minimalEdit(a, b);
      assert.equal(applyEdits(a, edits), b);
      if (a === b) return assert.equal(edits.length, 0);
      assert.equal(edits.length, 1);
      const e = edits[0];
      assert.ok(e.end - e.start + e.text.length <= a.length + b.length);
    }), { numRuns: 500 });
  });

  // Prose that cannot start a heading, a fence or the front matter: the document's shape is kept.
  const proseLine = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '.', '<', '>', '!', '[', ']', 'é', '😀', '*', '_', '"', '#'), maxLength: 30 })
    .filter((l) => !/^\s{0,3}#/.test(l));
  const prose = fc.array(proseLine, { maxLength: 6 }).map((ls) => ls.join('\n'));
  const doc = fc.record({
    sections: fc.array(prose, { minLength: 1, maxLength: 5 }),
    crlf: fc.boolean(),
    status: fc.constantFrom('draft', 'in-review', 'final'),
  }).map(({ sections, crlf, status }) => {
    const text = ['---', `status: ${status}`, 'title: x', '---', '', ...sections.flatMap((s, i) => [`## Section ${i}`, '', s, ''])].join('\n');
    return crlf ? text.replace(/\n/g, '\r\n') : text;
  });

  it('a section change edits only inside that section; the rest is kept byte for byte (property)', () => {
    fc.assert(fc.property(doc, fc.nat(), prose, (text, pick, body) => {
      const parsed = parsePostmortem(text);
      const target = parsed.sections[pick % parsed.sections.length];
      const r = formEdits(text, { kind: 'section', id: target.id, expected: target.body, body });
      assert.equal(r.kind, 'edits');
      if (r.kind !== 'edits') return;
      assert.ok(r.edits.length <= 1);
      const headingEnd = text.lastIndexOf('\n', target.range.start - 1) >= 0 ? target.range.start : target.range.start;
      const nextHeading = text.indexOf('\n## ', target.range.end);
      assertInside(text, r.edits, Math.min(headingEnd, target.range.start), nextHeading < 0 ? text.length : nextHeading);
      const after = parsePostmortem(applyEdits(text, r.edits));
      assert.equal(after.sections.length, parsed.sections.length);
      after.sections.forEach((s, i) => {
        const want = s.id === target.id ? body.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '') : parsed.sections[i].body;
        assert.equal(s.body, want);
      });
      // The same change again is no edit at all: nothing marks the file dirty.
      const again = formEdits(applyEdits(text, r.edits), { kind: 'section', id: target.id, expected: after.sections.find((s) => s.id === target.id)!.body, body });
      assert.deepEqual(again, { kind: 'edits', edits: [] });
    }), { numRuns: 400 });
  });

  it('a field change edits only inside that value (property)', () => {
    fc.assert(fc.property(doc, fc.string({ maxLength: 20 }), (text, value) => {
      const parsed = parsePostmortem(text);
      const field = parsed.frontMatter!.fields.find((f) => f.key === 'title')!;
      const r = formEdits(text, { kind: 'field', key: 'title', expected: field.value, value });
      if (r.kind !== 'edits') return assert.fail(r.kind);
      assertInside(text, r.edits, field.range.start, field.range.end);
      const after = parsePostmortem(applyEdits(text, r.edits));
      assert.equal(after.frontMatter!.fields.find((f) => f.key === 'title')!.value, value);
      assert.deepEqual(after.sections.map((s) => s.body), parsed.sections.map((s) => s.body));
    }), { numRuns: 300 });
  });
});

describe('post-mortem refresh edits', () => {
  const region = (name: string, body: string) => `<!-- incident-desk:${name} -->\n${body}\n<!-- /incident-desk:${name} -->`;
  it('one edit per changed region; prose between them is outside every edit (property)', () => {
    const prose = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '<', '!', '-', 'é'), maxLength: 40 });
    fc.assert(fc.property(prose, prose, prose, prose, prose, prose, prose, (p1, p2, p3, a1, a2, b1, b2) => {
      const before = `${p1}\n${region('overview', a1)}\n${p2}\n${region('response', b1)}\n${p3}`;
      const after = `${p1}\n${region('overview', a2)}\n${p2}\n${region('response', b2)}\n${p3}`;
      const edits = regionEdits(before, after);
      assert.equal(applyEdits(before, edits), after);
      const firstClose = before.indexOf('<!-- /incident-desk:overview -->');
      const secondOpen = before.indexOf('<!-- incident-desk:response -->');
      if (!/incident-desk/.test(p1 + p2 + p3 + a1 + a2 + b1 + b2)) {
        for (const e of edits) assert.ok(e.end <= firstClose || e.start >= secondOpen + '<!-- incident-desk:response -->'.length, JSON.stringify(e));
      }
    }), { numRuns: 300 });
  });
});
