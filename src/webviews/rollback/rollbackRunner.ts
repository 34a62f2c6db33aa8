// The Run step on the host side: runRollback over the host's verified connection with its ports
// wired to the wizard: each event onto the incident's timeline, each command's output to the app,
// the probes of the health check, a stale lock taken over only when the user confirmed the holder
// shown, the ledger line appended to the local repository after a verified redeploy.
import { isPublicUrl, type HealthPolicy } from '../../core/rollback/healthPolicy';
import type { RedeployPlan } from '../../core/rollback/redeployPlan';
import type { GitRepository } from '../../services/git/gitRepository';
import type { HostProfile } from '../../services/ssh/hostProfiles';
import type { RollbackOutcome, RollbackResume } from '../../services/rollback/runRollback';
import { loadRemote } from '../../remote/loadRemote';
import type { HostsPort } from './rollbackStrategy';
import { RunReport, baseOutcome, wireChecks, wireHolder, type RunReportPorts } from './runReport';
import type { WireOutcome } from './protocolRun';

export interface RunInput {
  hosts: HostsPort;
  profile: HostProfile;
  plan: Extract<RedeployPlan, { kind: 'plan' }>;
  from: string;
  incidentId: string;
  who: string;
  env: string;
  repo: GitRepository | null;
  health: HealthPolicy;
  takeOverHolderId?: string;
  /** Carry on an interrupted run (the plan is then the commands its rollback_started recorded). */
  resume?: RollbackResume;
}

export interface RunSession {
  readonly report: RunReport;
  readonly done: Promise<void>;
  cancel(): void;
}

/** The verify part of a request for a host: its health URL (polled from here when public), service and work dir. */
export function verifySpecFor(profile: HostProfile, health: HealthPolicy) {
  return {
    healthUrl: profile.healthUrl, consecutive: health.consecutive, windowMs: health.windowSeconds * 1000, intervalMs: health.intervalSeconds * 1000,
    service: profile.service, workDir: profile.workDir,
  };
}

export function probeFromHereFor(profile: HostProfile): boolean {
  return !!profile.healthUrl && isPublicUrl(profile.healthUrl);
}

/** Starts the run, shown by a new report (or by `to`: a resumed run's, showing the commands that ended before the reload). */
export function startRun(i: RunInput, to: RunReportPorts | RunReport): RunSession {
  const report = to instanceof RunReport ? to : new RunReport(to, {
    host: i.profile.name, strategy: i.plan.strategy, from: i.from, to: i.plan.sha,
    commands: i.plan.commands.map((c) => ({ command: c.command, label: c.label, state: 'pending', exitCode: null })),
  });
  report.state.probeFrom = i.profile.healthUrl ? (probeFromHereFor(i.profile) ? 'here' : 'host') : null;
  let cancel = () => undefined as void;
  let cancelled = false;
  const done = (async () => {
    report.send();
    let outcome: WireOutcome;
    try {
      const remote = await loadRemote();
      const connection = await i.hosts.connection(i.profile.name);
      if (cancelled) {
        report.done(baseOutcome('failed', 'Cancelled before the rollback started: nothing ran.'));
        return;
      }
      // Resumed: no rollback_started comes (the first is on the timeline); the interrupted command is followed.
      if (i.resume) report.setCommand(i.resume.index, 'running');
      const run = remote.runRollback(
        {
          host: i.profile.name, who: i.who, incidentId: i.incidentId, from: i.from, to: i.plan.sha, strategy: i.plan.strategy,
          commands: i.plan.commands, cwd: i.plan.cwd, env: i.env, service: i.profile.service, verify: verifySpecFor(i.profile, i.health), resume: i.resume,
        },
        {
          connection,
          reconnect: () => i.hosts.connection(i.profile.name),
          emit: async (e) => {
            if (e.type === 'rollback_started' || (i.resume && report.state.phase === 'locking')) report.state.phase = 'running';
            const index = typeof e.data.index === 'number' ? e.data.index : -1;
            if (e.type === 'rollback_command_started') report.setCommand(index, 'running');
            if (e.type === 'rollback_command_finished') {
              report.flush(index);
              const code = typeof e.data.exitCode === 'number' ? e.data.exitCode : null;
              report.setCommand(index, e.data.cancelled === true ? 'cancelled' : code === 0 ? 'ok' : 'failed', code);
              if (code === 0 && index === i.plan.commands.length - 1) report.state.phase = 'verifying';
            }
            if (e.type === 'rollback_unknown' && index >= 0) report.setCommand(index, 'unknown');
            await report.record(e.type, e.text, e.data);
          },
          onOutput: (index, stream, chunk) => report.chunk(index, stream, chunk),
          // Only the holding the user was shown, and confirmed, is taken over.
          confirmTakeover: async (holder) => i.takeOverHolderId !== undefined && holder?.id === i.takeOverHolderId,
          appendLedger: i.repo ? (entry) => remote.appendLedger(i.repo!, entry) : undefined,
          verifyPorts: { onProbe: (p) => report.probe(p), ...(probeFromHereFor(i.profile) ? { probeFromHere: remote.probeFromHere } : {}) },
        },
      );
      cancel = () => run.cancel();
      if (cancelled) run.cancel();
      outcome = toWire(await run.done, !!i.repo);
    } catch (e) {
      outcome = baseOutcome('lockFailed', `The rollback could not start on ${i.profile.name}: ${e instanceof Error ? e.message : String(e)}`);
      outcome.lockReleased = false;
    }
    report.done(outcome);
  })();
  return {
    report,
    done,
    cancel: () => {
      cancelled = true;
      cancel();
    },
  };
}

function toWire(o: RollbackOutcome & { lockReleased: boolean; recordErrors?: readonly string[] }, hasRepo: boolean): WireOutcome {
  const w = baseOutcome(o.kind, 'message' in o ? o.message : o.kind === 'verified' ? 'Every check passed.' : 'The commands ran; nothing was verified.');
  w.lockReleased = o.lockReleased;
  // Refused or lock failures never held it; a lock taken over mid-run is in the message.
  const tookNoLock = o.kind === 'refused' || o.kind === 'lockFailed' || (o.kind === 'failed' && o.stage === 'lock');
  w.lockNote = o.lockReleased || tookNoLock ? null : 'The host\'s rollback lock was not released (it shows as stale to the next rollback after its time).';
  w.recordErrors = [...(o.recordErrors ?? [])].map((r) => r.slice(0, 4096));
  if ('stage' in o) w.stage = o.stage;
  if (o.kind === 'refused') {
    w.holder = wireHolder(o.holder);
    w.stale = o.stale;
  }
  if ('checks' in o) w.checks = wireChecks(o.checks);
  if (o.kind === 'verified') {
    w.ledgerLine = o.ledgerLine ?? null;
    w.ledgerWhy = o.ledgerError ? `the ledger line could not be written: ${o.ledgerError}` : !hasRepo ? 'no repository to write it in' : null;
  } else {
    w.ledgerWhy = 'nothing is written to the deploy ledger unless the rollback is verified';
  }
  return w;
}
