// The post-mortem draft: `incidents/YYYY-MM-DD-<slug>.md` beside the incident's folder, with YAML
// front matter, the sections of a blameless post-mortem (each with one line of help, as an HTML
// comment that does not show when rendered) and generated regions filled from the record.
import type { Incident } from '../incidents/model';
import { isIncidentId, slugify } from '../incidents/slug';
import type { TimelineEvent } from '../timeline/events';
import { utcDate } from '../util/time';
import { type GenerateOptions, type RegionName, generateRegions } from './generated';
import { type ReplaceResult, replaceRegions, wrapRegion } from './regions';

export const POSTMORTEM_STATUSES = ['draft', 'in-review', 'final'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export interface PostmortemSection {
  /** Stable id, for the editor's form. */
  id: string;
  heading: string;
  /** One line saying what goes here. */
  help: string;
  /** The generated region that opens the section, if any. */
  region?: RegionName;
}

/** The sections of the draft, in order (level-2 headings). */
export const SECTIONS: readonly PostmortemSection[] = [
  { id: 'summary', heading: 'Summary', help: 'What happened and what it meant, in three or four sentences a reader outside the team can follow.', region: 'overview' },
  { id: 'impact', heading: 'Impact', help: 'Who noticed and how: users, requests or orders affected, for how long, data lost or delayed, promises broken.' },
  { id: 'timeline', heading: 'Timeline', help: 'The moments that mattered, in UTC. The list below comes from the record; add what happened outside it.', region: 'key-moments' },
  { id: 'root-cause', heading: 'Root cause', help: 'Why it could happen at all: the conditions in systems and processes, not the person who was there.' },
  { id: 'trigger', heading: 'Trigger', help: 'What set it off this time (a deploy, a traffic peak, an expired certificate...).' },
  { id: 'detection', heading: 'Detection', help: 'How we found out, how long that took, and whether an alert or a customer told us first.', region: 'response' },
  { id: 'resolution', heading: 'Resolution', help: 'What stopped the impact and what fixed it for good; the runbook steps run are listed below.', region: 'runbook-steps' },
  { id: 'went-well', heading: 'What went well', help: 'What helped: tools, alerts, runbooks and habits worth keeping.' },
  { id: 'went-wrong', heading: 'What went wrong', help: 'What slowed us down or made it worse, described as gaps in systems and processes.' },
  { id: 'lucky', heading: 'Where we got lucky', help: 'What went our way by chance and would not next time.' },
  { id: 'action-items', heading: 'Action items', help: 'One per line: - [ ] what (owner: name, due: YYYY-MM-DD, type: mitigate|prevent|process)' },
  { id: 'lessons', heading: 'Lessons learned', help: 'What the team now knows that it did not before.' },
];

/**
 * The post-mortem's file name: the incident's folder name plus `.md` (folder `incidents/<id>/`,
 * file `incidents/<id>.md`). An id that is not a safe folder name (a hand-made folder) falls back
 * to the declaration date and the slug of the title, through the same slug rule as folders.
 */
export function postmortemFileName(incident: Pick<Incident, 'id' | 'title' | 'declaredAt'>): string {
  if (isIncidentId(incident.id)) return `${incident.id}.md`;
  const ms = Date.parse(incident.declaredAt);
  const date = Number.isNaN(ms) ? '0000-00-00' : utcDate(ms);
  return `${date}-${slugify(incident.title || incident.id)}.md`;
}

/** The incident id a post-mortem file name belongs to, or undefined when it is not one. */
export function incidentIdOfPostmortem(fileName: string): string | undefined {
  const m = /^(.+)\.md$/.exec(fileName);
  return m && isIncidentId(m[1]) ? m[1] : undefined;
}

export interface DraftOptions extends GenerateOptions {
  /** Names for the `authors` list; empty by default. */
  authors?: readonly string[];
  /** Line ending of the file (default `\n`). */
  eol?: '\n' | '\r\n';
}

/** A YAML scalar for any string: JSON's double-quoted form is valid YAML. */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

function frontMatter(incident: Incident, options: DraftOptions): string[] {
  const authors = (options.authors ?? []).map((a) => a.trim()).filter(Boolean);
  return [
    '---',
    `incident: ${yamlString(incident.id)}`,
    `title: ${yamlString(incident.title)}`,
    `severity: ${yamlString(incident.severity)}`,
    `service: ${yamlString(incident.service)}`,
    'status: draft',
    `authors: [${authors.map(yamlString).join(', ')}]`,
    `declared: ${yamlString(incident.declaredAt)}`,
    `resolved: ${incident.resolvedAt && incident.status === 'resolved' ? yamlString(incident.resolvedAt) : 'null'}`,
    `created: ${yamlString(utcDate(options.now))}`,
    '---',
  ];
}

/** The whole draft for an incident; refreshDraft later rewrites only its generated regions. */
export function renderDraft(incident: Incident, timeline: readonly TimelineEvent[], options: DraftOptions): string {
  const regions = generateRegions(incident, timeline, options);
  const out = [...frontMatter(incident, options), '', `# Post-mortem: ${incident.title.replace(/\s+/g, ' ').trim()}`, '',
    '<!-- Blameless: describe what systems and processes allowed, not who is at fault. Text between incident-desk markers is rewritten by "Refresh from the record"; write outside them. -->'];
  for (const s of SECTIONS) {
    out.push('', `## ${s.heading}`, '', `<!-- ${s.help} -->`);
    if (s.region) out.push('', wrapRegion(s.region, regions[s.region]));
  }
  out.push('');
  return out.join(options.eol ?? '\n');
}

/**
 * Rewrites only the generated regions of an existing post-mortem from the record: every byte
 * outside the markers stays as it was. Regions the text no longer has are not added back
 * (`missing` names them); malformed markers are reported in `problems` and left alone.
 */
export function refreshDraft(existingText: string, incident: Incident, timeline: readonly TimelineEvent[], options: GenerateOptions): ReplaceResult {
  return replaceRegions(existingText, generateRegions(incident, timeline, options));
}
