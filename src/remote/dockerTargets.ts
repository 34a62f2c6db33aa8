import type { DockerClient } from '../services/docker/dockerClient';
import type { HostsController } from './hostsController';
import { loadRemote } from './loadRemote';

/** A Docker client for `local` (this machine's engine) or a host (through its SSH connection), and how to let it go. */
export async function dockerFor(hosts: HostsController, host: string): Promise<{ client: DockerClient; release(): void }> {
  const remote = await loadRemote();
  if (host === 'local') {
    const client = await remote.createDockerClient(hosts.localDockerTarget());
    return { client, release: () => client.dispose() };
  }
  const conn = await hosts.connection(host);
  const agent = conn.dockerAgent();
  const client = await remote.createDockerClient({ kind: 'agent', agent, label: host });
  return { client, release: () => { client.dispose(); agent.destroy(); } };
}
