import type { CommandDefinition } from '../commandRunner';
import { hostArg } from './remoteArgs';

export const refreshHosts: CommandDefinition = {
  id: 'incidentDesk.hosts.refresh',
  async run({ remote }) {
    await remote.hosts.reload();
    return remote.hosts.all().map((h) => h.name);
  },
};

export const disconnectHost: CommandDefinition = {
  id: 'incidentDesk.hosts.disconnect',
  async run({ remote }, arg) {
    const name = hostArg(arg);
    if (name) await remote.hosts.disconnect(name);
  },
};
