import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  FileTooLargeError, UnsafePathError, assertNoSymlink, joinInside, lstatOrUndefined, mkdirDurable, readFileNoFollow, writeFileAtomic,
} from '../../../../src/core/util/fsSafe';
import { TempDirs } from '../../support/tempDirs';

describe('fsSafe', () => {
  const temp = new TempDirs();
  let dir: string;

  before(async () => {
    dir = await temp.make();
  });
  after(() => temp.cleanup());

  describe('joinInside', () => {
    const root = path.resolve('/work/repo/incidents');

    it('joins names inside the root', () => {
      assert.equal(joinInside(root, '2026-11-22-x'), path.join(root, '2026-11-22-x'));
      assert.equal(joinInside(root, '2026-11-22-x', 'incident.yaml'), path.join(root, '2026-11-22-x', 'incident.yaml'));
      assert.equal(joinInside(root, 'a/../b'), path.join(root, 'b'));
      assert.equal(joinInside(root), root);
      assert.equal(joinInside(root, '..notes'), path.join(root, '..notes'), 'a name starting with dots is still inside');
      assert.equal(joinInside(root, '...'), path.join(root, '...'));
    });

    it('refuses anything that escapes, with reason "outside"', () => {
      for (const parts of [['..'], ['../settings.json'], ['../../.vscode/settings'], ['a/../../b'], ['/etc/passwd'], ['x', '..', '..', 'y'], ['../incidents-evil']]) {
        assert.throws(() => joinInside(root, ...parts), (e: unknown) => UnsafePathError.is(e, 'outside') && !UnsafePathError.is(e, 'symlink'), parts.join(' '));
      }
    });
  });

  describe('assertNoSymlink and lstatOrUndefined', () => {
    it('is false for a missing path, true for a real folder or file', async () => {
      assert.equal(await assertNoSymlink(path.join(dir, 'missing'), 'dir'), false);
      assert.equal(await lstatOrUndefined(path.join(dir, 'missing')), undefined);
      await fsp.mkdir(path.join(dir, 'real'));
      await fsp.writeFile(path.join(dir, 'file.txt'), 'x');
      assert.equal(await assertNoSymlink(path.join(dir, 'real'), 'dir'), true);
      assert.equal(await assertNoSymlink(path.join(dir, 'file.txt'), 'file'), true);
    });

    it('refuses a link (even to a real folder) and a file where a folder is expected', async () => {
      await fsp.symlink(path.join(dir, 'real'), path.join(dir, 'link'));
      await assert.rejects(assertNoSymlink(path.join(dir, 'link'), 'dir'), (e: unknown) => UnsafePathError.is(e, 'symlink'));
      await assert.rejects(assertNoSymlink(path.join(dir, 'file.txt'), 'dir'), (e: unknown) => UnsafePathError.is(e, 'notDirectory'));
    });
  });

  describe('writeFileAtomic', () => {
    it('creates and replaces the whole file, leaving no temp file behind', async () => {
      const file = path.join(dir, 'atomic.yaml');
      await writeFileAtomic(file, 'first\n');
      await writeFileAtomic(file, 'second, longer content ✓\n');
      assert.equal(await fsp.readFile(file, 'utf8'), 'second, longer content ✓\n');
      await writeFileAtomic(file, '');
      assert.equal(await fsp.readFile(file, 'utf8'), '');
      const leftovers = (await fsp.readdir(dir)).filter((n) => n.endsWith('.tmp'));
      assert.deepEqual(leftovers, []);
    });

    it('replaces a symbolic link instead of writing through it', async () => {
      const target = path.join(dir, 'outside-target.txt');
      await fsp.writeFile(target, 'must not change');
      const link = path.join(dir, 'linked.yaml');
      await fsp.symlink(target, link);
      await writeFileAtomic(link, 'new');
      assert.equal(await fsp.readFile(target, 'utf8'), 'must not change');
      assert.ok(!(await fsp.lstat(link)).isSymbolicLink());
      assert.equal(await fsp.readFile(link, 'utf8'), 'new');
    });

    it('lets a last-moment check veto the replacement, leaving the file and no temp file', async () => {
      const file = path.join(dir, 'vetoed.yaml');
      await fsp.writeFile(file, 'theirs');
      let checkedWithTempWritten = false;
      const veto = async () => {
        checkedWithTempWritten = (await fsp.readdir(dir)).some((n) => n.startsWith('.vetoed.yaml.') && n.endsWith('.tmp'));
        return false;
      };
      assert.equal(await writeFileAtomic(file, 'ours', veto), false);
      assert.ok(checkedWithTempWritten, 'the check runs after the temp file is written, right before the rename');
      assert.equal(await fsp.readFile(file, 'utf8'), 'theirs');
      assert.deepEqual((await fsp.readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
      assert.equal(await writeFileAtomic(file, 'ours', async () => true), true);
      assert.equal(await fsp.readFile(file, 'utf8'), 'ours');
    });

    it('fails cleanly when the folder is missing', async () => {
      await assert.rejects(writeFileAtomic(path.join(dir, 'nope', 'x.yaml'), 'x'), { code: 'ENOENT' });
    });
  });

  describe('mkdirDurable', () => {
    it('creates once; exists is fine unless exclusive', async () => {
      const d = path.join(dir, 'made');
      assert.equal(await mkdirDurable(d), true);
      assert.equal(await mkdirDurable(d), false);
      await assert.rejects(mkdirDurable(d, true), { code: 'EEXIST' });
      assert.ok((await fsp.stat(d)).isDirectory());
    });
  });

  describe('readFileNoFollow', () => {
    it('reads a file, and gives undefined for a missing one', async () => {
      const file = path.join(dir, 'read.txt');
      await fsp.writeFile(file, 'hello ✓');
      assert.equal((await readFileNoFollow(file, 1024))?.toString('utf8'), 'hello ✓');
      assert.equal(await readFileNoFollow(path.join(dir, 'missing.txt'), 1024), undefined);
    });

    it('refuses a symbolic link', async () => {
      const link = path.join(dir, 'read-link.txt');
      await fsp.symlink(path.join(dir, 'read.txt'), link);
      await assert.rejects(readFileNoFollow(link, 1024), (e: unknown) => UnsafePathError.is(e, 'symlink') && e.target === link);
    });

    it('refuses a file over the limit, saying how big it is', async () => {
      const file = path.join(dir, 'big.txt');
      await fsp.writeFile(file, Buffer.alloc(4097, 0x61));
      assert.equal((await readFileNoFollow(file, 4097))?.length, 4097, 'exactly at the limit is fine');
      await assert.rejects(readFileNoFollow(file, 4096), (e: unknown) => e instanceof FileTooLargeError && e.size === 4097 && e.maxBytes === 4096 && /5 KiB, over the 4 KiB limit/.test(e.message));
    });
  });
});
