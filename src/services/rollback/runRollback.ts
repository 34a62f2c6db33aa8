// Steps 4 to 6 of a rollback, without UI: take the host's lock, run the planned commands one by one
// detached on the host (output streamed, each start and exit told as a timeline event), reattach
// after a dropped connection, verify, record the ledger line, release the lock. The wizard (and the
// tests) give the ports: the connection and how to make another, the clock, where events go.
//
// An outcome nobody can know (the connection could not be made again, the status files are gone)
// is `unknown`: it is never verified, never recorded as a deploy, never called success.
import { randomBytes } from 'node:crypto';
import type { LedgerEntry } from '../../core/rollback/ledger';
import type { PlannedCommand, RedeployStrategy } from '../../core/rollback/redeployPlan';
import { isOwnLock } from '../../core/rollback/interruptedRun';
import { type DetachedOutcome, type DetachedRunRef, cancelDetached, followToEnd, startDetached } from '../ssh/detachedCommand';
import { type HostLockHandle, type HostLockHolder, acquireHostLock, describeHolder, releaseHostLock, renewHostLock } from '../ssh/hostLock';
import type { RemoteExecutor } from '../ssh/remoteExec';
import { SshError } from '../ssh/sshError';
import { type VerifyCheck, type VerifyPorts, type VerifySpec, verifyRollback } from './verify';

export type RollbackEventType = 'rollback_started' | 'rollback_command_started' | 'rollback_command_finished' | 'rollback_verified' | 'rollback_failed' | 'rollback_unknown';

/** What the extension appends to the incident's timeline (its actor and time are the extension's). */
export interface RollbackEvent {
  readonly type: RollbackEventType;
  readonly text: string;
  readonly data: Record<string, unknown>;
}

export interface RollbackRequest {
  /** The host's profile name (for events and the ledger). */
  readonly host: string;
  readonly who: string;
  readonly incidentId?: string;
  /** The commit the host runs now (the one rolled back away from). */
  readonly from: string;
  readonly to: string;
  readonly strategy: RedeployStrategy;
  readonly commands: readonly PlannedCommand[];
  readonly cwd?: string;
  /** Checks after the commands; undefined: not verified here (the outcome is then `ran`). */
  readonly verify?: Omit<VerifySpec, 'target'>;
  /** For the ledger line (default production). */
  readonly env?: string;
  readonly service?: string;
  /** A lock not renewed for this long is stale (default 3600). */
  readonly staleAfterSeconds?: number;
  /** Carries on a rollback interrupted by a reload instead of starting one (see RollbackResume). */
  readonly resume?: RollbackResume;
}

/**
 * A rollback the timeline shows started and not ended: its command `index` (0-based) is on the host
 * under `runId`, started and not seen to end. Resuming follows it to its end, then runs the
 * commands after it (the request's `commands`: exactly those its `rollback_started` recorded, never
 * planned again), verifies and records as a run does. No second `rollback_started` is written: the
 * timeline goes on from the first, so a second reload finds the run where this one left it. The
 * interrupted run's lock, when it is still there and this incident's (same incident id), is adopted:
 * renewed and released as this run's own; anyone else's is refused, a stale one taken over only on
 * confirmation, as for a new run.
 */
export interface RollbackResume {
  readonly index: number;
  readonly runId: string;
}

export interface RollbackPorts {
  readonly connection: RemoteExecutor;
  /** A new connection to the same host after a drop (rejects when it cannot). Connections made are the caller's to end. */
  readonly reconnect: () => Promise<RemoteExecutor>;
  readonly emit: (event: RollbackEvent) => void | Promise<void>;
  readonly now?: () => Date;
  /** A command's output as it arrives. */
  readonly onOutput?: (index: number, stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Asked when the lock is held but stale; true takes it over. Absent: never taken over. */
  readonly confirmTakeover?: (holder: HostLockHolder | undefined) => Promise<boolean>;
  /** Appends the ledger line after a verified redeploy (deployLedger.appendLedger bound to the repository). */
  readonly appendLedger?: (entry: LedgerEntry) => Promise<unknown>;
  /** Passed on to verify (tests shorten the window). */
  readonly verifyPorts?: Pick<VerifyPorts, 'now' | 'sleep' | 'onProbe' | 'probeFromHere'>;
  /** How often the lock is renewed while a command runs (default 5 minutes), so a long `compose up` never looks stale. */
  readonly renewEveryMs?: number;
  /** Reattach pacing (default 3 attempts, 1 s apart). */
  readonly reconnectAttempts?: number;
  readonly reconnectDelayMs?: number;
}

export type RollbackOutcome =
  /** Someone else holds the lock (or a stale lock was not taken over): nothing ran. */
  | { readonly kind: 'refused'; readonly holder?: HostLockHolder; readonly stale: boolean; readonly message: string }
  /** The lock could not be taken for another reason: nothing ran. */
  | { readonly kind: 'lockFailed'; readonly message: string }
  /** A command failed (or was cancelled): the ones after it did not run. */
  | { readonly kind: 'failed'; readonly stage: 'command'; readonly index: number; readonly exitCode: number; readonly cancelled: boolean; readonly message: string }
  /** The lock was taken over by someone else between two commands: the rest did not run. */
  | { readonly kind: 'failed'; readonly stage: 'lock'; readonly index: number; readonly holder?: HostLockHolder; readonly message: string }
  /** The commands ran, a check failed. */
  | { readonly kind: 'failed'; readonly stage: 'verify'; readonly checks: readonly VerifyCheck[]; readonly message: string }
  /** The commands ran and every check passed. */
  | { readonly kind: 'verified'; readonly checks: readonly VerifyCheck[]; readonly ledgerLine?: string; readonly ledgerError?: string }
  /** The commands ran (exit 0 each) and no verification was asked for. */
  | { readonly kind: 'ran' }
  /** Whether a command started or finished is not known: never success. */
  | { readonly kind: 'unknown'; readonly stage: 'command'; readonly index: number; readonly runId: string; readonly message: string }
  /** The commands ran, but the host could not be asked whether it is healthy: never success. */
  | { readonly kind: 'unknown'; readonly stage: 'verify'; readonly checks: readonly VerifyCheck[]; readonly message: string }
  /** A command could not be started (the host said why, or the channel was refused): it did not run, nor did the ones after it. */
  | { readonly kind: 'failed'; readonly stage: 'start'; readonly index: number; readonly message: string };

export interface RollbackRun {
  /**
   * `lockReleased`: the lock is gone (false: the host could not be reached, or it was taken over).
   * `recordErrors`: events the sink refused (the rollback went on: the host's state matters more than the record).
   */
  readonly done: Promise<RollbackOutcome & { readonly lockReleased: boolean; readonly recordErrors?: readonly string[] }>;
  /** Signals the running command's process group on the host (TERM, then KILL); no later command starts. */
  cancel(): void;
}

function describeOutcome(outcome: DetachedOutcome): string {
  if (outcome.outcome === 'unknown') return outcome.message;
  return `exit status ${outcome.exitCode}${outcome.signal ? ` (killed by SIG${outcome.signal})` : ''}${outcome.cancelled ? ', cancelled' : ''}`;
}

/** Starts the rollback; see RollbackRun. */
export function runRollback(req: RollbackRequest, ports: RollbackPorts): RollbackRun {
  let cancelled = false;
  let current: { ref: DetachedRunRef; target: () => RemoteExecutor } | undefined;
  let cancelling: Promise<unknown> | undefined;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    if (current) {
      const { ref, target } = current;
      cancelling = cancelDetached(target(), ref).catch(() => undefined);
    }
  };
  return { done: orchestrate(req, ports, () => cancelled, (c) => (current = c), () => cancelling), cancel };
}

async function orchestrate(
  req: RollbackRequest,
  ports: RollbackPorts,
  isCancelled: () => boolean,
  setCurrent: (c: { ref: DetachedRunRef; target: () => RemoteExecutor } | undefined) => void,
  cancelling: () => Promise<unknown> | undefined,
): Promise<RollbackOutcome & { lockReleased: boolean; recordErrors?: readonly string[] }> {
  const now = ports.now ?? (() => new Date());
  const recordErrors: string[] = [];
  // A sink that fails (the timeline cannot be written) must not leave a half-done rollback and a held lock behind.
  const resume = req.resume;
  const emit = async (type: RollbackEventType, text: string, data: Record<string, unknown>) => {
    try {
      await ports.emit({ type, text, data: { host: req.host, ...data, ...(resume ? { resumed: true } : {}) } });
    } catch (e) {
      recordErrors.push(`${type}: ${(e as Error)?.message ?? String(e)}`);
    }
  };
  let conn = ports.connection;
  const short = (sha: string) => sha.slice(0, 12);

  if (resume && !(Number.isInteger(resume.index) && resume.index >= 0 && resume.index < req.commands.length)) throw new Error(`no command ${resume.index + 1} to resume at`);
  // 4a. the lock.
  const lockReq = { who: req.who, incidentId: req.incidentId, staleAfterSeconds: req.staleAfterSeconds, at: now().toISOString() };
  let got = await acquireHostLock(conn, lockReq);
  let adopted: HostLockHolder | undefined;
  if (resume && got.kind === 'held' && got.holder && isOwnLock(got.holder, req.incidentId)) {
    // The interrupted run's own lock: this run carries it on (its holder, if alive, stops at its next renewal).
    const own = got.holder;
    got = await acquireHostLock(conn, { ...lockReq, takeOver: true, adopt: true, expectedHolderId: own.id });
    if (got.kind === 'acquired') adopted = own;
  }
  if (got.kind === 'held' && got.stale && ports.confirmTakeover && (await ports.confirmTakeover(got.holder))) {
    got = await acquireHostLock(conn, { ...lockReq, takeOver: true, expectedHolderId: got.holder?.id });
  }
  if (got.kind === 'failed') return { kind: 'lockFailed', message: `cannot take the rollback lock on ${req.host}: ${got.message}`, lockReleased: false };
  if (got.kind === 'held') {
    const h = got.holder;
    const who = describeHolder(h);
    const message = got.stale
      ? `a stale rollback lock on ${req.host} is held by ${who}${h?.ageSeconds !== undefined ? `, not renewed for ${h.ageSeconds} s` : ''}; not taken over without confirmation`
      : `${req.host} is being rolled back by ${who}: one rollback per host at a time`;
    return { kind: 'refused', holder: h, stale: got.stale, message, lockReleased: false };
  }
  const lock: HostLockHandle = got.lock;
  /** What the lock step did, for the first event this run writes. */
  const lockFacts = (h: HostLockHolder | undefined, key: string) => (h ? { [key]: { who: h.who, at: h.at, incidentId: h.incidentId } } : {});

  const finish = async (outcome: RollbackOutcome): Promise<RollbackOutcome & { lockReleased: boolean; recordErrors?: readonly string[] }> => {
    setCurrent(undefined);
    let lockReleased = false;
    try {
      lockReleased = (await releaseHostLock(conn, lock)).kind === 'ok';
    } catch {
      // the host cannot be reached: the lock stays, and shows as stale to the next rollback
    }
    return { ...outcome, lockReleased, ...(recordErrors.length ? { recordErrors } : {}) };
  };

  const stamp = now().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const runBase = `rollback-${stamp}-${randomBytes(4).toString('hex')}`;
  if (!resume) await emit('rollback_started', `Rollback of ${req.host} from ${short(req.from)} to ${short(req.to)} started (${req.strategy === 'redeploy' ? 'redeploy on the host' : "the team's command"})`, {
    from: req.from,
    to: req.to,
    strategy: req.strategy,
    commands: req.commands.map((c) => c.command),
    ...(req.cwd !== undefined ? { cwd: req.cwd } : {}),
    ...(req.incidentId ? { incidentId: req.incidentId } : {}),
    ...(lock.tookOverFrom ? { tookOverFrom: { who: lock.tookOverFrom.who, at: lock.tookOverFrom.at, incidentId: lock.tookOverFrom.incidentId } } : {}),
  });

  /** Starts command `index` detached; undefined when it started (or may have: following it settles that), else how the run ended. */
  const start = async (index: number, ref: DetachedRunRef, planned: PlannedCommand, base: Record<string, unknown>) => {
    try {
      try {
        await startDetached(conn, { ...ref, command: planned.command, cwd: req.cwd });
      } catch (e) {
        // The connection went before the host got the script (the exec was refused): nothing ran; once more on a new one.
        if (!SshError.is(e)) throw e;
        conn = await ports.reconnect();
        await startDetached(conn, { ...ref, command: planned.command, cwd: req.cwd });
      }
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      if (!/did not confirm the start/.test(message)) {
        // The host said why, or the channel was refused before sh read the script: it did not run.
        await emit('rollback_failed', `Rollback of ${req.host} failed: command ${index + 1} could not be started: ${message}`, { stage: 'start', index, command: planned.command, reason: message });
        return finish({ kind: 'failed', stage: 'start', index, message });
      }
      // Cut short while starting: the run may exist. On a new connection, following it settles that (notFound: unknown).
      try {
        conn = await ports.reconnect();
      } catch {
        await emit('rollback_unknown', `Whether command ${index + 1} started on ${req.host} is unknown: ${message}`, { ...base, reason: message });
        return finish({ kind: 'unknown', stage: 'command', index, runId: ref.id, message });
      }
    }
    return undefined;
  };

  // 4b. the commands, one at a time (resumed: from the interrupted one, followed by its run id).
  let lockNote: Record<string, unknown> = resume ? { ...lockFacts(adopted, 'adoptedLock'), ...(adopted ? {} : lockFacts(lock.tookOverFrom, 'tookOverFrom')) } : {};
  for (let index = resume?.index ?? 0; index < req.commands.length; index++) {
    const planned = req.commands[index]!;
    const follow = resume !== undefined && index === resume.index;
    if (isCancelled() && !follow) {
      await emit('rollback_failed', `Rollback of ${req.host} cancelled before command ${index + 1}`, { stage: 'command', index, cancelled: true });
      return finish({ kind: 'failed', stage: 'command', index, exitCode: -1, cancelled: true, message: 'cancelled before this command started' });
    }
    const ref: DetachedRunRef = { id: follow ? resume.runId : `${runBase}-${index + 1}` };
    const base = { index, command: planned.command, runId: ref.id, ...lockNote };
    lockNote = {};
    if (!follow) {
      const ended = await start(index, ref, planned, base);
      if (ended) return ended;
      await emit('rollback_command_started', `Command ${index + 1} of ${req.commands.length} started on ${req.host}: ${planned.command}`, base);
    }
    setCurrent({ ref, target: () => conn });
    if (isCancelled()) void cancelDetached(conn, ref).catch(() => undefined);
    const renewing = setInterval(() => void renewHostLock(conn, lock).catch(() => undefined), ports.renewEveryMs ?? 5 * 60_000);
    const followed = await followToEnd(conn, ports.reconnect, ref, {
      onData: (stream, chunk) => ports.onOutput?.(index, stream, chunk),
      reconnectAttempts: ports.reconnectAttempts,
      reconnectDelayMs: ports.reconnectDelayMs,
    }).finally(() => clearInterval(renewing));
    if (followed.connections.length) conn = followed.connections[followed.connections.length - 1]!;
    await cancelling();
    setCurrent(undefined);
    const outcome = followed.outcome;
    if (outcome.outcome === 'unknown') {
      await emit('rollback_unknown', `Whether command ${index + 1} on ${req.host} finished is unknown: ${outcome.message}`, { ...base, reason: outcome.reason, message: outcome.message });
      return finish({ kind: 'unknown', stage: 'command', index, runId: ref.id, message: outcome.message });
    }
    await emit('rollback_command_finished', `Command ${index + 1} on ${req.host} ended${follow ? ' (followed after a reload)' : ''}: ${describeOutcome(outcome)}`, {
      ...base,
      exitCode: outcome.exitCode,
      ...(outcome.signal ? { signal: outcome.signal } : {}),
      cancelled: outcome.cancelled,
    });
    if (outcome.exitCode !== 0 || outcome.cancelled) {
      const message = `command ${index + 1} (${planned.label}) ended with ${describeOutcome(outcome)}; the commands after it did not run`;
      await emit('rollback_failed', `Rollback of ${req.host} failed: ${message}`, { stage: 'command', index, exitCode: outcome.exitCode, cancelled: outcome.cancelled });
      return finish({ kind: 'failed', stage: 'command', index, exitCode: outcome.exitCode, cancelled: outcome.cancelled, message });
    }
    // A long rollback must not look stale to the next window; one taken over meanwhile stops here.
    const renewed = await renewHostLock(conn, lock).catch(() => undefined);
    if (renewed?.kind === 'lost' && index < req.commands.length - 1) {
      const message = `the rollback lock on ${req.host} was taken over${renewed.holder ? ` by ${renewed.holder.who}` : ''} after command ${index + 1}; the commands after it did not run`;
      await emit('rollback_failed', `Rollback of ${req.host} stopped: ${message}`, { stage: 'lock', index, ...(renewed.holder ? { holder: renewed.holder.who } : {}) });
      return { kind: 'failed', stage: 'lock', index, holder: renewed.holder, message, lockReleased: false, ...(recordErrors.length ? { recordErrors } : {}) };
    }
  }

  if (!req.verify) return finish({ kind: 'ran' });

  // 5. verify, still holding the lock: nobody redeploys in between.
  if ((conn as { closed?: boolean }).closed === true) conn = await ports.reconnect().catch(() => conn);
  const result = await verifyRollback({ ...req.verify, target: req.to }, { connection: conn, ...ports.verifyPorts });
  const checks = result.checks.map((c) => ({ name: c.name, status: c.status, detail: c.detail }));
  if (!result.verified && !result.checks.some((c) => c.status === 'failed')) {
    // Nothing failed, but not everything could be asked: not verified, and not failed either.
    const message = result.checks.filter((c) => c.status === 'unknown').map((c) => `${c.name}: ${c.detail}`).join('; ') || 'no check could be made';
    await emit('rollback_unknown', `Rollback of ${req.host} to ${short(req.to)}: the commands ran, the checks could not be made: ${message}`, { stage: 'verify', to: req.to, checks, reason: message });
    return finish({ kind: 'unknown', stage: 'verify', checks: result.checks, message });
  }
  if (!result.verified) {
    const failed = result.checks.filter((c) => c.status === 'failed');
    const message = failed.length ? failed.map((c) => `${c.name}: ${c.detail}`).join('; ') : 'no check could be made';
    await emit('rollback_failed', `Rollback of ${req.host} to ${short(req.to)} not verified: ${message}`, { stage: 'verify', to: req.to, checks });
    return finish({ kind: 'failed', stage: 'verify', checks: result.checks, message });
  }
  await emit('rollback_verified', `Rollback of ${req.host} to ${short(req.to)} verified: ${result.checks.filter((c) => c.status === 'passed').map((c) => c.name).join(', ')} passed`, { to: req.to, checks });

  // 6. the ledger: the target deployed, the commit rolled back away from marked faulty by `from`.
  let ledgerLine: string | undefined;
  let ledgerError: string | undefined;
  if (ports.appendLedger) {
    const entry: LedgerEntry = {
      sha: req.to,
      host: req.host,
      ...(req.service ? { service: req.service } : {}),
      env: req.env ?? 'production',
      status: 'succeeded',
      at: now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      by: req.who,
      kind: 'rollback',
      from: req.from,
    };
    try {
      const line = await ports.appendLedger(entry);
      ledgerLine = typeof line === 'string' ? line : undefined;
    } catch (e) {
      ledgerError = (e as Error)?.message ?? String(e);
    }
  }
  return finish({ kind: 'verified', checks: result.checks, ...(ledgerLine ? { ledgerLine } : {}), ...(ledgerError ? { ledgerError } : {}) });
}
