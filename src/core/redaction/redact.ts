/**
 * Redaction of secrets from text before it is written to a file that gets committed
 * (timeline events, incident records, status updates, post-mortems).
 */

export interface RedactOptions {
  /** A team's own regular expressions (`incidentDesk.redact.patterns`), as source strings. */
  readonly patterns?: readonly string[];
}

export interface RedactResult {
  /** The text with each secret replaced by `[redacted: <kind>]`. */
  readonly text: string;
  /** The kinds of secret found (e.g. `github-token`, `private-key`), deduplicated; never the values. */
  readonly kinds: string[];
}

/** Contract stub: returns the text unchanged until the rule set lands. */
export function redactText(text: string, _options?: RedactOptions): Promise<RedactResult> {
  return Promise.resolve({ text, kinds: [] });
}
