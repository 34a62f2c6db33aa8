// runbookFile: the caps and refusals every reader (index, lint, CLI) goes through.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { MAX_RUNBOOK_BYTES } from '../../../../src/core/runbooks/limits';
import { RunbookFileError, readRunbookFile, runbookFormat, unreadableRunbook } from '../../../../src/core/runbooks/runbookFile';
import { TempDirs } from '../../support/tempDirs';

describe('readRunbookFile', () => {
  const temp = new TempDirs();
  let dir: string;
  before(async () => {
    dir = await temp.make();
  });
  after(() => temp.cleanup());

  it('picks the parser by extension, case-insensitively', async () => {
    assert.deepEqual(['a.md', 'a.MARKDOWN', 'a.yaml', 'a.YML', 'a.txt', 'yaml', 'a.md.bak'].map(runbookFormat), ['markdown', 'markdown', 'yaml', 'yaml', undefined, undefined, undefined]);
    const y = path.join(dir, 'site-down.yml');
    await fsp.writeFile(y, 'title: Site down\nsteps:\n  - title: Check\n    run: uptime\n');
    const rb = await readRunbookFile(y);
    assert.equal(rb.format, 'yaml');
    assert.equal(rb.title, 'Site down');
    const m = path.join(dir, 'site-down.md');
    await fsp.writeFile(m, '# Site down\n\n```bash\nuptime\n```\n');
    assert.equal((await readRunbookFile(m)).format, 'markdown');
  });

  it('passes options to the YAML parser', async () => {
    const y = path.join(dir, 'sev.yaml');
    await fsp.writeFile(y, 'title: x\nseverity: P7\nsteps: []\n');
    assert.deepEqual((await readRunbookFile(y, { knownSeverities: ['P1'] })).diagnostics.map((d) => d.message), ['unknown severity "P7"; known: P1']);
  });

  it('strips a BOM before either parser sees it', async () => {
    const m = path.join(dir, 'bom.md');
    await fsp.writeFile(m, '\uFEFF# Title with BOM\n');
    assert.equal((await readRunbookFile(m)).title, 'Title with BOM');
    const y = path.join(dir, 'bom.yaml');
    await fsp.writeFile(y, '\uFEFFtitle: BOM\nsteps: []\n');
    const rb = await readRunbookFile(y);
    assert.equal(rb.title, 'BOM');
    assert.deepEqual(rb.diagnostics, []);
  });

  it('refuses a 5 MB file over the cap without parsing it', async () => {
    const big = path.join(dir, 'big.yaml');
    await fsp.writeFile(big, 'title: big\nsteps: []\n' + '# padding\n'.repeat(500_000));
    assert.ok(MAX_RUNBOOK_BYTES < 5_000_000);
    await assert.rejects(readRunbookFile(big), (e: unknown) => RunbookFileError.is(e, 'tooLarge') && e.message === '4.8 MiB, over the 2.0 MiB limit for a runbook, so it is not read');
    const bigMd = path.join(dir, 'big.md');
    await fsp.writeFile(bigMd, Buffer.alloc(5 * 1024 * 1024, 'a'));
    await assert.rejects(readRunbookFile(bigMd), (e: unknown) => RunbookFileError.is(e, 'tooLarge'));
    // Exactly at the cap is fine.
    const atCap = path.join(dir, 'at-cap.md');
    await fsp.writeFile(atCap, '# t\n' + 'a'.repeat(MAX_RUNBOOK_BYTES - 4));
    assert.equal((await readRunbookFile(atCap)).title, 't');
  });

  it('refuses a binary file named .md or .yaml', async () => {
    for (const name of ['image.md', 'blob.yaml']) {
      const f = path.join(dir, name);
      await fsp.writeFile(f, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
      await assert.rejects(readRunbookFile(f), (e: unknown) => RunbookFileError.is(e, 'binary') && e.message === 'looks binary (it contains NUL bytes); a runbook is UTF-8 text, so it is not read');
    }
    const utf16 = path.join(dir, 'utf16.md');
    await fsp.writeFile(utf16, Buffer.from('\uFEFF# Title', 'utf16le'));
    await assert.rejects(readRunbookFile(utf16), (e: unknown) => RunbookFileError.is(e, 'binary'));
  });

  it('refuses other extensions and folders', async () => {
    await assert.rejects(readRunbookFile(path.join(dir, 'notes.txt')), (e: unknown) => RunbookFileError.is(e, 'unsupported'));
    const folder = path.join(dir, 'folder.md');
    await fsp.mkdir(folder);
    await assert.rejects(readRunbookFile(folder), (e: unknown) => RunbookFileError.is(e, 'notFile') || (e as NodeJS.ErrnoException).code === 'EISDIR');
  });

  it('unreadableRunbook keeps a refused file as one error at 1:1', () => {
    const rb = unreadableRunbook('/x/runbooks/blob.yaml', new RunbookFileError('binary', '/x/runbooks/blob.yaml', 'looks binary'));
    assert.deepEqual(rb, { file: '/x/runbooks/blob.yaml', format: 'yaml', title: 'blob', services: [], symptoms: [], sections: [], diagnostics: [{ severity: 'error', message: 'looks binary', line: 1, column: 1 }] });
    const enoent = Object.assign(new Error('nope'), { code: 'EACCES' });
    assert.equal(unreadableRunbook('a.md', enoent).diagnostics[0].message, 'cannot be read: EACCES');
  });
});
