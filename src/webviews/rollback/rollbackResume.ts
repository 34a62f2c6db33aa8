// A rollback the timeline shows started and not ended (a window reload or a crash mid-run): the
// wizard says how far it got and offers Verify (ask the host now), Resume (follow the interrupted
// command by its run id to its end, reattaching as the run did) or Abandon (recorded, outcome
// unknown: never success). What it learns goes on the timeline like the run's own events.
import { describeInterrupted, type InterruptedRollback } from '../../core/rollback/interruptedRun';
import type { HealthPolicy } from '../../core/rollback/healthPolicy';
import type { HostProfile } from '../../services/ssh/hostProfiles';
import { loadRemote } from '../../remote/loadRemote';
import type { InterruptedData } from './protocolRun';
import { probeFromHereFor, verifySpecFor } from './rollbackRunner';
import type { HostsPort } from './rollbackStrategy';
import { RunReport, baseOutcome, wireChecks, type RunReportPorts } from './runReport';

const FULL = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function interruptedData(r: InterruptedRollback): InterruptedData | null {
  if (!FULL.test(r.from) || !FULL.test(r.to)) return null;
  return {
    host: r.host.slice(0, 300), from: r.from, to: r.to, strategy: r.strategy.slice(0, 40), startedAt: r.startedAt.slice(0, 64),
    summary: describeInterrupted(r).slice(0, 4096), step: r.step, of: r.commands.length, command: r.command?.slice(0, 16_384) ?? null,
    canResume: r.step > 0 && !r.stepFinished && !!r.runId && /^[A-Za-z0-9._-]{1,200}$/.test(r.runId),
  };
}

export interface ResumeInput {
  hosts: HostsPort;
  profile: HostProfile | undefined;
  run: InterruptedRollback;
  health: HealthPolicy;
  who: string;
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

/** Abandon: recorded as an unknown outcome, with who gave up on it. */
export async function abandon(i: ResumeInput, report: RunReport): Promise<RunReport> {
  const why = `abandoned by ${i.who} after a reload: ${describeInterrupted(i.run)}`;
  await report.record('rollback_unknown', `Rollback of ${i.run.host} to ${i.run.to.slice(0, 12)} abandoned: ${describeInterrupted(i.run)}; never counted as success`, { host: i.run.host, stage: 'abandoned', to: i.run.to, reason: why }).catch(() => undefined);
  report.done({ ...baseOutcome('unknown', `Abandoned: ${describeInterrupted(i.run)}. The host's rollback lock, if still there, shows as stale to the next rollback, with its holder.`), stage: 'abandoned', lockReleased: false,
    ledgerWhy: 'nothing is written to the deploy ledger for an abandoned rollback' });
  return report;
}

/** Verify: the host's checks now, recorded as the run's end. */
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
    const type = kind === 'verified' ? 'rollback_verified' : kind === 'failed' ? 'rollback_failed' : 'rollback_unknown';
    await report.record(type, `Rollback of ${profile.name} to ${i.run.to.slice(0, 12)} after a reload: ${kind === 'verified' ? 'verified' : kind === 'failed' ? `not verified: ${msg}` : `the checks could not be made: ${msg}`}`,
      { host: profile.name, stage: 'verify', to: i.run.to, checks, resumed: true }).catch(() => undefined);
    report.done({ ...baseOutcome(kind, msg), stage: 'verify', checks, lockReleased: false,
      ledgerWhy: 'a rollback verified after a reload is not written to the deploy ledger from here (its commands were not all seen to end): record it with incident-desk deploy record if it stands' });
  } catch (e) {
    report.done({ ...baseOutcome('unknown', `${profile.name} could not be asked: ${e instanceof Error ? e.message : String(e)}`), lockReleased: false });
  }
  return report;
}

/** Resume: follow the interrupted command to its end, record it; the commands after it are not run from here. */
export async function resume(i: ResumeInput, report: RunReport): Promise<RunReport> {
  const index = i.run.step - 1;
  const runId = interruptedData(i.run)?.canResume ? i.run.runId! : undefined;
  if (!i.profile || runId === undefined) {
    report.done({ ...baseOutcome('unknown', 'There is no interrupted command to follow.'), lockReleased: false });
    return report;
  }
  const profile = i.profile;
  report.state.phase = 'running';
  report.setCommand(index, 'running');
  const remote = await loadRemote();
  const connect = () => i.hosts.connection(profile.name);
  let followed;
  try {
    followed = await remote.followToEnd(await connect(), connect, { id: runId }, { onData: (stream, chunk) => report.chunk(index, stream, chunk) });
  } catch (e) {
    report.setCommand(index, 'unknown');
    report.done({ ...baseOutcome('unknown', `${profile.name} could not be asked: ${e instanceof Error ? e.message : String(e)}`), lockReleased: false });
    return report;
  }
  report.flush(index);
  const o = followed.outcome;
  const base = { host: profile.name, index, command: i.run.command, runId, resumed: true };
  if (o.outcome === 'unknown') {
    report.setCommand(index, 'unknown');
    await report.record('rollback_unknown', `Whether command ${index + 1} on ${profile.name} finished is unknown after a reload: ${o.message}`, { ...base, reason: o.reason, message: o.message }).catch(() => undefined);
    report.done({ ...baseOutcome('unknown', o.message), stage: 'command', lockReleased: false });
    return report;
  }
  report.setCommand(index, o.cancelled ? 'cancelled' : o.exitCode === 0 ? 'ok' : 'failed', o.exitCode);
  await report.record('rollback_command_finished', `Command ${index + 1} on ${profile.name} ended (followed after a reload): exit status ${o.exitCode}`, { ...base, exitCode: o.exitCode, cancelled: o.cancelled }).catch(() => undefined);
  if (o.exitCode !== 0 || o.cancelled) {
    const msg = `command ${index + 1} ended with exit status ${o.exitCode}${o.cancelled ? ' (cancelled)' : ''}; the commands after it did not run`;
    await report.record('rollback_failed', `Rollback of ${profile.name} failed: ${msg}`, { host: profile.name, stage: 'command', index, exitCode: o.exitCode, cancelled: o.cancelled, resumed: true }).catch(() => undefined);
    report.done({ ...baseOutcome('failed', msg), stage: 'command', lockReleased: false });
    return report;
  }
  if (index < i.run.commands.length - 1) {
    const msg = `command ${index + 1} of ${i.run.commands.length} ended well; the commands after it were not run after the reload. Start the rollback again (its lock shows as stale, with its holder, to take over).`;
    await report.record('rollback_unknown', `Rollback of ${profile.name}: ${msg}`, { host: profile.name, stage: 'resume', index, to: i.run.to, reason: msg }).catch(() => undefined);
    report.done({ ...baseOutcome('unknown', msg), stage: 'command', lockReleased: false });
    return report;
  }
  return verifyNow(i, report);
}
