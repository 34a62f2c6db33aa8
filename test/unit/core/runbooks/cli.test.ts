import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../../src/cli/main';
import { TempDirs } from '../../support/tempDirs';

const REPO = path.resolve(__dirname, '../../../../..');

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), version: '9.9.9' });
  return { code, out, err };
}

describe('incident-desk CLI', () => {
  const temp = new TempDirs();
  let dir: string;
  let good: string;
  let warn: string;
  let bad: string;
  before(async () => {
    dir = await temp.make();
    good = path.join(dir, 'good.yaml');
    warn = path.join(dir, 'warn.yaml');
    bad = path.join(dir, 'bad.yaml');
    await fsp.writeFile(good, 'title: Good\nseverity: P2\nsteps:\n  - title: Restart\n    run: |\n      systemctl restart [service]\n');
    await fsp.writeFile(warn, 'title: Warn\nowner: me\nsteps: []\n');
    await fsp.writeFile(bad, 'title: Bad\nsteps: []\ntitle: again\n');
  });
  after(() => temp.cleanup());

  it('lint: prints file:line:col: severity: message, exit 0 on info only', async () => {
    const r = await run(['lint', good]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.out, [`${good}:6:25: info: [service] is asked for before it runs`]);
    assert.deepEqual(r.err, ['1 runbook file(s): 0 error(s), 0 warning(s), 1 info']);
    assert.deepEqual((await run(['lint', '--quiet', good])).out, []);
  });

  it('lint: warnings pass unless --strict; errors exit 1', async () => {
    const w = await run(['lint', warn]);
    assert.equal(w.code, 0);
    assert.deepEqual(w.out, [`${warn}:2:1: warning: unknown key "owner" in this runbook; expected one of title, severity, services, symptoms, description, steps, sections`]);
    assert.equal((await run(['lint', '--strict', warn])).code, 1);
    const b = await run(['lint', bad, good]);
    assert.equal(b.code, 1);
    assert.deepEqual(b.out.map((l) => l.slice(dir.length + 1)), [
      'bad.yaml:3:1: error: duplicate key "title"',
      'good.yaml:6:25: info: [service] is asked for before it runs',
    ]);
    const folder = await run(['lint', dir]);
    assert.equal(folder.code, 1);
    assert.equal(folder.err[0], '3 runbook file(s): 1 error(s), 1 warning(s), 1 info');
  });

  it('lint: says where each placeholder gets its value, as Run does (the Problems panel shows the same words)', async () => {
    const guide = path.join(REPO, 'test', 'fixtures', 'workspace', 'docs', 'runbooks', 'restore-orders.md');
    const r = await run(['lint', guide]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.out, [
      `${guide}:12:10: info: $DATABASE_URL comes from the shell's environment`,
      `${guide}:18:26: info: $DATABASE_URL comes from the shell's environment; \${workdir} (the host's work dir, or locally the folder it runs in) is filled automatically`,
      `${guide}:24:14: info: [backup-file] is asked for before it runs; \${workdir} (the host's work dir, or locally the folder it runs in) is filled automatically`,
    ]);
  });

  it('runbook --json prints the model', async () => {
    const r = await run(['runbook', good, '--json']);
    assert.equal(r.code, 0);
    const model = JSON.parse(r.out.join('\n'));
    assert.equal(model.title, 'Good');
    assert.deepEqual(model.sections.map((s: { title: string; level: number; severity: string; line: number }) => [s.title, s.level, s.severity, s.line]), [['Good', 0, 'P2', 4]]);
    assert.deepEqual(model.sections[0].steps[0], {
      title: 'Restart', line: 4,
      commands: [{ language: 'bash', run: 'systemctl restart [service]', runnable: true, line: 6, placeholders: [{ token: '[service]', name: 'service', kind: 'bracket' }] }],
    });
    const outline = await run(['runbook', good]);
    assert.deepEqual(outline.out[0].split('\n').slice(0, 4), [`Good [P2]  (yaml, ${good})`, '  § Good [P2]  :4', '    - Restart  :4', '        $ systemctl restart [service]']);
    assert.equal((await run(['runbook', bad, '--json'])).code, 1, 'a model with errors exits 1 (and is still printed)');
  });

  it('runbook: a missing or refused file exits 1 with a message; a non-runbook exits 2', async () => {
    const missing = await run(['runbook', path.join(dir, 'nope.md')]);
    assert.deepEqual([missing.code, missing.err], [1, [`incident-desk: ${path.join(dir, 'nope.md')}: no such file`]]);
    const blob = path.join(dir, 'blob.md');
    await fsp.writeFile(blob, Buffer.from([0]));
    const refused = await run(['runbook', blob]);
    assert.deepEqual([refused.code, refused.err], [1, [`incident-desk: ${blob}: looks binary (it contains NUL bytes); a runbook is UTF-8 text, so it is not read`]]);
    assert.equal((await run(['runbook', path.join(dir, 'x.txt')])).code, 2);
  });

  it('usage errors exit 2; --help and --version exit 0', async () => {
    for (const argv of [[], ['lint'], ['frobnicate'], ['lint', '--bogus', 'x'], ['runbook'], ['runbook', 'a.md', 'b.md'], ['lint', '--json', 'x']]) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err[0], /^incident-desk: .+\n\nUsage:/, argv.join(' '));
    }
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out[0], /^Usage:\n {2}incident-desk lint/);
    assert.deepEqual(await run(['--version']), { code: 0, out: ['9.9.9'], err: [] });
  });

  describe('the built dist/cli.js', function () {
    this.timeout(60_000);
    before(() => {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'pipe' });
    });

    it('runs as a program: shebang, exit codes, output', async () => {
      const cli = path.join(REPO, 'dist', 'cli.js');
      assert.match(await fsp.readFile(cli, 'utf8'), /^#!\/usr\/bin\/env node\n/);
      const lint = spawnSync(process.execPath, [cli, 'lint', bad, warn], { encoding: 'utf8' });
      assert.equal(lint.status, 1);
      assert.deepEqual(lint.stdout.trimEnd().split('\n'), [
        `${bad}:3:1: error: duplicate key "title"`,
        `${warn}:2:1: warning: unknown key "owner" in this runbook; expected one of title, severity, services, symptoms, description, steps, sections`,
      ]);
      assert.equal(lint.stderr, '2 runbook file(s): 1 error(s), 1 warning(s), 0 info\n');
      const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
      const pkg = JSON.parse(await fsp.readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
      assert.deepEqual([version.status, version.stdout], [0, `${pkg.version}\n`]);
      const json = spawnSync(process.execPath, [cli, 'runbook', good, '--json'], { encoding: 'utf8' });
      assert.equal(json.status, 0);
      assert.equal(JSON.parse(json.stdout).title, 'Good');
      assert.equal(spawnSync(process.execPath, [cli, 'nope'], { encoding: 'utf8' }).status, 2);
    });

    it("the README's `incident-desk lint runbooks docs/runbooks` passes in a repository that has only runbooks/", async () => {
      const repo = await temp.make();
      await fsp.mkdir(path.join(repo, 'runbooks'));
      await fsp.copyFile(good, path.join(repo, 'runbooks', 'good.yaml'));
      const cli = path.join(REPO, 'dist', 'cli.js');
      const lint = spawnSync(process.execPath, [cli, 'lint', 'runbooks', 'docs/runbooks'], { cwd: repo, encoding: 'utf8' });
      assert.equal(lint.status, 0, lint.stdout + lint.stderr);
      assert.match(lint.stdout, /^docs\/runbooks:1:1: warning: no such folder: no runbooks there$/m);
      // A named file that does not exist is still an error.
      const file = spawnSync(process.execPath, [cli, 'lint', 'runbooks', 'docs/site-down.md'], { cwd: repo, encoding: 'utf8' });
      assert.equal(file.status, 1, file.stdout + file.stderr);
      assert.match(file.stdout, /^docs\/site-down\.md:1:1: error: cannot read: no such file$/m);
    });
  });
});
