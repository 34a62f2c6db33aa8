import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { closeMarker, findRegions, openMarker, replaceRegion, replaceRegions } from '../../../../src/core/postmortem/regions';

const DOC = ['intro', openMarker('a'), 'old a', closeMarker('a'), 'middle', '  ' + openMarker('b'), 'old b', '  ' + closeMarker('b'), 'end', ''].join('\n');

describe('generated regions', () => {
  it('finds regions with their positions and insides', () => {
    const { regions, problems } = findRegions(DOC);
    assert.deepEqual(problems, []);
    assert.deepEqual(regions.map((r) => [r.name, r.open.line, r.open.column, r.close.line, r.content]), [['a', 2, 1, 4, 'old a\n'], ['b', 6, 3, 8, 'old b\n']]);
  });

  it('replaces one region\'s inside and keeps every other byte', () => {
    const r = replaceRegion(DOC, 'b', 'new b\nsecond line\n');
    assert.equal(r.text, DOC.replace('old b\n', 'new b\nsecond line\n'));
    assert.deepEqual(r.replaced, ['b']);
    const all = replaceRegions(DOC, { a: 'A', b: '' , c: 'nowhere' });
    assert.equal(all.text, DOC.replace('old a\n', 'A\n').replace('old b\n', ''));
    assert.deepEqual(all.missing, ['c']);
  });

  it('keeps a CRLF file CRLF, inside and out', () => {
    const crlf = DOC.replace(/\n/g, '\r\n');
    const r = replaceRegion(crlf, 'a', 'x\ny');
    assert.equal(r.text, crlf.replace('old a\r\n', 'x\r\ny\r\n'));
  });

  it('markers on one line with text around them', () => {
    const text = `before ${openMarker('x')}old${closeMarker('x')} after\n`;
    const r = replaceRegion(text, 'x', 'new');
    assert.equal(r.text, `before ${openMarker('x')}\nnew\n${closeMarker('x')} after\n`);
    assert.equal(replaceRegion(r.text, 'x', 'new').replaced.length, 0, 'refreshing again changes nothing');
  });

  it('reports unbalanced and malformed markers with line and column and leaves them alone', () => {
    const text = [
      openMarker('a'), 'a', // 1: never closed before b opens
      openMarker('b'), 'b', closeMarker('b'), // 3..5 fine
      'x <!-- incident-desk:Bad Name -->', // 6: malformed
      closeMarker('c'), // 7: closing without opening
      openMarker('d'), 'd', closeMarker('e'), // 8..10: mismatched
      openMarker('f'), 'f', closeMarker('f'), openMarker('f'), 'f2', closeMarker('f'), // duplicated
      '```', openMarker('g'), '```', // in a code block: not a marker
      openMarker('h'), 'h', // never closed
    ].join('\n');
    const { regions, problems } = findRegions(text);
    assert.deepEqual(regions.map((r) => r.name), ['b']);
    assert.deepEqual(problems.map((p) => [p.line, p.column, p.name]), [[1, 1, 'a'], [6, 3, undefined], [7, 1, 'c'], [10, 1, 'e'], [11, 1, 'f'], [14, 1, 'f'], [20, 1, 'h']]);
    const r = replaceRegions(text, { a: 'A', b: 'B', c: 'C', d: 'D', f: 'F', g: 'G', h: 'H' });
    assert.equal(r.text, text.replace('\nb\n', '\nB\n'));
  });

  it('property: refresh keeps random prose outside the markers byte for byte', () => {
    const prose = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\r\n', '#', '-', '<', '!', '>', 'é', '`', '\t', '💥'), maxLength: 60 })
      .filter((s) => !s.includes('```') && !s.includes('~~~'));
    const names = ['overview', 'key-moments', 'response'];
    fc.assert(fc.property(fc.array(prose, { minLength: names.length + 1, maxLength: names.length + 1 }), fc.array(prose, { minLength: names.length, maxLength: names.length }), fc.array(fc.string().filter((s) => !s.includes('`') && !s.includes('<!--')), { minLength: names.length, maxLength: names.length }), (outside, insides, fresh) => {
      // Markers on their own lines, as drafts have them, between arbitrary prose.
      let text = outside[0];
      names.forEach((n, i) => { text += `\n${openMarker(n)}\n${insides[i]}\n${closeMarker(n)}\n${outside[i + 1]}`; });
      const r = replaceRegions(text, Object.fromEntries(names.map((n, i) => [n, fresh[i]])));
      assert.deepEqual(r.problems, []);
      const before = findRegions(text).regions;
      const after = findRegions(r.text).regions;
      assert.equal(after.length, names.length);
      // Outside: every byte before the first inside, between insides and after the last.
      const gaps = (t: string, rs: typeof before) => rs.map((x, i) => t.slice(i === 0 ? 0 : rs[i - 1].contentEnd, x.contentStart)).concat(t.slice(rs[rs.length - 1].contentEnd));
      assert.deepEqual(gaps(r.text, after), gaps(text, before));
    }), { numRuns: 300 });
  });
});
