// The test module the extension host loads (extensionTestsPath), for both launchers:
// runIntegration (code-server + headless Chromium) and runElectron (@vscode/test-electron).
// It runs mocha over out/test/integration/**/*.test.js inside the real extension host and writes a
// PhaseResult JSON plus a live log, because neither launcher sees the host's console reliably:
// in code-server console.log goes to the browser, and the host's exit code never reaches the page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { crashedPhase, writePhaseResult } from '../runner/results';

/** Env var naming the results file; the server's environment reaches the extension host. */
export const RESULTS_ENV = 'INCIDENT_DESK_TEST_RESULTS';

/**
 * Where to write results. The env var is the primary channel; as a fallback (a launcher that cannot
 * set the host's environment) the file sits next to the workspace folder, which both sides know.
 */
function resultsFile(): string {
  const fromEnv = process.env[RESULTS_ENV];
  if (fromEnv) return fromEnv;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error(`${RESULTS_ENV} is not set and no workspace folder is open`);
  return path.join(path.dirname(folder), 'integration-results.json');
}

function testFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

export async function run(): Promise<void> {
  const json = resultsFile();
  const log = json.replace(/\.json$/, '') + '.log';
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false });
  const grep = process.env.INCIDENT_DESK_TEST_GREP;
  if (grep) mocha.grep(grep);
  // The Restricted Mode suite runs in its own pass (an untrusted window); the main pass leaves it out.
  if (process.env.INCIDENT_DESK_TEST_GREP_INVERT === '1') mocha.invert();
  // quiet: the host's console goes to the browser; the launcher tails `log` instead.
  mocha.reporter(path.join(__dirname, '..', 'runner', 'specJsonReporter.js'), { json, log, quiet: 'true' });
  for (const file of testFiles(__dirname)) mocha.addFile(file);

  let failures: number;
  try {
    failures = await new Promise<number>((resolve, reject) => {
      try {
        mocha.run(resolve);
      } catch (err) {
        reject(err); // a test file that throws while loading
      }
    });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    writePhaseResult(json, crashedPhase(`loading integration tests failed: ${e.message}`, e.stack ?? ''));
    throw e;
  }
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
