// The machine-readable result of one test phase. Every phase (unit, integration, e2e) writes one of
// these through specJsonReporter, so scripts/test.sh sums counts without parsing human output.
import * as fs from 'node:fs';

/** One failed test or hook. */
export interface FailedTest {
  /** Full title, suites joined by spaces. */
  readonly title: string;
  readonly error: string;
  readonly stack?: string;
}

/** Counts and failures of one mocha run. */
export interface PhaseResult {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly tests: number;
  readonly durationMs: number;
  readonly failed: readonly FailedTest[];
  /** The reporter's human output (spec format, no colours). */
  readonly output: string;
}

export function readPhaseResult(file: string): PhaseResult | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PhaseResult>;
    if (typeof parsed.passes !== 'number' || typeof parsed.failures !== 'number') return undefined;
    return {
      passes: parsed.passes,
      failures: parsed.failures,
      pending: parsed.pending ?? 0,
      tests: parsed.tests ?? parsed.passes + parsed.failures,
      durationMs: parsed.durationMs ?? 0,
      failed: parsed.failed ?? [],
      output: parsed.output ?? '',
    };
  } catch {
    return undefined;
  }
}

/** A phase that could not run its tests at all (launcher crash, timeout) counts as one failure. */
export function crashedPhase(reason: string, output = ''): PhaseResult {
  return { passes: 0, failures: 1, pending: 0, tests: 1, durationMs: 0, failed: [{ title: 'test launcher', error: reason }], output };
}

export function writePhaseResult(file: string, result: PhaseResult): void {
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
}
