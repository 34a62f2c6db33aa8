// `incident-desk run <runbook> <step>`: every check that can refuse happens before anything runs
// (exit 2 with the reason); then the step's commands run in bash, here or on a host, and the exit
// status is the first failing command's.
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { StoreError } from '../core/incidents/storeErrors';
import { runDangers } from '../core/runbooks/dangerous';
import { recordedOn } from '../core/runbooks/runQuestion';
import { type Expectation, parseExpectation } from '../core/runbooks/expectation';
import type { Runbook } from '../core/runbooks/model';
import { type FillTarget, runSourceLines, targetValues } from '../core/runbooks/placeholderSource';
import { nothingToRun } from '../core/runbooks/nothingToRun';
import type { StepRef } from '../core/runbooks/runbookEvents';
import { RunbookFileError, readRunbookFile } from '../core/runbooks/runbookFile';
import { defaultActorName } from '../services/identity/actorName';
import type { RunCommand } from './args';
import { type HostChoice, HostKeyRefused, connectHost, findHost } from './cliHosts';
import { type CommandOutcome, type ExecuteHooks, type PreparedStep, executeLocal, executeRemote, prepareCommands } from './runStep';
import { StepOutput } from './stepOutput';
import { IncidentArgumentError, type OpenedIncident, StepRecorder, openIncident } from './stepRecorder';
import { type LocatedStep, describeCandidate, formatStepPath, selectStep } from './stepSelect';
import { SettingsFileError } from './workspaceSettings';
import { RedactionError } from '../core/redaction/patterns';

/** What `run` needs from its surroundings; main() passes the process's. */
export interface RunIo {
  err(text: string): void;
  /** Raw output of the commands (already filtered). */
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** Dry-run output: the commands. */
  out(text: string): void;
  readonly stdinIsTerminal: boolean;
  /** Asks a yes/no question on the terminal; true only for an explicit yes. */
  confirm(question: string): Promise<boolean>;
  /** Called with the running command's cancel while one runs on a host (Ctrl+C). */
  onInterrupt(cancel: (() => void) | undefined): void;
  readonly cwd: string;
}

export const EXIT_USAGE = 2;
/** The connection or the host key failed: nothing ran (as `ssh` exits 255). */
export const EXIT_CONNECTION = 255;

/** The incident's timeline refused a write (the step stopped before the next command). */
export const EXIT_RECORDING = 1;

class Refused extends Error {}

export async function runStepCommand(cmd: RunCommand, io: RunIo): Promise<number> {
  try {
    return await run(cmd, io);
  } catch (e) {
    if (e instanceof Refused || e instanceof IncidentArgumentError || e instanceof SettingsFileError || RedactionError.is(e, 'invalidPattern')) {
      io.err(`incident-desk: ${e.message}`);
      return EXIT_USAGE;
    }
    if (HostKeyRefused.is(e)) {
      io.err(`incident-desk: ${e.message}`);
      return EXIT_CONNECTION;
    }
    if (StoreError.is(e) || RedactionError.is(e)) {
      // The command whose start could not be recorded did not run; the ones before it did.
      io.err(`incident-desk: could not record on the incident's timeline, so the step stopped there: ${e.message}`);
      return EXIT_RECORDING;
    }
    throw e;
  }
}

/** Everything decided before anything runs; each check that fails throws Refused. */
interface Plan {
  readonly runbook: Runbook;
  readonly located: LocatedStep;
  readonly host: HostChoice | undefined;
  readonly prepared: PreparedStep;
  readonly texts: readonly string[];
  readonly expectation: Expectation | undefined;
  /** Where it runs, in words. */
  readonly where: string;
  /** The dangerous commands, each with its reason, as listed to the user. */
  readonly dangers: readonly string[];
  /** `Filled automatically: …` and `From the shell's environment: …` lines (or ''). */
  readonly environment: string;
}

async function plan(cmd: RunCommand, io: RunIo): Promise<Plan> {
  const runbook = await loadRunbook(cmd.runbook, io.cwd);
  const selection = selectStep(runbook, cmd.step);
  if (selection.kind !== 'found') {
    const all = selection.candidates;
    const list = all.map((c) => describeCandidate(c, all)).join('\n');
    throw new Refused(
      selection.kind === 'ambiguous'
        ? `step ${JSON.stringify(cmd.step)} is ambiguous in ${cmd.runbook}; it matches:\n${list}\nName it by a longer path (headings joined by /) or its line.`
        : `no step ${JSON.stringify(cmd.step)} in ${cmd.runbook}; its steps are:\n${list || '  (none)'}`,
    );
  }
  const { step, path: stepPath } = selection.step;
  const why = nothingToRun(step);
  if (why !== undefined) throw new Refused(`"${formatStepPath(stepPath)}" ${why}`);
  if (step.host !== undefined && cmd.host === undefined) {
    throw new Refused(`"${step.title}" runs on host "${step.host}" (the runbook says so); pass --host to choose where it runs`);
  }
  const host = cmd.host === undefined ? undefined : await resolveHost(cmd.host, cmd.trustWorkspace, io.cwd);
  const profile = host?.profile;
  const fillTarget: FillTarget = profile ? { host: profile } : { local: io.cwd };
  const values = { ...targetValues(fillTarget), ...cmd.values };
  const prepared = prepareCommands(step, values);
  if (prepared.missing.length > 0) {
    const names = prepared.missing.map((p) => `${p.token} (--set ${p.name}=…)`);
    throw new Refused(`not run: ${names.join(', ')} ${prepared.missing.length === 1 ? 'has' : 'have'} no value`);
  }
  if (prepared.refused.length > 0) {
    throw new Refused(`not run: ${prepared.refused.map((r) => r.message).join(' ')}`);
  }
  const expectation = step.expect === undefined ? undefined : parseExpectation(step.expect);
  if (expectation && 'error' in expectation) throw new Refused(`not run: ${expectation.error}`);

  const texts = prepared.commands.map((c) => c.text);
  const workDir = profile?.workDir;
  return {
    runbook,
    located: selection.step,
    host,
    prepared,
    texts,
    expectation,
    where: `${profile ? `${profile.name} (${profile.user}@${profile.host}:${profile.port}) over SSH${workDir ? `, in ${workDir}` : ''}` : `this machine, in ${io.cwd}`}, in ${[...new Set(prepared.commands.map((c) => c.program))].join(' and ') || 'bash'}`,
    // The editor's rule: the text as sent, else the runbook's own marking.
    dangers: prepared.commands.flatMap((c) => runDangers([c.source], [c.text]).map((why) => `  ${firstLine(c.text)}\n    destructive: ${JSON.stringify(why)}`)),
    environment: runSourceLines(step.commands.filter((c) => c.runnable).flatMap((c) => c.placeholders), fillTarget, values, prepared.fromEnvironment).map((l) => `${l}\n`).join(''),
  };
}

async function resolveHost(name: string, trustWorkspace: boolean, cwd: string): Promise<HostChoice> {
  const found = await findHost(name, { workspace: cwd, trustWorkspace });
  if (found.kind === 'found') return found.host;
  const hint = trustWorkspace ? ' or incidentDesk.hosts' : ' (hosts in the workspace\'s .vscode/settings.json are used only with --trust-workspace)';
  throw new Refused(`no host named "${name}" in ~/.ssh/config${hint}; known: ${found.names.join(', ') || 'none'}${found.problems.length ? `\n${found.problems.join('\n')}` : ''}`);
}

async function run(cmd: RunCommand, io: RunIo): Promise<number> {
  const p = await plan(cmd, io);
  const { step, section } = p.located;
  const { host, texts, prepared, dangers, environment, where } = p;
  const profile = host?.profile;
  const workDir = profile?.workDir;
  if (cmd.dryRun) {
    io.err(`Would run "${step.title}" on ${where}:\n${environment}${dangers.length ? `Dangerous (needs --allow-dangerous):\n${dangers.join('\n')}\n` : ''}`);
    io.out(texts.join('\n'));
    return 0;
  }
  if (dangers.length > 0 && !cmd.allowDangerous) {
    throw new Refused(`not run: ${dangers.length === 1 ? 'a command is' : 'commands are'} marked dangerous; check and run again with --allow-dangerous:\n${dangers.join('\n')}`);
  }
  const incident = cmd.incident === undefined ? undefined : await openIncident(cmd.incident, io.cwd);
  if (!cmd.yes) {
    if (!io.stdinIsTerminal) throw new Refused('not run: stdin is not a terminal, so nobody can confirm; pass --yes to run without asking');
    const caution = step.confirm ? 'The runbook marks this step "confirm": check the target and the command.\n' : '';
    const title = incident?.store.get(incident.id)?.incident.title ?? '';
    const recorded = recordedOn(incident ? { id: incident.id, title } : undefined);
    const ok = await io.confirm(`${caution}Run "${step.title}" on ${where}; ${recorded}?\n${environment}\n${texts.join('\n')}\n\nRun it? [y/N] `);
    if (!ok) {
      io.err('incident-desk: not run');
      return EXIT_USAGE;
    }
  }

  const ref: StepRef = {
    runbook: refOf(p.runbook.file, incident, io.cwd),
    runbookTitle: p.runbook.title,
    section: section.title,
    step: step.title,
    line: step.line,
  };
  const recorder = new StepRecorder(incident, ref, texts, profile?.name ?? 'local', await defaultActorName(), p.expectation);
  const output = new StepOutput((stream, text) => io.write(stream, text));
  let commandStart = 0;
  const hooks: ExecuteHooks = {
    started: async (i) => {
      commandStart = output.mark;
      await recorder.started(i);
      // What runs, as the editor's step terminal shows it: a CI log then says which command printed what.
      io.err(`$ ${texts[i]!.split('\n').join('\n> ')}`);
    },
    finished: (i, outcome) => recorder.finished(i, outcome, output.tail, output.since(commandStart)),
    output: (stream, chunk) => output.push(stream, chunk),
  };

  let outcome: CommandOutcome;
  if (host) {
    const conn = await connectOrExplain(host, cmd.acceptNew, io);
    if (typeof conn === 'number') return conn;
    try {
      outcome = await executeRemote(conn, prepared.commands, workDir, hooks, (cancel) => io.onInterrupt(cancel));
    } finally {
      io.onInterrupt(undefined);
      conn.end();
    }
  } else {
    // Ctrl+C reaches bash and the command (same process group); the CLI waits to record how it ended.
    io.onInterrupt(() => undefined);
    try {
      outcome = await executeLocal(prepared.commands, io.cwd, hooks);
    } finally {
      io.onInterrupt(undefined);
    }
  }
  output.end();
  if (output.dropped > 0) io.err(`incident-desk: ${output.dropped} terminal control sequence(s) removed from the output`);
  if (outcome.exitCode === 0) return 0;
  if (outcome.exitCode !== undefined) {
    io.err(`incident-desk: "${step.title}" failed with exit status ${outcome.exitCode}; the rest of the step was not run`);
    return outcome.exitCode;
  }
  io.err(`incident-desk: "${step.title}": outcome unknown (${outcome.unknown ?? 'no exit status'}); the rest of the step was not run`);
  const signo = outcome.signal ? (osConstants.signals as Record<string, number | undefined>)[`SIG${outcome.signal}`] : undefined;
  return signo !== undefined ? 128 + signo : EXIT_CONNECTION;
}

async function loadRunbook(file: string, cwd: string): Promise<Runbook> {
  try {
    return await readRunbookFile(path.resolve(cwd, file));
  } catch (e) {
    const why = RunbookFileError.is(e) ? e.message : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    throw new Refused(`${file}: ${why}`);
  }
}

async function connectOrExplain(host: HostChoice, acceptNew: boolean, io: RunIo) {
  try {
    return await connectHost(host, { acceptNew, log: (m) => io.err(`incident-desk: ${m}`) });
  } catch (e) {
    if (HostKeyRefused.is(e)) throw e;
    io.err(`incident-desk: cannot connect to ${host.profile.name}: ${e instanceof Error ? e.message : String(e)}. Nothing was run.`);
    return EXIT_CONNECTION;
  }
}

/** As the editor: the runbook's path relative to the workspace folder (the incident's, else the current one). */
function refOf(file: string, incident: OpenedIncident | undefined, cwd: string): string {
  return path.relative(incident?.root ?? cwd, path.resolve(cwd, file)).split(path.sep).join('/');
}

function firstLine(text: string): string {
  const [first, ...rest] = text.split('\n');
  return rest.length ? `${first} …` : first!;
}
