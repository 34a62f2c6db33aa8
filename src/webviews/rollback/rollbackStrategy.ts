// The Strategy step's facts, read by the wizard's host: the configured hosts, and for the chosen
// one each strategy with the exact commands it would run. The default redeploy needs to know which
// compose the host has, asked over the host's verified connection (which needs a trusted workspace
// and the host key); the team's command and the host's `deploy` list need nothing from the host;
// the revert branch is planned on the local repository. Plans are kept by the panel, which runs
// only what it showed.
import { planRedeploy, type ComposeCli, type RedeployPlan, type RedeployStrategy } from '../../core/rollback/redeployPlan';
import { planCommandLabels, planCommandLines, type RevertPlan } from '../../core/rollback/revertPlan';
import type { GitRepository } from '../../services/git/gitRepository';
import type { HostProfile } from '../../services/ssh/hostProfiles';
import type { RemoteExecutor } from '../../services/ssh/remoteExec';
import { loadRemote } from '../../remote/loadRemote';
import type { HostChoice, StrategyData, StrategyKind, StrategyOption } from './protocolRun';

/** The hosts as the extension has them (HostsController). */
export interface HostsPort {
  ready(): Promise<void>;
  all(): readonly HostProfile[];
  /** The shared verified connection (refused in an untrusted workspace, or for an unknown host key). */
  connection(name: string): Promise<RemoteExecutor>;
}

export interface StrategyRead {
  data: StrategyData;
  /** The host's plans, by strategy (what `run` compares the confirmed commands with). */
  plans: Map<RedeployStrategy, RedeployPlan>;
  revert?: RevertPlan;
}

export function hostChoice(p: HostProfile): HostChoice {
  return {
    name: p.name, address: `${p.user}@${p.host}${p.port === 22 ? '' : `:${p.port}`}`, workDir: p.workDir ?? null, composeFile: p.composeFile ?? null,
    service: p.service ?? null, healthUrl: p.healthUrl ?? null, deploy: !!p.deploy,
  };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const clip = (t: string) => (t.length > 4000 ? `${t.slice(0, 4000)}…` : t);

export interface StrategyInput {
  hosts: HostsPort;
  host?: string;
  sha: string;
  live: string;
  incidentId: string;
  repo: GitRepository | null;
  teamCommand: string;
  trusted: boolean;
}

export async function readStrategies(i: StrategyInput): Promise<StrategyRead> {
  await i.hosts.ready();
  const profiles = i.hosts.all();
  const profile = profiles.find((p) => p.name === i.host) ?? profiles[0];
  const plans = new Map<RedeployStrategy, RedeployPlan>();
  let hostProblem: string | null = null;
  let compose: ComposeCli | undefined;
  let composeText: string | null = null;
  if (!profile) hostProblem = 'No host is configured: add one to the incidentDesk.hosts setting (name, host, user, workDir, composeFile, service, healthUrl) to redeploy or run the team\'s command there.';
  else if (!i.trusted) hostProblem = 'Running anything on a host needs a trusted workspace: trust this folder (Manage Workspace Trust), then choose the host again.';
  else if (!profile.deploy && profile.workDir !== undefined) {
    try {
      const remote = await loadRemote();
      const found = await remote.detectComposeCommand(await i.hosts.connection(profile.name));
      if (found.kind === 'none') composeText = `no compose on ${profile.name}: ${found.message}`;
      else {
        compose = found.command;
        composeText = `${found.command} (${found.version})`;
      }
    } catch (e) {
      hostProblem = `${profile.name} could not be asked which compose it has: ${message(e)}`;
    }
  }

  const options: StrategyOption[] = [];
  for (const strategy of ['redeploy', 'teamCommand'] as const) {
    if (!profile) {
      options.push({ strategy, available: false, problems: ['no host configured'], notes: [], where: null, commands: [], preferred: false });
      continue;
    }
    const plan = planRedeploy({ strategy, sha: i.sha, host: profile, compose, teamCommand: i.teamCommand });
    plans.set(strategy, plan);
    let problems = plan.kind === 'refused' ? [...plan.problems] : [];
    if (strategy === 'teamCommand' && !i.teamCommand.trim()) problems = ['No team command is set: put it in the incidentDesk.rollback.command setting (e.g. ./infra/scripts/rollback.sh ${sha}).'];
    const needsCompose = strategy === 'redeploy' && !profile.deploy && profile.workDir !== undefined;
    if (hostProblem && needsCompose) problems = [hostProblem];
    else if (hostProblem && !i.trusted) problems.unshift(hostProblem);
    const all = problems;
    options.push({
      strategy, available: plan.kind === 'plan' && all.length === 0, problems: all, notes: plan.kind === 'plan' ? [...plan.notes] : [],
      where: plan.kind === 'plan' ? `on ${profile.name}${plan.cwd !== undefined ? `, in ${plan.cwd}` : ", in the login user's home"}` : null,
      commands: plan.kind === 'plan' ? plan.commands.map((c) => ({ command: c.command, label: c.label })) : [], preferred: false,
    });
  }

  let revert: RevertPlan | undefined;
  const revertOption: StrategyOption = { strategy: 'revert', available: false, problems: [], notes: [], where: i.repo ? `in ${i.repo.root} (a temporary worktree: your checkout is not touched)` : null, commands: [], preferred: false };
  if (!i.repo) revertOption.problems.push('no repository to make the branch in');
  else {
    try {
      const remote = await loadRemote();
      revert = await remote.planRevertBranch(i.repo, { incidentId: i.incidentId, target: i.sha, live: i.live });
      revertOption.available = true;
      const labels = planCommandLabels(revert);
      revertOption.commands = planCommandLines(revert).map((command, n) => ({ command, label: labels[n] ?? 'git' }));
      revertOption.notes.push(`makes the branch ${revert.branch} with ${revert.reverts.length} revert(s), newest first; a conflict stops there, shown, never resolved; pushing is its own confirmed step, never forced`);
      for (const s of revert.skipped) revertOption.notes.push(`${s.sha.slice(0, 12)} ${s.subject}: ${s.why}`);
    } catch (e) {
      revertOption.problems.push(message(e));
    }
  }
  options.push(revertOption);

  const order: StrategyKind[] = profile && (profile.deploy || profile.workDir !== undefined) ? ['redeploy', 'teamCommand', 'revert'] : ['teamCommand', 'redeploy', 'revert'];
  const pick = order.map((s) => options.find((o) => o.strategy === s)!).find((o) => o.available) ?? options.find((o) => o.strategy === order[0])!;
  pick.preferred = true;
  // What the app validates is bounded: long git or host messages are cut, never dropped whole.
  for (const o of options) {
    o.problems = o.problems.slice(0, 50).map(clip);
    o.notes = o.notes.slice(0, 50).map(clip);
  }
  return {
    data: { hosts: profiles.map(hostChoice), host: profile?.name ?? null, hostProblem: hostProblem === null ? null : clip(hostProblem), compose: composeText === null ? null : clip(composeText), options, trusted: i.trusted },
    plans,
    revert,
  };
}
