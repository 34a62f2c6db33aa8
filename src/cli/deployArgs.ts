// Arguments of the deploy evidence commands: `deploy record` and `stable`.
import { LEDGER_STATUSES, type LedgerStatus } from '../core/rollback/ledger';

export type DeployCliCommand =
  | {
      readonly kind: 'deploy-record';
      readonly sha: string;
      readonly host?: string;
      readonly service?: string;
      readonly env: string;
      readonly status: LedgerStatus;
      /** ISO-8601 UTC; undefined: now. */
      readonly at?: string;
      readonly by?: string;
      /** A rollback away from this commit. */
      readonly from?: string;
      readonly repo?: string;
      /** Merge the remote's ledger before appending (so the push that follows fast-forwards). */
      readonly fetch: boolean;
      /** Push the ledger afterwards (merging a concurrent record first; never forced). */
      readonly push: boolean;
    }
  | {
      readonly kind: 'stable';
      readonly repo?: string;
      readonly incident?: string;
      /** ISO-8601 UTC. */
      readonly before?: string;
      readonly service?: string;
      readonly env: string;
      readonly json: boolean;
      readonly fetch: boolean;
    };

export interface DeployOptionValues {
  sha?: string;
  host?: string;
  service?: string;
  env?: string;
  status?: string;
  at?: string;
  by?: string;
  from?: string;
  repo?: string;
  incident?: string;
  before?: string;
  json?: boolean;
  'no-fetch'?: boolean;
  push?: boolean;
}

/** The options only these commands take (the others refuse them). */
export const DEPLOY_OPTIONS = ['sha', 'service', 'env', 'status', 'at', 'by', 'from', 'repo', 'before', 'no-fetch', 'push'] as const;

export const DEPLOY_USAGE = `  incident-desk deploy record --sha <commit> [--host NAME] [--service S]
                    [--env production] [--status succeeded|failed] [--at ISO]
                    [--by NAME] [--from <commit>] [--repo DIR] [--no-fetch] [--push]
      Records a deploy in the ledger: one JSON line appended to the git note of the
      commit (refs/notes/deploys); no commit on a branch. --from marks it a rollback
      away from that commit. The remote's ledger is merged in first (unless
      --no-fetch), so sharing it fast-forwards: git push origin refs/notes/deploys,
      or --push (a push refused because another job pushed first is merged and
      tried again; never forced).
  incident-desk stable [--repo DIR] [--incident incidents/<id> | --before ISO]
                    [--service S] [--env production] [--json] [--no-fetch]
      The last stable commit, from evidence: the newest commit deployed before the
      incident (or time) that stayed live incidentDesk.deploy.stableMinutes with no
      incident on the service and no rollback away from it, and is not the live
      one; its evidence, the next candidates, and the risks of rolling back to it.
      Fetches the remote's ledger first unless --no-fetch. Exit 1 when there is none.`;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 time with a zone, as UTC milliseconds ISO; undefined when it is not one. */
export function parseIsoTime(text: string): string | undefined {
  const s = text.trim();
  if (!ISO_TIME.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const NAME = /^[^\s-][^\s]{0,199}$/;

type Parsed = DeployCliCommand | { readonly kind: 'usage'; readonly message: string };

export function parseDeployCommand(command: 'deploy' | 'stable', rest: string[], values: DeployOptionValues): Parsed {
  const usage = (message: string): Parsed => ({ kind: 'usage', message });
  for (const key of ['host', 'service', 'env', 'by'] as const) {
    const v = values[key];
    if (v !== undefined && (key === 'by' ? v.trim() === '' || v.length > 200 : !NAME.test(v))) return usage(`--${key} ${JSON.stringify(v)}: expected a name without spaces`);
  }
  if (values.repo !== undefined && values.repo.trim() === '') return usage('--repo needs a folder');
  if (command === 'deploy') {
    if (rest[0] !== 'record' || rest.length !== 1) return usage('deploy takes one subcommand: deploy record --sha <commit>');
    const stray = (['incident', 'before', 'json'] as const).find((k) => values[k] !== undefined);
    if (stray) return usage(`--${stray} is not an option of \`deploy record\``);
    if (!values.sha || values.sha.trim() === '') return usage('deploy record needs --sha <commit>');
    if (values.status !== undefined && !LEDGER_STATUSES.includes(values.status as LedgerStatus)) return usage(`--status ${JSON.stringify(values.status)}: expected succeeded or failed`);
    let at: string | undefined;
    if (values.at !== undefined) {
      at = parseIsoTime(values.at);
      if (!at) return usage(`--at ${JSON.stringify(values.at)}: expected an ISO-8601 time with a zone, e.g. 2026-11-02T10:00:00Z`);
    }
    return { kind: 'deploy-record', sha: values.sha.trim(), host: values.host, service: values.service, env: values.env ?? 'production', status: (values.status as LedgerStatus | undefined) ?? 'succeeded', at, by: values.by?.trim(), from: values.from?.trim(), repo: values.repo, fetch: values['no-fetch'] !== true, push: values.push === true };
  }
  if (rest.length > 0) return usage('stable takes no positional arguments (use --repo DIR, --incident incidents/<id>)');
  const stray = (['sha', 'host', 'status', 'at', 'by', 'from', 'push'] as const).find((k) => values[k] !== undefined);
  if (stray) return usage(`--${stray} is not an option of \`stable\``);
  if (values.incident !== undefined && values.before !== undefined) return usage('--incident and --before both say when: give one');
  if (values.incident !== undefined && values.incident.trim() === '') return usage('--incident needs a folder (incidents/<id>)');
  let before: string | undefined;
  if (values.before !== undefined) {
    before = parseIsoTime(values.before);
    if (!before) return usage(`--before ${JSON.stringify(values.before)}: expected an ISO-8601 time with a zone, e.g. 2026-11-02T10:00:00Z`);
  }
  return { kind: 'stable', repo: values.repo, incident: values.incident, before, service: values.service, env: values.env ?? 'production', json: values.json === true, fetch: values['no-fetch'] !== true };
}
