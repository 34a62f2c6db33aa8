// The last-stable request the CLI and the rollback wizard both build: bounded by the incident's
// start (or a time), scoped to its service unless told otherwise, settings normalised.
import * as assert from 'node:assert/strict';
import { DEFAULT_MIGRATION_GLOBS, DEFAULT_STABLE_MINUTES, DEFAULT_TAG_PATTERNS } from '../../../../src/core/rollback/deploySettings';
import { stableRequest } from '../../../../src/core/rollback/stableRequest';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const incident = { id: '2026-11-20-checkout', service: 'checkout', declaredAt: '2026-11-20T09:00:00.000Z' };

describe('stable request (CLI and wizard)', () => {
  it('for an incident: before its start, its service, live read now, defaults for unset settings', () => {
    const r = stableRequest({ incident, incidents: [], setting: () => undefined, now: NOW, fetch: true });
    assert.equal(r.before, Date.parse(incident.declaredAt));
    assert.equal(r.beforeLabel, 'incident 2026-11-20-checkout (declared 2026-11-20 09:00 UTC)');
    assert.equal(r.liveAt, NOW);
    assert.equal(r.service, 'checkout');
    assert.equal(r.env, 'production');
    assert.deepEqual([r.tagPatterns, r.stableMinutes, r.migrationGlobs], [DEFAULT_TAG_PATTERNS, DEFAULT_STABLE_MINUTES, DEFAULT_MIGRATION_GLOBS]);
  });

  it('for a time: before it, live read at it; a service and env given win; settings read and normalised', () => {
    const before = Date.parse('2026-11-19T00:00:00Z');
    const settings: Record<string, unknown> = { 'deploy.tagPatterns': ['rel-*', ''], 'deploy.stableMinutes': 90, 'rollback.migrationGlobs': ['./sql/**'] };
    const r = stableRequest({ before, service: 'api', env: 'staging', incidents: [], setting: (k) => settings[k], now: NOW, fetch: false });
    assert.deepEqual([r.before, r.liveAt, r.service, r.env, r.fetch], [before, before, 'api', 'staging', false]);
    assert.equal(r.beforeLabel, '2026-11-19 00:00 UTC');
    assert.deepEqual([r.tagPatterns, r.stableMinutes, r.migrationGlobs], [['rel-*'], 90, ['sql/**']]);
    const bad = stableRequest({ incidents: [], setting: () => -5, now: NOW, fetch: false });
    assert.equal(bad.stableMinutes, DEFAULT_STABLE_MINUTES);
    assert.equal(bad.before, NOW);
  });
});
