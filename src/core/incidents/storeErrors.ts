/** Why the store could not do something; callers branch on `reason`, never on message text. */
export type StoreErrorReason =
  | 'writeFailed' // the disk refused (permissions, read-only, full); the change is kept in memory and retried
  | 'recordInvalid' // incident.yaml cannot be read; it is not overwritten
  | 'unsafePath' // a symbolic link or a path outside incidents/
  | 'notFound'
  | 'noWorkspace';

export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
    /** File the problem is in, with 1-based line and column where known. */
    readonly location?: { file: string; line?: number; column?: number },
  ) {
    super(message);
    this.name = 'StoreError';
  }
  static is(e: unknown, reason?: StoreErrorReason): e is StoreError {
    return e instanceof StoreError && (reason === undefined || e.reason === reason);
  }
}

/** OS error codes that mean "the disk refused this write for now". */
export const RETRYABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'EBUSY', 'EAGAIN', 'EMFILE', 'ENFILE']);
