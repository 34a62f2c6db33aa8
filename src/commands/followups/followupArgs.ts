import type { Followup } from '../../core/postmortem/followups';

/** The follow-up a command was run on: a Follow-ups view node, or `{ followup }` from code. */
export function followupOf(arg: unknown): Followup | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const f = (arg as { followup?: unknown }).followup;
  if (typeof f !== 'object' || f === null) return undefined;
  const { file, item } = f as Partial<Followup>;
  if (typeof file !== 'string' || !/^[^/\\]+\.md$/.test(file) || typeof item !== 'object' || item === null) return undefined;
  if (typeof item.line !== 'number' || typeof item.raw !== 'string' || typeof item.what !== 'string') return undefined;
  return f as Followup;
}
