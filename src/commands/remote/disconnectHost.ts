import type { CommandDefinition } from '../commandRunner';
import { hostArg } from './remoteArgs';

/** Disconnect Host (Hosts view): closes the shared connection; terminals keep their own. */
export const disconnectHost: CommandDefinition = {
  id: 'incidentDesk.hosts.disconnect',
  async run({ remote }, arg) {
    const name = hostArg(arg);
    if (name) await remote.hosts.disconnect(name);
  },
};
