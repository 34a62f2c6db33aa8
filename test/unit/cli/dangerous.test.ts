// Dangerous commands through the built CLI: marked in `runbook --json`, listed by lint, and `run`
// refusing them without --allow-dangerous (real bash; the canary the step would delete survives).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, requireFreshBuild, runCli } from './cliHarness';
import { TempDirs } from '../support/tempDirs';

const GUIDE = path.join(REPO, 'test', 'fixtures', 'runbooks', 'dangerous', 'guide.md');
const CACHE = path.join(REPO, 'test', 'fixtures', 'runbooks', 'dangerous', 'cache.yaml');

interface JsonCommand { run: string; destructive?: string }
interface JsonSection { steps: Array<{ title: string; commands: JsonCommand[] }>; sections: JsonSection[] }

function destructiveOf(json: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (s: JsonSection): void => {
    for (const step of s.steps) for (const c of step.commands) if (c.destructive !== undefined) out.push([c.run, c.destructive]);
    s.sections.forEach(visit);
  };
  (JSON.parse(json) as { sections: JsonSection[] }).sections.forEach(visit);
  return out;
}

describe('incident-desk and dangerous commands (built CLI)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let dir: string;
  before(() => requireFreshBuild());
  beforeEach(async () => {
    dir = await temp.make('idk-danger-');
  });
  after(() => temp.cleanup());

  it('runbook --json: "destructive" on each dangerous command, markdown and YAML', async () => {
    const md = await runCli(['runbook', GUIDE, '--json'], { cwd: dir });
    assert.equal(md.code, 0, md.stderr);
    assert.deepEqual(destructiveOf(md.stdout.toString()), [
      ['git push --force origin hotfix/checkout', 'git push --force rewrites origin/hotfix/checkout on the remote'],
      ['pg_restore --clean --dbname "$DATABASE_URL" "[dump]"', 'pg_restore --clean drops the database objects before restoring over them'],
      ['DELETE FROM sessions;', 'DELETE without WHERE deletes every row'],
    ]);
    const yaml = await runCli(['runbook', CACHE, '--json'], { cwd: dir });
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.deepEqual(destructiveOf(yaml.stdout.toString()), [
      ['redis-cli FLUSHALL', 'FLUSHALL/FLUSHDB deletes every key'],
      ['pkill -f worker', 'pkill kills processes by name'],
    ]);
  });

  it('lint lists them as warnings, "dangerous: <reason>", at their lines', async () => {
    const r = await runCli(['lint', GUIDE, CACHE], { cwd: dir });
    assert.equal(r.code, 0, 'warnings alone do not fail lint');
    const dangerous = r.stdout.toString().split('\n').filter((l) => l.includes(': dangerous: '));
    assert.deepEqual(dangerous, [
      `${CACHE}:7:1: warning: dangerous: FLUSHALL/FLUSHDB deletes every key`,
      `${CACHE}:9:1: warning: dangerous: pkill kills processes by name`,
      `${GUIDE}:13:1: warning: dangerous: git push --force rewrites origin/hotfix/checkout on the remote`,
      `${GUIDE}:18:1: warning: dangerous: pg_restore --clean drops the database objects before restoring over them`,
      `${GUIDE}:26:1: warning: dangerous: DELETE without WHERE deletes every row`,
    ]);
  });

  it('run: a restore over the database is refused without --allow-dangerous, even with --yes; nothing of the step runs', async () => {
    const canary = path.join(dir, 'canary');
    fs.writeFileSync(canary, 'still here');
    const args = ['run', GUIDE, 'Restore last night\'s dump', '--set', `canary=${canary}`, '--set', 'dump=/nonexistent/nightly.dump', '--yes'];
    const refused = await runCli(args, { cwd: dir, env: { ...process.env, DATABASE_URL: 'postgres://127.0.0.1:1/none' } });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /marked dangerous; check and run again with --allow-dangerous/);
    assert.match(refused.stderr, /destructive: "pg_restore --clean drops the database objects before restoring over them"/);
    assert.equal(fs.readFileSync(canary, 'utf8'), 'still here', 'the step\'s first command ran');
    // Allowed, it runs in bash: the first command deletes the canary (pg_restore then fails or is missing).
    const allowed = await runCli([...args, '--allow-dangerous'], { cwd: dir, env: { ...process.env, DATABASE_URL: 'postgres://127.0.0.1:1/none' } });
    assert.notEqual(allowed.code, 2, allowed.stderr);
    assert.equal(fs.existsSync(canary), false, allowed.stderr);
  });
});
