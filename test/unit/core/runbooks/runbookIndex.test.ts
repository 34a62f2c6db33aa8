import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RunbookIndex, findRunbookFiles, runbookFolderGlob } from '../../../../src/core/runbooks/runbookIndex';
import { TempDirs } from '../../support/tempDirs';

describe('RunbookIndex', () => {
  const temp = new TempDirs();
  let root: string;
  let a: string;
  let b: string;

  beforeEach(async () => {
    root = await temp.make();
    a = path.join(root, 'runbooks');
    b = path.join(root, 'docs', 'runbooks');
    await fsp.mkdir(path.join(a, 'db'), { recursive: true });
    await fsp.mkdir(b, { recursive: true });
    await fsp.writeFile(path.join(a, 'site-down.md'), '# Site down\n\n```bash\ncurl -sI https://example.com\n```\n');
    await fsp.writeFile(path.join(a, 'db', 'connections.yaml'), 'title: DB connections\nsteps:\n  - title: Count\n    run: psql -c "select 1"\n');
    await fsp.writeFile(path.join(a, 'notes.txt'), 'not a runbook');
    await fsp.mkdir(path.join(a, 'node_modules', 'pkg'), { recursive: true });
    await fsp.writeFile(path.join(a, 'node_modules', 'pkg', 'README.md'), '# Not ours\n');
    await fsp.mkdir(path.join(a, '.git'));
    await fsp.writeFile(path.join(a, '.git', 'HEAD.md'), '# Hidden\n');
    await fsp.writeFile(path.join(a, '.draft.md'), '# Hidden draft\n');
    await fsp.writeFile(path.join(b, 'cache.yml'), 'title: Cache\nsteps: []\n');
    await fsp.writeFile(path.join(b, 'blob.md'), Buffer.from([1, 2, 0, 3]));
    await fsp.symlink(path.join(a, 'site-down.md'), path.join(b, 'linked.md'));
    await fsp.symlink(a, path.join(b, 'linked-folder'));
  });
  afterEach(() => temp.cleanup());

  it('finds runbook files recursively, skipping node_modules, dot names and links', async () => {
    assert.deepEqual((await findRunbookFiles([a, b, path.join(root, 'missing')])).map((f) => path.relative(root, f)), [
      'docs/runbooks/blob.md', 'docs/runbooks/cache.yml', 'runbooks/db/connections.yaml', 'runbooks/site-down.md',
    ]);
  });

  it('indexes everything, keeping an unreadable file as an error', async () => {
    const index = new RunbookIndex({ concurrency: 2 });
    const all = await index.indexAll([a, b]);
    assert.deepEqual(all.map((r) => [path.relative(root, r.file), r.format, r.title, r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)]), [
      ['docs/runbooks/blob.md', 'markdown', 'blob', ['looks binary (it contains NUL bytes); a runbook is UTF-8 text, so it is not read']],
      ['docs/runbooks/cache.yml', 'yaml', 'Cache', []],
      ['runbooks/db/connections.yaml', 'yaml', 'DB connections', []],
      ['runbooks/site-down.md', 'markdown', 'Site down', []],
    ]);
    assert.deepEqual(index.all(), all);
  });

  it('re-reads only what changed (by mtime and size), and forgets what is gone', async () => {
    const index = new RunbookIndex();
    const first = await index.indexAll([a, b]);
    const yamlFile = path.join(a, 'db', 'connections.yaml');
    const before = index.get(yamlFile);
    await fsp.writeFile(yamlFile, 'title: DB connections (edited)\nsteps: []\n');
    const second = await index.indexAll([a, b]);
    assert.equal(index.get(yamlFile)?.title, 'DB connections (edited)');
    assert.notEqual(index.get(yamlFile), before);
    // The unchanged ones are the very same objects: not parsed again.
    for (const f of ['site-down.md', path.join('..', 'docs', 'runbooks', 'cache.yml')]) {
      const file = path.resolve(a, f);
      assert.equal(second.find((r) => r.file === file), first.find((r) => r.file === file), f);
    }
    await fsp.rm(path.join(b, 'cache.yml'));
    assert.equal((await index.indexAll([a, b])).length, 3);
    assert.equal(index.get(path.join(b, 'cache.yml')), undefined);
  });

  it('update() parses one file; remove() and a deleted file drop it', async () => {
    const index = new RunbookIndex();
    await index.indexAll([a]);
    const added = path.join(a, 'new.yaml');
    await fsp.writeFile(added, 'title: New\nsteps: []\n');
    assert.equal((await index.update(added))?.title, 'New');
    assert.equal(index.all().length, 3);
    const same = await index.update(added);
    assert.equal(same, index.get(added), 'unchanged: cached');
    await fsp.rm(added);
    assert.equal(await index.update(added), undefined);
    assert.equal(index.all().length, 2);
    assert.equal(index.remove(path.join(a, 'site-down.md')), true);
    assert.equal(index.remove(path.join(a, 'site-down.md')), false);
    assert.deepEqual(index.all().map((r) => r.title), ['DB connections']);
    assert.equal(await index.update(path.join(a, 'notes.txt')), undefined, 'not a runbook');
    assert.equal(await index.update(path.join(b, 'linked.md')), undefined, 'a link is not followed');
  });
});

describe('runbookFolderGlob', () => {
  it('watches a runbook folder, its parents (made or moved in whole) and everything under it', () => {
    assert.equal(runbookFolderGlob('runbooks'), '{runbooks,runbooks/**}');
    assert.equal(runbookFolderGlob('docs/runbooks'), '{docs,docs/runbooks,docs/runbooks/**}');
    assert.equal(runbookFolderGlob('ops/run{books}'), '{ops,ops/run[{]books[}],ops/run[{]books[}]/**}', 'glob characters in a name are literal');
  });
});
