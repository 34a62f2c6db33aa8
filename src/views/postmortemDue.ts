import * as vscode from 'vscode';
import type { Incident } from '../core/incidents/model';
import { postmortemFileName } from '../core/postmortem/draft';
import { postmortemDue } from '../core/postmortem/due';
import type { SeverityPolicy } from '../core/severity/policy';
import { formatDuration, utcMinute } from '../core/util/time';

/** A post-mortem owed and not written yet, as the Incidents tree shows it. */
export interface PostmortemDueMark {
  /** For the row's description: "post-mortem due in 5h", "post-mortem overdue". */
  readonly short: string;
  /** For the hover: when it was due and which file is missing. */
  readonly detail: string;
  readonly overdue: boolean;
  readonly icon: vscode.ThemeIcon;
}

/** Hours when there are any ("5h", "1d 5h"), else minutes: a due time a day or two away needs no more. */
function coarse(ms: number): string {
  const hour = 3_600_000;
  return formatDuration(ms >= hour ? Math.floor(ms / hour) * hour : ms);
}

/**
 * The mark for a resolved incident at one of the two most severe levels whose post-mortem
 * (`incidents/<id>.md`) does not exist; undefined when none is owed or it is written.
 */
export function postmortemDueMark(incident: Incident, policy: SeverityPolicy, dueHours: number, exists: (fileName: string) => boolean, now: number): PostmortemDueMark | undefined {
  const due = postmortemDue(incident, policy, dueHours, now);
  if (!due) return undefined;
  const file = postmortemFileName(incident);
  if (exists(file)) return undefined;
  const when = utcMinute(due.dueAt);
  // Theme colours (not fixed ones), so the icon reads in light, dark and high-contrast themes.
  return due.overdue
    ? { short: 'post-mortem overdue', overdue: true, detail: `Post-mortem overdue by ${coarse(-due.remainingMs)} (was due ${when}, ${dueHours}h after resolution): incidents/${file} is not written yet.`, icon: new vscode.ThemeIcon('notebook', new vscode.ThemeColor('list.errorForeground')) }
    : { short: `post-mortem due in ${coarse(due.remainingMs)}`, overdue: false, detail: `Post-mortem due ${when} (${dueHours}h after resolution): incidents/${file} is not written yet.`, icon: new vscode.ThemeIcon('notebook', new vscode.ThemeColor('list.warningForeground')) };
}
