import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fc from 'fast-check';
import { shellWord } from '../../../../src/core/runbooks/placeholderFill';
import { parseComposeCommand } from '../../../../src/services/ssh/composeCommand';
import { followScript, parseStatus, startScript } from '../../../../src/services/ssh/detachedCommand';
import { acquireScript } from '../../../../src/services/ssh/hostLock';
import { isCommitSha, scriptLines } from '../../../../src/services/ssh/hostScript';
import { parseLiveCommit } from '../../../../src/services/ssh/liveCommit';

// The pure halves of the host queries: what the printed lines mean (made-up output here; the real
// scripts run in realLiveCommit / realHostLock / realDetachedCommand / realHostDocker), and the
// quoting every value goes through, checked by real shells.

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('host answers: parsing', () => {
  it('scriptLines: key and value split at the first tab; empty lines skipped', () => {
    assert.deepEqual(scriptLines('a\tb\tc\n\nend\n'), [{ key: 'a', value: 'b\tc' }, { key: 'end', value: '' }]);
  });

  it('isCommitSha: full sha-1 and sha-256 names; abbreviated only when asked; nothing else', () => {
    assert.ok(isCommitSha(A) && isCommitSha('c'.repeat(64)));
    assert.ok(!isCommitSha('abc1234') && isCommitSha('abc1234', true));
    for (const bad of ['', 'A'.repeat(40), `${A} `, 'v1.2.3', '-'.repeat(40), 'g'.repeat(40), 'abc12']) assert.equal(isCommitSha(bad, true), false, bad);
  });

  it('live commit: output cut short (no end line) is unknown, with what the host said on stderr', () => {
    const live = parseLiveCommit(`git.head\t${A}\n`, { workDir: 'app' }, 'This account is currently not available.\n');
    assert.deepEqual(live, { kind: 'unknown', notes: ['the host did not finish saying what it runs: This account is currently not available.'] });
  });

  it('live commit: git wins; dirty unknown when status failed; a HEAD that is not a sha is not taken', () => {
    const found = parseLiveCommit(`git.head\t${A.toUpperCase()}\ngit.statusError\tfatal: index locked\nrevision.file\t${B}\nend\n`, { workDir: 'app' });
    assert.ok(found.kind === 'found' && found.source === 'git' && found.sha === A && found.dirty === undefined);
    assert.ok(found.notes.some((n) => /cannot tell whether .* uncommitted changes: fatal: index locked/.test(n)));
    assert.ok(found.notes.includes(`REVISION says ${B}, not ${A}`));
    const odd = parseLiveCommit(`git.head\tHEAD\nrevision.file\tabc1234\nend\n`, { workDir: 'app' });
    assert.ok(odd.kind === 'found' && odd.source === 'revisionFile' && odd.sha === 'abc1234', JSON.stringify(odd));
  });

  it('live commit: an abbreviated REVISION agreeing with the label is not reported as a disagreement', () => {
    const live = parseLiveCommit(`git.error\tfatal: not a git repository\nrevision.file\taaaaaaa\ndocker.listed\tyes\ndocker.container\tc1\t${A}\nend\n`, { workDir: 'app', service: 'web' });
    assert.ok(live.kind === 'found' && live.source === 'imageLabel' && live.sha === A);
    assert.ok(!live.notes.some((n) => /REVISION says/.test(n)), live.notes.join('\n'));
  });

  it('detached status: exit codes, signals, a pid that does not match, a running run, a vanished one', () => {
    const end = 'end\n';
    assert.deepEqual(parseStatus(`status\t0 42\npgid\t42\nwrapper\tgone\n${end}`), { state: 'ended', outcome: { outcome: 'exited', exitCode: 0, cancelled: false } });
    assert.deepEqual(parseStatus(`status\t143 42\npgid\t42\nwrapper\tgone\ncancel\tyes\n${end}`), { state: 'ended', outcome: { outcome: 'exited', exitCode: 143, signal: 'TERM', cancelled: true } });
    const other = parseStatus(`status\t0 41\npgid\t42\nwrapper\tgone\n${end}`);
    assert.ok(other?.state === 'ended' && other.outcome.outcome === 'unknown' && other.outcome.reason === 'statusUnreadable', 'a status for another process is not this command\'s');
    assert.deepEqual(parseStatus(`pgid\t42\nwrapper\talive\ncommand\talive\n${end}`), { state: 'running', pid: 42 });
    const vanished = parseStatus(`pgid\t42\nwrapper\tgone\n${end}`);
    assert.ok(vanished?.state === 'ended' && vanished.outcome.outcome === 'unknown' && vanished.outcome.reason === 'vanished');
    assert.equal(parseStatus('status\t0 42\npgid\t42\n'), undefined, 'no end line: no answer');
  });

  it('compose detection output', () => {
    assert.deepEqual(parseComposeCommand('plugin\tDocker Compose version v2.29.1\nend\n'), { kind: 'plugin', command: 'docker compose', version: 'Docker Compose version v2.29.1' });
    assert.deepEqual(parseComposeCommand('none\tdocker is not installed\nend\n'), { kind: 'none', message: 'docker is not installed' });
    assert.equal(parseComposeCommand('plugin\tx\n').kind, 'none', 'cut short: nothing claimed');
  });

  it('ids, names and offsets that would need quoting are refused before any script is made', () => {
    for (const id of ['../x', 'a/b', '-x', 'a b', '', 'x'.repeat(101), 'a..b']) assert.throws(() => startScript({ id, command: 'true' }), /not a run id/, id);
    assert.throws(() => followScript({ id: 'ok' }, { stdout: -1, stderr: 0 }), /bad offsets/);
    assert.throws(() => acquireScript({ name: '../etc', who: 'x' }, '0'.repeat(16), '0'.repeat(32)), /not a lock name/);
    assert.throws(() => acquireScript({ who: 'x', takeOver: true, expectedHolderId: "'; rm -rf ~ #" }, '0'.repeat(16), '0'.repeat(32)), /not a lock holder id/);
  });
});

describe('shellWord through real shells', () => {
  const shells = ['sh', 'bash', 'dash'].filter((s) => {
    try {
      execFileSync('sh', ['-c', `command -v ${s}`], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  });

  it(`any value (no NUL) reaches a program as exactly one argument, unchanged (${shells.join(', ')})`, function () {
    this.timeout(60_000);
    const value = fc.string({ unit: 'binary', maxLength: 40 }).filter((v) => !v.includes('\0'));
    fc.assert(
      fc.property(value, (v) => {
        for (const sh of shells) {
          const out = execFileSync(sh, ['-c', `printf '%s|' ${shellWord(v)} && printf '%s' "$#"`, 'arg0'], { encoding: 'utf8' });
          assert.equal(out, `${v}|0`, sh);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a NUL byte is refused, never truncated', () => {
    assert.throws(() => shellWord('a\0b'), /NUL/);
  });
});
