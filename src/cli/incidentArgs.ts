// Arguments of the incident commands: `postmortem`, `check` and `report`.

export type IncidentCliCommand =
  | { readonly kind: 'postmortem'; readonly incident: string; readonly write: boolean; readonly refresh: boolean }
  | { readonly kind: 'check'; readonly workspace?: string; readonly dueHours?: number }
  | { readonly kind: 'report'; readonly workspace?: string; readonly since?: Since; readonly json: boolean };

/** `--since`: a span back from now (`90d`, `12h`) or a date (`2026-09-01`, UTC midnight). */
export type Since = { readonly kind: 'span'; readonly ms: number; readonly text: string } | { readonly kind: 'date'; readonly ms: number; readonly text: string };

export interface IncidentOptionValues {
  write?: boolean;
  refresh?: boolean;
  due?: string;
  since?: string;
  json?: boolean;
}

export const INCIDENT_USAGE = `  incident-desk postmortem incidents/<id> [--write | --refresh]
      Prints the post-mortem draft of an incident.
      --write     creates incidents/<id>.md beside the folder; never replaces one
      --refresh   rewrites only the generated regions of the existing post-mortem
                  (between <!-- incident-desk:NAME --> markers); the rest is kept
  incident-desk check [--due 48h] [<workspace>]
      For CI: every incident record and timeline readable; every resolved incident
      at the two most severe levels has a post-mortem once it is due (--due, else
      incidentDesk.postmortem.dueHours, else 48h after resolution); every action
      item has an owner and a due date. Prints file:line:col: message; exit 1 on any.
  incident-desk report [--since 90d | --since YYYY-MM-DD] [--json] [<workspace>]
      Count and mean time to acknowledge, mitigate and resolve (minutes), by
      severity and by service, of the incidents declared since then.`;

const SPAN = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)?$/;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `48h`, `2d`, `90m`, `1w`, a bare number of hours: milliseconds; undefined when not a span above 0. */
export function parseSpan(text: string, bareUnit: 'h' | 'd'): number | undefined {
  const m = SPAN.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? bareUnit];
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

export function parseSince(text: string): Since | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) {
    const ms = Date.parse(`${text.trim()}T00:00:00.000Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text.trim() ? undefined : { kind: 'date', ms, text: text.trim() };
  }
  const ms = parseSpan(text, 'd');
  return ms === undefined ? undefined : { kind: 'span', ms, text: text.trim() };
}

type Parsed = IncidentCliCommand | { readonly kind: 'usage'; readonly message: string };

/** The incident commands; `command` is already known to be one of them. */
export function parseIncidentCommand(command: 'postmortem' | 'check' | 'report', rest: string[], values: IncidentOptionValues): Parsed {
  const allowed: Record<typeof command, Array<keyof IncidentOptionValues>> = { postmortem: ['write', 'refresh'], check: ['due'], report: ['since', 'json'] };
  const stray = (['write', 'refresh', 'due', 'since', 'json'] as const).find((k) => values[k] !== undefined && !allowed[command].includes(k));
  if (stray) return { kind: 'usage', message: `--${stray} is not an option of \`${command}\`` };
  if (command === 'postmortem') {
    if (rest.length !== 1) return { kind: 'usage', message: 'postmortem takes one incident folder (incidents/<id>)' };
    if (values.write && values.refresh) return { kind: 'usage', message: '--write creates the post-mortem, --refresh updates it: give one' };
    return { kind: 'postmortem', incident: rest[0]!, write: values.write === true, refresh: values.refresh === true };
  }
  if (rest.length > 1) return { kind: 'usage', message: `${command} takes at most one workspace folder` };
  const workspace = rest[0];
  if (command === 'check') {
    if (values.due === undefined) return { kind: 'check', workspace };
    const ms = parseSpan(values.due, 'h');
    if (ms === undefined) return { kind: 'usage', message: `--due ${JSON.stringify(values.due)}: expected hours or days, e.g. 48h or 2d` };
    return { kind: 'check', workspace, dueHours: ms / 3_600_000 };
  }
  let since: Since | undefined;
  if (values.since !== undefined) {
    since = parseSince(values.since);
    if (!since) return { kind: 'usage', message: `--since ${JSON.stringify(values.since)}: expected a span (90d, 12h) or a date (YYYY-MM-DD)` };
  }
  return { kind: 'report', workspace, since, json: values.json === true };
}
