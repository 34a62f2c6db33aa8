// Command-line arguments of `incident-desk`, parsed into a command or a usage error.
import { parseArgs } from 'node:util';

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'lint'; readonly paths: string[]; readonly strict: boolean; readonly quiet: boolean }
  | { readonly kind: 'runbook'; readonly file: string; readonly json: boolean }
  | { readonly kind: 'usage'; readonly message: string };

export const USAGE = `Usage:
  incident-desk lint [--strict] [--quiet] <file or folder>...
      Checks runbooks (.md, .markdown, .yaml, .yml; folders recursively) and prints
      file:line:col: severity: message for each problem.
      Exit 1 if any error (with --strict, any warning too); 0 otherwise.
      --quiet   print errors and warnings only, not info
  incident-desk runbook [--json] <file>
      Prints the parsed runbook: an outline, or with --json the full model.
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
    default:
      return { kind: 'usage', message: `unknown command "${command}"` };
  }
}
