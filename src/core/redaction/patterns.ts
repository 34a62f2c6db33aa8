// `incidentDesk.redact.patterns`: a team's own regular expressions.
import type { Finding } from './findings';

/** Why redaction could not run; the text is then not written at all. */
export class RedactionError extends Error {
  constructor(readonly reason: 'invalidPattern' | 'failed', message: string, readonly pattern?: string) {
    super(message);
    this.name = 'RedactionError';
  }
  static is(e: unknown, reason?: RedactionError['reason']): e is RedactionError {
    return e instanceof RedactionError && (reason === undefined || e.reason === reason);
  }
}

/** The setting's key, for messages that say which setting to fix. */
export const REDACT_PATTERNS_KEY = 'incidentDesk.redact.patterns';

const LITERAL = /^\/(.+)\/([a-z]*)$/s;

/**
 * Compiles each pattern: a regular expression's source (`ticket-[0-9a-f]{32}`) or a literal with
 * flags (`/acme_[a-z0-9]{20}/i`). With a capture group, only the first group is redacted. An invalid
 * one is an error naming it: a pattern silently ignored would let the secret it was meant for through.
 */
export function compilePatterns(patterns: readonly unknown[]): RegExp[] {
  return patterns.map((p, i) => {
    if (typeof p !== 'string' || p.trim() === '') throw new RedactionError('invalidPattern', `${REDACT_PATTERNS_KEY}[${i}] is not a regular expression (${JSON.stringify(p)}); nothing was written.`);
    const literal = LITERAL.exec(p);
    const source = literal ? literal[1]! : p;
    const flags = new Set([...(literal ? literal[2]! : ''), 'g', 'd']);
    try {
      return new RegExp(source, [...flags].join(''));
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
      throw new RedactionError('invalidPattern', `${REDACT_PATTERNS_KEY}: ${JSON.stringify(p)} is not a valid regular expression (${why}); nothing was written.`, p);
    }
  });
}

/** Where a team's patterns match (empty matches are not secrets). */
export function patternFindings(text: string, patterns: readonly RegExp[]): Finding[] {
  const out: Finding[] = [];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const at = m.indices?.[m.length > 1 && m[1] !== undefined ? 1 : 0];
      if (at && at[1] > at[0]) out.push({ start: at[0], end: at[1], kind: 'pattern', source: 'pattern' });
    }
  }
  return out;
}
