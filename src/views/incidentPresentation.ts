import * as vscode from 'vscode';
import { ROLE_LABELS, STATUS_LABELS, type Incident } from '../core/incidents/model';
import { computeSla, type SlaItem, type SlaLevel, type SlaState } from '../core/severity/sla';
import type { SeverityLevel } from '../core/severity/policy';
import { formatDuration, utcMinute } from '../core/util/time';

const SEVERITY_COLORS = ['errorForeground', 'editorWarning.foreground', 'charts.yellow', 'charts.blue'];

/** Icon by severity rank, coloured by theme tokens so it reads in light, dark and high contrast. */
export function severityIcon(rank: number, known: boolean): vscode.ThemeIcon {
  if (!known) return new vscode.ThemeIcon('question', new vscode.ThemeColor('disabledForeground'));
  const id = rank === 0 ? 'flame' : rank === 1 ? 'warning' : 'circle-filled';
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(SEVERITY_COLORS[Math.min(rank, SEVERITY_COLORS.length - 1)]));
}

export function slaItemText(item: SlaItem, now: number): string {
  const what = item.kind === 'acknowledge' ? 'ack' : 'update';
  const delta = item.dueAt - now;
  return delta < 0 ? `${what} overdue ${formatDuration(-delta)}` : `${what} in ${formatDuration(delta)}`;
}

export function slaMarker(level: SlaLevel): string {
  return level === 'breached' ? '$(error) ' : level === 'warning' ? '$(warning) ' : '';
}

export function describeSla(incident: Incident, level: SeverityLevel | undefined, now: number): { sla: SlaState; short: string } {
  const sla = computeSla(incident, level, now);
  const next = sla.pending[0];
  return { sla, short: next ? slaItemText(next, now) : '' };
}

/** The hover: every detail, with user-written text escaped (never rendered as markdown or HTML). */
export function incidentTooltip(incident: Incident, level: SeverityLevel | undefined, now: number, extra: { pending: number; damaged: number }): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(incident.title).appendMarkdown('**\n\n');
  const sev = level ? `${incident.severity} · ${level.label}` : `${incident.severity} (not in the severity policy)`;
  md.appendText(`${sev} · ${STATUS_LABELS[incident.status]}${incident.service ? ` · ${incident.service}` : ''}`).appendMarkdown('\n\n');
  if (incident.summary) md.appendText(incident.summary).appendMarkdown('\n\n');
  const { sla } = describeSla(incident, level, now);
  md.appendText(`Declared ${utcMinute(incident.declaredAt)}${incident.declaredBy ? ` by ${incident.declaredBy}` : ''} · ${formatDuration(sla.elapsedMs)}${incident.resolvedAt ? ' in all' : ' ago'}`).appendMarkdown('  \n');
  const ack = sla.acknowledged ? ` (${sla.acknowledged.met ? 'within' : 'missed'} the ${formatDuration((level?.responseMinutes ?? 0) * 60_000)} target)` : '';
  md.appendText(`Acknowledged: ${incident.acknowledgedAt ? `${utcMinute(incident.acknowledgedAt)}${ack}` : 'not yet'}`).appendMarkdown('  \n');
  md.appendText(`Mitigated: ${incident.mitigatedAt ? utcMinute(incident.mitigatedAt) : 'not yet'} · Resolved: ${incident.resolvedAt ? utcMinute(incident.resolvedAt) : 'not yet'}`).appendMarkdown('\n\n');
  for (const item of sla.pending) md.appendMarkdown(slaMarker(item.state)).appendText(slaItemText(item, now)).appendMarkdown('  \n');
  const roles = Object.entries(incident.roles);
  if (roles.length) md.appendMarkdown('\n').appendText(roles.map(([r, p]) => `${ROLE_LABELS[r] ?? r}: ${p}`).join(' · ')).appendMarkdown('\n\n');
  if (extra.pending) md.appendMarkdown('\n$(warning) ').appendText(`${extra.pending} change(s) not saved yet (kept in memory, retried)`).appendMarkdown('\n\n');
  if (extra.damaged) md.appendMarkdown('\n$(warning) ').appendText(`${extra.damaged} unreadable timeline line(s), copied to timeline.damaged.jsonl`).appendMarkdown('\n\n');
  md.appendMarkdown('\n').appendText(incident.id);
  return md;
}
