// scripts/test-summary.mjs decides what `npm test` reports as its last line, so it is run here as
// npm test runs it: a real node process over a real phases file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDirs } from '../support/tempDirs';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'test-summary.mjs');
/** The script's BUDGETS as written (an ES module this CommonJS test cannot require). */
const budgets: Record<string, number> = Object.fromEntries(
  [...fs.readFileSync(SCRIPT, 'utf8').matchAll(/^ {2}(\w+): (\d+),/gm)].map((m) => [m[1]!, Number(m[2])]),
);

describe('npm test summary (scripts/test-summary.mjs)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  async function summarise(
    rows: string[][],
    results: Record<string, object> = {},
    env: Record<string, string> = {},
  ): Promise<{ status: number | null; last: string; lines: string[] }> {
    const dir = await temp.make();
    for (const [name, body] of Object.entries(results)) fs.writeFileSync(path.join(dir, name), JSON.stringify(body));
    const phases = path.join(dir, 'phases.tsv');
    fs.writeFileSync(phases, rows.map((r) => r.map((c) => (c.endsWith('.json') ? path.join(dir, c) : c)).join('\t')).join('\n') + '\n');
    const childEnv = { ...process.env, ...env };
    if (!('INCIDENT_DESK_ENFORCE_BUDGETS' in env)) delete childEnv.INCIDENT_DESK_ENFORCE_BUDGETS;
    const run = spawnSync(process.execPath, [SCRIPT, phases], { encoding: 'utf8', env: childEnv });
    const lines = run.stdout.trimEnd().split('\n');
    return { status: run.status, last: lines[lines.length - 1], lines };
  }

  /** The phases scripts/test.sh runs, in order (`phase NAME KIND …` lines). */
  function testShPhases(): string[] {
    const text = fs.readFileSync(path.resolve(SCRIPT, '..', 'test.sh'), 'utf8');
    return [...text.matchAll(/^\s*phase (\S+) (?:check|tests) /gm)].map((m) => m[1]);
  }

  it('counts the tests a phase reported', async () => {
    const r = await summarise([['unit', 'tests', '0', '3', 'unit.json']], { 'unit.json': { passes: 4, failures: 0, pending: 0 } });
    assert.deepEqual({ status: r.status, last: r.last }, { status: 0, last: '4 passed, 0 failed' });
  });

  it('a tests phase that exited 0 without writing its results file is a failure, not "0 failed"', async () => {
    const r = await summarise([
      ['unit', 'tests', '0', '3', 'unit.json'],
      ['integration', 'tests', '0', '9', 'integration.json'],
    ], { 'unit.json': { passes: 4, failures: 0, pending: 0 } });
    assert.deepEqual({ status: r.status, last: r.last }, { status: 1, last: '4 passed, 1 failed' });
  });

  it('a tests phase whose results file is not a result is a failure', async () => {
    const r = await summarise([['e2e', 'tests', '0', '3', 'e2e.json']], { 'e2e.json': { hello: 'world' } });
    assert.deepEqual({ status: r.status, last: r.last }, { status: 1, last: '0 passed, 1 failed' });
  });

  it('a failed check counts one failure; a failing runner with no failure on record counts one', async () => {
    const r = await summarise([
      ['lint', 'check', '1', '3', '-'],
      ['unit', 'tests', '2', '3', 'unit.json'],
    ], { 'unit.json': { passes: 7, failures: 0, pending: 1 } });
    assert.deepEqual({ status: r.status, last: r.last }, { status: 1, last: '7 passed, 2 failed, 1 skipped' });
  });

  it('prints each phase\'s time beside its budget; a phase over budget is marked and named before the last line, without failing the run', async () => {
    const r = await summarise([
      ['lint', 'check', '0', '12', '-'],
      ['unit', 'tests', '0', '500', 'unit.json'],
    ], { 'unit.json': { passes: 4, failures: 0, pending: 0 } });
    assert.equal(r.status, 0);
    assert.equal(r.last, '4 passed, 0 failed');
    assert.match(r.lines.find((l) => l.trimStart().startsWith('lint '))!, /^\s+lint\s+12s \/\s+90s {2}ok$/);
    assert.match(r.lines.find((l) => l.trimStart().startsWith('unit '))!, /500s \/\s+360s {2}OVER BUDGET by 140s {2}4 passed, 0 failed/);
    assert.match(r.lines.find((l) => l.trimStart().startsWith('total '))!, /512s \/\s+2700s/);
    assert.equal(r.lines[r.lines.length - 2], 'Over budget: unit (500s of 360s)');
  });

  it('within budget: no over-budget line', async () => {
    const r = await summarise([['build', 'check', '0', '60', '-']]);
    assert.deepEqual(r.lines.slice(-2), ['  total           60s /  2700s', '0 passed, 0 failed']);
  });

  it('INCIDENT_DESK_ENFORCE_BUDGETS=1 counts each phase over budget, and a run over 45 minutes, as a failure', async () => {
    const r = await summarise([
      ['typecheck', 'check', '0', '91', '-'],
      ['integration', 'tests', '0', '2700', 'integration.json'],
    ], { 'integration.json': { passes: 9, failures: 0, pending: 0 } }, { INCIDENT_DESK_ENFORCE_BUDGETS: '1' });
    assert.equal(r.status, 1);
    assert.equal(r.last, '9 passed, 3 failed');
    assert.match(r.lines[r.lines.length - 2], new RegExp(`typecheck \\(91s of ${budgets.typecheck}s\\), integration \\(2700s of ${budgets.integration}s\\), the whole run \\(2791s of 2700s\\)$`));
  });

  it('every phase scripts/test.sh runs has a budget, and the default ones add up to at most 45 minutes', async () => {
    const phases = testShPhases();
    assert.ok(phases.includes('clone') && phases.includes('setup'), phases.join(' '));
    const r = await summarise(phases.map((name) => [name, 'check', '0', '0', '-']));
    let sum = 0;
    for (const name of phases) {
      const row = r.lines.find((l) => l.trimStart().startsWith(`${name} `));
      const budget = /\/\s+(\d+)s/.exec(row ?? '');
      assert.ok(budget, `no budget for phase ${name}: ${row}`);
      if (name !== 'electron') sum += Number(budget[1]); // opt-in (INCIDENT_DESK_TEST_ELECTRON=1)
    }
    assert.ok(sum <= 45 * 60, `budgets add up to ${sum}s`);
  });
});

