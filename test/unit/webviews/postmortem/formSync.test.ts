import * as assert from 'node:assert/strict';
import { applyEdits, formEdits } from '../../../../src/core/postmortem/formEdits';
import { FormSync } from '../../../../src/webviews/postmortem/formSync';

const DOC = '---\nstatus: draft\n---\n\n## Summary\n\nOld text.\n\n## Impact\n\n';

/** The host's side, as postmortemEditor.ts does it: the change applied to the text, or a conflict. */
function host(text: string, version: number, change: Parameters<typeof formEdits>[1]) {
  const r = formEdits(text, change);
  if (r.kind === 'conflict') return { result: { outcome: 'conflict' as const, version, current: r.current }, text };
  if (r.kind === 'missing') return { result: { outcome: 'failed' as const, version, message: 'missing' }, text };
  return { result: { outcome: 'applied' as const, version: version + 1 }, text: applyEdits(text, r.edits) };
}

describe('post-mortem form sync', () => {
  it('sends one change at a time; typing during the round trip is sent next, based on what landed', () => {
    const s = new FormSync();
    s.setDocument(1, DOC);
    s.input('section:summary', 'New');
    const first = s.next();
    assert.ok(first);
    assert.equal(s.next(), undefined, 'one in flight');
    s.input('section:summary', 'New text');
    const h = host(DOC, 1, first.change);
    s.setDocument(2, h.text); // the host's change notification comes before the reply
    s.settle(first.key, 'New', h.result);
    const second = s.next();
    assert.deepEqual(second?.change, { kind: 'section', id: 'summary', expected: 'New', body: 'New text' });
    const h2 = host(h.text, 2, second!.change);
    assert.equal(h2.result.outcome, 'applied');
    s.settle(second!.key, 'New text', h2.result);
    s.setDocument(3, h2.text);
    assert.equal(s.shown('section:summary'), 'New text');
    assert.equal(s.hasDraft('section:summary'), false);
  });

  it('a change in the file under an unsent draft is a conflict: the draft is kept until the user picks', () => {
    const s = new FormSync();
    s.setDocument(1, DOC);
    s.input('section:summary', 'Mine');
    s.setDocument(2, DOC.replace('Old text.', 'Theirs.'));
    assert.deepEqual(s.conflicts.get('section:summary'), { mine: 'Mine', current: 'Theirs.' });
    assert.equal(s.next(), undefined, 'nothing sent while in conflict');
    assert.equal(s.shown('section:summary'), 'Mine', 'the user\'s text is not dropped');
    s.keepMine('section:summary');
    const n = s.next();
    assert.deepEqual(n?.change, { kind: 'section', id: 'summary', expected: 'Theirs.', body: 'Mine' });
  });

  it('a stale change the host refuses becomes a conflict, and "use the file\'s" drops only the draft', () => {
    const s = new FormSync();
    s.setDocument(1, DOC);
    s.input('field:status', 'final');
    const n = s.next()!;
    const moved = DOC.replace('status: draft', 'status: in-review');
    s.settle(n.key, 'final', host(moved, 5, n.change).result);
    assert.deepEqual(s.conflicts.get('field:status'), { mine: 'final', current: 'in-review' });
    s.setDocument(5, moved);
    s.takeFile('field:status');
    assert.equal(s.shown('field:status'), 'in-review');
  });

  it('a trailing space just typed stays in the form after the (trimmed) text lands in the file', () => {
    const s = new FormSync();
    s.setDocument(1, DOC);
    s.input('section:impact', 'Card ');
    const n = s.next()!;
    const h = host(DOC, 1, n.change);
    s.setDocument(2, h.text);
    s.settle(n.key, 'Card ', h.result);
    assert.equal(s.shown('section:impact'), 'Card ');
    s.setDocument(3, h.text.replace('Card', 'Undone'));
    assert.equal(s.shown('section:impact'), 'Undone', 'a different text in the file shows as it is');
  });

  it('an edit elsewhere (another section) does not conflict with a draft', () => {
    const s = new FormSync();
    s.setDocument(1, DOC);
    s.input('section:impact', 'Everyone.');
    s.setDocument(2, DOC.replace('Old text.', 'Other text.'));
    assert.equal(s.conflicts.size, 0);
    const n = s.next()!;
    assert.equal(host(DOC.replace('Old text.', 'Other text.'), 2, n.change).result.outcome, 'applied');
  });
});
