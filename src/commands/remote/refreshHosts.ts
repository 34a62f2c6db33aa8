import type { CommandDefinition } from '../commandRunner';

/** Refresh Hosts: re-reads incidentDesk.hosts and ~/.ssh/config (settings changes are picked up anyway). */
export const refreshHosts: CommandDefinition = {
  id: 'incidentDesk.hosts.refresh',
  async run({ remote }) {
    await remote.hosts.reload();
    return remote.hosts.all().map((h) => h.name);
  },
};
