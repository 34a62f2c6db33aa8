// Figure 3: what users download. `npm run package` makes the production bundle
// (scripts/build.mjs --production: minified, no source map) and dist/incident-desk.vsix; we report
// both sizes and list what the .vsix holds, read from the zip's central directory.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { absoluteFigure } from './figures';
import type { FigureGroup } from './figures';
import { REPO_ROOT } from './scratch';
import { VSIX_TARGET_BYTES } from './targets';

interface ZipEntry {
  readonly name: string;
  readonly compressed: number;
  readonly size: number;
}

/** The entries of a zip file (enough for a .vsix: no zip64, no multi-disk). */
export function zipEntries(buf: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), compressed, size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function runPackage(): Promise<{ ok: boolean; output: string; ms: number }> {
  const t = performance.now();
  return new Promise((resolve) => {
    execFile('npm', ['run', 'package'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}`.trim(), ms: performance.now() - t });
    });
  });
}

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

export async function benchPackageSize(): Promise<FigureGroup> {
  const bundle = path.join(REPO_ROOT, 'dist', 'extension.js');
  const vsix = path.join(REPO_ROOT, 'dist', 'incident-desk.vsix');
  const notes: string[] = [];
  // A stale .vsix or bundle must not be reported as this build's.
  fs.rmSync(vsix, { force: true });
  const startedAt = Date.now() - 100; // the kernel stamps mtimes from a coarse clock
  const pkg = await runPackage();
  notes.push(pkg.ok ? `npm run package took ${(pkg.ms / 1000).toFixed(1)} s` : `npm run package FAILED:\n${pkg.output.split('\n').slice(-15).map((l) => `    ${l}`).join('\n')}`);

  // The production build runs before vsce: if only vsce failed, the bundle is still this run's.
  const built = fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= startedAt;
  const bundleBytes = built ? fs.statSync(bundle).size : null;
  const vsixBytes = pkg.ok && fs.existsSync(vsix) ? fs.statSync(vsix).size : null;
  if (vsixBytes !== null) {
    const entries = zipEntries(fs.readFileSync(vsix)).sort((a, b) => b.compressed - a.compressed);
    const shown = entries.slice(0, 6).map((e) => `${e.name} ${kib(e.size)} → ${kib(e.compressed)}`);
    notes.push(`.vsix holds ${entries.length} files; largest (unpacked → packed): ${shown.join(', ')}`);
  }
  notes.push('bundle: dist/extension.js from scripts/build.mjs --production; target is absolute (MB = 1,000,000 B); no plain-tool baseline for sizes');
  return {
    title: 'package size',
    figures: [
      absoluteFigure('bundle: dist/extension.js (production)', 'B', bundleBytes, null),
      absoluteFigure('package: dist/incident-desk.vsix', 'B', vsixBytes, VSIX_TARGET_BYTES),
    ],
    notes,
  };
}
