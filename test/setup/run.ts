// Runs the set-up test (test/setup/npmStart.setup.ts) with mocha in this very process: spec output
// on stdout, a PhaseResult JSON for scripts/test.sh, exit 1 on any failure.
//   node out/test/setup/run.js
// Not the mocha command: with a node flag in .mocharc.json it runs the tests in a child process and
// does not pass SIGTERM on, so npm test's Ctrl-C would leave a half-done npm start behind; here the
// test's own signal handler stops what it started. Env: INCIDENT_DESK_RESULT_JSON (default
// test-results/setup.json).
import * as path from 'node:path';
import Mocha from 'mocha';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

const json = process.env.INCIDENT_DESK_RESULT_JSON ?? path.join(REPO_ROOT, 'test-results', 'setup.json');
const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: process.stdout.isTTY === true });
mocha.reporter(path.join(__dirname, '..', 'runner', 'specJsonReporter.js'), { json });
mocha.addFile(path.join(__dirname, 'npmStart.setup.js'));
mocha.run((failures) => process.exit(failures > 0 ? 1 : 0));
