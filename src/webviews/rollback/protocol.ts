// The rollback wizard's messages, imported by the host (rollbackPanel.ts) and the app
// (webview-ui/rollback/main.ts). Every message is validated on arrival against these schemas.
// The wizard is a state machine of six steps (STEPS); the later steps' shapes are in protocolRun.ts.
import { defineProtocol, notification, request } from '../shared/ipc';
import { arr, bool, empty, nullable, num, obj, oneOf, optional, str, union, type Infer } from '../shared/schema';
import { interruptedSchema, okMessageSchema, revertResultSchema, runParamsSchema, runStateSchema, strategyDataSchema } from './protocolRun';

export const ROLLBACK_VIEW_TYPE = 'incidentDesk.rollback';

/** The wizard's steps, in order. */
export const STEPS = ['target', 'preview', 'strategy', 'run', 'verify', 'record'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_LABELS: Record<Step, string> = { target: 'Target', preview: 'Preview', strategy: 'Strategy', run: 'Run', verify: 'Verify', record: 'Record' };
/** The steps this version of the wizard can show. */
export const AVAILABLE_STEPS: readonly Step[] = ['target', 'preview', 'strategy', 'run', 'verify', 'record'];

/** Commits listed in the preview; the rest are counted ("and N more"). */
export const MAX_PREVIEW_COMMITS = 200;
/** Files listed in the preview's diffstat; the totals count them all. */
export const MAX_PREVIEW_FILES = 200;

const SHA = str(64);
const TEXT = str(4096);
const EVIDENCE = arr(TEXT, 100);
const STEP = oneOf(STEPS);

export const candidateSchema = obj({
  sha: SHA,
  /** Its last deploy before the incident, ISO-8601 UTC. */
  deployedAt: str(64),
  source: str(40),
  evidence: EVIDENCE,
  /** The commit's subject, when the commit is in the repository (null: not here, fetch it). */
  subject: nullable(TEXT),
});
export type WireCandidate = Infer<typeof candidateSchema>;

export const targetDataSchema = obj({
  incident: obj({ id: str(300), title: TEXT, service: str(300), declaredAt: str(64) }),
  /** The repository read, or why none could be (then `problem` says what to do). */
  repo: nullable(obj({ root: TEXT, branch: nullable(str(300)), shallow: bool() })),
  problem: nullable(TEXT),
  /** Whether the workspace is trusted (running a rollback will need it; reading does not). */
  trusted: bool(),
  env: str(100),
  live: nullable(obj({ sha: SHA, evidence: EVIDENCE, subject: nullable(TEXT) })),
  stable: nullable(candidateSchema),
  thin: bool(),
  /** Why there is no stable commit, when there is none. */
  reason: nullable(TEXT),
  candidates: arr(candidateSchema, 50),
  /** Commits deployed before the incident and passed over (the live one, suspect, faulty, too short), newest first, with why. */
  rejected: arr(obj({ sha: SHA, deployedAt: str(64), reasons: EVIDENCE }), 100),
  /** Facts to read the answer with (shallow clone, the stable commit not here, ledger problems). */
  notes: arr(TEXT, 100),
});
export type TargetData = Infer<typeof targetDataSchema>;

export const riskSchema = obj({ kind: str(40), detail: str(16_384) });

export const previewSchema = obj({
  target: obj({ sha: SHA, label: TEXT }),
  live: SHA,
  commits: arr(obj({ sha: SHA, subject: TEXT, author: TEXT, date: str(64), merge: bool() }), MAX_PREVIEW_COMMITS),
  /** First-parent commits in the range in all (more than `commits` when capped). */
  total: num({ int: true, min: 0 }),
  authors: arr(obj({ name: TEXT, commits: num({ int: true, min: 0 }) }), 10_000),
  diff: obj({
    filesChanged: num({ int: true, min: 0 }), insertions: num({ int: true, min: 0 }), deletions: num({ int: true, min: 0 }),
    files: arr(obj({ path: TEXT, insertions: nullable(num({ int: true, min: 0 })), deletions: nullable(num({ int: true, min: 0 })) }), MAX_PREVIEW_FILES),
  }),
  risks: arr(riskSchema, 100),
  /** The target is not an ancestor of the live commit: the preview lists what live has that the target lacks. */
  warning: nullable(TEXT),
});
export type PreviewData = Infer<typeof previewSchema>;

/** The answer to a typed commit or tag: its full id, or why it is refused. */
export const resolvedSchema = union([
  obj({ ok: oneOf(['yes'] as const), sha: SHA, subject: TEXT }),
  obj({ ok: oneOf(['no'] as const), error: TEXT }),
]);
export type Resolved = Infer<typeof resolvedSchema>;

const toHost = {
  /** Validates what the user typed as an object name (never an option) and resolves it to a commit. */
  resolveTarget: request(obj({ name: str(300) }), resolvedSchema),
  /**
   * Moves the wizard: to `target`, or to `preview` of a commit (a full id the host resolved or
   * listed). The host refuses a step it cannot reach; the reply carries the step's data.
   */
  goTo: request(obj({ step: STEP, target: optional(obj({ sha: SHA, label: TEXT })), acknowledged: optional(bool()) }), obj({ step: STEP, preview: nullable(previewSchema) })),
  /** Read the repository and the evidence again (the host answers with `target`). */
  reload: notification(empty()),
  /** The Strategy step for a host (default: the first configured): each strategy with its exact commands. */
  strategies: request(obj({ host: optional(str(300)) }), strategyDataSchema),
  /** Runs the redeploy or the team's command (progress comes as `run` and `output`). Refused in an untrusted workspace. */
  run: request(runParamsSchema, okMessageSchema),
  /** Signals the running command's process on the host; no later command starts. */
  cancel: notification(empty()),
  /** Makes `rollback/<incident-id>` in a temporary worktree (the user's checkout untouched). */
  makeRevertBranch: request(empty(), revertResultSchema),
  /** Pushes the branch made (its own confirmed step; never forced). */
  pushRevertBranch: request(obj({ branch: str(300) }), revertResultSchema),
  /** For a rollback the timeline shows started and not ended: verify the host, resume it (follow the interrupted command, run the rest: `commands`, as shown in `remaining`, compared by the host; `takeOverHolderId`: a stale lock of someone else confirmed), or record it abandoned. */
  interrupted: request(obj({ action: oneOf(['verify', 'resume', 'abandon'] as const), takeOverHolderId: optional(str(200)), commands: optional(arr(str(16_384), 500)) }), okMessageSchema),
  /** After a failed check: a new rollback to the commit rolled back from (the host's commit now as live). */
  rollForward: request(empty(), obj({ target: obj({ sha: SHA, label: TEXT }) })),
};

const toWebview = {
  /** On ready and on reload: what the Target step shows. */
  target: notification(targetDataSchema),
  /** The host's step (after a reload the app resumes there). */
  step: notification(obj({ step: STEP })),
  /** The run as it stands (sent on every change). */
  run: notification(runStateSchema),
  /** A command's output as it arrives: plain text, escape sequences stripped. */
  output: notification(obj({ index: num({ int: true, min: 0 }), text: str(1 << 16) })),
  /** On ready: a rollback the timeline shows started and not ended (null: none). */
  interrupted: notification(nullable(interruptedSchema)),
};

export type RollbackToHost = typeof toHost;
export type RollbackToWebview = typeof toWebview;
export const rollbackProtocol = defineProtocol('rollback', toHost, toWebview);

/** What the app keeps with vscode.setState: the serializer reopens the wizard for this incident; the data is read again. */
export const savedStateSchema = obj({
  incidentId: str(300),
  step: STEP,
  target: optional(obj({ sha: SHA, label: TEXT })),
  acknowledged: optional(bool()),
});
export type SavedState = Infer<typeof savedStateSchema>;
