// Timeline events for remote operations: SSH terminals, Docker log evidence, container actions.
// Pure: the commands build these and the store appends them like any other change.
import { type Change, timelineOnly } from '../incidents/actions';

/** Where something ran: `local` (this machine's Docker engine) or a host profile's name. */
export type RemoteTarget = string;

export function sshTerminalOpened(host: RemoteTarget, address: string, fingerprint: string | undefined, actor: string, ts: string): Change {
  return {
    event: { ts, type: 'ssh_terminal_opened', actor, text: `Opened an SSH terminal on ${host} (${address})`, data: { host, address, ...(fingerprint ? { hostKey: fingerprint } : {}) } },
    apply: timelineOnly(),
  };
}

/** `how`: the user closed it, the remote shell exited, or the connection dropped. */
export function sshTerminalClosed(host: RemoteTarget, how: 'closed' | 'exited' | 'dropped', detail: string | undefined, actor: string, ts: string): Change {
  const text = how === 'dropped' ? `SSH terminal on ${host}: connection lost${detail ? ` (${detail})` : ''}` : how === 'exited' ? `SSH terminal on ${host}: shell exited${detail ? ` (${detail})` : ''}` : `Closed the SSH terminal on ${host}`;
  return { event: { ts, type: 'ssh_terminal_closed', actor, text, data: { host, how, ...(detail ? { detail } : {}) } }, apply: timelineOnly() };
}

/** Most lines one pin keeps (a pin is evidence, not a log archive). */
export const MAX_PINNED_LINES = 500;
/** Most characters of one pinned line. */
export const MAX_PINNED_LINE_LENGTH = 2000;

/**
 * Log lines pinned to the timeline as evidence. Lines arrive already stripped of control
 * sequences; they are capped here so one pin cannot bloat the timeline.
 */
export function logsPinned(host: RemoteTarget, source: string, lines: readonly string[], actor: string, ts: string): Change {
  const kept = lines.slice(-MAX_PINNED_LINES).map((l) => (l.length > MAX_PINNED_LINE_LENGTH ? `${l.slice(0, MAX_PINNED_LINE_LENGTH)} …` : l));
  return {
    event: { ts, type: 'evidence', actor, text: `Pinned ${kept.length} log line${kept.length === 1 ? '' : 's'} of ${source} on ${host}`, data: { kind: 'docker_logs', host, source, lines: kept, ...(kept.length < lines.length ? { omitted: lines.length - kept.length } : {}) } },
    apply: timelineOnly(),
  };
}

export function containerRestarted(host: RemoteTarget, container: string, outcome: 'restarted' | 'failed', detail: string | undefined, actor: string, ts: string): Change {
  return {
    event: { ts, type: 'container_restarted', actor, text: outcome === 'restarted' ? `Restarted container ${container} on ${host}` : `Restarting container ${container} on ${host} failed${detail ? `: ${detail}` : ''}`, data: { host, container, outcome, ...(detail ? { detail } : {}) } },
    apply: timelineOnly(),
  };
}

export interface StatsRow {
  name: string;
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  memPercent: number;
}

export function statsSnapshotRecorded(host: RemoteTarget, rows: readonly StatsRow[], actor: string, ts: string): Change {
  const top = [...rows].sort((a, b) => b.cpuPercent - a.cpuPercent).slice(0, 3).map((r) => `${r.name} ${r.cpuPercent.toFixed(1)}% CPU`).join(', ');
  return {
    event: { ts, type: 'evidence', actor, text: `Docker stats on ${host}: ${rows.length} container${rows.length === 1 ? '' : 's'}${top ? `; busiest ${top}` : ''}`, data: { kind: 'docker_stats', host, rows: rows.map((r) => ({ ...r })) } },
    apply: timelineOnly(),
  };
}
