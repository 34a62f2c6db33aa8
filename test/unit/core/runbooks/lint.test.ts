import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { formatProblem, lintFiles, lintPaths } from '../../../../src/core/runbooks/lint';
import { TempDirs } from '../../support/tempDirs';

describe('lintFiles', () => {
  const temp = new TempDirs();
  let dir: string;
  before(async () => {
    dir = await temp.make();
    await fsp.mkdir(path.join(dir, 'runbooks', 'sub'), { recursive: true });
    await fsp.writeFile(path.join(dir, 'runbooks', 'good.yaml'), 'title: Good\nsteps:\n  - title: Uptime\n    run: uptime\n');
    await fsp.writeFile(path.join(dir, 'runbooks', 'sub', 'bad.yml'), 'title: Bad\nowner: me\nsteps:\n\t- title: x\n');
    await fsp.writeFile(path.join(dir, 'runbooks', 'sub', 'blob.md'), Buffer.from([0, 1, 2]));
  });
  after(() => temp.cleanup());

  it('lints folders recursively and names files under the folder as given', async () => {
    const runbooks = path.join(dir, 'runbooks');
    const { problems, files } = await lintPaths([runbooks]);
    assert.equal(files, 3);
    assert.deepEqual(problems.map(formatProblem), [
      `${runbooks}/sub/bad.yml:2:1: warning: unknown key "owner" in this runbook; expected one of title, severity, services, symptoms, description, steps, sections`,
      `${runbooks}/sub/bad.yml:4:1: error: tab used for indentation; YAML indents with spaces only`,
      `${runbooks}/sub/blob.md:1:1: error: looks binary (it contains NUL bytes); a runbook is UTF-8 text, so it is not read`,
    ]);
  });

  it('a missing folder is a warning, a missing or non-runbook file an error, at 1:1; a file is linted once', async () => {
    const good = path.join(dir, 'runbooks', 'good.yaml');
    const problems = await lintFiles([path.join(dir, 'docs', 'runbooks'), path.join(dir, 'later') + '/', path.join(dir, 'runbooks', 'x.txt'), path.join(dir, 'gone.md'), good, good]);
    assert.deepEqual(problems.map(formatProblem), [
      `${path.join(dir, 'docs', 'runbooks')}:1:1: warning: no such folder: no runbooks there`,
      `${path.join(dir, 'gone.md')}:1:1: error: cannot read: no such file`,
      `${path.join(dir, 'later')}/:1:1: warning: no such folder: no runbooks there`,
      `${path.join(dir, 'runbooks', 'x.txt')}:1:1: error: cannot read: no such file`,
    ]);
    await fsp.writeFile(path.join(dir, 'notes.txt'), 'hello');
    assert.deepEqual((await lintFiles([path.join(dir, 'notes.txt')])).map(formatProblem), [
      `${path.join(dir, 'notes.txt')}:1:1: error: not a runbook file: expected .md, .markdown, .yaml or .yml`,
    ]);
  });

  it('passes YAML options through', async () => {
    const f = path.join(dir, 'sev.yaml');
    await fsp.writeFile(f, 'title: x\nseverity: SEV9\nsteps:\n  - title: y\n    run: echo [id]\n');
    assert.deepEqual((await lintFiles([f], { knownSeverities: ['SEV1'] })).map((p) => [p.line, p.column, p.severity, p.message]), [
      [2, 11, 'warning', 'unknown severity "SEV9"; known: SEV1'],
      [5, 15, 'info', '[id] is asked for before it runs'],
    ]);
  });
});
