// The rollback wizard's later steps on the wire (Strategy, Run, Verify, Record, and a rollback
// interrupted by a reload): imported by protocol.ts, which puts them in the one protocol. Every
// command shown is the host's text; the app only names a host and a strategy and confirms the
// exact commands it was shown, which the host compares with its own plan before anything runs.
import { arr, bool, nullable, num, obj, oneOf, optional, str, type Infer } from '../shared/schema';

const SHA = str(64);
const TEXT = str(4096);
const NAME = str(300);
const COUNT = num({ int: true, min: 0 });

export const STRATEGIES = ['redeploy', 'teamCommand', 'revert'] as const;
export type StrategyKind = (typeof STRATEGIES)[number];
export const STRATEGY_LABELS: Record<StrategyKind, string> = { redeploy: 'Redeploy on the host', teamCommand: "The team's own command", revert: 'Revert in git' };

export const hostChoiceSchema = obj({
  name: NAME,
  address: TEXT,
  workDir: nullable(TEXT),
  composeFile: nullable(TEXT),
  service: nullable(NAME),
  healthUrl: nullable(TEXT),
  /** The host has its own `deploy` commands (used instead of the default compose commands). */
  deploy: bool(),
});
export type HostChoice = Infer<typeof hostChoiceSchema>;

export const plannedSchema = obj({ command: str(16_384), label: TEXT });

export const strategyOptionSchema = obj({
  strategy: oneOf(STRATEGIES),
  /** Whether it can run (else `problems` say why). */
  available: bool(),
  problems: arr(TEXT, 50),
  notes: arr(TEXT, 50),
  /** Where the commands run (on the host), or the repository for a revert. */
  where: nullable(TEXT),
  /** Exactly what runs, in order, before anything runs. */
  commands: arr(plannedSchema, 500),
  /** The one preselected. */
  preferred: bool(),
});
export type StrategyOption = Infer<typeof strategyOptionSchema>;

export const strategyDataSchema = obj({
  hosts: arr(hostChoiceSchema, 200),
  /** The host the options are for (null: none configured). */
  host: nullable(NAME),
  /** Why the host could not be asked (untrusted workspace, unreachable, host key refused). */
  hostProblem: nullable(TEXT),
  /** The compose front end found on the host, in words. */
  compose: nullable(TEXT),
  options: arr(strategyOptionSchema, 3),
  trusted: bool(),
});
export type StrategyData = Infer<typeof strategyDataSchema>;

export const holderSchema = obj({ id: str(200), who: TEXT, at: str(64), incidentId: nullable(NAME), ageSeconds: nullable(COUNT) });
export const checkSchema = obj({ name: str(40), status: oneOf(['passed', 'failed', 'skipped', 'unknown'] as const), detail: TEXT });
export type WireCheck = Infer<typeof checkSchema>;

export const COMMAND_STATES = ['pending', 'running', 'ok', 'failed', 'cancelled', 'unknown'] as const;

export const outcomeSchema = obj({
  /** runRollback's outcome kind: refused, lockFailed, failed, verified, ran, unknown. */
  kind: str(40),
  stage: nullable(str(40)),
  message: TEXT,
  /** A lock held by someone else (refused): who, since when; `stale` offers a take-over. */
  holder: nullable(holderSchema),
  stale: bool(),
  checks: arr(checkSchema, 10),
  ledgerLine: nullable(TEXT),
  /** Why no ledger line was written (not verified, the append failed, no repository). */
  ledgerWhy: nullable(TEXT),
  lockReleased: bool(),
  /** What to say about the host's rollback lock beside the outcome; null when there is nothing to add (released, never taken, or said in the message). */
  lockNote: nullable(TEXT),
  recordErrors: arr(TEXT, 100),
});
export type WireOutcome = Infer<typeof outcomeSchema>;

export const runStateSchema = obj({
  host: NAME,
  strategy: oneOf(STRATEGIES),
  from: SHA,
  to: SHA,
  phase: oneOf(['locking', 'running', 'verifying', 'done'] as const),
  commands: arr(obj({ command: str(16_384), label: TEXT, state: oneOf(COMMAND_STATES), exitCode: nullable(num({ int: true })) }), 500),
  /** The health probes so far (newest last, capped), and where they were made from. */
  probes: arr(obj({ ok: bool(), detail: TEXT, streak: COUNT }), 60),
  probeFrom: nullable(oneOf(['host', 'here'] as const)),
  outcome: nullable(outcomeSchema),
  /** What this wizard put on the incident's timeline, in order. */
  recorded: arr(obj({ type: str(60), text: TEXT }), 500),
  /** The run was resumed after a reload (the interrupted command followed, the ones after it run). */
  resumed: bool(),
});
export type RunState = Infer<typeof runStateSchema>;

export const revertResultSchema = obj({
  ok: bool(),
  branch: nullable(NAME),
  head: nullable(SHA),
  reverted: arr(SHA, 10_000),
  conflict: nullable(obj({ sha: SHA, subject: TEXT, paths: arr(TEXT, 1000), byHand: arr(str(16_384), 1000) })),
  message: TEXT,
  /** The push as it would run (its own confirmed button). */
  push: nullable(str(1000)),
  pushed: bool(),
});
export type RevertResult = Infer<typeof revertResultSchema>;

export const interruptedSchema = obj({
  host: NAME, from: SHA, to: SHA, strategy: str(40), startedAt: str(64),
  /** "step 2 of 3 started, outcome unknown". */
  summary: TEXT,
  step: COUNT, of: COUNT,
  command: nullable(str(16_384)),
  /** Resume is possible (a command was started and its run id is known). */
  canResume: bool(),
  /** What Resume runs after the interrupted command: exactly what its rollback_started recorded, shown before it runs. */
  remaining: arr(str(16_384), 500),
});
export type InterruptedData = Infer<typeof interruptedSchema>;

export const runParamsSchema = obj({
  host: NAME,
  strategy: oneOf(['redeploy', 'teamCommand'] as const),
  /** The commands the user was shown and confirmed; the host runs its own plan only if they are the same. */
  commands: arr(str(16_384), 500),
  /** Take over a stale lock: only the holding shown (its id). */
  takeOverHolderId: optional(str(200)),
});

export const okMessageSchema = obj({ ok: bool(), message: TEXT });
