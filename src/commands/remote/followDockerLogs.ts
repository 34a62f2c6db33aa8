import * as vscode from 'vscode';
import { readLogsMaxLines, readLogsTail } from '../../config/settings';
import { dockerFor } from '../../remote/dockerTargets';
import { loadRemote } from '../../remote/loadRemote';
import type { ContainerSummary } from '../../services/docker/containers';
import type { FollowTarget } from '../../services/docker/followTypes';
import type { LogLine } from '../../services/docker/logs/logPipeline';
import type { LogSource } from '../../terminals/logView';
import { Cancelled, InvalidInput, type CommandDefinition } from '../commandRunner';
import { hostArg, localEngineItem } from './remoteArgs';
import { requireTrust } from '../commandGuards';

/** What a caller (a test, another command) can give instead of answering the pickers. */
export interface FollowLogsArgs {
  host?: string;
  target?: FollowTarget;
  tail?: number;
  timestamps?: boolean;
  /** Only lines written at or after this time (ISO 8601). */
  since?: string;
}

type TargetPick = vscode.QuickPickItem & { target?: FollowTarget; label: string };

function targetItems(containers: readonly ContainerSummary[]): TargetPick[] {
  const items: TargetPick[] = [];
  const byProject = new Map<string, ContainerSummary[]>();
  const loose: ContainerSummary[] = [];
  for (const c of containers) {
    if (c.project && c.service) byProject.set(c.project, [...(byProject.get(c.project) ?? []), c]);
    else loose.push(c);
  }
  for (const [project, members] of [...byProject].sort(([a], [b]) => a.localeCompare(b))) {
    items.push({ label: project, kind: vscode.QuickPickItemKind.Separator });
    const services = [...new Set(members.map((m) => m.service as string))].sort();
    for (const service of services) {
      const of = members.filter((m) => m.service === service);
      const running = of.filter((m) => m.state === 'running').length;
      items.push({ label: `$(layers) ${service}`, description: `compose service · ${of.length} container${of.length === 1 ? '' : 's'}, ${running} running`, target: { kind: 'service', project, service } });
    }
    for (const c of members) items.push({ label: `$(package) ${c.name}`, description: `${c.state} · ${c.image}`, target: { kind: 'container', id: c.id } });
  }
  if (loose.length) items.push({ label: 'containers', kind: vscode.QuickPickItemKind.Separator });
  for (const c of loose) items.push({ label: `$(package) ${c.name}`, description: `${c.state} · ${c.image}`, target: { kind: 'container', id: c.id } });
  return items;
}

/** "10m", "2h", "1d" or an ISO time → a Date; undefined for anything else. */
function parseSince(input: string): Date | undefined {
  const m = /^(\d+)\s*([smhd])$/.exec(input.trim());
  if (m) return new Date(Date.now() - Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 's' | 'm' | 'h' | 'd']);
  const t = Date.parse(input.trim());
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * Follow Docker Logs: host (local engine or an SSH host) → container or compose service → how much
 * history, then a live view (pause, filter, pin) that survives restarts, daemon restarts and drops.
 */
export const followDockerLogs: CommandDefinition = {
  id: 'incidentDesk.docker.followLogs',
  async run(ctx, arg) {
    requireTrust('Following Docker logs');
    const given = (arg && typeof arg === 'object' && !('kind' in arg) ? arg : {}) as FollowLogsArgs;
    const hosts = ctx.remote.hosts;
    const host = given.host ?? hostArg(arg) ?? (await hosts.pick('Follow Docker Logs: where', [await localEngineItem(hosts)]));
    if (!host) throw new Cancelled();
    const docker = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to Docker on ${host}…`, cancellable: false }, () => dockerFor(hosts, host));
    let handedOver = false;
    try {
      const remote = await loadRemote();
      let target = given.target;
      let label: string;
      const containers = await remote.listContainers(docker.client);
      if (!target) {
        if (containers.length === 0) throw new InvalidInput(`No containers on ${host}.`);
        const pick = await vscode.window.showQuickPick(targetItems(containers), { title: `Follow Docker Logs on ${host}`, placeHolder: 'A compose service (all its containers) or one container', matchOnDescription: true, ignoreFocusOut: true });
        if (!pick?.target) throw new Cancelled();
        target = pick.target;
      }
      if (target.kind === 'service') label = `${target.project}/${target.service} on ${host}`;
      else {
        const id = target.id;
        const c = containers.find((x) => x.id === id || x.id.startsWith(id) || x.name === id);
        label = `${c?.name ?? id.slice(0, 12)} on ${host}`;
      }
      let tail = given.tail ?? readLogsTail();
      let timestamps = given.timestamps ?? false;
      let since = given.since ? parseSince(given.since) : undefined;
      if (!given.target) {
        const how = await vscode.window.showQuickPick([
          { label: `Last ${tail} lines`, description: 'then live', id: 'default' },
          { label: `Last ${tail} lines, with timestamps`, id: 'timestamps' },
          { label: 'Last 1000 lines', id: 'more' },
          { label: 'Since…', description: 'e.g. 10m, 2h, or a time', id: 'since' },
        ], { title: `Follow ${label}`, ignoreFocusOut: true });
        if (!how) throw new Cancelled();
        if (how.id === 'timestamps') timestamps = true;
        if (how.id === 'more') tail = 1000;
        if (how.id === 'since') {
          const text = await vscode.window.showInputBox({ title: `Follow ${label} since`, prompt: '10m, 2h, 1d, or an ISO time like 2026-11-22T14:00:00Z', validateInput: (v) => (parseSince(v) ? undefined : 'Write 10m, 2h, 1d, or an ISO time') });
          if (text === undefined) throw new Cancelled();
          since = parseSince(text);
          tail = 100_000;
        }
      }
      const followTarget = target;
      const source: LogSource = {
        label,
        host,
        start: (sink) => {
          const follower = remote.followLogs(docker.client, followTarget, {
            tail,
            since,
            timestamps,
            onBatch: (batch) => sink.lines(batch.prefix ? batch.lines.map((l): LogLine => ({ ...l, text: `${batch.prefix}${l.text}` })) : batch.lines, batch.dropped),
            onEvent: (event) => {
              // The view says "see the Incident Desk log": the cause goes there.
              if (event.error) ctx.log.warn(`${label}: ${event.kind}: ${event.error.message}`);
              sink.marker(event.text.replace(/^─+\s*|\s*─+$/g, ''));
            },
          });
          void follower.done.then((reason) => {
            sink.end(reason === 'removed' ? 'the container was removed: no more lines' : reason === 'notFound' ? 'nothing to follow: not found' : reason === 'failed' ? 'following failed (see the Incident Desk log)' : 'stopped');
            docker.release();
          });
          stop = () => follower.stop();
        },
        stop: () => stop(),
      };
      let stop: () => void = () => docker.release();
      ctx.remote.logViews.open(source, { maxLines: readLogsMaxLines(), timestamps });
      handedOver = true;
      return label;
    } finally {
      if (!handedOver) docker.release();
    }
  },
};
