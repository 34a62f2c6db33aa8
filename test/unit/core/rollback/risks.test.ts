// The risks of a rollback range from its facts (pure), and the settings they read.
import * as assert from 'node:assert/strict';
import { DEFAULT_MIGRATION_GLOBS, DEFAULT_STABLE_MINUTES, DEFAULT_TAG_PATTERNS, normalizeMigrationGlobs, normalizeStableMinutes, normalizeTagPatterns } from '../../../../src/core/rollback/deploySettings';
import { type RangeFacts, rangeRisks } from '../../../../src/core/rollback/risks';

const base: RangeFacts = { from: 'a'.repeat(40), to: 'b'.repeat(40), files: [], merges: [], shallow: false, dirty: [], branch: { name: 'main', containsLive: true } };
const kinds = (facts: Partial<RangeFacts>, globs = DEFAULT_MIGRATION_GLOBS) => rangeRisks({ ...base, ...facts }, globs).map((r) => r.kind);

describe('rollback range risks', () => {
  it('nothing risky: no risk', () => {
    assert.deepEqual(kinds({ files: ['src/app.ts', 'README.md'] }), []);
  });

  it('migrations by the default globs: migrations/, db/migrate/, prisma/migrations/, alembic/versions/, *.sql', () => {
    for (const f of ['migrations/0001_init.py', 'app/migrations/0002.py', 'db/migrate/20261101_add.rb', 'prisma/migrations/2026_x/migration.sql', 'alembic/versions/abc_add.py', 'schema/seed.sql']) {
      assert.deepEqual(kinds({ files: [f] }), ['migration'], f);
    }
    const [risk] = rangeRisks({ ...base, files: ['db/migrate/1.rb', 'db/migrate/2.rb'] }, DEFAULT_MIGRATION_GLOBS);
    assert.equal(risk!.detail, 'database migrations in the range: db/migrate/1.rb, db/migrate/2.rb; the database is not rolled back with the code');
  });

  it('the migration globs are the team\'s: their own, or none', () => {
    assert.deepEqual(kinds({ files: ['schema/changes/7.yaml'] }, ['schema/changes/**']), ['migration']);
    assert.deepEqual(kinds({ files: ['db/migrate/1.rb'] }, []), []);
  });

  it('compose, dockerfile, env and lockfile changes', () => {
    assert.deepEqual(kinds({ files: ['docker-compose.yml', 'deploy/compose.prod.yaml'] }), ['compose']);
    assert.deepEqual(kinds({ files: ['Dockerfile', 'api/Dockerfile.prod'] }), ['dockerfile']);
    assert.deepEqual(kinds({ files: ['.env.production', 'config/app.env'] }), ['env']);
    assert.deepEqual(kinds({ files: ['package-lock.json', 'api/poetry.lock'] }), ['lockfile']);
  });

  it('merges, a live commit not on the branch, a shallow clone, uncommitted work', () => {
    const risks = rangeRisks({ ...base, merges: [{ sha: 'c'.repeat(40), subject: 'Merge pull request #7' }], branch: { name: 'main', containsLive: false }, shallow: true, dirty: ['src/a.ts'] }, DEFAULT_MIGRATION_GLOBS);
    assert.deepEqual(risks.map((r) => r.kind), ['merge', 'unreachable', 'shallow', 'dirty']);
    assert.match(risks[0]!.detail, /^1 merge commit\(s\) in the range .*: cccccccccccc Merge pull request #7$/);
    assert.match(risks[1]!.detail, /^the live commit bbbbbbbbbbbb is not on main/);
    assert.deepEqual(kinds({ branch: undefined }), [], 'no branch to compare with: nothing said about reachability');
  });

  it('uncommitted work not looked for (an untrusted workspace): said, never taken for a clean tree', () => {
    const risks = rangeRisks({ ...base, dirty: undefined }, DEFAULT_MIGRATION_GLOBS);
    assert.deepEqual(risks.map((r) => r.kind), ['dirty']);
    assert.match(risks[0]!.detail, /not looked for: the workspace is not trusted/);
  });

  it('settings: defaults when unset or invalid, the team\'s values otherwise', () => {
    assert.deepEqual(normalizeTagPatterns(undefined), DEFAULT_TAG_PATTERNS);
    assert.deepEqual(normalizeTagPatterns(['prod-*', 3, ' ']), ['prod-*']);
    assert.equal(normalizeStableMinutes(undefined), DEFAULT_STABLE_MINUTES);
    assert.equal(normalizeStableMinutes(-1), 30);
    assert.equal(normalizeStableMinutes(90), 90);
    assert.deepEqual(normalizeMigrationGlobs(['./db\\changes/**']), ['db/changes/**']);
  });
});
