import type { CommandDefinition } from '../commandRunner';
import { dockerStats } from './dockerStats';
import { followDockerLogs } from './followDockerLogs';
import { disconnectHost } from './disconnectHost';
import { filterLogs } from './filterLogs';
import { pinLogs } from './pinLogs';
import { refreshHosts } from './refreshHosts';
import { toggleLogPause } from './toggleLogPause';
import { openSshTerminal } from './openSshTerminal';
import { openSshConfig } from './openSshConfig';
import { restartContainer } from './restartContainer';
import { checkHostRuns } from './checkHostRuns';

/** Every remote-operations command (hosts, SSH terminals, Docker), registered by the container from this one list. */
export const REMOTE_COMMANDS: readonly CommandDefinition[] = [openSshTerminal, followDockerLogs, restartContainer, dockerStats, toggleLogPause, filterLogs, pinLogs, refreshHosts, disconnectHost, openSshConfig, checkHostRuns];
