// Runs inside a real VS Code extension host (the workbench payload's extensionTestsPath) with
// Incident Desk in development mode: follows a quiet container through "Incident: Follow Docker
// Logs", signals it to print its burst, and measures this host's memory until every line reached
// the view (test/integration/logBurst.ts, shared with the integration test). Writes one JSON result
// for the launcher (bench/hostLogs.ts), because the host's console goes to the browser.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { followBurst } from '../../test/integration/logBurst';
import { BENCH_RESULTS_ENV } from './activationProtocol';
import { BURST_ENV, type BurstProbeRequest, type BurstProbeResult } from './logBurstProtocol';

export async function run(): Promise<void> {
  const file = process.env[BENCH_RESULTS_ENV];
  const raw = process.env[BURST_ENV];
  if (!file || !raw) throw new Error(`${BENCH_RESULTS_ENV} and ${BURST_ENV} must be set`);
  const req = JSON.parse(raw) as BurstProbeRequest;
  let result: BurstProbeResult;
  try {
    const burst = await followBurst(req.container, req.lines, () => new Promise<void>((resolve, reject) => {
      execFile('docker', ['-H', req.dockerHost, 'kill', '-s', 'USR1', req.container], (err) => (err ? reject(err) : resolve()));
    }), req.timeoutMs);
    // The view's text is for the test's assertions, not for the result file.
    result = { ok: true, ...burst, output: undefined } as BurstProbeResult;
  } catch (e) {
    result = { ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  fs.writeFileSync(file, JSON.stringify(result));
}
