// Typed errors of the git adapter: callers branch on `reason`, never on message text.

export type GitErrorReason =
  /** The folder is not in a git work tree (or git refuses it: another owner). */
  | 'notARepository'
  /** A revision that is not an object name (option-like, a range, control characters): never given to git. */
  | 'badObjectName'
  /** A well-formed name that names no commit here. */
  | 'unknownRevision'
  /** The folder does not exist or git cannot be started. */
  | 'unavailable'
  /** A ledger line that the schema refuses. */
  | 'badLedgerEntry'
  /** Any other failure of a git command (its stderr in the message). */
  | 'failed';

export class GitError extends Error {
  constructor(readonly reason: GitErrorReason, message: string) {
    super(message);
    this.name = 'GitError';
  }

  static is(e: unknown, reason?: GitErrorReason): e is GitError {
    return e instanceof GitError && (reason === undefined || e.reason === reason);
  }
}
