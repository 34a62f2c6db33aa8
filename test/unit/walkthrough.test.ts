// The Getting Started walkthrough as package.json declares it: every step's images exist (they are
// made by the e2e run, test/e2e/walkthrough.e2e.ts, and committed), are small PNGs, and are packaged
// (vsce's own file list, which applies .vscodeignore); every step completes on a context key the
// extension sets; every button runs a command the extension contributes. The size of the real
// .vsix (≤ 1.5 MB) is checked on the packaged file by the e2e suite, which installs it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackageManager, listFiles } from '@vscode/vsce';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Per image: ten of them stay well inside the .vsix budget beside the bundle. */
const MAX_IMAGE_BYTES = 120_000;

interface Step {
  id: string;
  title: string;
  description: string;
  media: { image?: Record<string, string>; altText?: string };
  completionEvents?: string[];
}
interface Manifest {
  contributes: {
    walkthroughs?: Array<{ id: string; title: string; steps: Step[] }>;
    commands: Array<{ command: string }>;
    views: Record<string, Array<{ id: string }>>;
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const walkthroughs = manifest.contributes.walkthroughs ?? [];
const steps = walkthroughs.flatMap((w) => w.steps);

/** The steps, never vacuously none: a check over zero steps would pass on a package without a walkthrough. */
function everyStep(): Step[] {
  assert.ok(steps.length > 0, 'package.json contributes no walkthrough steps');
  return steps;
}

function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

describe('walkthrough (package.json)', () => {
  it('declares the first-run walkthrough with its five steps', () => {
    assert.deepEqual(walkthroughs.map((w) => w.id), ['firstRun']);
    assert.deepEqual(steps.map((s) => s.id), ['declare', 'runbooks', 'host', 'logs', 'resolve']);
  });

  it('gives every step a light, a dark and both high-contrast images, with alt text, that exist and are small PNGs', () => {
    for (const step of everyStep()) {
      const image = step.media.image;
      assert.ok(image && typeof image === 'object', `${step.id}: no image media`);
      assert.deepEqual(Object.keys(image).sort(), ['dark', 'hc', 'hcLight', 'light'], step.id);
      assert.ok((step.media.altText ?? '').length > 20, `${step.id}: alt text`);
      for (const [variant, rel] of Object.entries(image)) {
        assert.match(rel, /^media\/walkthrough\/[a-z-]+\.png$/, `${step.id}.${variant}`);
        const file = path.join(ROOT, rel);
        assert.ok(fs.existsSync(file), `${rel} is missing: run the e2e suite (test/e2e/walkthrough.e2e.ts) and commit media/walkthrough/`);
        const bytes = fs.readFileSync(file);
        assert.ok(bytes.subarray(0, 8).equals(PNG), `${rel} is not a PNG`);
        assert.ok(bytes.length <= MAX_IMAGE_BYTES, `${rel} is ${bytes.length} B (≤ ${MAX_IMAGE_BYTES})`);
      }
    }
  });

  it('packages every step image (.vscodeignore lets media/ in)', async function () {
    this.timeout(60_000);
    const packaged = new Set((await listFiles({ cwd: ROOT, packageManager: PackageManager.None })).map((f) => f.split(path.sep).join('/')));
    for (const step of everyStep()) {
      for (const rel of Object.values(step.media.image ?? {})) assert.ok(packaged.has(rel), `${rel} is not in the .vsix`);
    }
  });

  it('completes every step on a context key that the extension sets (never on a command that could be cancelled)', () => {
    const src = sourceFiles(path.join(ROOT, 'src')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const step of everyStep()) {
      const events = step.completionEvents ?? [];
      assert.equal(events.length, 1, `${step.id}: ${JSON.stringify(events)}`);
      const m = /^onContext:([A-Za-z.]+)$/.exec(events[0]!);
      assert.ok(m, `${step.id}: ${events[0]} is not a plain onContext key`);
      const key = m[1]!;
      const set = src.includes(`'setContext', '${key}'`) || new RegExp(`: '${key.replace(/\./g, '\\.')}',`).test(src);
      assert.ok(set, `${step.id}: nothing in src/ sets the context key ${key}`);
    }
  });

  it('links every button to a command the extension contributes, or a view of its own', () => {
    const commands = new Set(manifest.contributes.commands.map((c) => c.command));
    const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => `${v.id}.focus`));
    for (const step of everyStep()) {
      const links = [...step.description.matchAll(/\]\(command:([A-Za-z.]+)[^)]*\)/g)].map((m) => m[1]!);
      assert.ok(links.length > 0, `${step.id}: no button`);
      for (const id of links) assert.ok(commands.has(id) || views.has(id), `${step.id}: ${id} is not contributed`);
    }
  });
});
