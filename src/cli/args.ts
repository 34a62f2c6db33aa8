// Command-line arguments of `incident-desk`, parsed into a command or a usage error.
import { parseArgs } from 'node:util';
import { DEPLOY_OPTIONS, DEPLOY_USAGE, type DeployCliCommand, parseDeployCommand } from './deployArgs';
import { INCIDENT_USAGE, type IncidentCliCommand, parseIncidentCommand } from './incidentArgs';

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'lint'; readonly paths: string[]; readonly strict: boolean; readonly quiet: boolean }
  | { readonly kind: 'runbook'; readonly file: string; readonly json: boolean }
  | RunCommand
  | IncidentCliCommand
  | DeployCliCommand
  | { readonly kind: 'usage'; readonly message: string };

/** `incident-desk run`: one runbook step, locally or on a host. */
export interface RunCommand {
  readonly kind: 'run';
  readonly runbook: string;
  /** Title, unique suffix of the heading path (`/` between headings, `\\/` inside one), or line number. */
  readonly step: string;
  /** `--set name=value`, in order (a later one wins). */
  readonly values: Readonly<Record<string, string>>;
  readonly host?: string;
  /** `incidents/<id>` (a path to the incident's folder). */
  readonly incident?: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly acceptNew: boolean;
  readonly trustWorkspace: boolean;
  readonly allowDangerous: boolean;
}

export const USAGE = `Usage:
  incident-desk lint [--strict] [--quiet] <file or folder>...
      Checks runbooks (.md, .markdown, .yaml, .yml; folders recursively) and prints
      file:line:col: severity: message for each problem.
      Exit 1 if any error (with --strict, any warning too); 0 otherwise.
      --quiet   print errors and warnings only, not info
  incident-desk runbook [--json] <file>
      Prints the parsed runbook: an outline, or with --json the full model.
  incident-desk run <runbook> <step> [--set name=value]... [--host NAME]
                    [--incident incidents/<id>] [--dry-run] [--yes] [--accept-new]
                    [--trust-workspace] [--allow-dangerous]
      Runs one step's shell commands in bash, locally or on a host over SSH, and
      stops at the first that fails. <step> is the step's title, a unique suffix of
      its heading path joined by / (a / inside a title written \\/), or its line.
      --set name=value    fills a placeholder ([name], <name>, \${name}, $NAME)
      --host NAME         a Host of ~/.ssh/config (or, with --trust-workspace, of
                          incidentDesk.hosts in .vscode/settings.json)
      --incident DIR      records start and finish on that incident's timeline
      --dry-run           prints the commands, filled and quoted; runs nothing
      --yes               runs without asking (needed when stdin is not a terminal)
      --accept-new        trusts an unknown host key and remembers it in
                          $XDG_CONFIG_HOME/incident-desk/known_hosts; a changed key
                          is always refused
      --trust-workspace   also uses the workspace's hosts and known_hosts files
      --allow-dangerous   allows commands that destroy data (rm -rf, DROP, ...)
      Exit status: the failing command's, 0 when all succeeded; 2 before anything
      runs for a usage problem.
${INCIDENT_USAGE}
${DEPLOY_USAGE}
  incident-desk --help | --version

Exit status: 0 ok, 1 problems found (or a file could not be read), 2 usage error.`;

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        json: { type: 'boolean' },
        strict: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        set: { type: 'string', multiple: true },
        host: { type: 'string' },
        incident: { type: 'string' },
        'dry-run': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        'accept-new': { type: 'boolean' },
        'trust-workspace': { type: 'boolean' },
        'allow-dangerous': { type: 'boolean' },
        write: { type: 'boolean' },
        refresh: { type: 'boolean' },
        due: { type: 'string' },
        since: { type: 'string' },
        sha: { type: 'string' },
        service: { type: 'string' },
        env: { type: 'string' },
        status: { type: 'string' },
        at: { type: 'string' },
        by: { type: 'string' },
        from: { type: 'string' },
        repo: { type: 'string' },
        before: { type: 'string' },
        'no-fetch': { type: 'boolean' },
        push: { type: 'boolean' },
      },
    });
  } catch (e) {
    // node:util reports unknown options and missing values as TypeErrors with an ERR_PARSE_ARGS_* code
    return { kind: 'usage', message: e instanceof Error ? e.message : String(e) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...rest] = positionals;
  const deploy = command === 'deploy' || command === 'stable';
  const runOnly = (['set', 'host', 'incident', 'dry-run', 'yes', 'accept-new', 'trust-workspace', 'allow-dangerous'] as const).filter((k) => values[k] !== undefined && !(deploy && (k === 'host' || k === 'incident')));
  if (command !== 'run' && runOnly.length > 0) return { kind: 'usage', message: `--${runOnly[0]} is an option of \`run\`` };
  const deployOnly = DEPLOY_OPTIONS.find((k) => values[k] !== undefined);
  if (deployOnly && !deploy) return { kind: 'usage', message: `--${deployOnly} is an option of \`deploy record\` or \`stable\`` };
  const incidentOnly = (['write', 'refresh', 'due', 'since'] as const).find((k) => values[k] !== undefined);
  if (incidentOnly && command !== 'postmortem' && command !== 'check' && command !== 'report') return { kind: 'usage', message: `--${incidentOnly} is an option of \`postmortem\`, \`check\` or \`report\`` };
  switch (command) {
    case undefined:
      return { kind: 'usage', message: 'no command given' };
    case 'lint':
      if (values.json) return { kind: 'usage', message: '--json is an option of `runbook`, not `lint`' };
      if (rest.length === 0) return { kind: 'usage', message: 'lint needs at least one file or folder' };
      return { kind: 'lint', paths: rest, strict: values.strict === true, quiet: values.quiet === true };
    case 'runbook':
      if (values.strict || values.quiet) return { kind: 'usage', message: '--strict and --quiet are options of `lint`' };
      if (rest.length !== 1) return { kind: 'usage', message: 'runbook takes exactly one file' };
      return { kind: 'runbook', file: rest[0], json: values.json === true };
    case 'run':
      return parseRun(rest, values);
    case 'deploy':
    case 'stable':
      if (values.strict || values.quiet) return { kind: 'usage', message: '--strict and --quiet are options of `lint`' };
      return parseDeployCommand(command, rest, values);
    case 'postmortem':
    case 'check':
    case 'report':
      if (values.strict || values.quiet) return { kind: 'usage', message: '--strict and --quiet are options of `lint`' };
      return parseIncidentCommand(command, rest, values);
    default:
      return { kind: 'usage', message: `unknown command "${command}"` };
  }
}

function parseRun(rest: string[], values: { set?: string[]; host?: string; incident?: string; json?: boolean; strict?: boolean; quiet?: boolean } & Record<string, unknown>): CliCommand {
  if (values.json || values.strict || values.quiet) return { kind: 'usage', message: '--json, --strict and --quiet are not options of `run`' };
  if (rest.length !== 2) return { kind: 'usage', message: 'run takes a runbook file and a step' };
  const set: Record<string, string> = {};
  for (const pair of values.set ?? []) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return { kind: 'usage', message: `--set ${JSON.stringify(pair)}: expected name=value` };
    set[name] = pair.slice(eq + 1);
  }
  if (values.host !== undefined && values.host.trim() === '') return { kind: 'usage', message: '--host needs a host name' };
  if (values.incident !== undefined && values.incident.trim() === '') return { kind: 'usage', message: '--incident needs a folder (incidents/<id>)' };
  return {
    kind: 'run',
    runbook: rest[0]!,
    step: rest[1]!,
    values: set,
    host: values.host,
    incident: values.incident,
    dryRun: values['dry-run'] === true,
    yes: values.yes === true,
    acceptNew: values['accept-new'] === true,
    trustWorkspace: values['trust-workspace'] === true,
    allowDangerous: values['allow-dangerous'] === true,
  };
}
