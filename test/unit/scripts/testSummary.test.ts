// scripts/test-summary.mjs decides what `npm test` reports as its last line, so it is run here as
// npm test runs it: a real node process over a real phases file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDirs } from '../support/tempDirs';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'test-summary.mjs');

describe('npm test summary (scripts/test-summary.mjs)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  async function summarise(rows: string[][], results: Record<string, object> = {}): Promise<{ status: number | null; last: string }> {
    const dir = await temp.make();
    for (const [name, body] of Object.entries(results)) fs.writeFileSync(path.join(dir, name), JSON.stringify(body));
    const phases = path.join(dir, 'phases.tsv');
    fs.writeFileSync(phases, rows.map((r) => r.map((c) => (c.endsWith('.json') ? path.join(dir, c) : c)).join('\t')).join('\n') + '\n');
    const run = spawnSync(process.execPath, [SCRIPT, phases], { encoding: 'utf8' });
    const lines = run.stdout.trimEnd().split('\n');
    return { status: run.status, last: lines[lines.length - 1] };
  }

  it('counts the tests a phase reported', async () => {
    const r = await summarise([['unit', 'tests', '0', '3', 'unit.json']], { 'unit.json': { passes: 4, failures: 0, pending: 0 } });
    assert.deepEqual(r, { status: 0, last: '4 passed, 0 failed' });
  });

  it('a tests phase that exited 0 without writing its results file is a failure, not "0 failed"', async () => {
    const r = await summarise([
      ['unit', 'tests', '0', '3', 'unit.json'],
      ['integration', 'tests', '0', '9', 'integration.json'],
    ], { 'unit.json': { passes: 4, failures: 0, pending: 0 } });
    assert.deepEqual(r, { status: 1, last: '4 passed, 1 failed' });
  });

  it('a tests phase whose results file is not a result is a failure', async () => {
    const r = await summarise([['e2e', 'tests', '0', '3', 'e2e.json']], { 'e2e.json': { hello: 'world' } });
    assert.deepEqual(r, { status: 1, last: '0 passed, 1 failed' });
  });

  it('a failed check counts one failure; a failing runner with no failure on record counts one', async () => {
    const r = await summarise([
      ['lint', 'check', '1', '3', '-'],
      ['unit', 'tests', '2', '3', 'unit.json'],
    ], { 'unit.json': { passes: 7, failures: 0, pending: 1 } });
    assert.deepEqual(r, { status: 1, last: '7 passed, 2 failed, 1 skipped' });
  });
});
