// A mocha reporter that prints the usual spec output AND writes a PhaseResult JSON file, so a phase
// is both readable by people and countable by scripts/test.sh. Mocha has one reporter slot, hence
// one reporter doing both.
//
// Options (--reporter-option k=v, or mocha.reporter(path, { ... })):
//   json=<file>  where to write the PhaseResult (default: $INCIDENT_DESK_RESULT_JSON, else none)
//   log=<file>   also append each output line to this file as it is printed (live tail)
//   quiet=true   do not print to the console (used inside the extension host, whose console goes
//                to the browser; the launcher prints the log file instead)
//
// Mocha loads a reporter by path and uses the module itself as the constructor, hence `export =`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import type { FailedTest, PhaseResult } from './results';

// Colour codes, stripped from the JSON and the log file.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

interface ReporterOptions {
  json?: string;
  log?: string;
  quiet?: string | boolean;
}

class SpecJsonReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions & { reporterOption?: ReporterOptions } = {}) {
    const opts: ReporterOptions = options.reporterOption ?? (options.reporterOptions as ReporterOptions | undefined) ?? {};
    const jsonFile = opts.json ?? process.env.INCIDENT_DESK_RESULT_JSON;
    const quiet = opts.quiet === true || opts.quiet === 'true';
    const output: string[] = [];
    const failed: FailedTest[] = [];
    const Base = Mocha.reporters.Base;
    const originalLog = Base.consoleLog;
    Base.consoleLog = (...args: unknown[]): void => {
      const line = format(...args).replace(ANSI, '');
      output.push(line);
      if (opts.log) fs.appendFileSync(opts.log, line + '\n');
      if (!quiet) originalLog(...args);
    };
    if (opts.log) {
      fs.mkdirSync(path.dirname(opts.log), { recursive: true });
      fs.writeFileSync(opts.log, '');
    }
    super(runner, options);

    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Runnable, err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      failed.push({ title: test.fullTitle(), error: e.message, stack: e.stack });
    });
    // Registered after Spec's own 'end' listener, so the epilogue is already in `output`.
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      Base.consoleLog = originalLog;
      if (!jsonFile) return;
      const stats = this.stats;
      const result: PhaseResult = {
        passes: stats.passes,
        failures: stats.failures,
        pending: stats.pending,
        tests: stats.tests,
        durationMs: stats.duration ?? 0,
        failed,
        output: output.join('\n'),
      };
      fs.mkdirSync(path.dirname(path.resolve(jsonFile)), { recursive: true });
      fs.writeFileSync(jsonFile, JSON.stringify(result, null, 2) + '\n');
    });
  }
}

export = SpecJsonReporter;
