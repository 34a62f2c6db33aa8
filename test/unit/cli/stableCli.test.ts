// `incident-desk deploy record` and `incident-desk stable` through the built CLI (node dist/cli.js)
// on real repositories built here: a workspace whose repository is a subfolder, a ledger recorded by
// the CLI, incidents as evidence, merges and migrations in the range, a force-pushed history, a
// shallow clone, uncommitted work, tags only, and option-like revisions refused.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDirs } from '../support/tempDirs';
import { RepoBuilder, git } from '../services/git/gitFixture';
import { requireFreshBuild, runCli } from './cliHarness';

const ID = '2026-11-01-web-500s';

function writeIncident(ws: string, id: string, service: string, declaredAt: string): void {
  const dir = path.join(ws, 'incidents', id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'incident.yaml'), [
    'version: 1', `id: ${id}`, 'title: Errors', 'severity: P2', 'status: investigating', `service: ${service}`, 'summary: ""',
    'roles: {}', `declaredAt: ${declaredAt}`, 'declaredBy: Dana', 'acknowledgedAt: null', 'mitigatedAt: null', 'resolvedAt: null',
    'lastUpdateAt: null', 'escalationsReached: []', '',
  ].join('\n'));
}

interface StableJson {
  live: { sha: string } | null;
  stable: { sha: string; deployedAt: string; evidence: string[] } | null;
  candidates: Array<{ sha: string; evidence: string[] }>;
  rejected: Array<{ sha: string; reasons: string[] }>;
  risks: Array<{ kind: string; detail: string }>;
  thin: boolean;
  ledger: { entries: number; fetched: boolean; fetchReason?: string };
}

describe('incident-desk deploy record / stable (built CLI, real repositories)', function () {
  this.timeout(120_000);
  const temp = new TempDirs();
  let ws: string;
  let app: string;
  let origin: string;
  let c1: string, c2: string, merge: string, c4: string;

  const cli = (args: string[], cwd = ws) => runCli(args, { cwd });
  const json = async (args: string[], cwd = ws): Promise<{ code: number | null; body: StableJson; stderr: string }> => {
    const r = await cli([...args, '--json'], cwd);
    return { code: r.code, body: JSON.parse(r.stdout.toString()) as StableJson, stderr: r.stderr };
  };
  const record = async (sha: string, at: string, ...extra: string[]) => {
    const r = await cli(['deploy', 'record', '--repo', 'app', '--sha', sha, '--service', 'web', '--at', at, '--by', 'ci', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return r;
  };

  before(async () => {
    requireFreshBuild();
    ws = await temp.make('idk-stable-');
    const src = RepoBuilder.init(path.join(ws, 'src'));
    c1 = src.commit('init', '2026-11-01T09:00:00Z', { 'src/app.ts': 'v1\n' });
    c2 = src.commit('feature', '2026-11-01T10:00:00Z', { 'src/app.ts': 'v2\n' });
    src.git('checkout', '-q', '-b', 'schema');
    src.commit('add column', '2026-11-01T10:30:00Z', { 'db/migrate/001_add_column.sql': 'alter table t add c int;\n', 'package-lock.json': '{}\n' });
    src.commit('compose and image', '2026-11-01T10:40:00Z', { 'docker-compose.yml': 'services: {}\n', Dockerfile: 'FROM busybox\n', '.env.production': 'A=1\n' });
    src.git('checkout', '-q', 'main');
    merge = src.merge('schema', '2026-11-01T11:00:00Z', 'Merge pull request #7 from schema');
    c4 = src.commit('bad', '2026-11-01T12:00:00Z', { 'src/app.ts': 'v4\n' });
    origin = path.join(ws, 'origin.git');
    git(ws, ['clone', '-q', '--bare', src.dir, origin]);
    // The workspace holds incidents and settings; the repository is its subfolder app/.
    app = path.join(ws, 'app');
    git(ws, ['clone', '-q', origin, app]);
    fs.rmSync(src.dir, { recursive: true });
    await record(c1, '2026-11-01T09:10:00Z');
    await record(c2, '2026-11-01T10:10:00Z');
    await record(merge, '2026-11-01T11:10:00Z');
    await record(c4, '2026-11-01T12:10:00Z', '--host', 'web-1');
    git(app, ['push', '-q', 'origin', 'refs/notes/deploys']);
    writeIncident(ws, '2026-11-01-web-slow', 'web', '2026-11-01T11:20:00.000Z');
    writeIncident(ws, '2026-11-01-db-disk', 'db', '2026-11-01T10:20:00.000Z');
    writeIncident(ws, ID, 'web', '2026-11-01T12:30:00.000Z');
  });
  after(() => temp.cleanup());

  it('deploy record prints the line and leaves it on the commit\'s note; no commit on a branch', async () => {
    const note = git(app, ['notes', '--ref=refs/notes/deploys', 'show', c4]).trim();
    assert.equal(note, JSON.stringify({ sha: c4, host: 'web-1', service: 'web', env: 'production', status: 'succeeded', at: '2026-11-01T12:10:00.000Z', by: 'ci', kind: 'deploy' }));
    assert.equal(git(app, ['rev-parse', 'HEAD']).trim(), c4);
    assert.equal(git(app, ['status', '--porcelain']).trim(), '');
  });

  it('stable --incident: the last stable commit with its evidence, the next candidate, why newer ones were passed over, the risks', async () => {
    const { code, body, stderr } = await json(['stable', '--repo', 'app', '--incident', `incidents/${ID}`, '--no-fetch']);
    assert.equal(code, 0, stderr);
    assert.equal(body.live?.sha, c4);
    assert.equal(body.stable?.sha, c2);
    assert.equal(body.stable?.deployedAt, '2026-11-01T10:10:00.000Z');
    assert.deepEqual(body.stable?.evidence, [
      'deployed 2026-11-01 10:10 UTC to production (web) by ci: succeeded',
      `live 1h (until 2026-11-01 11:10 UTC, when ${merge.slice(0, 12)} was deployed), at least 30m`,
      'no incident on web while it was live',
      'never rolled back away from',
    ], 'the db incident during its stay is on another service');
    assert.deepEqual(body.candidates.map((c) => c.sha), [c1]);
    assert.deepEqual(body.rejected.map((r) => r.sha), [c4, merge]);
    assert.match(body.rejected[1]!.reasons.join('\n'), /^suspect: live when incident 2026-11-01-web-slow on web was declared at 2026-11-01 11:20 UTC$/);
    assert.deepEqual(body.risks.map((r) => r.kind), ['migration', 'compose', 'dockerfile', 'env', 'lockfile', 'merge']);
    assert.match(body.risks[0]!.detail, /db\/migrate\/001_add_column\.sql; the database is not rolled back with the code/);
    assert.match(body.risks[5]!.detail, /Merge pull request #7 from schema/);
    assert.equal(body.thin, false);
    assert.equal(body.ledger.entries, 4);
  });

  it('the same answer as text', async () => {
    const r = await cli(['stable', '--repo', 'app', '--incident', `incidents/${ID}`, '--no-fetch']);
    assert.equal(r.code, 0, r.stderr);
    const text = r.stdout.toString();
    assert.match(text, new RegExp(`^Live \\(production, web\\): ${c4.slice(0, 12)}\n`));
    assert.match(text, new RegExp(`\nLast stable: ${c2.slice(0, 12)}  deployed 2026-11-01 10:10 UTC\n`));
    assert.match(text, /\n {2}\[migration\] database migrations in the range/);
  });

  it('--before: what was live then, and the stable commit before it', async () => {
    const { code, body } = await json(['stable', '--repo', 'app', '--before', '2026-11-01T11:00:00Z', '--service', 'web', '--no-fetch']);
    assert.equal(code, 0);
    assert.equal(body.live?.sha, c2);
    assert.equal(body.stable?.sha, c1);
    assert.deepEqual(body.risks, []);
  });

  it('incidentDesk.deploy.stableMinutes from .vscode/settings.json: a longer stay asked for', async () => {
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), '{\n  // an hour and a half\n  "incidentDesk.deploy.stableMinutes": 90,\n}\n');
    try {
      const { body } = await json(['stable', '--repo', 'app', '--incident', `incidents/${ID}`, '--no-fetch']);
      assert.equal(body.stable, null, 'c1 stayed 1h too');
      assert.match(body.rejected.find((r) => r.sha === c2)!.reasons[0]!, /^live only 1h .* less than the 1h 30m/);
    } finally {
      fs.rmSync(path.join(ws, '.vscode'), { recursive: true });
    }
  });

  it('a rollback recorded with --from marks the commit faulty', async () => {
    const dir = await temp.make('idk-stable-rb-');
    const clone = path.join(dir, 'app');
    git(dir, ['clone', '-q', origin, clone]);
    git(clone, ['fetch', '-q', app, 'refs/notes/deploys:refs/notes/deploys']);
    const r = await cli(['deploy', 'record', '--sha', c1, '--from', c2, '--service', 'web', '--at', '2026-11-01T10:40:00Z', '--by', 'dana'], clone);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /"kind":"rollback","from":"[0-9a-f]{40}"/);
    const { body } = await json(['stable', '--before', '2026-11-01T12:20:00Z', '--service', 'web', '--no-fetch'], clone);
    assert.equal(body.live?.sha, c4);
    assert.ok(body.rejected.find((x) => x.sha === c2)?.reasons.some((x) => x.startsWith('faulty: rolled back away from at 2026-11-01 10:40 UTC by dana')));
  });

  it('option-like revisions are refused and never run', async () => {
    for (const bad of ['--output=x', '-c core.pager=touch pwned', '--upload-pack=touch pwned']) {
      const r = await cli(['deploy', 'record', '--repo', 'app', `--sha=${bad}`]);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /is not a commit or tag name: it starts with "-"/);
      const from = await cli(['deploy', 'record', '--repo', 'app', '--sha', c1, `--from=${bad}`]);
      assert.equal(from.code, 2, bad);
    }
    for (const f of ['x', 'pwned']) assert.ok(!fs.existsSync(path.join(ws, f)) && !fs.existsSync(path.join(app, f)), f);
    assert.equal(git(app, ['notes', '--ref=refs/notes/deploys', 'list']).trim().split('\n').length, 4, 'nothing recorded');
    const r = await cli(['deploy', 'record', '--repo', 'app', '--sha', 'no-such-tag']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /"no-such-tag" names no commit/);
  });

  it('two clones record concurrently; stable fetches and merges the remote\'s ledger', async () => {
    const dir = await temp.make('idk-stable-two-');
    const [a, b] = ['a', 'b'].map((n) => path.join(dir, n)) as [string, string];
    for (const d of [a, b]) git(dir, ['clone', '-q', origin, d]);
    const rec = (cwd: string, host: string) => cli(['deploy', 'record', '--sha', c4, '--service', 'web', '--host', host, '--at', '2026-11-01T13:00:00Z', '--by', host], cwd);
    const [ra, rb] = await Promise.all([rec(a, 'web-2'), rec(b, 'web-3')]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    // Neither clone fetched the notes yet: each fetch merges the remote's records with its own.
    const first = await json(['stable', '--before', '2026-11-01T14:00:00Z'], a);
    assert.equal(first.body.ledger.fetched, true);
    assert.equal(first.body.ledger.entries, 5);
    git(a, ['push', '-q', 'origin', 'refs/notes/deploys']);
    const second = await json(['stable', '--before', '2026-11-01T14:00:00Z'], b);
    assert.equal(second.body.ledger.entries, 6, 'the four of app, web-2 from a, web-3 of its own');
  });

  it('a CI checkout (shallow, no notes fetched, no git identity) records, and its push fast-forwards: the remote\'s ledger was merged first', async () => {
    const dir = await temp.make('idk-stable-ci-');
    const ci = path.join(dir, 'ci');
    git(dir, ['clone', '-q', '--depth', '1', `file://${origin}`, ci]);
    const before = git(origin, ['notes', '--ref=refs/notes/deploys', 'list']).trim().split('\n').length;
    // A runner without a git identity (an empty home): the notes commit is made as Incident Desk.
    const home = await temp.make('idk-stable-home-');
    const r = await runCli(['deploy', 'record', '--sha', 'HEAD', '--service', 'web', '--host', 'web-9', '--by', 'ci'], { cwd: ci, env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(git(ci, ['log', '-1', '--format=%an <%ae>', 'refs/notes/deploys']).trim(), 'Incident Desk <incident-desk@localhost>');
    git(ci, ['push', '-q', 'origin', 'refs/notes/deploys']);
    const note = git(origin, ['notes', '--ref=refs/notes/deploys', 'show', c4]);
    assert.match(note, /"host":"web-9"/);
    assert.match(note, /"host":"web-1"/, 'the records made elsewhere are still there');
    assert.equal(git(origin, ['notes', '--ref=refs/notes/deploys', 'list']).trim().split('\n').length, before);
  });

  it('two CI jobs record with --push at once: both records reach the remote, no force', async () => {
    const dir = await temp.make('idk-stable-push-');
    const jobs = ['job-1', 'job-2'].map((n) => path.join(dir, n));
    for (const j of jobs) git(dir, ['clone', '-q', '--depth', '1', `file://${origin}`, j]);
    const results = await Promise.all(jobs.map((j, i) => cli(['deploy', 'record', '--sha', 'HEAD', '--service', 'web', '--host', `push-${i}`, '--by', 'ci', '--push'], j)));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const note = git(origin, ['notes', '--ref=refs/notes/deploys', 'show', c4]);
    assert.match(note, /"host":"push-0"/);
    assert.match(note, /"host":"push-1"/);
    assert.match(note, /"host":"web-1"/);
  });

  it('a force-pushed history: the live commit off the branch, or not here at all', async () => {
    const dir = await temp.make('idk-stable-force-');
    const mirror = path.join(dir, 'origin.git');
    git(dir, ['clone', '-q', '--bare', origin, mirror]);
    const old = path.join(dir, 'old');
    git(dir, ['clone', '-q', mirror, old]);
    git(old, ['fetch', '-q', app, 'refs/notes/deploys:refs/notes/deploys']);
    const rewriter = path.join(dir, 'rewriter');
    git(dir, ['clone', '-q', mirror, rewriter]);
    git(rewriter, ['reset', '-q', '--hard', merge]);
    new RepoBuilder(rewriter).commit('rewritten', '2026-11-01T12:05:00Z', { 'src/app.ts': 'v4b\n' });
    git(rewriter, ['push', '-q', '--force', 'origin', 'main']);
    git(old, ['fetch', '-q', 'origin']);
    const { body } = await json(['stable', '--before', '2026-11-01T12:20:00Z', '--service', 'web', '--no-fetch'], old);
    assert.equal(body.live?.sha, c4);
    assert.ok(body.risks.some((r) => r.kind === 'unreachable' && /is not on origin\/main/.test(r.detail)), JSON.stringify(body.risks));
    // A fresh clone of the rewritten remote never had the live commit (file://: only reachable objects travel).
    const fresh = path.join(dir, 'fresh');
    git(dir, ['clone', '-q', `file://${mirror}`, fresh]);
    git(fresh, ['fetch', '-q', app, 'refs/notes/deploys:refs/notes/deploys']);
    const f = await json(['stable', '--before', '2026-11-01T12:20:00Z', '--service', 'web', '--no-fetch'], fresh);
    assert.deepEqual(f.body.risks.map((r) => r.kind), ['unreachable']);
    assert.match(f.body.risks[0]!.detail, /is not in this repository/);
  });

  it('a shallow clone and uncommitted work are flagged', async () => {
    const dir = await temp.make('idk-stable-shallow-');
    const shallow = path.join(dir, 'shallow');
    git(dir, ['clone', '-q', '--depth', '3', `file://${origin}`, shallow]);
    git(shallow, ['fetch', '-q', app, 'refs/notes/deploys:refs/notes/deploys']);
    fs.writeFileSync(path.join(shallow, 'src', 'app.ts'), 'hotfix in progress\n');
    const { body } = await json(['stable', '--before', '2026-11-01T12:20:00Z', '--service', 'web', '--no-fetch'], shallow);
    assert.equal(body.stable?.sha, merge, 'no incidents in this folder: the merge commit stayed long enough');
    const kinds = body.risks.map((r) => r.kind);
    assert.ok(kinds.includes('shallow') && kinds.includes('dirty'), kinds.join());
  });

  it('thin evidence: tags only, said so', async () => {
    const dir = await temp.make('idk-stable-tags-');
    const repo = RepoBuilder.init(path.join(dir, 'r'));
    const t1 = repo.commit('one', '2026-11-01T09:00:00Z');
    repo.tag('v1.0.0', t1, '2026-11-01T09:00:00Z');
    const t2 = repo.commit('two', '2026-11-01T12:00:00Z');
    repo.tag('v1.1.0', t2, '2026-11-01T12:00:00Z');
    repo.tag('nightly-2', t2, '2026-11-01T12:00:00Z');
    const { code, body } = await json(['stable', '--before', '2026-11-01T13:00:00Z'], repo.dir);
    assert.equal(code, 0);
    assert.equal(body.live?.sha, t2);
    assert.equal(body.stable?.sha, t1);
    assert.equal(body.thin, true);
    assert.equal(body.stable?.evidence[0], 'no deploy record: tag v1.0.0 at 2026-11-01 09:00 UTC');
    assert.equal(body.ledger.fetchReason, 'no remote: the ledger is what this clone recorded');
    const none = await cli(['stable', '--before', '2026-11-01T08:00:00Z'], repo.dir);
    assert.equal(none.code, 1);
    assert.match(none.stdout.toString(), /Last stable: none\. no deploy record and no deploy tag before 2026-11-01 08:00 UTC/);
  });

  it('usage: conflicting or misplaced options', async () => {
    const r = await cli(['stable', '--incident', `incidents/${ID}`, '--before', '2026-11-01T10:00:00Z']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give one/);
    assert.equal((await cli(['deploy', 'record', '--sha', c1, '--status', 'ok'])).code, 2);
    assert.equal((await cli(['deploy', 'record', '--sha', c1, '--at', 'yesterday'])).code, 2);
    assert.equal((await cli(['lint', 'x', '--sha', c1])).code, 2);
  });
});
