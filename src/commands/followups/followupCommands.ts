import type { PostmortemFiles } from '../../postmortems/postmortemFiles';
import type { FollowupsTreeProvider } from '../../views/followupsTree';
import type { CommandDefinition } from '../commandRunner';
import { markFollowupDone } from './markFollowupDone';

/** Every Follow-ups command, registered from this one list (registerFollowups). */
export function followupCommands(files: PostmortemFiles, tree: FollowupsTreeProvider): CommandDefinition[] {
  return [
    markFollowupDone(files),
    { id: 'incidentDesk.followups.sortByDue', run: async () => tree.setOrder('byDue') },
    { id: 'incidentDesk.followups.groupByPostmortem', run: async () => tree.setOrder('byPostmortem') },
    { id: 'incidentDesk.followups.refresh', run: () => files.refresh() },
  ];
}
