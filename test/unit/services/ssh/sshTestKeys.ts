import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type KeyKind = 'ed25519' | 'rsa' | 'ecdsa';

/** A key pair made by the real `ssh-keygen`, with what the tests compare against. */
export interface TestKey {
  readonly privatePath: string;
  readonly publicPath: string;
  readonly privateKey: Buffer;
  /** e.g. ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256 */
  readonly keyType: string;
  readonly blob: Buffer;
  /** `type base64` as in a known_hosts line. */
  readonly publicText: string;
  /** What `ssh-keygen -lf` prints as the fingerprint. */
  readonly fingerprint: string;
}

export function makeKey(dir: string, name: string, kind: KeyKind = 'ed25519', bits?: number): TestKey {
  const privatePath = path.join(dir, name);
  const args = ['-q', '-t', kind, '-N', '', '-C', `${name}@test`, '-f', privatePath];
  if (bits !== undefined) args.push('-b', String(bits));
  else if (kind === 'rsa') args.push('-b', '2048'); // the smallest size OpenSSH still likes: fast tests
  execFileSync('ssh-keygen', args, { stdio: 'pipe' });
  const publicPath = `${privatePath}.pub`;
  const [keyType, base64] = fs.readFileSync(publicPath, 'utf8').trim().split(/\s+/);
  return {
    privatePath,
    publicPath,
    privateKey: fs.readFileSync(privatePath),
    keyType: keyType!,
    blob: Buffer.from(base64!, 'base64'),
    publicText: `${keyType} ${base64}`,
    fingerprint: sshKeygenFingerprint(publicPath),
  };
}

/** The `SHA256:…` field of `ssh-keygen -lf file` (format: `bits fingerprint comment (TYPE)`). */
export function sshKeygenFingerprint(file: string): string {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' }).trim();
  return out.split(/\s+/)[1]!;
}
