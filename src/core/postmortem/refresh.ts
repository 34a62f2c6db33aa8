// "Refresh from the record", as the editor and `incident-desk postmortem --refresh` both do it.
import type { Incident } from '../incidents/model';
import { redactText, type RedactOptions } from '../redaction/redact';
import type { TimelineEvent } from '../timeline/events';
import { generateRegions, type GenerateOptions } from './generated';
import { replaceRegions, type ReplaceResult } from './regions';

/**
 * Rewrites the generated regions of `text` from the record, each redacted first. Only what Incident
 * Desk writes is redacted: the team's own text outside the markers is theirs and stays byte for byte.
 */
export async function refreshRedacted(text: string, incident: Incident, events: readonly TimelineEvent[], options: GenerateOptions, redaction: RedactOptions): Promise<ReplaceResult> {
  const contents: Record<string, string> = {};
  for (const [name, region] of Object.entries(generateRegions(incident, events, options))) contents[name] = (await redactText(region, redaction)).text;
  return replaceRegions(text, contents);
}
