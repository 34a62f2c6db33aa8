import { SshError } from '../ssh/sshError';

/** Why a Docker operation failed; callers branch on `reason`, never on message text. */
export type DockerErrorReason =
  | 'unreachable' // no answer from the daemon: socket missing or refused, connection reset, tunnel dropped, timed out
  | 'notFound' // the daemon answered 404: no such container (or image)
  | 'removed' // a container that was being followed or acted on is gone
  | 'permission' // refused before the daemon could act: socket permissions, HTTP 401/403, SSH host key or login refused
  | 'api' // the daemon answered with an error status (bad parameter, conflict, server error, unsupported log driver)
  | 'refused' // not attempted: the endpoint is unsafe (plain tcp:// not allowed) or cannot be determined (a context that is missing or unreadable)
  | 'tls' // the TLS handshake failed: the daemon's certificate did not verify, or it refused ours
  | 'cancelled'; // the caller aborted the call

export class DockerError extends Error {
  constructor(
    readonly reason: DockerErrorReason,
    message: string,
    /** The HTTP status the daemon answered with, when it answered. */
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DockerError';
  }

  static is(e: unknown, reason?: DockerErrorReason): e is DockerError {
    return e instanceof DockerError && (reason === undefined || e.reason === reason);
  }
}

// errno codes (and Node's own codes) that mean the transport failed, not the daemon's judgement.
const UNREACHABLE_CODES = new Set([
  'ENOENT', // the unix socket file is not there (daemon not started, or restarting)
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTCONN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);
const PERMISSION_CODES = new Set(['EACCES', 'EPERM']);
// OpenSSL's verification results as Node reports them (tls.TLSSocket's authorizationError codes).
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
]);

/** A TLS failure: a certificate that did not verify, a name that did not match, an alert from the server (our certificate refused). */
function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_');
}

// SSH refusals that another attempt would only repeat (a key that changed, a login refused): not
// retried. Every other SshError (dropped, unreachable, timeout...) is a transport failure.
const PERMANENT_SSH_REASONS = new Set<string>(['hostKeyChanged', 'hostKeyRevoked', 'hostKeyRejected', 'hostKeyCheckFailed', 'authFailed', 'authCancelled']);

interface ErrorShape {
  statusCode?: unknown;
  code?: unknown;
  name?: unknown;
  level?: unknown;
  message?: unknown;
}

/**
 * Classifies whatever dockerode, docker-modem, Node's http or an SSH tunnel threw, by status code,
 * errno or type. `what` says what was being done, for the message ("inspect container abc").
 */
export function toDockerError(e: unknown, what: string, target: string): DockerError {
  if (e instanceof DockerError) return e;
  const shape: ErrorShape = typeof e === 'object' && e !== null ? (e as ErrorShape) : {};
  const detail = typeof shape.message === 'string' ? shape.message : String(e);
  if (typeof shape.statusCode === 'number') {
    const status = shape.statusCode;
    const reason: DockerErrorReason = status === 404 ? 'notFound' : status === 401 || status === 403 ? 'permission' : 'api';
    return new DockerError(reason, `Docker (${target}) could not ${what}: ${detail.trim()}`, status, { cause: e });
  }
  if (SshError.is(e)) {
    const reason: DockerErrorReason = PERMANENT_SSH_REASONS.has(e.reason) ? 'permission' : 'unreachable';
    return new DockerError(reason, `Docker (${target}) could not ${what}: ${detail}`, undefined, { cause: e });
  }
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  if (code !== undefined && isTlsCode(code)) {
    return new DockerError('tls', `Docker (${target}): TLS failed, could not ${what}: ${detail} (${code}). Check the daemon's certificate against ca.pem, and that cert.pem/key.pem are the client certificate it expects.`, undefined, { cause: e });
  }
  if (code !== undefined && PERMISSION_CODES.has(code)) {
    return new DockerError('permission', `Docker (${target}) refused access to ${what}: ${detail}`, undefined, { cause: e });
  }
  // ssh2's own errors carry a level instead of a code.
  const sshLevel = typeof shape.level === 'string' ? shape.level : undefined;
  if (sshLevel === 'client-authentication') {
    return new DockerError('permission', `Docker (${target}) could not ${what}: SSH login refused: ${detail}`, undefined, { cause: e });
  }
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || sshLevel === 'client-socket' || sshLevel === 'client-timeout') {
    return new DockerError('unreachable', `Docker (${target}) is unreachable, could not ${what}: ${detail}`, undefined, { cause: e });
  }
  if (code === 'ABORT_ERR' || shape.name === 'AbortError') {
    return new DockerError('cancelled', `Cancelled: ${what} (${target})`, undefined, { cause: e });
  }
  // A transport that failed in a way we do not recognise (an error from a custom agent): treated
  // as unreachable, so a follower retries with backoff instead of giving up on a blip.
  return new DockerError('unreachable', `Docker (${target}) could not ${what}: ${detail}`, undefined, { cause: e });
}
