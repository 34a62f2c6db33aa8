// Runs the e2e suites (out/test/e2e/**/*.e2e.js) with mocha: spec output on stdout, a PhaseResult
// JSON for scripts/test.sh, exit code 1 on any failure.
//
//   node out/test/e2e/run.js
//
// Packages the extension first (`npm run package` -> dist/incident-desk.vsix) unless
// INCIDENT_DESK_VSIX names a .vsix or INCIDENT_DESK_E2E_SKIP_PACKAGE=1 (scripts/test.sh packages
// in its own phase). Env: INCIDENT_DESK_RESULT_JSON (default test-results/e2e.json),
// INCIDENT_DESK_SCREENSHOT_DIR (default docs/screenshots), INCIDENT_DESK_WALKTHROUGH_MEDIA_DIR (the
// walkthrough's step images, default media/walkthrough), INCIDENT_DESK_TEST_GREP.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function packageExtension(): void {
  if (process.env.INCIDENT_DESK_VSIX || process.env.INCIDENT_DESK_E2E_SKIP_PACKAGE === '1') return;
  console.log('[e2e] npm run package');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

function e2eFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.e2e.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

async function main(): Promise<number> {
  packageExtension();
  const json = process.env.INCIDENT_DESK_RESULT_JSON ?? path.join(REPO_ROOT, 'test-results', 'e2e.json');
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: process.stdout.isTTY === true });
  if (process.env.INCIDENT_DESK_TEST_GREP) mocha.grep(process.env.INCIDENT_DESK_TEST_GREP);
  mocha.reporter(path.join(__dirname, '..', 'runner', 'specJsonReporter.js'), { json });
  for (const file of e2eFiles(__dirname)) mocha.addFile(file);
  return new Promise<number>((resolve) => mocha.run(resolve));
}

main().then(
  (failures) => process.exit(failures > 0 ? 1 : 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
