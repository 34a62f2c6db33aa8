// A guide as people write it, through the built CLI: text inside shell fences and comment-only
// checklist items are shown, never run (`runbook --json`, `lint`, `run`).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Runbook, RunbookStep } from '../../../src/core/runbooks/model';
import { REPO, requireFreshBuild, runCli } from './cliHarness';
import { TempDirs } from '../support/tempDirs';

const GUIDE = path.join(REPO, 'test', 'fixtures', 'runbooks', 'guides', 'contact-blocks.md');

function steps(rb: Runbook): RunbookStep[] {
  const out: RunbookStep[] = [];
  const todo = [...rb.sections];
  for (let s = todo.shift(); s; s = todo.shift()) {
    out.push(...s.steps);
    todo.unshift(...s.sections);
  }
  return out;
}

describe('incident-desk on a guide with text and comment checklists in its shell fences', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let dir: string;
  before(async () => {
    requireFreshBuild();
    dir = await temp.make('idk-guide-');
  });
  after(() => temp.cleanup());

  it('runbook --json: text lines are "runnable": false, "text": true; comment-only items are "manual": true steps; real commands unchanged', async () => {
    const r = await runCli(['runbook', GUIDE, '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const all = steps(JSON.parse(r.stdout.toString()) as Runbook);
    const byTitle = new Map(all.map((s) => [s.title, s]));
    const contact = byTitle.get('Contact methods')!;
    assert.deepEqual(contact.commands.map((c) => [c.run.split('\n')[0], c.runnable, c.text]), [['Email: help@platform.example', false, true]]);
    assert.deepEqual(byTitle.get('Account ID')!.commands.map((c) => [c.run.split('\n').length, c.runnable, c.text]), [[5, false, true]]);
    for (const title of ['2. The main flows work', '4. Queue depth back to normal', '5. Riders see new jobs in the app']) {
      const step = byTitle.get(title);
      assert.equal(step?.manual, true, title);
      assert.equal(step.commands.some((c) => c.runnable), false, title);
    }
    const runnable = all.flatMap((s) => s.commands).filter((c) => c.runnable).map((c) => c.run);
    assert.deepEqual(runnable, [
      'railway status', 'railway logs --tail 100', 'railway up', 'curl -fsS https://dispatch.example.io/health', 'railway logs --tail 50 | grep -i error',
      'curl -fsS https://dispatch.example.io/health', 'psql "$DATABASE_URL" -c \'select 1\'', 'echo "provider check:"',
    ]);
    assert.ok(all.flatMap((s) => s.commands).filter((c) => c.runnable).every((c) => c.text === undefined));
    assert.equal(all.filter((s) => s.manual).length, 3);
  });

  it('runbook (outline): manual steps and text are marked as such, commands with $', async () => {
    const r = await runCli(['runbook', GUIDE], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.toString().split('\n').map((l) => l.trim());
    for (const expected of [
      '- 2. The main flows work (manual)  :24', '(text) Create a delivery job, assign a rider, pay out', '- 5. Riders see new jobs in the app (manual)  :32',
      '(text) Email: help@platform.example … (+2 lines)', '$ railway up',
    ]) assert.ok(lines.includes(expected), `${expected} not in:\n${lines.join('\n')}`);
  });

  it('lint: each text block is an info "not a command: shown as text" at its line; exit 0', async () => {
    const r = await runCli(['lint', GUIDE], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const text = r.stdout.toString().split('\n').filter((l) => l.includes('not a command'));
    assert.deepEqual(text, [`${GUIDE}:41:1: info: not a command: shown as text`, `${GUIDE}:49:1: info: not a command: shown as text`]);
  });

  it('run: a manual step and a text-only step are refused (exit 2) saying why; nothing runs', async () => {
    const manual = await runCli(['run', GUIDE, '2. The main flows work', '--yes'], { cwd: dir });
    assert.equal(manual.code, 2);
    assert.equal(manual.stdout.length, 0);
    assert.match(manual.stderr, /"[^"]*2\. The main flows work" is a manual step, done by hand: there is no command to run/);
    const text = await runCli(['run', GUIDE, 'Contact methods', '--yes'], { cwd: dir });
    assert.equal(text.code, 2);
    assert.equal(text.stdout.length, 0);
    assert.match(text.stderr, /"[^"]*Contact methods" has no command to run: its lines are text, shown, not run/);
  });
});
