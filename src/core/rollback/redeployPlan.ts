// The exact commands a rollback runs on a host, worked out before anything runs so the wizard can
// show them: the default redeploy (fetch when the target is missing, check it out detached, compose
// up), the host's own list (`incidentDesk.hosts[].deploy`), or the team's command. Pure.
//
// Every value reaches the shell quoted: the target is first checked to be a full object name, then
// it and the host's paths are filled into the command templates by the runbook placeholder filler,
// which quotes each for where it sits (an unquoted word, "…", '…'); the default commands quote them
// with `shellWord`. A value the filler cannot place safely makes the plan refuse, naming it.
import { fillPlaceholders, shellWord } from '../runbooks/placeholderFill';

/** `redeploy`: the host's work dir (default commands, or its `deploy` list); `teamCommand`: the team's own script or CLI. */
export type RedeployStrategy = 'redeploy' | 'teamCommand';

/** The compose front end found on the host (composeCommand.ts's detection). */
export type ComposeCli = 'docker compose' | 'docker-compose';

export interface RedeployHost {
  readonly name: string;
  /** Remote path; the commands run there (relative: from the login user's home). */
  readonly workDir?: string;
  readonly composeFile?: string;
  /** The host's own commands (`incidentDesk.hosts[].deploy`), run in order in the work dir. */
  readonly deploy?: readonly string[];
}

export interface RedeployPlanInput {
  readonly strategy: RedeployStrategy;
  /** The target commit: a full object name (40 or 64 lower-case hex digits). */
  readonly sha: string;
  readonly host: RedeployHost;
  /** Needed by the default redeploy (no `deploy` list); undefined when the host has neither. */
  readonly compose?: ComposeCli;
  /** For `teamCommand`: a template such as `./infra/scripts/rollback.sh ${sha}`. */
  readonly teamCommand?: string;
}

export interface PlannedCommand {
  /** The shell text run on the host, exactly as shown. */
  readonly command: string;
  /** What it is for, in words. */
  readonly label: string;
}

export type RedeployPlan =
  | {
      readonly kind: 'plan';
      readonly strategy: RedeployStrategy;
      readonly sha: string;
      /** Where every command runs; undefined: the login user's home. */
      readonly cwd?: string;
      readonly commands: readonly PlannedCommand[];
      /** What the user should know before running it (e.g. no work dir: the team command runs in the home folder). */
      readonly notes: readonly string[];
    }
  | { readonly kind: 'refused'; readonly problems: readonly string[] };

/** The placeholders a `deploy` or team command may use. */
export const DEPLOY_PLACEHOLDERS = ['sha', 'short_sha', 'work_dir', 'compose_file', 'host'] as const;

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The commands for a host, or why there are none; never throws. */
export function planRedeploy(input: RedeployPlanInput): RedeployPlan {
  const problems: string[] = [];
  if (!FULL_SHA.test(input.sha)) problems.push(`the target ${JSON.stringify(input.sha)} is not a full commit id (40 or 64 lower-case hex digits): resolve it in the repository first`);
  for (const [key, value] of [['workDir', input.host.workDir], ['composeFile', input.host.composeFile]] as const) {
    if (value !== undefined && (value === '' || value.includes('\0') || /[\n\r]/.test(value))) problems.push(`the host's ${key} must be a non-empty path on one line`);
  }
  if (problems.length) return { kind: 'refused', problems };

  const values: Record<string, string> = {
    sha: input.sha,
    short_sha: input.sha.slice(0, 12),
    host: input.host.name,
    ...(input.host.workDir !== undefined ? { work_dir: input.host.workDir } : {}),
    ...(input.host.composeFile !== undefined ? { compose_file: input.host.composeFile } : {}),
  };
  const notes: string[] = [];
  let templates: Array<{ text: string; label: string }>;
  if (input.strategy === 'teamCommand') {
    const team = input.teamCommand?.trim();
    if (!team) return { kind: 'refused', problems: ['no team command is configured (e.g. ./infra/scripts/rollback.sh ${sha})'] };
    if (!/\$\{sha\}|\$\{short_sha\}/.test(team)) notes.push('the team command does not use ${sha}: it is run as written, and the target is not passed to it');
    templates = [{ text: team, label: "the team's rollback command" }];
    if (input.host.workDir === undefined) notes.push("the host has no workDir: the command runs in the login user's home folder");
  } else if (input.host.deploy !== undefined) {
    if (input.host.deploy.length === 0) return { kind: 'refused', problems: [`the host ${input.host.name} has an empty "deploy" list`] };
    templates = input.host.deploy.map((text, i) => ({ text, label: `the host's deploy command ${i + 1} of ${input.host.deploy!.length}` }));
  } else {
    if (input.host.workDir === undefined) return { kind: 'refused', problems: [`the host ${input.host.name} has no workDir: the redeploy needs the work dir holding the git clone (or a "deploy" list)`] };
    if (input.compose === undefined) return { kind: 'refused', problems: [`the host ${input.host.name} has neither the docker compose plugin nor docker-compose (or set its "deploy" commands)`] };
    return { kind: 'plan', strategy: 'redeploy', sha: input.sha, cwd: input.host.workDir, commands: defaultCommands(input.sha, input.compose, input.host.composeFile), notes };
  }

  const commands: PlannedCommand[] = [];
  for (const t of templates) {
    if (t.text.trim() === '' || t.text.includes('\0')) {
      problems.push(`${t.label} is empty or holds a NUL byte`);
      continue;
    }
    const filled = fillPlaceholders(t.text, values, 'sh');
    for (const r of filled.refused) problems.push(`${t.label}: ${r.message}`);
    for (const m of filled.missing) {
      if ((DEPLOY_PLACEHOLDERS as readonly string[]).includes(m.name)) problems.push(`${t.label} uses ${m.token}, but the host has no ${m.name === 'work_dir' ? 'workDir' : 'composeFile'}`);
    }
    commands.push({ command: filled.text, label: t.label });
  }
  if (problems.length) return { kind: 'refused', problems };
  return { kind: 'plan', strategy: input.strategy, sha: input.sha, cwd: input.host.workDir, commands, notes };
}

/**
 * The default redeploy. The fetch runs only when the target is not in the clone already: a host
 * whose clone has no `origin` (or cannot reach it) can still go back to a commit it had, and one
 * that lacks the target fails there, before anything changed. The checkout refuses to overwrite
 * uncommitted changes on the host (never `--force`), which stops the rollback with git's words.
 */
function defaultCommands(sha: string, compose: ComposeCli, composeFile: string | undefined): PlannedCommand[] {
  const q = shellWord(sha);
  const file = composeFile === undefined ? '' : ` -f ${shellWord(composeFile)}`;
  return [
    { label: 'fetch the target unless the clone has it', command: `git cat-file -e ${shellWord(`${sha}^{commit}`)} 2>/dev/null || git fetch --quiet origin` },
    { label: 'check out the target (detached)', command: `git checkout --quiet --detach ${q}` },
    { label: 'rebuild and restart the compose services', command: `${compose}${file} up -d --build --remove-orphans` },
  ];
}
