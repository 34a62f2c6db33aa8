import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';

/*
 * OpenSSH known_hosts files, as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" describes them and as
 * OpenSSH's hostfile.c reads them:
 *
 *   [@revoked|@cert-authority] hostpatterns keytype base64-key [comment]
 *
 * hostpatterns is either a comma-separated list of patterns (`*`, `?`, `!` negation) or one hashed
 * name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. The name looked up is the host for port 22
 * and `[host]:port` otherwise, so a plain `host` line never vouches for another port.
 */

export type KnownHostMarker = 'revoked' | 'cert-authority';

/** The host part of a line: patterns in clear, or one hashed name. */
export type KnownHostNames =
  | { readonly kind: 'patterns'; readonly patterns: readonly { readonly pattern: string; readonly negated: boolean }[] }
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };

export interface KnownHostEntry {
  /** File the line came from (undefined for text parsed on its own). */
  readonly file?: string;
  /** 1-based line number. */
  readonly line: number;
  readonly marker?: KnownHostMarker;
  readonly names: KnownHostNames;
  readonly keyType: string;
  readonly keyBlob: Buffer;
  readonly comment: string;
}

export type KnownHostsProblemReason =
  | 'badMarker' // an @word other than @revoked / @cert-authority, or two markers
  | 'missingKey' // host names with no key type or no key after them
  | 'badKey' // the key is not base64 of an SSH public key blob
  | 'keyTypeMismatch' // the key type field differs from the type inside the blob
  | 'badHash'; // a |1|salt|hash name that does not decode to two SHA-1 sized values

/** A line that was skipped; the rest of the file is still used, as OpenSSH does. */
export interface KnownHostsProblem {
  readonly file?: string;
  readonly line: number;
  readonly reason: KnownHostsProblemReason;
  readonly message: string;
}

export interface ParsedKnownHosts {
  readonly entries: KnownHostEntry[];
  readonly problems: KnownHostsProblem[];
}

const HASH_MAGIC = '|1|';
const SHA1_LEN = 20;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string, file?: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.replace(/\r$/, '');
    const bad = (reason: KnownHostsProblemReason, message: string) => {
      problems.push({ file, line: lineNo, reason, message: `${file ? `${file}:` : 'line '}${lineNo}: ${message}` });
    };
    let rest = raw.replace(/^[ \t]+/, '');
    if (rest === '' || rest.startsWith('#')) continue;

    let marker: KnownHostMarker | undefined;
    if (rest.startsWith('@')) {
      const m = /^@(\S+)[ \t]+/.exec(rest);
      const word = m?.[1];
      if (word === 'revoked') marker = 'revoked';
      else if (word === 'cert-authority') marker = 'cert-authority';
      else {
        bad('badMarker', `unknown marker ${JSON.stringify(rest.split(/[ \t]/)[0])} (only @revoked and @cert-authority exist)`);
        continue;
      }
      rest = rest.slice(m![0].length);
      if (rest.startsWith('@')) {
        bad('badMarker', 'only one marker is allowed on a line');
        continue;
      }
    }

    const fields = rest.split(/[ \t]+/);
    const [hostField, keyType, keyText] = fields;
    if (!hostField || !keyType || !keyText || keyType.startsWith('#') || keyText.startsWith('#')) {
      bad('missingKey', 'host names without a key type and key after them');
      continue;
    }
    const names = parseNames(hostField);
    if (!names) {
      bad('badHash', `hashed host name ${JSON.stringify(hostField.slice(0, 40))} is not |1|salt|hash with SHA-1 sized values`);
      continue;
    }
    if (!BASE64.test(keyText)) {
      bad('badKey', `the key of type ${keyType} is not base64`);
      continue;
    }
    const keyBlob = Buffer.from(keyText, 'base64');
    const blobType = keyTypeOfBlob(keyBlob);
    if (blobType === undefined) {
      bad('badKey', `the key of type ${keyType} is not an SSH public key`);
      continue;
    }
    if (blobType !== keyType) {
      bad('keyTypeMismatch', `the line says ${keyType} but the key inside is ${blobType}`);
      continue;
    }
    entries.push({ file, line: lineNo, marker, names, keyType, keyBlob, comment: fields.slice(3).join(' ') });
  }
  return { entries, problems };
}

function parseNames(field: string): KnownHostNames | undefined {
  if (field.startsWith('|')) {
    // OpenSSH treats a leading '|' as a hashed name, the whole field, never a list.
    if (!field.startsWith(HASH_MAGIC)) return undefined;
    const parts = field.slice(HASH_MAGIC.length).split('|');
    if (parts.length !== 2 || !BASE64.test(parts[0]!) || !BASE64.test(parts[1]!)) return undefined;
    const salt = Buffer.from(parts[0]!, 'base64');
    const hash = Buffer.from(parts[1]!, 'base64');
    if (salt.length !== SHA1_LEN || hash.length !== SHA1_LEN) return undefined;
    return { kind: 'hashed', salt, hash };
  }
  const patterns = field
    .split(',')
    .filter((p) => p !== '')
    .map((p) => (p.startsWith('!') ? { pattern: p.slice(1).toLowerCase(), negated: true } : { pattern: p.toLowerCase(), negated: false }));
  return { kind: 'patterns', patterns };
}

/**
 * Reads the key type name at the start of an SSH public key blob (RFC 4253 §6.6: uint32 length,
 * then the name). undefined when the blob is too short or the name is not printable ASCII.
 */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) return undefined;
  const name = blob.toString('latin1', 4, 4 + len);
  return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
}

/** The fingerprint as `ssh-keygen -l` and ssh's prompts print it: `SHA256:` + unpadded base64. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The name looked up in known_hosts: `host` on port 22, `[host]:port` on any other port. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** `|1|salt|hash` for `name`, as `ssh-keygen -H` and `HashKnownHosts yes` write it. */
export function hashKnownHostName(name: string, salt: Buffer = randomBytes(SHA1_LEN)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `${HASH_MAGIC}${salt.toString('base64')}|${hash.toString('base64')}`;
}

/** One known_hosts line for a key (names in clear). */
export function formatKnownHostsLine(host: string, port: number, keyType: string, keyBlob: Buffer, comment?: string): string {
  const line = `${knownHostsName(host, port)} ${keyType} ${keyBlob.toString('base64')}`;
  return comment ? `${line} ${comment.replace(/[\r\n]+/g, ' ')}` : line;
}

/** OpenSSH's wildcard match: `*` any run of characters, `?` exactly one; everything else literal. */
function wildcardMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Does this line's host part cover `host` on `port`? A negated pattern that matches vetoes the line. */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (entry.names.kind === 'hashed') {
    const hash = createHmac('sha1', entry.names.salt).update(name).digest();
    return timingSafeEqual(hash, entry.names.hash);
  }
  let matched = false;
  for (const { pattern, negated } of entry.names.patterns) {
    if (!wildcardMatch(name, pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export type HostKeyStatus = 'trusted' | 'unknown' | 'changed' | 'revoked';

export interface HostKeyLookup {
  readonly status: HostKeyStatus;
  /** The line that decided: the trusted key's line, the revoked line, or the first other key (changed). */
  readonly matchedLine?: number;
  readonly matchedFile?: string;
  /** For 'changed': fingerprints of the keys known for this host (the ones the server did not present). */
  readonly knownFingerprints?: string[];
  /** For 'changed': each known key with its type and where it was found. */
  readonly knownKeys?: { fingerprint: string; keyType: string; file?: string; line: number }[];
}

/**
 * Classifies a presented host key against known_hosts entries, the way OpenSSH's
 * check_hostkeys_by_key_or_type and sshconnect.c's check_host_key do:
 * - 'revoked' when an @revoked line covering this host holds this key; it wins over everything.
 * - 'trusted' when a plain line covering this host holds exactly this key (several keys per host
 *   are fine: rotation, several servers behind one name).
 * - 'changed' when the host is known but only with other keys, OF ANY TYPE. This follows OpenSSH
 *   (checked against OpenSSH 9.2: a host known only by an RSA key that presents ed25519 gets
 *   "REMOTE HOST IDENTIFICATION HAS CHANGED", not a prompt). Asking instead would let a
 *   man-in-the-middle bypass the warning simply by presenting a key of a type not on file.
 * - 'unknown' otherwise.
 * On a port other than 22, a host that is unknown under `[host]:port` is trusted if the bare `host`
 * line holds this very key: OpenSSH does the same ("found matching key w/out port"), and the key
 * proves the same server identity. Another key under the bare name is not "changed" for the port
 * (OpenSSH asks then too), but a revocation under either name refuses (stricter than OpenSSH).
 * @cert-authority lines are skipped: they vouch for host certificates, never for plain keys.
 */
export function lookupHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyLookup {
  const ports = port === 22 ? [22] : [port, 22];
  for (const p of ports) {
    const revoked = entries.find((e) => e.marker === 'revoked' && sameKey(e, keyType, keyBlob) && entryMatchesHost(e, host, p));
    if (revoked) return { status: 'revoked', matchedLine: revoked.line, matchedFile: revoked.file };
  }
  const direct = lookupName(entries, host, port, keyType, keyBlob);
  if (direct.status !== 'unknown' || port === 22) return direct;
  const bare = lookupName(entries, host, 22, keyType, keyBlob);
  return bare.status === 'trusted' ? bare : direct;
}

function sameKey(e: KnownHostEntry, keyType: string, keyBlob: Buffer): boolean {
  return e.keyType === keyType && e.keyBlob.equals(keyBlob);
}

function lookupName(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyLookup {
  const plain = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port));
  const trusted = plain.find((e) => sameKey(e, keyType, keyBlob));
  if (trusted) return { status: 'trusted', matchedLine: trusted.line, matchedFile: trusted.file };
  if (plain.length === 0) return { status: 'unknown' };
  const knownKeys = plain.map((e) => ({ fingerprint: fingerprintSha256(e.keyBlob), keyType: e.keyType, file: e.file, line: e.line }));
  return {
    status: 'changed',
    matchedLine: plain[0]!.line,
    matchedFile: plain[0]!.file,
    knownFingerprints: [...new Set(knownKeys.map((k) => k.fingerprint))],
    knownKeys,
  };
}

/** Key types known for a host (plain lines), so a caller can prefer them in key exchange as OpenSSH does. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** Big enough for any real known_hosts (about 100 000 lines); a guard against reading a wrong file. */
export const MAX_KNOWN_HOSTS_BYTES = 32 * 1024 * 1024;

/**
 * Reads and parses the files, in order; a missing file is no entry, an unreadable or oversized one
 * throws (the caller fails closed: a file we cannot read might hold the key that says "changed").
 * Links are followed: known_hosts files are often links into a dotfiles repository.
 */
export async function readKnownHostsFiles(files: readonly string[], maxBytes = MAX_KNOWN_HOSTS_BYTES): Promise<ParsedKnownHosts> {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      const st = await fsp.stat(file);
      if (st.isDirectory()) {
        throw Object.assign(new Error(`${file} is a folder, not a known_hosts file`), { code: 'EISDIR' });
      }
      if (st.size > maxBytes) {
        // Not skipped: the part we would not read might hold the key that says "changed".
        throw Object.assign(new Error(`${file} is over ${Math.round(maxBytes / 1048576)} MiB; not read`), { code: 'EFBIG' });
      }
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw e;
    }
    const parsed = parseKnownHosts(text, file);
    entries.push(...parsed.entries);
    problems.push(...parsed.problems);
  }
  return { entries, problems };
}
