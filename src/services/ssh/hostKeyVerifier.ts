import { SshError } from './sshError';
import { type HostKeyLookup, type KnownHostEntry, type KnownHostsProblem, fingerprintSha256, keyTypeOfBlob, knownKeyTypes, lookupHostKey, readKnownHostsFiles } from './knownHosts';
import type { TrustStore } from './trustStore';

export type HostKeyAnswer = 'once' | 'always' | 'reject';

/** What the user is asked about an unknown key. */
export interface HostKeyQuestion {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  /** `SHA256:…`, as `ssh` and `ssh-keygen -l` print it, so it can be compared with the server's. */
  readonly fingerprint: string;
}

export interface HostKeyCheckOptions {
  /** The host connected to (the ssh config's HostName), shown to the user. */
  readonly host: string;
  readonly port: number;
  /**
   * The ssh config's HostKeyAlias: keys are then filed under this name alone, without the port,
   * as OpenSSH does.
   */
  readonly hostKeyAlias?: string;
  /** known_hosts files to read on each check (see knownHostsFiles()); never written. */
  readonly knownHostsFiles: readonly string[];
  readonly trustStore: TrustStore;
  readonly ask: (question: HostKeyQuestion) => Promise<HostKeyAnswer>;
}

export type HostKeyDecisionVia =
  | 'knownHosts' // a known_hosts file holds this key
  | 'trustStore' // the extension's store holds this key ("trust always" earlier)
  | 'session' // trusted once earlier in this session
  | 'answeredOnce'
  | 'answeredAlways'
  | 'answeredReject'
  | 'revoked'
  | 'changed'
  | 'error';

/** The outcome of the last check, for the caller to show or log. */
export interface HostKeyDecision {
  readonly host: string;
  readonly port: number;
  /** Empty when the key could not even be read. */
  readonly keyType: string;
  readonly fingerprint: string;
  readonly accepted: boolean;
  readonly via: HostKeyDecisionVia;
  /** The file and line that decided, when one did. */
  readonly file?: string;
  readonly line?: number;
  /** Lines skipped in the known_hosts files and the trust store (to log; they never decide). */
  readonly problems: readonly KnownHostsProblem[];
}

/**
 * ssh2's `hostVerifier` (ssh2 ≥ 1.15 calls it as `(keyBlob, verify)` during key exchange, after
 * the server's KEX reply and before NEWKEYS: before the user-auth service is even requested, so
 * no credential can leave before this says yes; see lib/protocol/kex.js). It returns undefined
 * on purpose: ssh2 treats any other return value as the verdict, so an async function (which
 * returns a Promise) would be taken as "accept" at once.
 */
export interface HostKeyCheck {
  (keyBlob: Buffer, verify: (accept: boolean) => void): void;
  /** The decision of the most recent call, once it is made. */
  readonly lastDecision: HostKeyDecision | undefined;
  /** Why the most recent call refused, as a typed error to throw or show after ssh2 reports the failed handshake. */
  readonly failure: SshError | undefined;
}

/**
 * Builds the host-key check for one host: revoked → refuse; known (known_hosts, trust store or
 * trusted once) → accept; changed → refuse without asking, reporting both fingerprints; unknown →
 * ask and act on the answer. Any exception refuses (fail closed).
 */
export function createHostKeyCheck(options: HostKeyCheckOptions): HostKeyCheck {
  const { host, port } = options;
  // The name and port keys are looked up and stored under.
  const keyHost = options.hostKeyAlias ?? host;
  const keyPort = options.hostKeyAlias === undefined ? port : 22;
  let lastDecision: HostKeyDecision | undefined;
  let failure: SshError | undefined;

  const decide = async (keyBlob: Buffer): Promise<boolean> => {
    const keyType = keyTypeOfBlob(keyBlob);
    const fingerprint = fingerprintSha256(keyBlob);
    if (keyType === undefined) {
      throw new SshError('hostKeyCheckFailed', `The server at ${host}:${port} sent a host key that is not an SSH public key`);
    }
    const base = { host, port, keyType, fingerprint };
    const known = await readKnownHostsFiles(options.knownHostsFiles);
    const stored = await options.trustStore.readPersisted();
    const problems = [...known.problems, ...stored.problems];
    const fromKnown = lookupHostKey(known.entries, keyHost, keyPort, keyType, keyBlob);
    const fromStore = lookupHostKey(stored.entries, keyHost, keyPort, keyType, keyBlob);
    const fromSession = lookupHostKey(options.trustStore.sessionEntries(), keyHost, keyPort, keyType, keyBlob);

    const record = (accepted: boolean, via: HostKeyDecisionVia, at?: HostKeyLookup) => {
      lastDecision = { ...base, accepted, via, file: at?.matchedFile, line: at?.matchedLine, problems };
      return accepted;
    };

    const revoked = [fromKnown, fromStore].find((r) => r.status === 'revoked');
    if (revoked) {
      failure = new SshError(
        'hostKeyRevoked',
        `The host key of ${host}:${port} (${fingerprint}) is marked @revoked${revoked.matchedFile ? ` in ${revoked.matchedFile}:${revoked.matchedLine}` : ''}; connection refused`,
        { host, port, keyType, presentedFingerprint: fingerprint, expected: [] },
      );
      return record(false, 'revoked', revoked);
    }
    if (fromKnown.status === 'trusted') return record(true, 'knownHosts', fromKnown);
    if (fromStore.status === 'trusted') return record(true, 'trustStore', fromStore);
    if (fromSession.status === 'trusted') return record(true, 'session', fromSession);

    // A key trusted once in this window is as known as a known_hosts line: another key for the host is a change, not a new question.
    const changed = [fromKnown, fromStore, fromSession].filter((r) => r.status === 'changed');
    if (changed.length > 0) {
      const expected = changed.flatMap((r) => r.knownKeys ?? []);
      failure = new SshError(
        'hostKeyChanged',
        `The host key of ${host}:${port} has changed: the server presented ${keyType} ${fingerprint}, ` +
          `but ${expected.map((k) => `${k.keyType} ${k.fingerprint}${k.file ? ` (${k.file}:${k.line})` : ''}`).join(', ')} is known. ` +
          'Someone could be intercepting the connection, or the host was reinstalled. Nothing was sent.',
        { host, port, keyType, presentedFingerprint: fingerprint, expected },
      );
      return record(false, 'changed', changed[0]);
    }

    const answer = await options.ask({ host, port, keyType, fingerprint });
    if (answer === 'once') {
      options.trustStore.trustOnce(keyHost, keyPort, keyType, keyBlob);
      return record(true, 'answeredOnce');
    }
    if (answer === 'always') {
      await options.trustStore.trustAlways(keyHost, keyPort, keyType, keyBlob);
      return record(true, 'answeredAlways');
    }
    failure = new SshError('hostKeyRejected', `The host key of ${host}:${port} (${fingerprint}) was not trusted; connection cancelled`, {
      host,
      port,
      keyType,
      presentedFingerprint: fingerprint,
      expected: [],
    });
    return record(false, 'answeredReject');
  };

  const check = (keyBlob: Buffer, verify: (accept: boolean) => void): void => {
    lastDecision = undefined;
    failure = undefined;
    const finish = (accept: boolean) => {
      try {
        verify(accept);
      } catch {
        // ssh2 reports its own protocol failures through the client's 'error' event
      }
    };
    let fingerprint = '';
    let keyType = '';
    try {
      fingerprint = fingerprintSha256(keyBlob);
      keyType = keyTypeOfBlob(keyBlob) ?? '';
    } catch {
      // not a Buffer: decide() throws below and the key is refused
    }
    decide(keyBlob).then(
      (accept) => finish(accept === true),
      (e: unknown) => {
        failure = SshError.is(e)
          ? e
          : new SshError('hostKeyCheckFailed', `Could not check the host key of ${host}:${port}: ${(e as Error)?.message ?? String(e)}`, undefined, { cause: e });
        lastDecision = { host, port, keyType, fingerprint, accepted: false, via: 'error', problems: [] };
        finish(false);
      },
    );
  };

  return Object.defineProperties(check, {
    lastDecision: { get: () => lastDecision, enumerable: true },
    failure: { get: () => failure, enumerable: true },
  }) as HostKeyCheck;
}

/**
 * ssh2's default host key algorithms, in its order (lib/protocol/constants.js
 * DEFAULT_SERVER_HOST_KEY; ssh-dss is supported but off, as in OpenSSH).
 */
export const DEFAULT_HOST_KEY_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** The host key algorithms that produce a key of this known_hosts type (an `ssh-rsa` key signs with rsa-sha2-512/256 too). */
function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}

/**
 * The host key algorithms to offer, as OpenSSH orders them (sshconnect2.c order_hostkeyalgs): the
 * ones for key types already known for the host first, then the rest in the default order. Without
 * this the server picks the first algorithm we list that it has (ed25519), and a host known only by
 * its RSA or ECDSA key would look "changed". Types ssh2 cannot verify are left out.
 */
export function orderHostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const preferred = knownTypes.flatMap(algorithmsForKeyType).filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

/**
 * The key types known for a host in every source the check reads (known_hosts files, trust store,
 * keys trusted once), under the same name and port the check looks up: `[host]:port` first, then
 * the bare host (which the lookup also accepts for another port).
 */
export async function knownHostKeyTypes(options: Pick<HostKeyCheckOptions, 'host' | 'port' | 'hostKeyAlias' | 'knownHostsFiles' | 'trustStore'>): Promise<string[]> {
  const keyHost = options.hostKeyAlias ?? options.host;
  const keyPort = options.hostKeyAlias === undefined ? options.port : 22;
  const known = await readKnownHostsFiles(options.knownHostsFiles);
  const stored = await options.trustStore.readPersisted();
  const entries: KnownHostEntry[] = [...known.entries, ...stored.entries, ...options.trustStore.sessionEntries()];
  const types = knownKeyTypes(entries, keyHost, keyPort);
  if (keyPort !== 22) types.push(...knownKeyTypes(entries, keyHost, 22));
  return [...new Set(types)];
}
