import * as assert from 'node:assert/strict';
import { describeHostRuns, sameCommit, type HostRuns } from '../../../../src/core/rollback/hostRuns';

const A = 'a'.repeat(7) + '1'.repeat(33);
const B = 'b'.repeat(7) + '2'.repeat(33);
const found = (host: string, sha: string, extra: Partial<Extract<HostRuns['answer'], { kind: 'found' }>> = {}, comparison?: HostRuns['comparison']): HostRuns =>
  ({ host, answer: { kind: 'found', sha, source: 'git', branch: 'main', notes: [], ...extra }, comparison, at: 0 });

describe('what a host runs, said for the Hosts view', () => {
  it('at the branch: the short commit, no warning', () => {
    const v = describeHostRuns(found('web-1', A, {}, { kind: 'compared', known: true, branch: 'main', ahead: 0, behind: 0 }), []);
    assert.equal(v.description, 'runs aaaaaaa · main');
    assert.equal(v.warning, false);
    assert.ok(v.details.includes('at main'));
  });

  it('behind the branch is said; ahead of it (commits the branch lacks) is a warning', () => {
    assert.equal(describeHostRuns(found('w', A, {}, { kind: 'compared', known: true, branch: 'origin/main', ahead: 0, behind: 3 }), []).description, 'runs aaaaaaa · 3 behind origin/main');
    const ahead = describeHostRuns(found('w', A, {}, { kind: 'compared', known: true, branch: 'main', ahead: 2, behind: 1 }), []);
    assert.equal(ahead.description, 'runs aaaaaaa · 2 ahead, 1 behind main');
    assert.equal(ahead.warning, true);
  });

  it('an unknown commit, uncommitted changes and containers that disagree are flagged', () => {
    const v = describeHostRuns(found('w', A, { dirty: true, containersDisagree: true }, { kind: 'compared', known: false }), []);
    assert.equal(v.description, 'runs aaaaaaa · unknown commit · uncommitted changes · containers disagree');
    assert.equal(v.warning, true);
  });

  it('hosts that disagree name each other; an abbreviated REVISION of the same commit agrees', () => {
    const all = [found('web-1', A), found('web-2', B), found('web-3', A.slice(0, 12), { source: 'revisionFile', branch: undefined })];
    const v1 = describeHostRuns(all[0]!, all);
    assert.equal(v1.description, 'runs aaaaaaa · differs from web-2');
    assert.ok(v1.details.includes('web-2 runs bbbbbbb'));
    assert.equal(describeHostRuns(all[2]!, all).description, 'runs aaaaaaa · differs from web-2');
    assert.equal(sameCommit(A, A.slice(0, 12)), true);
    assert.equal(sameCommit(A, A.slice(0, 5)), false, 'too short to say');
  });

  it('unknown and unreachable say so with the reasons, never a commit', () => {
    const u = describeHostRuns({ host: 'w', answer: { kind: 'unknown', notes: ['git: no work dir configured for this host'] }, at: 0 }, []);
    assert.equal(u.description, 'runs: unknown');
    assert.deepEqual(u.details, ['Cannot tell what it runs:', '- git: no work dir configured for this host']);
    const x = describeHostRuns({ host: 'w', answer: { kind: 'unreachable', message: 'connection refused' }, at: 0 }, []);
    assert.equal(x.description, 'runs: cannot ask');
    assert.equal(x.warning, true);
  });

  it('not compared: the reason is in the details, and no flag', () => {
    const v = describeHostRuns(found('w', A, {}, { kind: 'notCompared', reason: 'the workspace folder is not in a git repository' }), []);
    assert.equal(v.description, 'runs aaaaaaa');
    assert.ok(v.details.includes('not compared with the repository: the workspace folder is not in a git repository'));
  });
});
