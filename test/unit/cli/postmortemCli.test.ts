// `incident-desk postmortem`: the built CLI in a child process on real fixture incidents copied to
// temp folders, and a real git repository to see exactly what a refresh changes.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { findRegions } from '../../../src/core/postmortem/regions';
import { lineRef } from '../../../src/core/timeline/eventRef';
import { TempDirs } from '../support/tempDirs';
import { requireFreshBuild, runCli } from './cliHarness';

const PM_FIXTURE = path.resolve(__dirname, '../../../../test/fixtures/postmortem');
const DB = '2026-11-02-db-failover';
const CACHE = '2026-11-05-cache-stampede';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', ...args], { cwd, encoding: 'utf8' });
}

/** Everything outside the generated regions' insides, piece by piece. */
function outside(text: string): string[] {
  const rs = findRegions(text).regions;
  return rs.map((r, i) => text.slice(i === 0 ? 0 : rs[i - 1].contentEnd, r.contentStart)).concat(text.slice(rs[rs.length - 1].contentEnd));
}

describe('incident-desk postmortem', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let ws: string;
  before(() => requireFreshBuild());
  beforeEach(async () => {
    ws = await temp.make('idk-pm-');
    await fsp.cp(PM_FIXTURE, ws, { recursive: true });
  });
  after(() => temp.cleanup());

  const cli = (...args: string[]) => runCli(args, { cwd: ws });

  it('prints the draft: front matter, every section, and the numbers of the record', async () => {
    const before = await fsp.readdir(path.join(ws, 'incidents'));
    const r = await cli('postmortem', `incidents/${DB}`);
    assert.equal(r.code, 0, r.stderr);
    const draft = r.stdout.toString();
    assert.match(draft, /^---\nincident: "2026-11-02-db-failover"\ntitle: "Primary database failed over twice"\nseverity: "P1"\nservice: "db"\nstatus: draft\nauthors: \[\]\ndeclared: "2026-11-02T10:00:00.000Z"\nresolved: "2026-11-02T11:30:00.000Z"\ncreated: "\d{4}-\d{2}-\d{2}"\n---\n/);
    const headings = draft.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    assert.deepEqual(headings, ['Summary', 'Impact', 'Timeline', 'Root cause', 'Trigger', 'Detection', 'Resolution', 'What went well', 'What went wrong', 'Where we got lucky', 'Action items', 'Lessons learned']);
    for (const line of [
      '- **Duration:** 1h 30m',
      '- **Roles:** Incident Commander: Dana; Scribe: Lee',
      '- **Time to acknowledge:** 10m',
      '- **Time to mitigate:** 40m',
      '- **Time to resolve:** 1h 30m',
      '- **Acknowledgement target (15m):** met',
      '- **Update cadence (every 30m):** met, 4 updates while active',
      '  - Team lead (after 15m) at 2026-11-02 10:15 UTC',
      '- T+25m · 2026-11-02 10:25 UTC · Failover loop: the health check times out at 2 s while the disk is saturated (Ravi)',
      '- T+40m · 2026-11-02 10:40 UTC · **Mitigated**',
      '- 2026-11-02 10:28 UTC · "Pin the primary" (Database › Failover) on db-1: `patronictl pause` — succeeded (exit 0)',
      '- 2026-11-02 10:30 UTC · "Check replication" (Database › Failover) on db-2: `psql -c "select 1"` — failed (exit 2)',
    ]) assert.ok(draft.includes(`\n${line}\n`), `missing: ${line}`);
    // Starred then unstarred: not a key moment.
    assert.doesNotMatch(draft, /T\+28m · .*Pin the primary/);
    assert.deepEqual(findRegions(draft).regions.map((x) => x.name), ['overview', 'key-moments', 'response', 'runbook-steps']);
    assert.deepEqual(await fsp.readdir(path.join(ws, 'incidents')), before, 'printing writes nothing');
  });

  it('--write creates incidents/<id>.md beside the folder and never replaces it', async () => {
    const r = await cli('postmortem', `incidents/${DB}`, '--write');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `incidents/${DB}.md\n`);
    const file = path.join(ws, 'incidents', `${DB}.md`);
    const written = await fsp.readFile(file, 'utf8');
    assert.equal(written, (await cli('postmortem', `incidents/${DB}/`)).stdout.toString());
    await fsp.writeFile(file, 'my own words\n');
    const again = await cli('postmortem', `incidents/${DB}`, '--write');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; not replaced/);
    assert.equal(await fsp.readFile(file, 'utf8'), 'my own words\n');
    assert.deepEqual((await fsp.readdir(path.join(ws, 'incidents'))).filter((f) => f.startsWith('.') && f !== '.gitattributes'), [], 'no temp file left');
  });

  it('--refresh in a git repository changes only lines inside the markers, CRLF file and old-event stars included', async () => {
    git(ws, 'init', '-q');
    assert.equal((await cli('postmortem', `incidents/${CACHE}`, '--write')).code, 0);
    const file = path.join(ws, 'incidents', `${CACHE}.md`);
    // The team writes prose around the regions, on Windows (CRLF), with a trailing space and no final newline.
    const edited = (await fsp.readFile(file, 'utf8'))
      .replace('## Impact\n', '## Impact\n\nSearch results were stale for 2 hours. \n')
      .replace('## Action items\n', '## Action items\n\n- [ ] Jitter cache expiry (owner: Kim, due: 2026-12-01, type: prevent)\n')
      .replace(/\n/g, '\r\n').replace(/\r\n$/, '');
    await fsp.writeFile(file, edited);
    git(ws, 'add', '-A');
    git(ws, 'commit', '-qm', 'post-mortem');
    // Later: someone stars the acknowledgement, an event written before ids existed (ref = hash of its line).
    const timeline = path.join(ws, 'incidents', CACHE, 'timeline.jsonl');
    const ackLine = (await fsp.readFile(timeline, 'utf8')).split('\n').find((l) => l.includes('"acknowledged"'))!;
    await fsp.appendFile(timeline, JSON.stringify({ ts: '2026-11-05T11:00:00.000Z', type: 'starred', actor: 'Kim', text: 'Starred', data: { ref: lineRef(ackLine) } }) + '\n');

    const r = await cli('postmortem', `incidents/${CACHE}`, '--refresh');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), `incidents/${CACHE}.md: refreshed key-moments\n`);
    const after = await fsp.readFile(file, 'utf8');
    assert.deepEqual(outside(after), outside(edited), 'every byte outside the regions kept');
    const diff = git(ws, 'diff', '-U0', '--no-color', '--', `incidents/${CACHE}.md`).split('\n').filter((l) => /^[-+]/.test(l) && !/^(\+\+\+|---) /.test(l));
    assert.deepEqual(diff, ['+- T+1h 10m · 2026-11-05 09:10 UTC · Acknowledged by Kim (1h 10m after declaration) (Kim)\r']);
    assert.match(git(ws, 'diff', '--numstat', '--', `incidents/${CACHE}.md`), /^1\t0\t/);

    const same = await cli('postmortem', `incidents/${CACHE}`, '--refresh');
    assert.equal(same.stdout.toString(), `incidents/${CACHE}.md: already up to date\n`);
  });

  it('--refresh reports a broken marker with line and column and leaves that region alone', async () => {
    assert.equal((await cli('postmortem', `incidents/${DB}`, '--write')).code, 0);
    const file = path.join(ws, 'incidents', `${DB}.md`);
    const text = (await fsp.readFile(file, 'utf8')).replace('<!-- /incident-desk:response -->', '<!-- /incident-desk:respons -->');
    const withOld = text.replace('- **Time to resolve:** 1h 30m', '- **Time to resolve:** hand-edited');
    await fsp.writeFile(file, withOld);
    const r = await cli('postmortem', `incidents/${DB}`, '--refresh');
    assert.equal(r.code, 1);
    const line = withOld.split('\n').findIndex((l) => l.includes('/incident-desk:respons ')) + 1;
    assert.equal(r.stderr, `incidents/${DB}.md:${line}:1: closing marker of "respons" where "response" (line ${line - 9}) is open; left alone\n`);
    assert.equal(await fsp.readFile(file, 'utf8'), withOld, 'the others were up to date; the broken one is left alone');
  });

  it('--refresh without a post-mortem, and a folder that is no incident, are errors', async () => {
    const r = await cli('postmortem', `incidents/${DB}`, '--refresh');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not exist; create it with --write/);
    const none = await cli('postmortem', 'incidents/nothing-here');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no incident here/);
    const usage = await cli('postmortem', `incidents/${DB}`, '--write', '--refresh');
    assert.equal(usage.code, 2);
  });
});
