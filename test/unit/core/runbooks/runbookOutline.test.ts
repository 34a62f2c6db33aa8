import * as assert from 'node:assert/strict';
import { promises as fsp, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { outlineRunbookBytes, parseRunbookText } from '../../../../src/core/runbooks/runbookFile';
import { RunbookIndex } from '../../../../src/core/runbooks/runbookIndex';
import { yamlRunbookOutline } from '../../../../src/core/runbooks/yamlRunbook';
import { TempDirs } from '../../support/tempDirs';

const repoRoot = path.resolve(__dirname, '../../../../..');

/** Every runbook-like file we have: shipped runbooks and fixtures (the incident guides in test/fixtures/runbooks/guides among them). */
function corpus(): Array<{ file: string; name: string }> {
  const out: Array<{ file: string; name: string }> = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(md|markdown|ya?ml)$/i.test(e.name)) out.push({ file: full, name: full });
    }
  };
  walk(path.join(repoRoot, 'runbooks'));
  walk(path.join(repoRoot, 'test', 'fixtures'));
  return out;
}

describe('runbook outline (what the index lists before parsing)', () => {
  it('gives the same title and severity as the full parse, for every runbook, fixture and guide', () => {
    const files = corpus();
    assert.ok(files.length >= 30, `only ${files.length} files`);
    let partial = 0;
    for (const { file, name } of files) {
      const bytes = readFileSync(file);
      if (bytes.includes(0)) continue; // binary fixtures are refused before either is reached
      const outline = outlineRunbookBytes(bytes, name);
      const full = parseRunbookText(bytes.toString('utf8'), name);
      assert.equal(outline.title, full.title, name);
      if (outline.partial) {
        partial++;
        assert.deepEqual([outline.sections, outline.diagnostics], [[], []], name);
        if (outline.severity !== undefined) assert.equal(outline.severity, full.severity, name);
      } else {
        assert.deepEqual(outline, full, `${name}: an outline that is not partial is the full parse`);
      }
    }
    assert.ok(partial >= files.length / 2, `most files are listed from their first lines (${partial} of ${files.length})`);
  });

  it('settles a markdown title from the first KiB only when that is safe', () => {
    const body = '\n## Steps\n\n```bash\necho hi\n```\n'.repeat(200);
    // Title in the first line: partial, no sections.
    const quickText = `# Quick 🚨 title (P1)\n${body}`;
    const quick = outlineRunbookBytes(Buffer.from(quickText), 'a.md');
    assert.deepEqual([quick.partial, quick.title, quick.severity, quick.sections.length], [true, parseRunbookText(quickText, 'a.md').title, 'P1', 0]);
    // A `# comment` inside a code block before the real title: not taken for it.
    const fenced = Buffer.from('```bash\n# not a title\necho x\n```\n\n# Real title\n' + body);
    assert.equal(outlineRunbookBytes(fenced, 'b.md').title, 'Real title');
    // The title line crosses the 1 KiB boundary, with multi-byte characters on it.
    const pad = 'Some introduction text.\n'.repeat(42); // 1008 bytes
    const crossing = Buffer.from(`${pad}# Über-long 🚨🚨🚨 title that crosses the boundary\n${body}`);
    assert.ok(Buffer.byteLength(pad) < 1024 && Buffer.byteLength(pad) + 40 > 1024);
    assert.equal(outlineRunbookBytes(crossing, 'c.md').title, 'Über-long 🚨🚨🚨 title that crosses the boundary');
    // Front matter longer than the first KiB, with a `# comment` inside: its title wins.
    const fm = Buffer.from(`---\n# a YAML comment, not a heading\n${'owner: team\n'.repeat(120)}title: From front matter\n---\n# Heading title\n${body}`);
    assert.equal(outlineRunbookBytes(fm, 'd.md').title, 'From front matter');
    // No level-1 heading at all: read whole, complete, titled by the file name.
    const none = outlineRunbookBytes(Buffer.from(`## Only a section\n${body}`), '/x/no-title.md');
    assert.deepEqual([none.partial, none.title, none.sections.length > 0], [undefined, 'no-title', true]);
    // CRLF files.
    assert.equal(outlineRunbookBytes(Buffer.from(`# Windows title\r\n${body.replace(/\n/g, '\r\n')}`), 'e.md').title, 'Windows title');
  });

  it('reads a YAML title from its one line, and leaves anything else to the full parse', () => {
    const steps = 'steps:\n  - title: x\n    run: echo x\n';
    assert.deepEqual(pick(yamlRunbookOutline(`title: "Quoted: with colon" # comment\nseverity: P2\n${steps}`, '/r/q.yaml')), ['Quoted: with colon', 'P2', true]);
    assert.deepEqual(pick(yamlRunbookOutline(`severity: P1\ntitle: 'single ''quoted'''\n${steps}`, '/r/s.yaml')), ["single 'quoted'", 'P1', true]);
    // Block scalar, continued plain scalar, alias: provisional file name; the full parse settles it.
    for (const [text, full] of [
      [`title: |\n  Block title\n${steps}`, 'Block title\n'],
      [`title: first half\n  second half\n${steps}`, 'first half second half'],
      [`name: &n Aliased\ntitle: *n\n${steps}`, 'Aliased'],
    ] as const) {
      const outline = yamlRunbookOutline(text, '/r/provisional.yaml');
      assert.deepEqual(pick(outline), ['provisional', undefined, true], text);
      assert.equal(parseRunbookText(text, '/r/provisional.yaml').title, full, text);
    }
    // An indented `title:` belongs to a step, not to the runbook.
    assert.equal(yamlRunbookOutline(`steps:\n  - title: step title\n    run: echo\n`, '/r/untitled.yaml').title, 'untitled');
  });
});

function pick(r: { title: string; severity?: string; partial?: true }): [string, string | undefined, boolean] {
  return [r.title, r.severity, r.partial === true];
}

describe('RunbookIndex in two steps: catalog, then the parse', () => {
  const temp = new TempDirs();
  let root: string;

  beforeEach(async () => {
    root = await temp.make();
    await fsp.writeFile(path.join(root, 'site-down.md'), '# Site down (P1)\n\n## Check\n\n```bash\ncurl -sI https://example.com\n```\n');
    await fsp.writeFile(path.join(root, 'cache.yaml'), 'title: Cache\nseverity: P3\nservices: [redis]\nsteps:\n  - title: Ping\n    run: redis-cli ping\n');
    await fsp.writeFile(path.join(root, 'bad.yaml'), 'title: Bad\nsteps: [\n');
  });
  afterEach(() => temp.cleanup());

  it('catalog() lists titles only; full() parses one on demand; parseRemaining() the rest', async () => {
    const index = new RunbookIndex();
    const listed = await index.catalog([root]);
    assert.deepEqual(listed.map((r) => [path.basename(r.file), r.title, r.severity, r.partial, r.sections.length, r.diagnostics.length]), [
      ['bad.yaml', 'Bad', undefined, true, 0, 0],
      ['cache.yaml', 'Cache', 'P3', true, 0, 0],
      ['site-down.md', 'Site down (P1)', 'P1', true, 0, 0],
    ]);
    assert.equal(index.hasPartial(), true);
    const site = await index.full(path.join(root, 'site-down.md'));
    assert.deepEqual([site?.partial, site?.sections[0]?.sections[0]?.steps[0]?.commands[0]?.run], [undefined, 'curl -sI https://example.com']);
    assert.equal(index.get(path.join(root, 'site-down.md')), site, 'kept: not parsed twice');
    assert.equal(await index.parseRemaining(), 2);
    assert.equal(index.hasPartial(), false);
    const bad = index.get(path.join(root, 'bad.yaml'));
    assert.ok(bad?.diagnostics.some((d) => d.severity === 'error'), 'the parse brings the diagnostics');
    assert.deepEqual(index.get(path.join(root, 'cache.yaml'))?.services, ['redis']);
  });

  it('parseRemaining() yields to the event loop between slices and stops when cancelled', async () => {
    for (let i = 0; i < 20; i++) await fsp.writeFile(path.join(root, `more-${i}.md`), `# More ${i}\n\n\`\`\`bash\necho ${i}\n\`\`\`\n`);
    const index = new RunbookIndex();
    await index.catalog([root]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      let parsedSoFar = 0;
      const n = await index.parseRemaining({ sliceMs: 0, isCancelled: () => ++parsedSoFar > 10 });
      assert.equal(n, 10, 'stopped when cancelled');
      assert.ok(ticks > 0, 'timers ran between slices');
      assert.equal(index.hasPartial(), true);
      assert.equal(await index.parseRemaining(), 13);
    } finally {
      clearInterval(timer);
    }
  });

  it('a changed file is listed again; update() always returns it parsed', async () => {
    const index = new RunbookIndex();
    await index.indexAll([root]);
    const file = path.join(root, 'cache.yaml');
    await fsp.writeFile(file, 'title: Cache (edited)\nsteps:\n  - title: Ping\n    run: redis-cli ping\n  - title: Info\n    run: redis-cli info\n');
    const relisted = await index.catalog([root]);
    assert.deepEqual(pick(relisted.find((r) => r.file === file)!), ['Cache (edited)', undefined, true]);
    assert.equal((await index.update(file))?.sections[0].steps.length, 2);
  });

  it('refuses a symbolic link named like a runbook, by the open itself', async () => {
    const link = path.join(root, 'link.md');
    await fsp.symlink(path.join(root, 'site-down.md'), link);
    const index = new RunbookIndex();
    assert.equal(await index.update(link), undefined);
    assert.equal(index.get(link), undefined);
  });
});
