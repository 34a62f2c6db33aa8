/** Why the log pipeline stopped or refused something; callers branch on `reason`, never on message text. */
export type DockerLogErrorReason =
  | 'badFrameHeader' // a multiplexed frame header with an unknown stream type or non-zero padding: not a framed stream
  | 'daemonError' // the daemon sent a system-error frame (stream type 3) instead of more log data
  | 'truncatedFrame' // the stream ended in the middle of a frame: the connection was cut, not closed
  | 'writeAfterEnd'
  | 'needsTimestamps' // resuming without duplicates needs the lines' timestamps
  | 'badTimestamp'; // a resume point that is not an RFC 3339 timestamp

export class DockerLogError extends Error {
  constructor(
    readonly reason: DockerLogErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'DockerLogError';
  }

  static is(e: unknown, reason?: DockerLogErrorReason): e is DockerLogError {
    return e instanceof DockerLogError && (reason === undefined || e.reason === reason);
  }
}
