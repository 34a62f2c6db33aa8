import * as assert from 'node:assert/strict';
import { MAX_SLUG_LENGTH, incidentId, isIncidentId, slugify } from '../../../../src/core/incidents/slug';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/** Small deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe('slugs and incident ids', () => {
  describe('slugify', () => {
    it('keeps a plain title readable', () => {
      assert.equal(slugify('Checkout returns 502'), 'checkout-returns-502');
      assert.equal(slugify('  DB: primary failover!!  '), 'db-primary-failover');
    });

    it('turns a path-traversal title into a harmless slug', () => {
      assert.equal(slugify('../../.vscode/settings'), 'vscode-settings');
      assert.equal(slugify('..\\..\\Windows\\System32'), 'windows-system32');
      assert.equal(slugify('/etc/passwd'), 'etc-passwd');
      assert.equal(slugify('..'), 'incident');
    });

    it('never yields a Windows device name', () => {
      assert.equal(slugify('CON'), 'con-incident');
      assert.equal(slugify('nul'), 'nul-incident');
      assert.equal(slugify('com1'), 'com1-incident');
      assert.equal(slugify('LPT9'), 'lpt9-incident');
      assert.equal(slugify('Aux.'), 'aux-incident');
      assert.equal(slugify('prn'), 'prn-incident');
      // a longer name that starts like one is fine as it is
      assert.equal(slugify('Console errors'), 'console-errors');
      assert.equal(slugify('con.txt'), 'con-txt');
    });

    it('falls back to "incident" when nothing usable is left', () => {
      for (const title of ['🔥🔥🔥', '', '   ', '---', '\u202e\u202d', '日本語のみ', '!!!']) assert.equal(slugify(title), 'incident', JSON.stringify(title));
    });

    it('strips accents to the base letter', () => {
      assert.equal(slugify('Café résumé über Ångström'), 'cafe-resume-uber-angstrom');
      assert.equal(slugify('Ñandú façade'), 'nandu-facade');
      assert.equal(slugify('ﬁle ①'), 'file-1', 'compatibility forms fold too');
    });

    it('bounds a 500-character title to 48 characters without a trailing dash', () => {
      const slug = slugify('x'.repeat(500));
      assert.equal(slug.length, MAX_SLUG_LENGTH);
      assert.equal(MAX_SLUG_LENGTH, 48);
      // a word boundary right at the cut must not leave "...-"
      const cut = slugify(`${'a'.repeat(47)} ${'b'.repeat(100)}`);
      assert.equal(cut, 'a'.repeat(47));
      assert.match(slugify('word '.repeat(100)), SLUG);
      assert.ok(slugify('word '.repeat(100)).length <= 48);
    });

    it('always yields [a-z0-9-], bounded, never empty, never reserved (random titles)', () => {
      const rand = rng(42);
      const pool = ['a', 'Z', '9', ' ', '-', '.', '/', '\\', '\u202e', '\u0000', '\n', 'é', 'ß', '🔥', '中', ':', '*', '?', '"', '<', '>', '|', 'con', 'NUL', 'lpt1'];
      for (let i = 0; i < 2000; i++) {
        let title = '';
        const n = Math.floor(rand() * 80);
        for (let j = 0; j < n; j++) title += pool[Math.floor(rand() * pool.length)];
        const slug = slugify(title);
        assert.match(slug, SLUG, JSON.stringify(title));
        assert.ok(slug.length <= MAX_SLUG_LENGTH, JSON.stringify(title));
        assert.ok(!RESERVED.test(slug), JSON.stringify(title));
      }
    });
  });

  describe('incidentId', () => {
    it('prefixes the date and adds -2, -3 on collisions', () => {
      const taken = new Set<string>();
      const first = incidentId('2026-11-22', 'Checkout returns 502', taken);
      assert.equal(first, '2026-11-22-checkout-returns-502');
      taken.add(first);
      const second = incidentId('2026-11-22', 'Checkout returns 502!', taken);
      assert.equal(second, '2026-11-22-checkout-returns-502-2');
      taken.add(second);
      assert.equal(incidentId('2026-11-22', 'checkout RETURNS 502', taken), '2026-11-22-checkout-returns-502-3');
      // another day does not collide
      assert.equal(incidentId('2026-11-23', 'Checkout returns 502', taken), '2026-11-23-checkout-returns-502');
    });

    it('produces ids that isIncidentId accepts, even for the longest titles and suffixes', () => {
      const title = 'y'.repeat(500);
      const stem = `2026-11-22-${'y'.repeat(48)}`;
      const taken = new Set([stem, ...Array.from({ length: 9997 }, (_, i) => `${stem}-${i + 2}`)]); // -2 … -9998
      const id = incidentId('2026-11-22', title, taken);
      assert.equal(id, `${stem}-9999`);
      assert.ok(isIncidentId(id));
      assert.ok(isIncidentId(incidentId('2026-11-22', '🔥', new Set())));
    });

    it('throws when every suffix is taken rather than loop forever', () => {
      const stem = '2026-11-22-x';
      const taken = new Set([stem, ...Array.from({ length: 9998 }, (_, i) => `${stem}-${i + 2}`)]);
      assert.throws(() => incidentId('2026-11-22', 'x', taken), /No free incident id/);
    });
  });

  describe('isIncidentId', () => {
    it('accepts well-formed folder names', () => {
      for (const id of ['2026-11-22-checkout', '2026-11-22-checkout-returns-502', '2026-11-22-incident-2', `2026-11-22-${'a'.repeat(48)}-9999`]) {
        assert.ok(isIncidentId(id), id);
      }
    });

    it('refuses anything else', () => {
      for (const id of ['checkout', '2026-11-22', '2026-11-22-', '2026-11-22-Checkout', '2026-11-22-a--b', '2026-11-22-a-', '26-11-22-a',
        '../2026-11-22-x', '2026-11-22-x/..', '2026-11-22-x/y', '2026-11-22-x ', '.2026-11-22-x', '2026-11-22-x.md', `2026-11-22-${'a'.repeat(55)}`, '']) {
        assert.ok(!isIncidentId(id), id);
      }
    });

    it('caps the length at 65 characters', () => {
      const max = `2026-11-22-${'a'.repeat(54)}`;
      assert.equal(max.length, 65);
      assert.ok(isIncidentId(max));
      assert.ok(!isIncidentId(`${max}a`));
    });
  });
});
