/** Longest slug kept; the folder name adds the 11-character date prefix. */
export const MAX_SLUG_LENGTH = 48;
const FALLBACK = 'incident';
/** Names Windows refuses as file names, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/**
 * Turns any title into `[a-z0-9-]`, bounded, never empty, never a reserved device name. Letters
 * with accents keep their base letter; everything else (dots, slashes, emoji, bidi controls)
 * becomes a separator, so `../../.vscode/settings` can only ever be `vscode-settings`.
 */
export function slugify(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let slug = base.slice(0, MAX_SLUG_LENGTH).replace(/-+$/g, '');
  if (!slug) slug = FALLBACK;
  if (RESERVED.test(slug)) slug = `${slug}-incident`;
  return slug;
}

/** The folder id for a title declared on `date` (YYYY-MM-DD), unique among `taken`. */
export function incidentId(date: string, title: string, taken: ReadonlySet<string>): string {
  const stem = `${date}-${slugify(title)}`;
  if (!taken.has(stem)) return stem;
  for (let n = 2; n < 10_000; n++) {
    const candidate = `${stem}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error(`No free incident id for ${stem}`);
}

/** Whether `id` is a well-formed incident folder name (what the store accepts from disk and commands). */
export function isIncidentId(id: string): boolean {
  return /^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) && id.length <= 11 + MAX_SLUG_LENGTH + 6;
}
