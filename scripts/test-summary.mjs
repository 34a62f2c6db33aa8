// Sums the phases scripts/test.sh ran. Input: a TSV file, one phase a line:
//   name  kind(check|tests)  exit-code  seconds  result-json-or-dash
// A `tests` phase counts its PhaseResult (passes, failures, pending); a `check` phase (typecheck,
// lint, build, package) counts nothing when it passes and one failure when it fails, so a broken
// build can never hide behind "0 failed". Prints a table, then as the very last line
// `N passed, N failed` (`, N skipped` only when mocha reported pending tests). Exit 1 on any failure,
// including a tests phase that left no results file, whatever its exit code.
//
// Each phase has a budget in seconds (BUDGETS, on CI's 2 cores; they add up to the 45 minutes the
// whole run may take there). A phase over its budget, or a total over TOTAL_BUDGET, is marked in
// the table and named on its own line before the last. It does not fail the run: the same phase
// takes two to three times as long on a loaded machine (the unit suite took 442 s at load 15 on 2
// cores, against ~3 min unloaded), and a red run must mean something is broken, not that the
// machine was busy. INCIDENT_DESK_ENFORCE_BUDGETS=1 (for a dedicated CI machine) counts each phase
// over budget as one failure.
import * as fs from 'node:fs';

/** Seconds per phase on CI's 2 cores. The electron phase is opt-in and outside the 45 minutes. */
export const BUDGETS = {
  services: 300, // Debian packages and code-server when missing (a first install: ~4 min)
  typecheck: 90,
  lint: 90,
  build: 60,
  unit: 360,
  clone: 720, // build, compile and the unit suite (~1,320 tests, real sshd/docker/git; the rollback and demo-host suites build compose apps: ~440 s here), in a fresh clone (the suite's only run)
  integration: 300, // ~110-130 s
  restricted: 180,
  electron: 600,
  package: 90,
  e2e: 540, // 65 tests in the real UI (the timeline, post-mortem and rollback webviews included): ~340 s here
  setup: 300, // ~100 s: npm start from an empty home: code-server's install and native rebuild, then start
};
export const TOTAL_BUDGET = 45 * 60;

const [phasesFile] = process.argv.slice(2);
const enforceBudgets = process.env.INCIDENT_DESK_ENFORCE_BUDGETS === '1';
const lines = fs.readFileSync(phasesFile, 'utf8').split('\n').filter((l) => l.trim());

let passed = 0;
let failed = 0;
let skipped = 0;
let total = 0;
const rows = [];
const overBudget = [];

function readResult(file) {
  if (!file || file === '-' || !fs.existsSync(file)) return undefined;
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof r.passes === 'number' && typeof r.failures === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

for (const line of lines) {
  const [name, kind, rcText, seconds, file] = line.split('\t');
  const rc = Number(rcText);
  let detail;
  if (kind === 'check') {
    if (rc !== 0) failed += 1;
    detail = rc === 0 ? 'ok' : `FAILED (exit ${rc})`;
  } else {
    const r = readResult(file);
    let p = r?.passes ?? 0;
    let f = r?.failures ?? 0;
    const s = r?.pending ?? 0;
    // Non-zero exit with no failure on record: the runner itself broke. Count it. A tests phase that
    // exited 0 without writing its results proved nothing (a runner that never started mocha, a
    // crashed host that still exited 0): that is a failure too, never a silent "0 passed".
    if ((rc !== 0 || !r) && f === 0) f = 1;
    passed += p;
    failed += f;
    skipped += s;
    detail = `${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}${r ? '' : ' (no results file)'}`;
    if (r) for (const t of r.failed ?? []) detail += `\n      ✗ ${t.title}: ${String(t.error).split('\n')[0]}`;
  }
  const took = Number(seconds);
  total += took;
  const budget = BUDGETS[name];
  let time = `${String(took).padStart(5)}s / ${budget === undefined ? '(none)' : `${String(budget).padStart(5)}s`}`;
  if (budget !== undefined && took > budget) {
    overBudget.push(`${name} (${took}s of ${budget}s)`);
    time += `  OVER BUDGET by ${took - budget}s`;
    if (enforceBudgets) failed += 1;
  }
  rows.push(`  ${name.padEnd(12)} ${time}  ${detail}`);
}
if (total > TOTAL_BUDGET) {
  overBudget.push(`the whole run (${total}s of ${TOTAL_BUDGET}s)`);
  if (enforceBudgets) failed += 1;
}

console.log('');
console.log('Test phases (seconds taken / budget):');
for (const row of rows) console.log(row);
console.log(`  ${'total'.padEnd(12)} ${String(total).padStart(5)}s / ${String(TOTAL_BUDGET).padStart(5)}s`);
if (overBudget.length > 0) {
  console.log(`Over budget${enforceBudgets ? ' (counted as failures: INCIDENT_DESK_ENFORCE_BUDGETS=1)' : ''}: ${overBudget.join(', ')}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
