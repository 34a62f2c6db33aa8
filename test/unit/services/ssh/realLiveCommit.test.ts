import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { readLiveCommit } from '../../../../src/services/ssh/liveCommit';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import { type Sshd, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';
import { type HostWorld, cloneFixtureOnHost, git, hostWorld } from './hostWorld';

// What a host runs now, asked of a real sshd whose login user owns a clone of a fixture repository
// built here (fixed dates, a tag), a folder with a REVISION file, and a repository owned by root,
// which git refuses to read for another user.

const temp = new TempDirs();
after(() => temp.cleanup());

describe('readLiveCommit against a real sshd (git clone of the login user, REVISION, root-owned repo)', function () {
  this.timeout(60_000);
  let sshd: Sshd;
  let world: HostWorld;
  let conn: SshConnection;
  let shared: string;
  let commits: { first: string; second: string };

  before(async () => {
    sshd = await startSshd();
    world = await hostWorld(sshd, temp);
    conn = await world.connect();
    const cloned = await cloneFixtureOnHost(sshd, world, conn, temp, 'app');
    shared = cloned.shared;
    commits = { first: cloned.first, second: cloned.second };
  });
  after(async () => {
    conn?.end();
    await sshd?.stop();
  });

  it('git source: the commit checked out in the work dir, clean, on its branch', async () => {
    const live = await readLiveCommit(conn, { workDir: 'app' });
    assert.equal(live.kind, 'found');
    assert.ok(live.kind === 'found');
    assert.equal(live.source, 'git');
    assert.equal(live.sha, commits.second);
    assert.equal(live.dirty, false);
    assert.equal(live.branch, 'main');
  });

  it('git source: uncommitted changes to tracked files say dirty; untracked files do not; a detached HEAD has no branch', async () => {
    await world.sh(conn, 'echo local > app/untracked.txt');
    let live = await readLiveCommit(conn, { workDir: 'app' });
    assert.ok(live.kind === 'found' && live.dirty === false, JSON.stringify(live));
    await world.sh(conn, 'echo hotfix >> app/app.txt');
    live = await readLiveCommit(conn, { workDir: 'app' });
    assert.ok(live.kind === 'found' && live.source === 'git' && live.dirty === true, JSON.stringify(live));
    await world.sh(conn, `cd app && git checkout -q -- app.txt && rm untracked.txt && git checkout -q --detach ${commits.first}`);
    live = await readLiveCommit(conn, { workDir: 'app' });
    assert.ok(live.kind === 'found');
    assert.deepEqual([live.source, live.sha, live.dirty, live.branch], ['git', commits.first, false, undefined]);
    await world.sh(conn, 'git -C app checkout -q main');
  });

  it('revision file: a work dir that is not a git repository answers from REVISION, and says why git did not', async () => {
    await world.sh(conn, `mkdir -p release && printf '%s\\n' ${commits.first} > release/REVISION`);
    const live = await readLiveCommit(conn, { workDir: 'release' });
    assert.ok(live.kind === 'found', JSON.stringify(live));
    assert.equal(live.source, 'revisionFile');
    assert.equal(live.sha, commits.first);
    assert.ok(live.notes.some((n) => /^git: .*not a git repository/i.test(n)), live.notes.join('\n'));
    assert.ok(live.notes.some((n) => /^image label: no compose service/.test(n)));
  });

  it('a repository owned by someone else: git refuses it (said so), the REVISION file beside it answers', async () => {
    const rootRepo = path.join(shared, 'root-owned');
    await fsp.mkdir(rootRepo);
    git(rootRepo, ['init', '-q']);
    await fsp.writeFile(path.join(rootRepo, 'f'), 'x');
    git(rootRepo, ['add', '.']);
    git(rootRepo, ['commit', '-q', '-m', 'root']);
    await fsp.writeFile(path.join(rootRepo, 'REVISION'), `${commits.second}\n`);
    await fsp.chmod(rootRepo, 0o755);
    const live = await readLiveCommit(conn, { workDir: rootRepo });
    assert.ok(live.kind === 'found', JSON.stringify(live));
    assert.equal(live.source, 'revisionFile');
    assert.equal(live.sha, commits.second);
    assert.ok(live.notes.some((n) => /^git: .*dubious ownership/.test(n)), live.notes.join('\n'));
  });

  it('unknown: nothing to tell (no git, no REVISION, a REVISION that is not a commit) is unknown with the reasons, never a guess', async () => {
    await world.sh(conn, 'mkdir -p empty notasha && echo v1.2.3 > notasha/REVISION');
    for (const [workDir, why] of [['empty', /no REVISION file/], ['notasha', /does not hold a commit name: "v1\.2\.3"/], ['does-not-exist', /does not exist on the host/]] as const) {
      const live = await readLiveCommit(conn, { workDir });
      assert.equal(live.kind, 'unknown', JSON.stringify(live));
      assert.ok(live.notes.some((n) => why.test(n)), `${workDir}: ${live.notes.join('\n')}`);
    }
  });

  it('values reach the host quoted: a work dir or service holding quotes, $(…) and ; runs nothing', async () => {
    const canary = path.join(shared, 'pwned');
    for (const evil of [`x'; touch ${canary}; '`, `$(touch ${canary})`, `\`touch ${canary}\``, `x"; touch ${canary}; "`]) {
      const live = await readLiveCommit(conn, { workDir: evil, service: evil });
      assert.equal(live.kind, 'unknown', JSON.stringify(live));
    }
    await assert.rejects(fsp.access(canary), 'no command was run from a value');
  });

  it('git warnings on stderr (an fsmonitor hook that answers nothing) leave a clean work dir clean', async () => {
    await world.sh(conn, `git clone -q ${path.join(shared, 'repo.bundle')} warned && printf '#!/bin/sh\\nexit 0\\n' > quiet.sh && chmod +x quiet.sh && git -C warned config core.fsmonitor "$HOME/quiet.sh"`);
    assert.match(await world.sh(conn, 'git -C warned status --porcelain --untracked-files=no 2>&1'), /warning/i, 'git does warn here');
    const live = await readLiveCommit(conn, { workDir: 'warned' });
    assert.ok(live.kind === 'found' && live.source === 'git' && live.sha === commits.second && live.dirty === false, JSON.stringify(live));
  });

  it('a host that hangs (a git hook that never returns) is unknown after the timeout, said so, not waited on forever', async () => {
    await world.sh(conn, `git clone -q ${path.join(shared, 'repo.bundle')} hung && printf '#!/bin/sh\\nsleep 6\\n' > hang.sh && chmod +x hang.sh && git -C hung config core.fsmonitor "$HOME/hang.sh"`);
    const started = Date.now();
    const live = await readLiveCommit(conn, { workDir: 'hung', timeoutMs: 1500 });
    assert.ok(Date.now() - started < 8000, 'the caller was not held for the hook');
    assert.deepEqual(live, { kind: 'unknown', notes: ['the host did not say what it runs within 2 s (a hung git or docker?); stopped asking'] });
  });

  it('unreachable: a closed connection is said so, with its typed reason', async () => {
    const gone = await world.connect();
    gone.end();
    const live = await readLiveCommit(gone, { workDir: 'app' });
    assert.equal(live.kind, 'unreachable');
    assert.ok(live.kind === 'unreachable' && live.error.reason === 'closed');
  });
});
