import * as vscode from 'vscode';
import { statsSnapshotRecorded } from '../../core/remote/remoteEvents';
import { dockerFor } from '../../remote/dockerTargets';
import { loadRemote } from '../../remote/loadRemote';
import { Cancelled, type CommandDefinition } from '../commandRunner';
import { hostArg, localEngineItem, recordOnFocused } from './remoteArgs';
import { requireTrust } from '../commandGuards';

function mib(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** Docker Stats Snapshot: CPU and memory per running container (as `docker stats --no-stream`), recorded as evidence. */
export const dockerStats: CommandDefinition = {
  id: 'incidentDesk.docker.stats',
  async run(ctx, arg) {
    requireTrust('Reading Docker stats');
    const host = hostArg(arg) ?? (await ctx.remote.hosts.pick('Docker Stats: where', [await localEngineItem(ctx.remote.hosts)]));
    if (!host) throw new Cancelled();
    const docker = await dockerFor(ctx.remote.hosts, host);
    try {
      const remote = await loadRemote();
      const rows = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Sampling Docker stats on ${host}…` }, () => remote.statsSnapshot(docker.client));
      const recorded = await recordOnFocused(ctx, (actor, ts) => statsSnapshotRecorded(host, rows.map((r) => ({ name: r.name, cpuPercent: r.cpuPercent, memUsage: r.memUsage, memLimit: r.memLimit, memPercent: r.memPercent })), actor, ts));
      void vscode.window.showQuickPick(
        [...rows].sort((a, b) => b.cpuPercent - a.cpuPercent).map((r) => ({ label: r.name, description: `${r.cpuPercent.toFixed(1)}% CPU · ${mib(r.memUsage)} / ${mib(r.memLimit)} (${r.memPercent.toFixed(1)}%)` })),
        { title: `Docker stats on ${host}${recorded ? ' (recorded on the timeline)' : ''}`, placeHolder: rows.length ? 'Busiest first' : 'No running containers' },
      );
      return rows;
    } finally {
      docker.release();
    }
  },
};
