import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { runDangers } from '../../core/runbooks/dangerous';
import { parseExpectation, plainOutput } from '../../core/runbooks/expectation';
import { type Interpreter, interpreterFor } from '../../core/runbooks/interpreters';
import { nothingToRun } from '../../core/runbooks/nothingToRun';
import { outputTail } from '../../core/runbooks/outputTail';
import { assignedNames } from '../../core/runbooks/placeholders';
import { fillPlaceholders } from '../../core/runbooks/placeholderFill';
import { type FillTarget, runSourceLines, targetValues } from '../../core/runbooks/placeholderSource';
import { stepFinished, stepStarted, type RunRecord, type StepRef } from '../../core/runbooks/runbookEvents';
import { runQuestion } from '../../core/runbooks/runQuestion';
import { isoNow } from '../../core/util/time';
import type { LoadedIncident } from '../../core/incidents/incidentLoader';
import type { PlaceholderValues } from '../../runbooks/placeholderValues';
import { Cancelled, InvalidInput, type CommandContext, type CommandDefinition } from '../commandRunner';
import { confirmRun, type RunAnswer } from './confirmRun';
import { asStep, refOf } from './stepArgs';
import { LOCAL, recordingIncident, requireTrust } from '../commandGuards';
import type { RemoteStepResult } from '../../terminals/remoteStepTerminal';

/**
 * Where to run: local, or a host. The runbook's `host` preselects one, else a host whose name holds
 * the incident's service. No hosts configured: local, without asking.
 */
async function pickTarget(ctx: CommandContext, stepHost: string | undefined, service: string | undefined, given: string | undefined): Promise<string> {
  const hosts = ctx.remote.hosts;
  await hosts.ready();
  if (given) {
    if (given !== LOCAL && !hosts.get(given)) throw new InvalidInput(`No host named "${given}".`);
    return given;
  }
  if (hosts.all().length === 0) {
    if (stepHost) throw new InvalidInput(`This step runs on host "${stepHost}", but no hosts are configured. Add it to the incidentDesk.hosts setting or ~/.ssh/config.`);
    return LOCAL;
  }
  const preselect = (stepHost && hosts.get(stepHost)?.name) || (service ? hosts.all().find((h) => h.name.toLowerCase().includes(service.toLowerCase()))?.name : undefined);
  const pick = await hosts.pick('Run on', [{ label: 'Local terminal', description: 'this machine', value: LOCAL }], preselect);
  if (!pick) throw new Cancelled();
  return pick;
}

export interface RunOptions {
  /** Skip the confirmation of a plain step (tests, and a user who already confirmed in another UI); a dangerous step still asks. */
  confirmed?: boolean;
  /** Answers the confirmation instead of the dialog or input box, checked as typed there. */
  answer?: RunAnswer;
  /** Placeholder values given by code, merged over remembered ones. */
  values?: Record<string, string>;
  /** `local` or a host name: skips the target picker. */
  target?: string;
}

/**
 * Run: shows the exact command and where it runs, refuses in an untrusted workspace or with an
 * unfilled placeholder, sends each runnable command as shown, and records it (and its exit status,
 * when known) on the focused incident's timeline.
 */
export function runRunbookStep(values: PlaceholderValues): CommandDefinition {
  return {
    id: 'incidentDesk.runbooks.runStep',
    async run(ctx: CommandContext, node?: unknown, options?: unknown) {
      const opts = (options ?? {}) as RunOptions;
      requireTrust('Running runbook steps');
      const n = asStep(node);
      const commands = n.step.commands.filter((c) => c.runnable);
      const why = nothingToRun(n.step);
      if (why !== undefined) throw new InvalidInput(`"${n.step.title}" ${why}.`);
      const incident = recordingIncident(ctx.incidents.focused());
      if (!incident && !opts.confirmed) {
        const pick = await vscode.window.showWarningMessage('No active incident to record this run on.', { modal: true, detail: 'Runs are recorded on the focused incident\'s timeline. Declare one first, or run without recording.' }, 'Run Without Recording', 'Declare Incident');
        if (pick === 'Declare Incident') return vscode.commands.executeCommand('incidentDesk.incident.declare');
        if (pick !== 'Run Without Recording') throw new Cancelled();
      }
      const target = await pickTarget(ctx, n.step.host, incident?.incident.service, opts.target);
      const profile = target === LOCAL ? undefined : ctx.remote.hosts.get(target);
      const fillTarget: FillTarget = profile ? { host: profile } : { local: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath };
      // What the target fills wins over a value remembered from a run elsewhere; a value given by code wins over both.
      const known = { ...(incident ? values.get(incident.id) : {}), ...targetValues(fillTarget), ...(opts.values ?? {}) };
      const asked = await values.ask(commands.flatMap((c) => c.placeholders), known, n.step.title);
      if (!asked) throw new Cancelled();
      if (incident && Object.keys(asked).length) await values.remember(incident.id, asked);
      // As when the step was read: a variable an earlier command of the step sets is the shell's, not asked for.
      const assigned = new Set<string>();
      // Locally the commands are typed into a terminal of their interpreter; on a host they are a script.
      const typed = target === LOCAL;
      const filled = commands.map((c) => {
        const f = fillPlaceholders(c.run, { ...known, ...asked }, c.language, assigned, { typed });
        for (const name of assignedNames(c.run)) assigned.add(name);
        return f;
      });
      const missing = filled.flatMap((f) => f.missing).filter((p) => p.kind !== 'env');
      if (missing.length) throw new InvalidInput(`Not run: ${missing.map((p) => p.token).join(', ')} has no value.`);
      const refused = filled.flatMap((f) => f.refused);
      if (refused.length) throw new InvalidInput(`Not run: ${refused.map((r) => r.message).join(' ')}`);
      const interpreters = commands.map((c) => interpreterFor(c.language) ?? (interpreterFor('bash') as Interpreter));
      const env = [...new Set(filled.flatMap((f) => f.missing).filter((p) => p.kind === 'env').map((p) => p.token))];
      const cwd = profile ? profile.workDir : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const script = filled.map((f) => f.text);
      const dangers = runDangers(commands, script);
      if (!opts.confirmed || dangers.length > 0) {
        const where = profile ? `${profile.name} (${profile.user}@${profile.host}:${profile.port}) over SSH${cwd ? `, in ${cwd}` : ''}` : `a local terminal${cwd ? `, in ${cwd}` : ''}`;
        const question = runQuestion({
          step: n.step.title,
          where,
          host: profile?.name,
          service: incident?.incident.service,
          incident: incident ? { id: incident.id, title: incident.incident.title } : undefined,
          script,
          dangers,
          sources: runSourceLines(commands.flatMap((c) => c.placeholders), fillTarget, { ...known, ...asked }, env),
          confirmStep: n.step.confirm,
          expect: n.step.expect,
        });
        if (!(await confirmRun(question, opts.answer))) throw new Cancelled();
      }
      return runAll(ctx, refOf(n), script, interpreters, cwd, incident, n.step.expect, target);
    },
  };
}

async function runAll(ctx: CommandContext, ref: StepRef, script: string[], interpreters: Interpreter[], cwd: string | undefined, incident: LoadedIncident | undefined, expect: string | undefined, target: string): Promise<Array<number | undefined>> {
  const store = ctx.incidents.requireStore();
  const actor = await ctx.incidents.actor();
  const expectation = expect === undefined ? undefined : parseExpectation(expect);
  if (expectation && 'error' in expectation) throw new InvalidInput(`Not run: ${expectation.error}.`);
  const codes: Array<number | undefined> = [];
  let output: string | undefined = '';
  for (const [i, command] of script.entries()) {
    const run: RunRecord = { command, target, runId: randomUUID() };
    if (incident) await store.record(incident.id, stepStarted(ref, run, actor, isoNow()));
    const result = target === LOCAL ? await (await ctx.runbooks.runner.start(command, cwd, interpreters[i])).finished : await runRemote(ctx, target, command, interpreters[i], cwd);
    codes.push(result.exitCode);
    output = output === undefined || result.output === undefined ? undefined : output + result.output;
    // Cancelled, signalled or cut off on a host: how far it got is unknown, so nothing after it runs.
    const unknown = (result as Partial<RemoteStepResult>).unknown;
    const last = i === script.length - 1 || (result.exitCode !== undefined && result.exitCode !== 0) || unknown !== undefined;
    // The step's expect is checked on everything its commands printed, once they are done.
    const outcome = expectation && last ? { pattern: expectation.pattern, met: output === undefined ? null : expectation.test(plainOutput(output)) } : undefined;
    // The end of what this command printed is kept on its event (bounded, plain text, redacted).
    if (incident) await store.record(incident.id, stepFinished(ref, run, result.exitCode, actor, isoNow(), outcome, unknown, await outputTail(result.output)));
    if (outcome?.met === false) void vscode.window.showWarningMessage(`"${ref.step}" finished, but its output did not show "${outcome.pattern}".`);
    if (result.exitCode !== undefined && result.exitCode !== 0) {
      void vscode.window.showWarningMessage(`"${ref.step}" failed with exit code ${result.exitCode}; the rest of the step was not run.`);
      break;
    }
    if (unknown !== undefined) {
      if (i < script.length - 1) void vscode.window.showWarningMessage(`"${ref.step}": outcome unknown (${unknown}); the rest of the step was not run.`);
      break;
    }
  }
  return codes;
}

/** One command on a host, over the host's shared SSH connection, shown in its step terminal. */
async function runRemote(ctx: CommandContext, host: string, command: string, interpreter: Interpreter, cwd: string | undefined): Promise<RemoteStepResult> {
  const conn = await ctx.remote.hosts.connection(host);
  return ctx.remote.stepTerminals.for(host).run(conn, command, { program: interpreter.program, cwd });
}
