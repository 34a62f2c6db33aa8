import * as vscode from 'vscode';
import { containerRestarted } from '../../core/remote/remoteEvents';
import { dockerFor } from '../../remote/dockerTargets';
import { loadRemote } from '../../remote/loadRemote';
import { Cancelled, InvalidInput, type CommandDefinition } from '../commandRunner';
import { hostArg, localEngineItem, recordOnFocused } from './remoteArgs';
import { requireTrust } from '../commandGuards';

/** Restart Container: host → container → confirmation; the outcome is recorded on the focused incident. */
export const restartContainer: CommandDefinition = {
  id: 'incidentDesk.docker.restartContainer',
  async run(ctx, arg, options) {
    requireTrust('Restarting a container');
    const given = (options ?? {}) as { container?: string; confirmed?: boolean };
    const host = hostArg(arg) ?? (await ctx.remote.hosts.pick('Restart Container: where', [await localEngineItem(ctx.remote.hosts)]));
    if (!host) throw new Cancelled();
    const docker = await dockerFor(ctx.remote.hosts, host);
    try {
      const remote = await loadRemote();
      const containers = await remote.listContainers(docker.client);
      let c = given.container ? containers.find((x) => x.name === given.container || x.id.startsWith(given.container as string)) : undefined;
      if (given.container && !c) throw new InvalidInput(`No container "${given.container}" on ${host}.`);
      if (!c) {
        const pick = await vscode.window.showQuickPick(containers.map((x) => ({ label: x.name, description: `${x.state} · ${x.project ? `${x.project}/${x.service}` : x.image}`, c: x })), { title: `Restart a container on ${host}` });
        if (!pick) throw new Cancelled();
        c = pick.c;
      }
      if (!given.confirmed) {
        const ok = await vscode.window.showWarningMessage(`Restart ${c.name} on ${host}?`, { modal: true, detail: `docker restart ${c.name} (stop with a 10 s grace period, then start). Requests in flight to it fail while it restarts.` }, 'Restart');
        if (ok !== 'Restart') throw new Cancelled();
      }
      const name = c.name;
      const id = c.id;
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Restarting ${name} on ${host}…` }, () => remote.restartContainer(docker.client, id, { timeoutSeconds: 10 }));
      } catch (e) {
        await recordOnFocused(ctx, (actor, ts) => containerRestarted(host, name, 'failed', e instanceof Error ? e.message : String(e), actor, ts));
        throw e;
      }
      await recordOnFocused(ctx, (actor, ts) => containerRestarted(host, name, 'restarted', undefined, actor, ts));
      void vscode.window.showInformationMessage(`Restarted ${name} on ${host}.`);
      return name;
    } finally {
      docker.release();
    }
  },
};
