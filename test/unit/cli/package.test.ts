// The CLI as its own package (packages/cli): `npm pack` builds it, the tarball installs offline into
// an empty folder, and its `incident-desk` bin runs with Node 20 alone (nothing else on PATH, an
// empty home, no npm configuration) in a fresh git repository of a team's own: not this one.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TempDirs } from '../support/tempDirs';

const REPO = path.resolve(__dirname, '../../../..');
const PACKAGE = path.join(REPO, 'packages', 'cli');
const TEAM_REPO = path.join(REPO, 'test', 'fixtures', 'team-repo');
const exec = promisify(execFile);

interface Run { code: number; stdout: string; stderr: string }

/** Runs a command; a non-zero exit is a result, not an error. */
async function run(file: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, [...args], { ...opts, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** This process's environment without npm's configuration (npm run passes it down as npm_config_*). */
function withoutNpmConfig(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !/^XDG_/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

describe('the CLI package (packages/cli): npm pack, install offline, run with Node alone', function () {
  this.timeout(180_000);
  const temp = new TempDirs();
  let tarball: string;
  let bin: string;
  let team: string;
  /** Where the bin runs: only `node` on PATH, an empty home. */
  let bare: NodeJS.ProcessEnv;

  before(async () => {
    const work = await temp.make('incident-desk-cli-package-');
    const home = path.join(work, 'home');
    fs.mkdirSync(home);
    const npmEnv = withoutNpmConfig({ HOME: home, npm_config_cache: path.join(work, 'npm-cache'), npm_config_update_notifier: 'false' });
    // prepack builds dist/ from src/cli/ (esbuild from this repository's dev dependencies).
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: PACKAGE, env: npmEnv });
    assert.equal(packed.code, 0, `npm pack failed:\n${packed.stderr}`);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info.filename);
    assert.deepEqual(info.files.map((f) => f.path).sort(), ['LICENSE', 'README.md', 'dist/THIRD-PARTY-NOTICES.txt', 'dist/incident-desk.js', 'package.json']);

    const tools = path.join(work, 'tools');
    fs.mkdirSync(tools);
    // A package.json of its own: without one npm installs into the nearest folder above that has one.
    fs.writeFileSync(path.join(tools, 'package.json'), '{ "private": true }\n');
    const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: tools, env: npmEnv });
    assert.equal(installed.code, 0, `npm install of the tarball failed:\n${installed.stderr}`);
    // Nothing but the package itself was installed: it has no dependencies.
    assert.deepEqual(fs.readdirSync(path.join(tools, 'node_modules')).filter((f) => !f.startsWith('.')), ['@incident-desk']);
    bin = path.join(tools, 'node_modules', '.bin', 'incident-desk');

    // A team's repository: a fresh git repository with their incidents, runbooks and settings.
    team = path.join(work, 'checkout-service');
    fs.cpSync(TEAM_REPO, team, { recursive: true });
    const git = (...args: string[]) => exec('git', ['-c', 'user.name=Dana', '-c', 'user.email=dana@example.invalid', ...args], { cwd: team, env: npmEnv });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'incidents, runbooks and settings');

    // Node and nothing else: the shebang's `env node` finds it here; no git, no npm, no VS Code.
    const nodeOnly = path.join(work, 'node-only');
    fs.mkdirSync(nodeOnly);
    fs.symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
    const emptyHome = path.join(work, 'empty-home');
    fs.mkdirSync(emptyHome);
    bare = { PATH: nodeOnly, HOME: emptyHome };
  });
  after(() => temp.cleanup());

  it('is public, built for Node >= 20, with no dependencies, and released with the extension (same version)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as Record<string, unknown>;
    const root = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(pkg.private, undefined);
    assert.equal(root.private, true, 'the extension package stays private');
    assert.deepEqual(pkg.bin, { 'incident-desk': 'dist/incident-desk.js' });
    assert.deepEqual(pkg.engines, { node: '>=20' });
    for (const key of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']) assert.equal(pkg[key], undefined, key);
    assert.equal(pkg.version, root.version);
  });

  it('bundles everything: the bin requires only Node built-ins (and ssh2\'s optional native parts, which it does without)', () => {
    const source = fs.readFileSync(path.join(path.dirname(bin), '..', '@incident-desk', 'cli', 'dist', 'incident-desk.js'), 'utf8');
    assert.ok(source.startsWith('#!/usr/bin/env node\n'));
    const required = new Set([...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!));
    const builtins = new Set(builtinModules);
    const outside = [...required].filter((m) => !m.startsWith('node:') && !builtins.has(m)).sort();
    assert.deepEqual(outside, ['./crypto/build/Release/sshcrypto.node', 'cpu-features']);
  });

  it('--version and --help', async () => {
    const version = await run(bin, ['--version'], { cwd: team, env: bare });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')).version);
    const help = await run(bin, ['--help'], { cwd: team, env: bare });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /incident-desk lint/);
  });

  it('lint: the team\'s runbooks, file:line:col: severity: message; exit 1 once one is broken', async () => {
    const ok = await run(bin, ['lint', '--quiet', 'runbooks'], { cwd: team, env: bare });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stderr.trim(), '1 runbook file(s): 0 error(s), 0 warning(s), 1 info');
    fs.writeFileSync(path.join(team, 'runbooks', 'broken.yaml'), 'title: Broken\nsteps: []\ntitle: again\n');
    const broken = await run(bin, ['lint', 'runbooks'], { cwd: team, env: bare });
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^runbooks\/broken\.yaml:3:1: error: duplicate key "title"$/m);
    fs.rmSync(path.join(team, 'runbooks', 'broken.yaml'));
  });

  it('runbook: the outline of a team\'s runbook', async () => {
    const r = await run(bin, ['runbook', 'runbooks/checkout-502.md'], { cwd: team, env: bare });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {4}§ SEV1: payments failing \[SEV1\] {2}:3$/m);
    assert.match(r.stdout, /^ {6}- Restart the checkout service {2}:9\n {10}\$ systemctl restart checkout$/m);
  });

  it('check: passes on the team\'s repository, read with its own severity scale (SEV1-SEV3) from .vscode/settings.json', async () => {
    const r = await run(bin, ['check'], { cwd: team, env: bare });
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim(), '1 incident(s), 1 post-mortem(s): no problems');
    assert.equal(r.code, 0);
  });

  it('check: a pull request bringing a SEV2 without its post-mortem (due after the team\'s 72h) and an action item without an owner fails, file:line:col', async () => {
    const id = '2026-11-25-search-slow';
    const dir = path.join(team, 'incidents', id);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'incident.yaml'), [
      'version: 1', `id: ${id}`, 'title: Search is slow', 'severity: SEV2', 'status: resolved', 'service: search', 'roles: {}',
      'declaredAt: 2026-11-25T08:00:00.000Z', 'declaredBy: Sam', 'acknowledgedAt: 2026-11-25T08:10:00.000Z',
      'mitigatedAt: 2026-11-25T09:00:00.000Z', 'resolvedAt: 2026-11-25T10:00:00.000Z', 'escalationsReached: []', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'timeline.jsonl'), '');
    const pm = path.join(team, 'incidents', '2026-11-20-checkout-502.md');
    const original = fs.readFileSync(pm, 'utf8');
    fs.appendFileSync(pm, '- [ ] Load-test the new pin (due: 2026-12-20)\n');
    try {
      const r = await run(bin, ['check'], { cwd: team, env: bare });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 2, r.stdout);
      assert.match(lines[0], /^incidents\/2026-11-25-search-slow\/incident\.yaml:12:1: SEV2 incident resolved 2026-11-25T10:00:00\.000Z has no post-mortem incidents\/2026-11-25-search-slow\.md: it was due 72h after resolution/);
      assert.match(lines[1], /^incidents\/2026-11-20-checkout-502\.md:22:\d+: action item has no owner/);
    } finally {
      fs.rmSync(dir, { recursive: true });
      fs.writeFileSync(pm, original);
    }
  });
});
