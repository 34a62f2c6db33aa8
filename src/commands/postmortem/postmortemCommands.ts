import type { CommandDefinition } from '../commandRunner';
import { openPostmortemAsText, openPostmortemEditor } from './openPostmortemAsText';
import { writePostmortem } from './writePostmortem';

/** The post-mortem commands, registered by the container from this one list. */
export const POSTMORTEM_COMMANDS: readonly CommandDefinition[] = [writePostmortem, openPostmortemAsText, openPostmortemEditor];
