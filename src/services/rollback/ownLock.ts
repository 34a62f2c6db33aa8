// A rollback interrupted by a reload leaves its lock on the host. When the wizard settles that run
// (Abandon, or Verify once its command has ended), the lock goes with it, but only when it is this
// incident's own (isOwnLock): a lock held for another incident, or by a rollback with no incident,
// is never touched here (the next run shows it with its holder, and a stale one is taken over only
// on confirmation, as always).
import { isOwnLock } from '../../core/rollback/interruptedRun';
import { type HostLockHolder, acquireHostLock, describeHolder as who, readHostLock, releaseHostLock } from '../ssh/hostLock';
import type { RemoteExecutor } from '../ssh/remoteExec';

export type OwnLockRelease =
  /** No rollback lock on the host. */
  | { readonly kind: 'absent' }
  /** This incident's lock was there and is gone now. */
  | { readonly kind: 'released'; readonly holder: HostLockHolder }
  /** Someone else's lock (another incident, or none named): left as it is. */
  | { readonly kind: 'other'; readonly holder: HostLockHolder | undefined }
  | { readonly kind: 'failed'; readonly message: string };

/** Releases the host's rollback lock if it is `incidentId`'s own; see OwnLockRelease. */
export async function releaseOwnLock(conn: RemoteExecutor, req: { incidentId: string; who: string; at?: string }): Promise<OwnLockRelease> {
  const read = await readHostLock(conn);
  if (read.kind !== 'held') return read;
  if (!read.holder || !isOwnLock(read.holder, req.incidentId)) return { kind: 'other', holder: read.holder };
  // Adopted first (only the holding just read, by its id), so the release is by a token this side holds.
  const got = await acquireHostLock(conn, { who: req.who, incidentId: req.incidentId, at: req.at, takeOver: true, adopt: true, expectedHolderId: read.holder.id });
  if (got.kind === 'failed') return got;
  if (got.kind === 'held') return { kind: 'failed', message: `the lock changed while it was being released (now held by ${got.holder?.who ?? 'someone'})` };
  const released = await releaseHostLock(conn, got.lock);
  if (released.kind === 'ok') return { kind: 'released', holder: read.holder };
  return { kind: 'failed', message: released.kind === 'failed' ? released.message : `taken over meanwhile${released.holder ? ` by ${released.holder.who}` : ''}` };
}

/** The sentence the wizard and the timeline use. */
export function describeOwnLockRelease(r: OwnLockRelease, host: string): string {
  switch (r.kind) {
    case 'absent': return `no rollback lock was left on ${host}`;
    case 'released': return `the interrupted run's lock on ${host} (taken by ${who(r.holder)}) was released`;
    case 'other': return `the rollback lock on ${host} is held by ${who(r.holder)}, not this incident: left untouched`;
    case 'failed': return `the rollback lock on ${host} could not be released: ${r.message}`;
  }
}
