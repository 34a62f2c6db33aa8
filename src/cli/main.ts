// `incident-desk`: the command-line entry (bundled to dist/cli.js). The same core code as the
// extension, for users' CI and for inspection. No vscode here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblem, lintPaths } from '../core/runbooks/lint';
import type { Runbook, RunbookSection } from '../core/runbooks/model';
import { RunbookFileError, readRunbookFile } from '../core/runbooks/runbookFile';
import { USAGE, parseCliArgs } from './args';
import { checkCommand } from './checkCommand';
import { deployRecordCommand } from './deployRecordCommand';
import { askOnTerminal } from './confirm';
import { type IncidentIo, postmortemCommand } from './postmortemCommand';
import { reportCommand } from './reportCommand';
import { type RunIo, runStepCommand } from './runCommand';
import { stableCommand } from './stableCommand';
import { SettingsFileError } from './workspaceSettings';
import { RedactionError } from '../core/redaction/redact';

/** Where the CLI writes; a test passes its own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reported by --version; read from package.json when unset. */
  readonly version?: string;
  /** For `run`: the process's streams, terminal and signals unless a test passes its own. */
  readonly run?: Partial<RunIo>;
  /** For the incident commands: working folder and clock, unless a test passes its own. */
  readonly incidents?: Partial<Pick<IncidentIo, 'cwd' | 'now'>>;
}

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseCliArgs(argv);
  switch (command.kind) {
    case 'help':
      io.out(USAGE);
      return EXIT_OK;
    case 'version':
      io.out(io.version ?? packageVersion());
      return EXIT_OK;
    case 'usage':
      io.err(`incident-desk: ${command.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    case 'lint': {
      const { problems, files } = await lintPaths(command.paths);
      let errors = 0;
      let warnings = 0;
      for (const p of problems) {
        if (p.severity === 'error') errors++;
        else if (p.severity === 'warning') warnings++;
        else if (command.quiet) continue;
        io.out(formatProblem(p));
      }
      io.err(`${files} runbook file(s): ${errors} error(s), ${warnings} warning(s), ${problems.length - errors - warnings} info`);
      return errors > 0 || (command.strict && warnings > 0) ? EXIT_PROBLEMS : EXIT_OK;
    }
    case 'run':
      return runStepCommand(command, runIo(io));
    case 'postmortem':
      return settingsProblem(io, () => postmortemCommand(command, incidentIo(io)));
    case 'check':
      return settingsProblem(io, () => checkCommand(command, incidentIo(io)));
    case 'report':
      return settingsProblem(io, () => reportCommand(command, incidentIo(io)));
    case 'deploy-record':
      return deployRecordCommand(command, incidentIo(io));
    case 'stable':
      return settingsProblem(io, () => stableCommand(command, incidentIo(io)));
    case 'runbook': {
      let runbook: Runbook;
      try {
        runbook = await readRunbookFile(command.file);
      } catch (e) {
        const why = RunbookFileError.is(e) ? e.message : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
        io.err(`incident-desk: ${command.file}: ${why}`);
        return RunbookFileError.is(e, 'unsupported') ? EXIT_USAGE : EXIT_PROBLEMS;
      }
      io.out(command.json ? JSON.stringify(runbook, null, 2) : outline(runbook));
      return runbook.diagnostics.some((d) => d.severity === 'error') ? EXIT_PROBLEMS : EXIT_OK;
    }
  }
}

/** A readable outline of a runbook: sections, steps and commands with their lines. */
export function outline(runbook: Runbook): string {
  const out = [`${runbook.title}${runbook.severity ? ` [${runbook.severity}]` : ''}  (${runbook.format}, ${runbook.file})`];
  const section = (s: RunbookSection, depth: number): void => {
    const pad = '  '.repeat(depth);
    out.push(`${pad}§ ${s.title}${s.severity ? ` [${s.severity}]` : ''}  :${s.line}`);
    for (const step of s.steps) {
      out.push(`${pad}  - ${step.title}${step.manual ? ' (manual)' : ''}  :${step.line}`);
      for (const c of step.commands) {
        const lines = c.run.split('\n');
        out.push(`${pad}      ${c.runnable ? '$' : `(${c.text ? 'text' : c.language || 'text'})`} ${lines[0]}${lines.length > 1 ? ` … (+${lines.length - 1} lines)` : ''}`);
      }
    }
    for (const item of s.checklist) out.push(`${pad}  [${item.checked ? 'x' : ' '}] ${item.text}  :${item.line}`);
    for (const child of s.sections) section(child, depth + 1);
  };
  for (const s of runbook.sections) section(s, 1);
  for (const d of runbook.diagnostics) out.push(`${runbook.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
  return out.join('\n');
}

/** A malformed .vscode/settings.json or redaction pattern is a problem to report, not a crash (nothing is written then). */
async function settingsProblem(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof SettingsFileError) && !(e instanceof RedactionError)) throw e;
    io.err(`incident-desk: ${e.message}`);
    return EXIT_PROBLEMS;
  }
}

function incidentIo(io: CliIo): IncidentIo {
  return { out: io.out, err: io.err, cwd: io.incidents?.cwd ?? process.cwd(), now: io.incidents?.now ?? Date.now() };
}

function runIo(io: CliIo): RunIo {
  let interrupt: (() => void) | undefined;
  const onSigint = () => interrupt?.();
  return {
    err: io.err,
    out: io.out,
    write: (stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(text),
    stdinIsTerminal: process.stdin.isTTY === true,
    confirm: (question) => askOnTerminal(question),
    cwd: process.cwd(),
    onInterrupt(cancel) {
      // While a command runs, Ctrl+C goes to it (locally it reaches bash's process group by itself).
      if (cancel && !interrupt) process.on('SIGINT', onSigint);
      if (!cancel) process.off('SIGINT', onSigint);
      interrupt = cancel;
    },
    ...io.run,
  };
}

/**
 * The version in the package.json above this file: the extension's (dist/cli.js, out/src/cli/main.js)
 * or the CLI package's (packages/cli/dist/incident-desk.js, installed or not).
 */
function packageVersion(): string {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if ((pkg.name === 'incident-desk' || pkg.name === '@incident-desk/cli') && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level
    }
  }
  return 'unknown';
}

if (require.main === module) {
  const io: CliIo = {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`incident-desk: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = EXIT_PROBLEMS;
    },
  );
}
