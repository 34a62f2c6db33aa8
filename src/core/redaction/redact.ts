/**
 * Redaction of secrets from text before it is written to a file that gets committed (timeline
 * events, incident records, post-mortems) or handed to someone (a status update). Each secret is
 * replaced by `[redacted: <kind>]`; what was found is reported by kind only, never by value.
 */
import { applyFindings, type Finding } from './findings';
import { ownFindings } from './ownRules';
import { compilePatterns, patternFindings, RedactionError } from './patterns';
import type * as secretlintRules from './secretlintRules';

export { RedactionError, REDACT_PATTERNS_KEY } from './patterns';

export interface RedactOptions {
  /** A team's own regular expressions (`incidentDesk.redact.patterns`), as written in the setting (a non-string is an error naming it). */
  readonly patterns?: readonly unknown[];
}

export interface RedactResult {
  /** The text with each secret replaced by `[redacted: <kind>]`. */
  readonly text: string;
  /** The kinds of secret found (e.g. `github-token`, `private-key`), each once; never the values. */
  readonly kinds: string[];
}

type SecretlintModule = typeof secretlintRules;
let secretlint: Promise<SecretlintModule> | undefined;

/**
 * secretlint and its rules (about 1 MB) load on the first redaction, never at activation. In the
 * extension this import is its own bundle (dist/redaction.js, see scripts/build.mjs).
 */
function loadSecretlint(): Promise<SecretlintModule> {
  secretlint ??= import('./secretlintRules').catch((e: unknown) => {
    secretlint = undefined;
    throw new RedactionError('failed', `the secret scanner could not be loaded (${e instanceof Error ? e.message : String(e)}); nothing was written.`);
  });
  return secretlint;
}

/** Texts are scanned by secretlint in one pass, joined by this; a finding across it is cut at each text's end. */
const JOIN = '\n\n';

/** Redacts several texts at once (one secretlint pass): the strings of one event, say. */
export async function redactTexts(texts: readonly string[], options?: RedactOptions): Promise<{ texts: string[]; kinds: string[] }> {
  const patterns = compilePatterns(options?.patterns ?? []);
  if (texts.every((t) => t === '')) return { texts: [...texts], kinds: [] };
  const { lintSecrets } = await loadSecretlint();
  const joined = texts.join(JOIN);
  let linted: Finding[];
  try {
    linted = await lintSecrets(joined);
  } catch (e) {
    // The error may quote the text: only its class goes into the message.
    throw new RedactionError('failed', `the secret scanner failed (${e instanceof Error ? e.name : 'error'}); nothing was written.`);
  }
  const kinds: string[] = [];
  let offset = 0;
  const out = texts.map((text) => {
    const from = offset;
    const to = from + text.length;
    offset = to + JOIN.length;
    const findings = linted
      .filter((f) => f.start < to && f.end > from)
      .map((f) => narrow(text, { ...f, start: Math.max(f.start, from) - from, end: Math.min(f.end, to) - from }));
    findings.push(...ownFindings(text), ...patternFindings(text, patterns));
    const result = applyFindings(text, findings);
    for (const k of result.kinds) if (!kinds.includes(k)) kinds.push(k);
    return result.text;
  });
  return { texts: out, kinds };
}

/** Redacts one text. Throws RedactionError for an invalid pattern or a scanner that cannot run. */
export async function redactText(text: string, options?: RedactOptions): Promise<RedactResult> {
  const { texts, kinds } = await redactTexts([text], options);
  return { text: texts[0]!, kinds };
}

const URL_PASSWORD = /:\/\/[^\s:/@?#'"]*:([^\s/?#'"]+)@/d;
const AWS_SECRET = /^[^\n]*?(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})/d;

/**
 * Some secretlint ranges cover more than the secret: a password's whole URL (the URL is kept, only
 * the password goes), an AWS secret key reported from its key name with the key's length (the value
 * is found after the name).
 */
function narrow(text: string, f: Finding): Finding {
  const [re, from, to] = f.kind === 'url-password' ? [URL_PASSWORD, f.start, f.end] : f.kind === 'aws-secret-key' ? [AWS_SECRET, f.start, text.length] : [undefined, 0, 0];
  const at = re?.exec(text.slice(from, to))?.indices?.[1];
  return at ? { ...f, start: from + at[0], end: from + at[1] } : f;
}
