import type { DockerClient } from '../services/docker/dockerClient';
import type { DockerError } from '../services/docker/dockerError';
import type { HostsController } from './hostsController';
import { loadRemote } from './loadRemote';

/** A Docker client for `local` (this machine's engine) or a host (through its SSH connection), and how to let it go. */
export async function dockerFor(hosts: HostsController, host: string): Promise<{ client: DockerClient; release(): void }> {
  const remote = await loadRemote();
  if (host === 'local') {
    // The endpoint this client goes to, resolved once: every call then reports against it without
    // reading the docker configuration again (a service's log follow lists its containers each round).
    const summary = await hosts.localDockerSummary();
    const report = (e: unknown) => {
      const reached = reachedDaemon(e, remote.DockerError);
      if (reached !== undefined && summary.kind === 'endpoint') hosts.reportLocal(summary.text, reached ? undefined : (e as Error));
    };
    let client: DockerClient;
    try {
      client = await remote.createDockerClient(hosts.localDockerTarget());
    } catch (e) {
      report(e);
      throw e;
    }
    return { client: reportingCalls(client, report), release: () => client.dispose() };
  }
  const conn = await hosts.connection(host);
  const agent = conn.dockerAgent();
  const client = await remote.createDockerClient({ kind: 'agent', agent, label: host });
  return { client, release: () => { client.dispose(); agent.destroy(); } };
}

/**
 * Whether a call's outcome says the daemon was reached: yes for success and for the daemon's own
 * answers (no such container, an API error), no when the transport, permissions or TLS failed,
 * undefined when it says nothing (the caller cancelled, or an error that is not Docker's).
 */
export function reachedDaemon(e: unknown, errors: Pick<typeof DockerError, 'is'>): boolean | undefined {
  if (e === undefined) return true;
  // The remote bundle's own DockerError class: an instanceof against this bundle's copy would never match.
  if (!errors.is(e)) return undefined;
  switch (e.reason) {
    case 'unreachable': case 'permission': case 'tls': return false;
    case 'notFound': case 'removed': case 'api': return true;
    case 'refused': case 'cancelled': return undefined;
  }
}

/** `client` with each call's outcome told to `report` (undefined on success), so the Hosts view shows what happened. */
function reportingCalls(client: DockerClient, report: (e: unknown) => void): DockerClient {
  const watch = <T>(p: Promise<T>): Promise<T> => p.then((v) => { report(undefined); return v; }, (e: unknown) => { report(e); throw e; });
  return {
    label: client.label,
    ping: (opts) => watch(client.ping(opts)),
    listContainers: (query, opts) => watch(client.listContainers(query, opts)),
    inspectContainer: (id, opts) => watch(client.inspectContainer(id, opts)),
    containerLogs: (id, request, opts) => watch(client.containerLogs(id, request, opts)),
    restartContainer: (id, t, opts) => watch(client.restartContainer(id, t, opts)),
    containerStats: (id, opts) => watch(client.containerStats(id, opts)),
    dispose: () => client.dispose(),
  };
}
