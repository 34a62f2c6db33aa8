// The deploy ledger in git notes on real repositories: append and read back, refusals that name
// what is wrong, a fetch that fails soft with its reason, and two clones recording concurrently then
// merging their notes with cat_sort_uniq.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { LedgerEntry } from '../../../../src/core/rollback/ledger';
import { appendLedger, fetchLedger, pushLedger, readLedger } from '../../../../src/services/git/deployLedger';
import { GitError } from '../../../../src/services/git/gitErrors';
import { openRepository } from '../../../../src/services/git/gitRepository';
import { TempDirs } from '../../support/tempDirs';
import { RepoBuilder, git } from './gitFixture';

const entry = (sha: string, at: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ sha, env: 'production', status: 'succeeded', at, by: 'ci', kind: 'deploy', ...extra });
const sortKey = (e: LedgerEntry) => `${e.at} ${e.sha} ${e.host ?? ''}`;

describe('deploy ledger in git notes (real repositories)', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());
  let ws: string;
  let origin: string;
  let c1: string;
  let c2: string;

  beforeEach(async () => {
    ws = await temp.make('idk-ledger-');
    const src = RepoBuilder.init(path.join(ws, 'src'));
    c1 = src.commit('one', '2026-11-01T10:00:00Z', { 'a.txt': '1\n' });
    c2 = src.commit('two', '2026-11-01T11:00:00Z', { 'a.txt': '2\n' });
    origin = path.join(ws, 'origin.git');
    git(ws, ['clone', '-q', '--bare', src.dir, origin]);
  });

  const clone = (name: string) => {
    const dir = path.join(ws, name);
    git(ws, ['clone', '-q', origin, dir]);
    return dir;
  };

  it('appends one line per deploy to the note of the deployed commit and reads them back', async () => {
    const r = await openRepository(clone('a'));
    assert.deepEqual(await readLedger(r), { entries: [], problems: [] }, 'no notes ref yet: an empty ledger');
    const e1 = entry(c1, '2026-11-01T10:10:00.000Z', { host: 'web-1', service: 'web' });
    const e2 = entry(c2, '2026-11-01T11:10:00.000Z');
    const e3 = entry(c1, '2026-11-01T11:40:00.000Z', { kind: 'rollback', from: c2, by: 'dana' });
    for (const e of [e1, e2, e3]) await appendLedger(r, e);
    const ledger = await readLedger(r);
    assert.deepEqual(ledger.problems, []);
    assert.deepEqual(ledger.entries.sort((a, b) => sortKey(a).localeCompare(sortKey(b))), [e1, e2, e3]);
    // The note is plain text on the commit, readable with git itself.
    const note = git(r.root, ['notes', '--ref=refs/notes/deploys', 'show', c1]);
    assert.equal(note.split('\n').filter((l) => l.trim()).length, 2);
    assert.equal(git(r.root, ['log', '--format=%H', 'main']).trim().split('\n').length, 2, 'no commit on the branch');
  });

  it('refuses a line the schema refuses, naming each problem, and a commit that is not here', async () => {
    const r = await openRepository(clone('a'));
    await assert.rejects(appendLedger(r, { ...entry(c1, 'yesterday'), status: 'ok' as never, kind: 'rollback' }), (e) =>
      GitError.is(e, 'badLedgerEntry') && /status: expected "succeeded" or "failed", got "ok"/.test(e.message) && /at: expected an ISO-8601 UTC time/.test(e.message) && /from: a rollback names the commit/.test(e.message));
    await assert.rejects(appendLedger(r, entry('f'.repeat(40), '2026-11-01T10:00:00Z')), (e) => GitError.is(e, 'unknownRevision'));
    assert.deepEqual((await readLedger(r)).entries, []);
  });

  it('reads a damaged line as a problem naming the note and line, and keeps the rest', async () => {
    const dir = clone('a');
    const r = await openRepository(dir);
    await appendLedger(r, entry(c1, '2026-11-01T10:10:00Z'));
    git(dir, ['notes', '--ref=refs/notes/deploys', 'append', '-m', 'not json', c1]);
    git(dir, ['notes', '--ref=refs/notes/deploys', 'append', '-m', JSON.stringify(entry(c2, '2026-11-01T10:10:00Z')), c1]);
    const ledger = await readLedger(r);
    assert.equal(ledger.entries.length, 1);
    assert.deepEqual(ledger.problems.map((p) => [p.note, p.line, p.message.split(':')[0]]), [[c1, 3, 'not JSON'], [c1, 5, 'sha']]);
  });

  it('many records at once in one clone: none is lost', async () => {
    const r = await openRepository(clone('a'));
    const all = Array.from({ length: 8 }, (_, i) => entry(i % 2 ? c1 : c2, `2026-11-01T12:0${i}:00Z`, { host: `web-${i}` }));
    await Promise.all(all.map((e) => appendLedger(r, e)));
    assert.equal((await readLedger(r)).entries.length, 8);
  });

  it('two writers on one clone at once (as two processes): a record lost to the other is written again', async () => {
    const dir = clone('a');
    const [r1, r2] = [await openRepository(dir), await openRepository(dir)];
    const mk = (who: string, i: number) => entry(i % 2 ? c1 : c2, `2026-11-01T12:0${i}:00Z`, { host: `${who}-${i}` });
    await Promise.all([0, 1, 2, 3].flatMap((i) => [appendLedger(r1, mk('one', i)), appendLedger(r2, mk('two', i))]));
    assert.equal((await readLedger(r1)).entries.length, 8);
  });

  it('fails soft without a remote, with a remote that has no ledger, and with one that cannot be reached', async () => {
    const lone = RepoBuilder.init(path.join(ws, 'lone'));
    lone.commit('x', '2026-11-01T10:00:00Z');
    assert.deepEqual(await fetchLedger(await openRepository(lone.dir)), { fetched: false, reason: 'no remote: the ledger is what this clone recorded' });
    const a = await openRepository(clone('a'));
    const none = await fetchLedger(a);
    assert.equal(none.fetched, false);
    assert.match(none.reason!, /origin has no deploy ledger yet/);
    git(a.root, ['remote', 'set-url', 'origin', path.join(ws, 'gone.git')]);
    const gone = await fetchLedger(a);
    assert.equal(gone.fetched, false);
    assert.match(gone.reason!, /origin could not be reached/);
    assert.deepEqual(await fetchLedger(a, 'upstream'), { fetched: false, reason: 'no remote named "upstream"' });
  });

  it('two clones record concurrently; the second push is refused, a fetch merges both, and each line is kept once', async () => {
    const a = await openRepository(clone('a'));
    const b = await openRepository(clone('b'));
    const ea = entry(c2, '2026-11-01T11:10:00.000Z', { host: 'web-1', by: 'ci-a' });
    const eb = entry(c2, '2026-11-01T11:11:00.000Z', { host: 'web-2', by: 'ci-b' });
    const shared = entry(c1, '2026-11-01T10:10:00.000Z');
    await Promise.all([appendLedger(a, ea), appendLedger(b, eb)]);
    // The same record made in both (a retried CI job): cat_sort_uniq keeps it once.
    await appendLedger(a, shared);
    await appendLedger(b, shared);
    git(a.root, ['push', '-q', 'origin', 'refs/notes/deploys']);
    assert.throws(() => git(b.root, ['push', '-q', 'origin', 'refs/notes/deploys']), /rejected|non-fast-forward|fetch first/);
    assert.deepEqual(await fetchLedger(b), { fetched: true, remote: 'origin' });
    git(b.root, ['push', '-q', 'origin', 'refs/notes/deploys']);
    assert.deepEqual(await fetchLedger(a), { fetched: true, remote: 'origin' });
    for (const r of [a, b]) {
      const ledger = await readLedger(r);
      assert.deepEqual(ledger.problems, []);
      assert.deepEqual(ledger.entries.map(sortKey).sort(), [shared, ea, eb].map(sortKey).sort(), r.root);
    }
  });

  it('pushLedger: a push refused because another clone pushed first is merged and tried again, never forced', async () => {
    const a = await openRepository(clone('a'));
    const b = await openRepository(clone('b'));
    await appendLedger(a, entry(c1, '2026-11-01T10:10:00Z', { host: 'a' }));
    await appendLedger(b, entry(c1, '2026-11-01T10:10:00Z', { host: 'b' }));
    assert.deepEqual(await pushLedger(a), { pushed: true, remote: 'origin' });
    assert.deepEqual(await pushLedger(b), { pushed: true, remote: 'origin' });
    assert.equal(git(origin, ['notes', '--ref=refs/notes/deploys', 'show', c1]).split('\n').filter((l) => l.startsWith('{')).length, 2);
    const lone = RepoBuilder.init(path.join(ws, 'lone'));
    lone.commit('x', '2026-11-01T10:00:00Z');
    assert.deepEqual(await pushLedger(await openRepository(lone.dir)), { pushed: false, reason: 'no remote to push to' });
  });

  it('a clone with no ledger of its own takes the remote one on fetch', async () => {
    const a = await openRepository(clone('a'));
    await appendLedger(a, entry(c1, '2026-11-01T10:10:00Z'));
    git(a.root, ['push', '-q', 'origin', 'refs/notes/deploys']);
    const c = await openRepository(clone('c'));
    assert.equal((await fetchLedger(c)).fetched, true);
    assert.equal((await readLedger(c)).entries.length, 1);
  });
});
