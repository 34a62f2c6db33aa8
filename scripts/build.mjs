// Bundles the extension with esbuild (cjs, vscode external). Type checking is tsc --noEmit's job.
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';

/**
 * Every `import * as vscode from 'vscode'` makes esbuild copy the whole API object into a fresh
 * namespace at load time (23 copies of ~300 properties, 14-30 ms measured in the host). Routing
 * them through one ESM facade makes that one copy.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' });
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { extension: 'src/extension.ts' },
  // src/remote/loadRemote.ts requires this at first use: the remote bundle below stays separate.
  define: { INCIDENT_DESK_REMOTE_MODULE: '"./remote.js"' },
  bundle: true,
  outdir: 'dist',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  plugins: [vscodeOnce],
  sourcemap: production ? false : 'linked',
  minify: production,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * The command-line entry (`bin` in package.json): its own build so only it gets the shebang, and no
 * vscode plugin (it never imports vscode).
 * @type {import('esbuild').BuildOptions}
 */
const cliOptions = {
  ...options,
  entryPoints: { cli: 'src/cli/main.ts' },
  plugins: [],
  banner: { js: '#!/usr/bin/env node' },
  // `run --host` uses ssh2: its optional native parts stay out, as in the remote bundle below.
  external: ['cpu-features', '*.node'],
};

/**
 * dockerode's BuildKit session (./session) pulls in gRPC and protobufjs (~1 MB); Incident Desk never
 * builds images, so it is replaced by a stub that refuses.
 */
const noBuildKit = {
  name: 'no-buildkit',
  setup(build) {
    build.onResolve({ filter: /^\.\/session$/ }, (args) => (args.importer.includes('node_modules/dockerode/') ? { path: 'session', namespace: 'no-buildkit' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'no-buildkit' }, () => ({ contents: "module.exports = function () { throw new Error('BuildKit sessions are not supported by Incident Desk'); };", loader: 'js' }));
  },
};

/**
 * The remote-operations bundle (ssh2, dockerode, ssh-config and our adapters), loaded on first use.
 * ssh2's optional native parts (cpu-features, its sshcrypto binding) stay external: it falls back to
 * pure JavaScript when they are absent, as they are in the .vsix.
 * @type {import('esbuild').BuildOptions}
 */
const remoteOptions = {
  ...options,
  entryPoints: { remote: 'src/remote/remoteModule.ts' },
  define: {},
  plugins: [noBuildKit],
  external: ['vscode', 'cpu-features', '*.node'],
};

/**
 * The webview apps: every `webview-ui/<name>/main.ts` becomes `dist/webview/<name>.js`, an ES
 * module for the browser (Lit, @vscode-elements/elements) loaded by the panel's page only when a
 * panel opens; the extension bundle never requires it.
 * @type {import('esbuild').BuildOptions}
 */
const webviewOptions = {
  entryPoints: Object.fromEntries(fs.readdirSync('webview-ui', { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(`webview-ui/${d.name}/main.ts`))
    .map((d) => [d.name, `webview-ui/${d.name}/main.ts`])),
  tsconfig: 'webview-ui/tsconfig.json',
  bundle: true,
  outdir: 'dist/webview',
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  sourcemap: production ? false : 'linked',
  minify: production,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [options, cliOptions, remoteOptions, webviewOptions];

if (watch) {
  for (const o of builds) await (await esbuild.context(o)).watch();
  console.log('[build] watching');
} else {
  fs.rmSync('dist/webview', { recursive: true, force: true });
  for (const o of builds) {
    const result = await esbuild.build(o);
    const out = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
    for (const [file, info] of out) console.log(`[build] ${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
  }
  fs.chmodSync('dist/cli.js', 0o755);
}
