// Sums the phases scripts/test.sh ran. Input: a TSV file, one phase a line:
//   name  kind(check|tests)  exit-code  seconds  result-json-or-dash
// A `tests` phase counts its PhaseResult (passes, failures, pending); a `check` phase (typecheck,
// lint, build, package) counts nothing when it passes and one failure when it fails, so a broken
// build can never hide behind "0 failed". Prints a table, then as the very last line
// `N passed, N failed` (`, N skipped` only when mocha reported pending tests). Exit 1 on any failure,
// including a tests phase that left no results file, whatever its exit code.
import * as fs from 'node:fs';

const [phasesFile] = process.argv.slice(2);
const lines = fs.readFileSync(phasesFile, 'utf8').split('\n').filter((l) => l.trim());

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];

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
  rows.push(`  ${name.padEnd(12)} ${String(seconds).padStart(6)}s  ${detail}`);
}

console.log('');
console.log('Test phases:');
for (const row of rows) console.log(row);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
