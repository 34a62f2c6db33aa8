/**
 * Why an SSH operation was refused; callers branch on `reason`, never on message text.
 * The connection layer adds its own reasons to this union (auth, drops, timeouts).
 */
export type SshErrorReason =
  | 'hostKeyChanged' // known_hosts or the trust store holds another key for this host: possible man-in-the-middle
  | 'hostKeyRevoked' // the presented key is marked @revoked
  | 'hostKeyRejected' // the key was unknown and the user declined it
  | 'hostKeyCheckFailed' // the check itself failed (unreadable file, prompt error): refused, fail closed
  | 'unreachable' // nothing answered: connection refused, no route, name not found
  | 'timeout' // no login within the ready timeout (time spent waiting for the user is not counted)
  | 'handshakeFailed' // the SSH protocol failed before login (not an SSH server, no common algorithm)
  | 'authFailed' // the server refused every method that was tried (the message names them, never a secret)
  | 'authCancelled' // the user dismissed a passphrase or password prompt and no other method worked
  | 'unsupported' // the profile needs something not implemented yet (ProxyJump): refused rather than going direct
  | 'dropped' // the connection ended without end(): network loss, server restart, keepalive unanswered
  | 'closed' // used after end()
  | 'channelFailed'; // the server refused a channel or a request on it (exec, pty, shell), or a channel's program failed to start

/** What the host-key check saw, for the message the user gets after a refused connection. */
export interface HostKeyFailureDetails {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  /** Fingerprint of the key the server presented (`SHA256:…`). */
  readonly presentedFingerprint: string;
  /** Fingerprints already known for this host (for 'hostKeyChanged'), with where they were found. */
  readonly expected: readonly { fingerprint: string; keyType: string; file?: string; line: number }[];
}

export class SshError extends Error {
  constructor(
    readonly reason: SshErrorReason,
    message: string,
    readonly hostKey?: HostKeyFailureDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SshError';
  }
  static is(e: unknown, reason?: SshErrorReason): e is SshError {
    return e instanceof SshError && (reason === undefined || e.reason === reason);
  }
}
