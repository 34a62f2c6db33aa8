// Builds the `incident-desk` bin of this package: one esbuild bundle of the repository's src/cli/
// (the same sources as the extension's dist/cli.js), so the package has no dependencies at all and
// runs with Node 20 alone. The bundled libraries' licence texts go beside it, as their licences ask.
//   node packages/cli/build.mjs        (also run by `npm pack` here, as prepack)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const outfile = path.join(here, 'dist', 'incident-desk.js');

fs.rmSync(path.join(here, 'dist'), { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: [path.join(repo, 'src', 'cli', 'main.ts')],
  outfile,
  // Inputs in the metafile are relative to this.
  absWorkingDir: repo,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  // `run --host` uses ssh2: its optional native parts stay out (it falls back to pure JavaScript).
  external: ['cpu-features', '*.node'],
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  // Smaller to install; identifiers kept so a crash's stack still names the function.
  minifyWhitespace: true,
  minifySyntax: true,
});
fs.chmodSync(outfile, 0o755);

// Every package the bundle took code from, with its licence text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && !packages.has(m[1])) packages.set(m[1], path.resolve(repo, input.slice(0, m.index + m[0].length)));
}
const notices = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${pkg.license ?? 'see the package'}`;
  return `${name}@${pkg.version}\n${'-'.repeat(name.length + pkg.version.length + 1)}\n${text}\n`;
});
fs.writeFileSync(path.join(here, 'dist', 'THIRD-PARTY-NOTICES.txt'), `The incident-desk bin bundles these packages:\n\n${notices.join('\n')}`);
// stderr: `npm pack --json` prints its JSON on stdout after this.
process.stderr.write(`[build] ${path.relative(repo, outfile)} ${(fs.statSync(outfile).size / 1024).toFixed(1)} KiB, ${packages.size} bundled package(s)` + "\n");
