// secretlint's recommended rule set, behind one function. Loaded on first redaction only (see
// loadSecretlint in redact.ts): in the extension it is its own bundle (dist/redaction.js), so
// activation never parses it; the CLI bundle carries it inline.
import { lintSource } from '@secretlint/core';
import { rules } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig } from '@secretlint/types';
import type { Finding } from './findings';

const RULE_PREFIX = '@secretlint/secretlint-rule-';

/**
 * `secretlint-disable` comments would let text switch redaction off for itself (a note, a log line
 * someone pinned): the rule that honours them is left out; every other rule of the preset runs.
 */
const LEFT_OUT = new Set([`${RULE_PREFIX}filter-comments`]);

const config: SecretLintCoreConfig = {
  rules: rules.filter((r) => !LEFT_OUT.has(r.meta.id)).map((r) => ({ id: r.meta.id, rule: r })),
};

/** The kind shown in `[redacted: <kind>]`, by rule and message: what it is, never its value. */
const KINDS: Record<string, string> = {
  github: 'github-token',
  slack: 'slack-token',
  'slack/IncomingWebhook': 'slack-webhook',
  npm: 'npm-token',
  openai: 'openai-key',
  anthropic: 'anthropic-key',
  sendgrid: 'sendgrid-key',
  privatekey: 'private-key',
  basicauth: 'url-password',
  'database-connection-string': 'url-password',
  gcp: 'gcp-service-account',
  shopify: 'shopify-token',
  linear: 'linear-key',
  '1password': '1password-token',
  azure: 'azure-key',
  'aws/AWSAccessKeyID': 'aws-access-key',
  'aws/AWSSecretAccessKey': 'aws-secret-key',
  'aws/AWSAccountID': 'aws-account-id',
};

function kindOf(ruleId: string, messageId: string | undefined): string {
  const name = ruleId.startsWith(RULE_PREFIX) ? ruleId.slice(RULE_PREFIX.length) : ruleId;
  return KINDS[`${name}/${messageId ?? ''}`] ?? KINDS[name] ?? name;
}

/** Every secret the preset finds in `text`, as ranges into it. Messages (which quote the secret) are dropped here. */
export async function lintSecrets(text: string): Promise<Finding[]> {
  const result = await lintSource({
    source: { content: text, filePath: 'redaction.txt', ext: '.txt', contentType: 'text' },
    options: { config, noPhysicFilePath: true, maskSecrets: true },
  });
  return result.messages
    .filter((m) => m.range[1] > m.range[0])
    .map((m) => ({ start: m.range[0], end: m.range[1], kind: kindOf(m.ruleId, m.messageId), source: 'secretlint' as const }));
}
