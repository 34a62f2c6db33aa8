// `--incident incidents/<id>`: each command's start and finish on that incident's timeline, with
// the same events the editor records (runbook_step_started / runbook_step_finished, the step's
// `expect` checked on the last command's finish).
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { INCIDENTS_FOLDER, IncidentStore } from '../core/incidents/incidentStore';
import { type Expectation, plainOutput } from '../core/runbooks/expectation';
import { outputTail } from '../core/runbooks/outputTail';
import { type RunRecord, type StepRef, stepFinished, stepStarted } from '../core/runbooks/runbookEvents';
import { isoNow } from '../core/util/time';
import { compilePatterns } from '../core/redaction/patterns';
import { readWorkspaceRedactPatterns } from './workspaceSettings';
import type { CommandOutcome } from './runStep';

export class IncidentArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentArgumentError';
  }
}

/** The incident a run is recorded on, opened and checked before anything runs. */
export interface OpenedIncident {
  readonly store: IncidentStore;
  readonly id: string;
  /** The folder holding incidents/: runbook paths on the timeline are relative to it, as in the editor. */
  readonly root: string;
}

/** Opens `incidents/<id>`; throws IncidentArgumentError when it is not a recordable incident. */
export async function openIncident(folder: string, cwd: string): Promise<OpenedIncident> {
  const dir = path.resolve(cwd, folder);
  const id = path.basename(dir);
  if (path.basename(path.dirname(dir)) !== INCIDENTS_FOLDER) throw new IncidentArgumentError(`--incident ${folder}: expected a folder incidents/<id>`);
  const root = path.dirname(path.dirname(dir));
  const st = await fsp.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new IncidentArgumentError(`--incident ${folder}: no such incident folder`);
  // The team's redaction patterns, as the editor reads them; an invalid one refuses the run before anything runs.
  const patterns = await readWorkspaceRedactPatterns(root);
  compilePatterns(patterns);
  const store = new IncidentStore({ root, redaction: () => ({ patterns }) });
  await store.loadAll();
  const entry = store.list().find((e) => e.id === id);
  if (entry?.kind === 'broken') throw new IncidentArgumentError(`--incident ${folder}: ${entry.message} (${entry.file}${entry.line ? `:${entry.line}` : ''})`);
  const incident = store.get(id);
  if (!incident) throw new IncidentArgumentError(`--incident ${folder}: no incident.yaml there`);
  if (incident.incident.status === 'resolved') throw new IncidentArgumentError(`--incident ${folder}: the incident is resolved; runs are recorded on active incidents only`);
  return { store, id, root };
}

/** Records one step run, command by command, as runRunbookStep does in the editor. */
export class StepRecorder {
  private readonly runs = new Map<number, RunRecord>();

  constructor(
    private readonly incident: OpenedIncident | undefined,
    private readonly ref: StepRef,
    private readonly commands: readonly string[],
    private readonly target: string,
    private readonly actor: string,
    private readonly expectation: Expectation | undefined,
  ) {}

  async started(index: number): Promise<void> {
    const run: RunRecord = { command: this.commands[index]!, target: this.target, runId: randomUUID() };
    this.runs.set(index, run);
    if (this.incident) await this.incident.store.record(this.incident.id, stepStarted(this.ref, run, this.actor, isoNow()));
  }

  /**
   * `output`: everything the step printed so far, for its `expect` on the last command that runs;
   * `commandOutput`: what this command printed, whose end is kept on its event (outputTail).
   */
  async finished(index: number, outcome: CommandOutcome, output: string, commandOutput?: string): Promise<void> {
    const run = this.runs.get(index);
    if (!run || !this.incident) return;
    const last = index === this.commands.length - 1 || outcome.exitCode !== 0;
    const expect = this.expectation && last ? { pattern: this.expectation.pattern, met: this.expectation.test(plainOutput(output)) } : undefined;
    await this.incident.store.record(this.incident.id, stepFinished(this.ref, run, outcome.exitCode, this.actor, isoNow(), expect, outcome.unknown, await outputTail(commandOutput)));
  }
}
