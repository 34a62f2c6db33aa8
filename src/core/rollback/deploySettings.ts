// The settings the deploy evidence and the rollback risks read, normalised the same way in the
// editor (src/config/settings.ts) and the CLI (.vscode/settings.json).

/** Tags that count as deploys at their date when the ledger has nothing for their commit. */
export const DEFAULT_TAG_PATTERNS: readonly string[] = ['v*', 'release-*', 'deploy-*'];
/** A commit must have stayed live this long, with no incident, to count as stable. */
export const DEFAULT_STABLE_MINUTES = 30;
/** Files that are database migrations: the database is not rolled back with the code. */
export const DEFAULT_MIGRATION_GLOBS: readonly string[] = ['**/migrations/**', 'db/migrate/**', 'prisma/migrations/**', 'alembic/versions/**', '**/*.sql'];

function stringList(value: unknown, fallback: readonly string[]): string[] {
  if (!Array.isArray(value)) return [...fallback];
  return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

/** `incidentDesk.deploy.tagPatterns`: glob patterns on tag names (`v*`); the defaults when unset or not a list. */
export function normalizeTagPatterns(value: unknown): string[] {
  return stringList(value, DEFAULT_TAG_PATTERNS);
}

/** `incidentDesk.deploy.stableMinutes`: minutes ≥ 0 (fractions allowed); the default when unset or invalid. */
export function normalizeStableMinutes(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 525_600 ? value : DEFAULT_STABLE_MINUTES;
}

/** `incidentDesk.rollback.migrationGlobs`: repository-relative globs (`/` separators); the defaults when unset. */
export function normalizeMigrationGlobs(value: unknown): string[] {
  return stringList(value, DEFAULT_MIGRATION_GLOBS).map((g) => g.replace(/\\/g, '/').replace(/^\.\//, ''));
}
