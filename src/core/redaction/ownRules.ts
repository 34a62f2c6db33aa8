// Our own rules, for what secretlint's recommended preset leaves out or finds only in exact
// shapes: providers it has no rule for (GitLab, Stripe, Google API keys, AWS key ids), private key blocks of
// every PEM kind (also cut short, as in the tail of a step's output), JWTs, passwords in any URL,
// `password=`-style assignments and Authorization headers.
import type { Finding } from './findings';

interface Rule {
  kind: string;
  /** Global, with indices (`d`): the group's offsets are needed. */
  re: RegExp;
  /** The capture group that is the secret; the whole match when unset. */
  group?: number;
  /** A match whose secret this says is no secret (a placeholder, a variable) is skipped. */
  skip?: (secret: string) => boolean;
  /**
   * Text every match contains literally: a text without it is not scanned. For rules whose scan is
   * slow where they cannot match (a 150 kB post-mortem draft: npm run bench -- postmortem).
   */
  needs?: string | RegExp;
}

const PEM_LABEL = String.raw`[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?`;

/** `$VAR`, `${VAR}`, `%VAR%`, `{{ var }}`, `<your-password>`, `****`, null-ish words: names of secrets, not secrets. */
const PLACEHOLDER = /^(?:\$|%|\{\{|<|\*+$|(?:null|none|nil|true|false|undefined|empty|redacted)$)/i;
const isPlaceholder = (s: string): boolean => s === '' || PLACEHOLDER.test(s);

/** Key names whose value is a secret, as the last word of the key (`db_password`, `GITHUB_TOKEN`, `x-api-key`). */
const SECRET_WORD = String.raw`(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key(?:[_-]?id)?|credentials?)`;
const SECRET_KEY = String.raw`[A-Za-z0-9_.-]*?${SECRET_WORD}`;
/** Every assignment match holds a secret word (the rules ignore case): text without one is not scanned by them. */
const HAS_SECRET_WORD = new RegExp(SECRET_WORD, 'i');
/** A value: quoted (group 1 or 2) or up to a space, quote, comma, semicolon or `&` (group 3). */
const VALUE = String.raw`(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"',;&]+))`;

// Provider prefixes are distinctive: no word boundary is asked before them, so a token glued to the
// text before it (`id=0ghp_…`, a line break lost in a paste) is still found; nor before the
// Authorization header's name. Where a word must start (`sk-`), a letter may still come before it
// as an escape (`\nsk-…` in a JSON string).
const RULES: Rule[] = [
  // A whole block (any PEM kind, RSA/EC/DSA/OPENSSH/ENCRYPTED/PGP, newlines real or `\n`-escaped as
  // in JSON); a block whose end was cut off is redacted to the end of the text.
  { kind: 'private-key', re: new RegExp(String.raw`-----BEGIN ${PEM_LABEL}-----[\s\S]*?(?:-----END ${PEM_LABEL}-----|$)`, 'gd') },
  // The end of a block whose beginning was cut off (an output tail starting mid-key).
  { kind: 'private-key', re: new RegExp(String.raw`(?:[A-Za-z0-9+/=]{16,}(?:\r?\n|\\n))+-----END ${PEM_LABEL}-----`, 'gd'), needs: '-----END ' },
  { kind: 'github-token', re: /(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/gd },
  { kind: 'gitlab-token', re: /gl(?:pat|dt|rt|ptt|soat|cbt|ft|imt|oas)-[A-Za-z0-9_-]{20,}/gd },
  { kind: 'stripe-key', re: /(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/gd },
  { kind: 'stripe-key', re: /whsec_[A-Za-z0-9]{24,}/gd },
  { kind: 'slack-token', re: /xox[abposr]-[A-Za-z0-9-]{10,}/gd },
  { kind: 'anthropic-key', re: /sk-ant-[a-z0-9]{2,10}-[A-Za-z0-9_-]{20,}/gd },
  { kind: 'openai-key', re: /(?<!(?<!\\)[A-Za-z])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}/gd },
  { kind: 'npm-token', re: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/gd },
  // secretlint finds an AWS access key id only with its account-id rule, which also takes account numbers.
  { kind: 'aws-access-key', re: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])/gd },
  { kind: 'gcp-api-key', re: /AIza[0-9A-Za-z_-]{35}/gd },
  { kind: 'jwt', re: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/gd },
  // scheme://user:password@host — only the password goes.
  { kind: 'url-password', re: /[a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@?#'"]*:([^\s/?#'"]+)@/gid, group: 1, needs: '://' },
  // curl -u user:password, --user user:password
  { kind: 'basic-auth', re: /(?:^|\s)(?:-u|--user)(?:\s+|=)["']?[^\s:"']*:([^\s"']+)/gd, group: 1 },
  // Authorization headers: with a scheme, whatever follows it; without, a credential-looking value.
  // A value ends at a space, quote or separator, or where another Authorization header starts right
  // after it (two headers run together): consuming that header would let its credential through.
  { kind: 'authorization', re: /(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token|digest|bot|apikey|sso-key)\s+([^\s"',;]+?)(?=[\s"',;]|$|(?:proxy-)?authorization["']?\s*[:=])/gid, group: 1 },
  { kind: 'authorization', re: /(?:proxy-)?authorization["']?\s*[:=]\s*["']?((?=[^\s"',;]*\d)[^\s"',;]{12,}?)(?=[\s"',;]|$|(?:proxy-)?authorization["']?\s*[:=])/gid, group: 1 },
  { kind: 'authorization', re: /bearer\s+((?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{12,}=*)/gid, group: 1 },
  // password=… / TOKEN := … / api_key => …
  { kind: 'assignment', re: new RegExp(String.raw`(?<![A-Za-z0-9_.-])${SECRET_KEY}\s*(?:=|:=|=>)\s*${VALUE}`, 'gid'), skip: isPlaceholder, needs: HAS_SECRET_WORD },
  // "password": "…" (JSON, quoted YAML keys)
  { kind: 'assignment', re: new RegExp(String.raw`["']${SECRET_KEY}["']\s*:\s*${VALUE}`, 'gid'), skip: isPlaceholder, needs: HAS_SECRET_WORD },
  // db_password: … (YAML, headers such as x-api-key:) and `password: …` at the start of a line
  { kind: 'assignment', re: new RegExp(String.raw`(?<![A-Za-z0-9_."'-])(?:[A-Za-z0-9]+[_.-]${SECRET_KEY}|(?<=^[ \t]*)${SECRET_KEY}):[ \t]*${VALUE}`, 'gimd'), skip: isPlaceholder, needs: HAS_SECRET_WORD },
];

/** Where in `text` our rules find secrets. */
export function ownFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) {
    if (rule.needs !== undefined && !(typeof rule.needs === 'string' ? text.includes(rule.needs) : rule.needs.test(text))) continue;
    for (const m of text.matchAll(rule.re)) {
      // The secret is the rule's group, or the value group that matched (quoted or not), or the whole match.
      const group = rule.group ?? (rule.skip ? [1, 2, 3].find((g) => m[g] !== undefined) : 0) ?? 0;
      const at = m.indices?.[group];
      const secret = m[group];
      if (!at || secret === undefined || secret.length === 0 || rule.skip?.(secret)) continue;
      out.push({ start: at[0], end: at[1], kind: rule.kind, source: 'own' });
    }
  }
  return out;
}
