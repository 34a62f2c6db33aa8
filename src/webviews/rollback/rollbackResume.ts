// A rollback the timeline shows started and not ended (a window reload or a crash mid-run): the
// wizard says how far it got and offers Verify (ask the host now), Resume (runRollback carrying the
// run on: the interrupted command followed by its run id, then the commands after it exactly as
// its rollback_started recorded them, verify, ledger line) or Abandon (recorded, outcome unknown:
// never success). Settling it settles its host lock too when the lock is this incident's own
// (Resume adopts it and releases it at the end; Abandon and Verify release it); anyone else's is
// never touched. What it learns goes on the timeline like the run's own events.
import { describeInterrupted, resumePoint, type InterruptedRollback } from '../../core/rollback/interruptedRun';
import type { HealthPolicy } from '../../core/rollback/healthPolicy';
import type { GitRepository } from '../../services/git/gitRepository';
import type { HostProfile } from '../../services/ssh/hostProfiles';
import type { RemoteExecutor } from '../../services/ssh/remoteExec';
import { loadRemote } from '../../remote/loadRemote';
import type { InterruptedData } from './protocolRun';
import { probeFromHereFor, startRun, verifySpecFor, type RunSession } from './rollbackRunner';
import type { HostsPort } from './rollbackStrategy';
import { RunReport, baseOutcome, wireChecks, type RunReportPorts } from './runReport';

const FULL = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function interruptedData(r: InterruptedRollback): InterruptedData | null {
  if (!FULL.test(r.from) || !FULL.test(r.to)) return null;
  return {
    host: r.host.slice(0, 300), from: r.from, to: r.to, strategy: r.strategy.slice(0, 40), startedAt: r.startedAt.slice(0, 64),
    summary: describeInterrupted(r).slice(0, 4096), step: r.step, of: r.commands.length, command: r.command?.slice(0, 16_384) ?? null,
    canResume: resumePoint(r) !== undefined, remaining: remainingCommands(r).slice(0, 500).map((c) => c.slice(0, 16_384)),
  };
}

/** The commands Resume runs after the interrupted one (none when it cannot resume). */
export function remainingCommands(r: InterruptedRollback): string[] {
  const point = resumePoint(r);
  return point ? r.commands.slice(point.index + 1) : [];
}

export interface ResumeInput {
  hosts: HostsPort;
  profile: HostProfile | undefined;
  run: InterruptedRollback;
  health: HealthPolicy;
  who: string;
  incidentId: string;
}

/** What Resume needs beyond the interrupted run: the ledger's repository and env, a confirmed take-over. */
export interface ResumeRun extends ResumeInput {
  env: string;
  repo: GitRepository | null;
  takeOverHolderId?: string;
}

/** The report a resumed run shows (the commands as the timeline recorded them). */
export function resumeReport(i: ResumeInput, ports: RunReportPorts): RunReport {
  const strategy = i.run.strategy === 'teamCommand' ? 'teamCommand' : 'redeploy';
  return new RunReport(ports, {
    host: i.run.host, strategy, from: i.run.from, to: i.run.to, resumed: true,
    commands: i.run.commands.map((command, n) => ({
      command: command.slice(0, 16_384), label: `command ${n + 1} of ${i.run.commands.length}`,
      state: n + 1 < i.run.step ? 'ok' : n + 1 === i.run.step ? (i.run.stepFinished ? (i.run.exitCode === 0 ? 'ok' : 'failed') : 'unknown') : 'pending',
      exitCode: n + 1 === i.run.step && i.run.stepFinished ? i.run.exitCode ?? null : null,
    })),
  });
}

type Remote = Awaited<ReturnType<typeof loadRemote>>;

/** Releases the interrupted run's lock when it is this incident's own; what happened (OwnLockRelease's kind), in words. */
async function settleLock(remote: Remote, conn: RemoteExecutor, i: ResumeInput): Promise<{ lock: string; text: string }> {
  try {
    const r = await remote.releaseOwnLock(conn, { incidentId: i.incidentId, who: i.who });
    return { lock: r.kind, text: remote.describeOwnLockRelease(r, i.run.host) };
  } catch (e) {
    return { lock: 'failed', text: `the rollback lock on ${i.run.host} could not be released: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Abandon: recorded as an unknown outcome, with who gave up on it; this incident's lock released (trusted workspace: it takes the host's connection). */
export async function abandon(i: ResumeInput, report: RunReport, trusted: boolean): Promise<RunReport> {
  const why = `abandoned by ${i.who} after a reload: ${describeInterrupted(i.run)}`;
  let lock = { lock: 'untouched', text: trusted ? `no host named ${i.run.host} is configured: its rollback lock was not touched` : `the rollback lock on ${i.run.host} was not touched (an untrusted workspace does not connect to hosts)` };
  if (trusted && i.profile) {
    try {
      const remote = await loadRemote();
      lock = await settleLock(remote, await i.hosts.connection(i.profile.name), i);
    } catch (e) {
      lock = { lock: 'failed', text: `${i.run.host} could not be reached, its rollback lock was not released: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  await report.record('rollback_unknown', `Rollback of ${i.run.host} to ${i.run.to.slice(0, 12)} abandoned: ${describeInterrupted(i.run)}; never counted as success; ${lock.text}`,
    { host: i.run.host, stage: 'abandoned', to: i.run.to, reason: why, lock: lock.lock }).catch(() => undefined);
  const released = lock.lock === 'released' || lock.lock === 'absent';
  report.done({ ...baseOutcome('unknown', `Abandoned: ${describeInterrupted(i.run)}. ${lock.text[0]!.toUpperCase()}${lock.text.slice(1)}.`), stage: 'abandoned', lockReleased: released,
    ledgerWhy: 'nothing is written to the deploy ledger for an abandoned rollback' });
  return report;
}

/** Verify: the host's checks now, recorded as the run's end; this incident's lock released unless the interrupted command still runs. */
export async function verifyNow(i: ResumeInput, report: RunReport): Promise<RunReport> {
  if (!i.profile) {
    report.done({ ...baseOutcome('unknown', `No host named ${i.run.host} is configured any more: it cannot be asked.`), lockReleased: false });
    return report;
  }
  const profile = i.profile;
  report.state.phase = 'verifying';
  report.state.probeFrom = profile.healthUrl ? (probeFromHereFor(profile) ? 'here' : 'host') : null;
  report.send();
  const remote = await loadRemote();
  try {
    const conn = await i.hosts.connection(profile.name);
    const result = await remote.verifyRollback({ ...verifySpecFor(profile, i.health), target: i.run.to }, {
      connection: conn, onProbe: (p) => report.probe(p), ...(probeFromHereFor(profile) ? { probeFromHere: remote.probeFromHere } : {}),
    });
    const checks = wireChecks(result.checks);
    const failed = result.checks.filter((c) => c.status === 'failed');
    const kind = result.verified ? 'verified' : failed.length ? 'failed' : 'unknown';
    const msg = result.verified ? 'Every check passed.' : (failed.length ? failed : result.checks.filter((c) => c.status === 'unknown')).map((c) => `${c.name}: ${c.detail}`).join('; ') || 'no check could be made';
    // The run ends on the timeline here: its lock goes too, unless its command is still at work on the host.
    const point = resumePoint(i.run);
    const running = point ? (await remote.readDetachedState(conn, { id: point.runId }).catch(() => undefined))?.state === 'running' : false;
    const lock = running ? { lock: 'running', text: `command ${point!.index + 1} still runs on ${profile.name}: its rollback lock stays` } : await settleLock(remote, conn, i);
    const type = kind === 'verified' ? 'rollback_verified' : kind === 'failed' ? 'rollback_failed' : 'rollback_unknown';
    await report.record(type, `Rollback of ${profile.name} to ${i.run.to.slice(0, 12)} after a reload: ${kind === 'verified' ? 'verified' : kind === 'failed' ? `not verified: ${msg}` : `the checks could not be made: ${msg}`}; ${lock.text}`,
      { host: profile.name, stage: 'verify', to: i.run.to, checks, resumed: true, lock: lock.lock }).catch(() => undefined);
    const lockReleased = lock.lock === 'released' || lock.lock === 'absent';
    report.done({ ...baseOutcome(kind, msg), stage: 'verify', checks, lockReleased, lockNote: lockReleased ? null : `${lock.text[0]!.toUpperCase()}${lock.text.slice(1)}.`,
      ledgerWhy: 'Verify alone writes no deploy ledger line (the commands after the interrupted one were not seen to end): Resume writes one when verified, or record it with incident-desk deploy record if it stands' });
  } catch (e) {
    report.done({ ...baseOutcome('unknown', `${profile.name} could not be asked: ${e instanceof Error ? e.message : String(e)}`), lockReleased: false });
  }
  return report;
}

/**
 * Resume: runRollback carries the interrupted run on from its command by run id (the lock adopted
 * when it is this incident's), runs the commands after it, verifies and writes the ledger line.
 * Undefined when there is no command to follow (Verify or Abandon then).
 */
export function resume(i: ResumeRun, report: RunReport): RunSession | undefined {
  const point = resumePoint(i.run);
  if (!i.profile || !point) return undefined;
  const strategy = i.run.strategy === 'teamCommand' ? 'teamCommand' : 'redeploy';
  const commands = i.run.commands.map((command, n) => ({ command, label: `command ${n + 1} of ${i.run.commands.length}` }));
  return startRun({
    hosts: i.hosts, profile: i.profile, from: i.run.from, incidentId: i.incidentId, who: i.who, env: i.env, repo: i.repo, health: i.health,
    takeOverHolderId: i.takeOverHolderId, resume: point,
    plan: { kind: 'plan', strategy, sha: i.run.to, commands, notes: [], ...(i.run.cwd !== undefined ? { cwd: i.run.cwd } : {}) },
  }, report);
}
