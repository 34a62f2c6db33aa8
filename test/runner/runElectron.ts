// Runs the same integration suites through @vscode/test-electron (VS Code desktop), for machines
// that can download VS Code. Only used when INCIDENT_DESK_TEST_ELECTRON=1; offline machines use
// runIntegration (code-server), which loads the very same out/test/integration/index.js.
//
//   INCIDENT_DESK_TEST_ELECTRON=1 node out/test/runner/runElectron.js   (Linux CI: under xvfb-run)
//
// Env: VSCODE_VERSION (default 1.100.3, the API level the extension targets), INCIDENT_DESK_RESULT_JSON.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { download, runTests } from '@vscode/test-electron';
import { crashedPhase, readPhaseResult, writePhaseResult } from './results';
import type { PhaseResult } from './results';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

async function downloadVsCode(version: string): Promise<string> {
  try {
    return await download({ version, timeout: 30_000, cachePath: path.join(REPO_ROOT, '.vscode-test') });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `could not download VS Code ${version} for @vscode/test-electron (${reason}).\n` +
        'This launcher needs internet access to update.code.visualstudio.com. Offline, run the same suites ' +
        'in code-server instead: node out/test/runner/runIntegration.js (part of npm test).',
    );
  }
}

async function main(): Promise<number> {
  if (process.env.INCIDENT_DESK_TEST_ELECTRON !== '1') {
    console.log('[electron] skipped: set INCIDENT_DESK_TEST_ELECTRON=1 to run the integration suites in VS Code desktop');
    return 0;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-electron-'));
  const workspace = path.join(tmp, 'workspace');
  const results = path.join(tmp, 'integration-results.json');
  let result: PhaseResult;
  try {
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    const vscodeExecutablePath = await downloadVsCode(process.env.VSCODE_VERSION ?? '1.100.3');
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { INCIDENT_DESK_TEST_RESULTS: results },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'user-data')],
    }).catch((err: unknown) => {
      // A failing suite makes VS Code exit non-zero; the results file tells us more than the code.
      if (!readPhaseResult(results)) throw err;
    });
    result = readPhaseResult(results) ?? crashedPhase('VS Code exited without writing results');
    process.stdout.write(result.output + '\n');
  } catch (err) {
    result = crashedPhase(err instanceof Error ? err.message : String(err));
    console.error(`[electron] ${result.failed[0]?.error ?? ''}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const out = process.env.INCIDENT_DESK_RESULT_JSON;
  if (out) writePhaseResult(out, result);
  console.log(`[electron] ${result.passes} passed, ${result.failures} failed, ${result.pending} pending`);
  return result.failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
