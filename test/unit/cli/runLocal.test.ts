// `incident-desk run` on this machine: the built CLI in a child process, the fixture runbook, real bash.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IncidentStore } from '../../../src/core/incidents/incidentStore';
import { fillPlaceholders } from '../../../src/core/runbooks/placeholderFill';
import { FIXTURE, requireFreshBuild, runCli, runCliOnTerminal, xtermFired } from './cliHarness';
import { TempDirs } from '../support/tempDirs';

const REPO_FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');

describe('incident-desk run (local, real bash)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let dir: string;
  before(() => requireFreshBuild());
  beforeEach(async () => {
    dir = await temp.make('idk-cli-');
  });
  after(() => temp.cleanup());

  const run = (...args: string[]) => runCli(['run', FIXTURE, ...args], { cwd: dir });

  describe('step selection', () => {
    it('by its title, when only one step has it', async () => {
      const r = await run('Count to three', '--yes');
      assert.equal(r.stderr, '$ CHECK_COUNT=3\n$ seq "$CHECK_COUNT"\n', 'each command is shown on stderr as it starts');
      assert.equal(r.code, 0);
      // CHECK_COUNT is set by the step's first command: the commands share one bash.
      assert.equal(r.stdout.toString(), '1\n2\n3\n');
    });

    it('by a unique suffix of its heading path', async () => {
      const r = await run('Restart/Say hello', '--set', 'name=api', '--yes');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), 'restarting api\n');
    });

    it('by a path whose heading holds a / written \\/', async () => {
      const r = await run('A\\/B test/Check replicas', '--yes');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), 'ab ok\n');
      const other = await run('Read\\/write split/Reads/Check replicas', '--yes');
      assert.equal(other.stdout.toString(), 'replicas ok\n');
    });

    it('by its line number', async () => {
      const r = await run('46', '--yes');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), 'replicas ok\n');
    });

    it('ambiguous: exit 2 listing the candidates by a path that tells them apart; nothing runs', async () => {
      const r = await run('Check replicas', '--yes');
      assert.equal(r.code, 2);
      assert.equal(r.stdout.length, 0);
      assert.match(r.stderr, /is ambiguous/);
      assert.match(r.stderr, /^ {2}Reads\/Check replicas {2}\(line 46\)$/m);
      assert.match(r.stderr, /^ {2}A\\\/B test\/Check replicas {2}\(line 53\)$/m);
    });

    it('unknown: exit 2 listing every step', async () => {
      const r = await run('Nothing like this', '--yes');
      assert.equal(r.code, 2);
      assert.equal(r.stdout.length, 0);
      assert.match(r.stderr, /no step "Nothing like this"/);
      for (const c of ['Checks/Say hello', 'Restart/Say hello', 'Count to three', 'Wipe the cache', 'Touch the canary']) assert.ok(r.stderr.includes(`  ${c}  (line `), `${c} listed in:\n${r.stderr}`);
    });
  });

  it('--dry-run prints the filled, quoted commands and runs nothing', async () => {
    const canary = path.join(dir, 'canary');
    const hostile = `$(touch ${canary}x)"; touch ${canary}y #`;
    const r = await run('Stop at the first failure', '--set', `canary=${hostile}`, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    // Exactly what the editor's fill makes of it (placeholders.ts), one command per line here.
    const filled = fillPlaceholders('touch "[canary]"', { canary: hostile }, 'bash', new Set(), { typed: false }).text;
    assert.notEqual(filled, `touch "${hostile}"`, 'quoted, not pasted');
    assert.equal(r.stdout.toString(), `echo first\necho second; exit 7\n${filled}\n`);
    assert.match(r.stderr, /Would run "Stop at the first failure" on this machine, in .*, in bash/);
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing ran');
  });

  it('says what it fills and what the shell supplies, in lint\'s words; typed values it cannot ask for are refused', async () => {
    const guide = path.join(REPO_FIXTURES, 'workspace', 'docs', 'runbooks', 'restore-orders.md');
    const r = await runCli(['run', guide, 'Write the restore log in the work dir', '--dry-run'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `echo "restore into db=$DATABASE_URL from ${dir}" > restore-log.txt\n`);
    assert.ok(r.stderr.includes(`Filled automatically: \${workdir} = ${dir} (the folder it runs in)\nFrom the shell's environment: $DATABASE_URL\n`), r.stderr);
    const typed = await runCli(['run', guide, 'Check the dump is whole', '--dry-run'], { cwd: dir });
    assert.equal(typed.code, 2);
    assert.match(typed.stderr, /not run: \[backup-file\] \(--set backup-file=…\) has no value/);
  });

  it('a value reaches the command exactly, however hostile', async () => {
    const canary = path.join(dir, 'canary');
    const value = `$(touch ${canary}) \`touch ${canary}\` "'; touch ${canary} !! \\ *\nsecond line`;
    const r = await run('Checks/Say hello', '--set', `name=${value}`, '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `hello ${value}\n`);
    assert.equal(fs.existsSync(canary), false);
  });

  it('a value refused where it would go (backticks, a heredoc\'s delimiter line): exit 2 naming the place, nothing runs', async () => {
    const canary = path.join(dir, 'canary');
    const tick = await run('Tag in backticks', '--set', `tag=$(touch ${canary})`, '--yes');
    assert.equal(tick.code, 2, tick.stderr);
    assert.equal(tick.stdout.length, 0);
    assert.match(tick.stderr, /cannot be written into backticks/);
    const body = await run('Write a note', '--set', 'body=line one\nEOF\ntouch ' + canary, '--yes');
    assert.equal(body.code, 2, body.stderr);
    assert.match(body.stderr, /heredoc/);
    assert.equal(fs.existsSync(canary), false);
    // The same heredoc takes any other value exactly.
    const fine = await run('Write a note', '--set', 'body=EOF is not alone here; $(touch x) `y`', '--yes');
    assert.equal(fine.code, 0, fine.stderr);
    assert.equal(fine.stdout.toString(), 'EOF is not alone here; $(touch x) `y`\n');
  });

  it('a zsh step runs in zsh, whatever shell runs the CLI, with its value quoted for zsh', async () => {
    const value = `it's "quoted" $HOME !`;
    const r = await run('Report the shell', '--set', `name=${value}`, '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `zsh yes ${value}\n`);
  });

  it('an unfilled placeholder: exit 2 naming it, nothing runs', async () => {
    const r = await run('Stop at the first failure', '--yes');
    assert.equal(r.code, 2);
    assert.equal(r.stdout.length, 0, 'not even the first command ran');
    assert.match(r.stderr, /\[canary\] \(--set canary=…\) has no value/);
  });

  it('the first failing command stops the step; its status is the exit status', async () => {
    const canary = path.join(dir, 'canary');
    const r = await run('Stop at the first failure', '--set', `canary=${canary}`, '--yes');
    assert.equal(r.code, 7);
    assert.equal(r.stdout.toString(), 'first\nsecond\n');
    assert.match(r.stderr, /failed with exit status 7/);
    assert.equal(fs.existsSync(canary), false, 'the command after the failure did not run');
  });

  it('stdin not a terminal: runs only with --yes', async () => {
    const canary = path.join(dir, 'canary');
    const r = await run('Touch the canary', '--set', `canary=${canary}`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /stdin is not a terminal.*--yes/);
    assert.equal(fs.existsSync(canary), false);
    assert.equal((await run('Touch the canary', '--set', `canary=${canary}`, '--yes')).code, 0);
    assert.equal(fs.existsSync(canary), true);
  });

  it('on a terminal it asks once, showing the commands; only yes runs', async () => {
    const canary = path.join(dir, 'canary');
    const args = ['run', FIXTURE, 'Touch the canary', '--set', `canary=${canary}`];
    const no = await runCliOnTerminal(args, { cwd: dir, input: 'n\n' });
    assert.equal(no.code, 2);
    const shown = no.stdout.toString();
    assert.equal(shown.split('Run it? [y/N]').length - 1, 1, `asked once:\n${shown}`);
    assert.ok(shown.includes(`touch "${canary}"`), `the command is shown:\n${shown}`);
    assert.equal(fs.existsSync(canary), false);
    const yes = await runCliOnTerminal(args, { cwd: dir, input: 'y\n' });
    assert.equal(yes.code, 0, yes.stdout.toString());
    assert.equal(fs.existsSync(canary), true);
  });

  it('a dangerous command needs --allow-dangerous (named with its reason); --yes alone is not enough', async () => {
    const cache = path.join(dir, 'cache');
    await fsp.mkdir(cache);
    await fsp.writeFile(path.join(cache, 'entry'), 'x');
    const refused = await run('Wipe the cache', '--set', `cache=${cache}`, '--yes');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--allow-dangerous/);
    assert.match(refused.stderr, /destructive: "rm -rf deletes files recursively without asking"/);
    assert.equal(fs.existsSync(path.join(cache, 'entry')), true, 'nothing was deleted');
    const allowed = await run('Wipe the cache', '--set', `cache=${cache}`, '--yes', '--allow-dangerous');
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(fs.existsSync(cache), false);
  });

  it('output goes through the terminal filter: an OSC 52 clipboard write never reaches the terminal', async () => {
    const r = await run('Print a clipboard write', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.includes(Buffer.from('\x1b]52')), false);
    const xterm = await xtermFired(r.stdout);
    assert.deepEqual(xterm.fired, []);
    assert.equal(xterm.text, 'beforeafter');
    // The oracle does see the raw bytes: without the filter the handler fires.
    assert.deepEqual((await xtermFired(Buffer.from('before\x1b]52;c;SGVsbG8=\x07after\n'))).fired, ['OSC 52: "c;SGVsbG8="']);
  });

  it('--incident: each command\'s start and finish land on the timeline as the editor records them', async () => {
    await fsp.mkdir(path.join(dir, 'runbooks'));
    await fsp.copyFile(FIXTURE, path.join(dir, 'runbooks', 'steps.md'));
    const store = new IncidentStore({ root: dir });
    await store.loadAll();
    const incident = await store.declare({ title: 'Checkout down', severity: 'P2', service: 'checkout' }, 'Dana');
    const canary = path.join(dir, 'canary');
    const r = await runCli(['run', 'runbooks/steps.md', 'Stop at the first failure', '--set', `canary=${canary}`, '--incident', `incidents/${incident.id}`, '--yes'], { cwd: dir });
    assert.equal(r.code, 7, r.stderr);
    const events = (await fsp.readFile(path.join(dir, 'incidents', incident.id, 'timeline.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: string; type: string; text: string; data?: Record<string, unknown> });
    // Every event the CLI writes carries its id (a ULID), as the editor's do.
    for (const e of events) assert.match(e.id ?? '', /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, `${e.type} without an id`);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    const runs = events.filter((e) => e.type.startsWith('runbook_step_'));
    assert.deepEqual(runs.map((e) => e.type), ['runbook_step_started', 'runbook_step_finished', 'runbook_step_started', 'runbook_step_finished']);
    const ref = { runbook: 'runbooks/steps.md', runbookTitle: 'CLI fixture', section: 'Checks', step: 'Stop at the first failure', line: 16, key: 'runbooks/steps.md#Checks#Stop at the first failure' };
    const [s1, f1, s2, f2] = runs as [typeof runs[0], typeof runs[0], typeof runs[0], typeof runs[0]];
    assert.deepEqual(s1.data, { ...ref, command: 'echo first', target: 'local', runId: s1.data!.runId });
    // Each finished command keeps the end of what it printed (only its own output).
    assert.deepEqual(f1.data, { ...ref, command: 'echo first', target: 'local', runId: s1.data!.runId, exitCode: 0, output: { text: 'first', truncated: false } });
    assert.deepEqual(s2.data, { ...ref, command: 'echo second; exit 7', target: 'local', runId: s2.data!.runId });
    assert.deepEqual(f2.data, { ...ref, command: 'echo second; exit 7', target: 'local', runId: s2.data!.runId, exitCode: 7, output: { text: 'second', truncated: false } });
    assert.notEqual(s1.data!.runId, s2.data!.runId);
    assert.equal(s1.text, 'Ran "Stop at the first failure" on local: echo first');
    assert.equal(f2.text, '"Stop at the first failure" on local: failed, exit 7');
  });

  it('--incident: the output tail on the finished event is plain text, escape sequences stripped', async () => {
    const store = new IncidentStore({ root: dir });
    await store.loadAll();
    const incident = await store.declare({ title: 'Clipboard', severity: 'P3', service: 'web' }, 'Dana');
    const r = await runCli(['run', FIXTURE, 'Print a clipboard write', '--incident', `incidents/${incident.id}`, '--yes'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const lines = (await fsp.readFile(path.join(dir, 'incidents', incident.id, 'timeline.jsonl'), 'utf8')).trim().split('\n');
    const finished = JSON.parse(lines.at(-1)!) as { type: string; data?: { output?: unknown } };
    assert.equal(finished.type, 'runbook_step_finished');
    assert.deepEqual(finished.data?.output, { text: 'beforeafter', truncated: false });
    assert.ok(!lines.at(-1)!.includes('\\u001b'), 'no escape character on the timeline');
  });

  it('a step the runbook puts on a host does not run here without --host', async () => {
    const canary = path.join(dir, 'canary');
    await fsp.writeFile(path.join(dir, 'db.yaml'), `title: DB\nsteps:\n  - title: Touch\n    host: db-1\n    run: touch ${canary}\n`);
    const r = await runCli(['run', 'db.yaml', 'Touch', '--yes'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /runs on host "db-1"/);
    assert.equal(fs.existsSync(canary), false);
  });

  it('--incident that is not an incident folder: exit 2 before anything runs', async () => {
    const canary = path.join(dir, 'canary');
    const r = await run('Touch the canary', '--set', `canary=${canary}`, '--incident', 'incidents/nope', '--yes');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--incident incidents\/nope: no such incident folder/);
    assert.equal(fs.existsSync(canary), false);
  });
});
