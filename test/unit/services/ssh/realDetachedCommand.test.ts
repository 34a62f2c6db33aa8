import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { type FollowResult, cancelDetached, followDetached, followToEnd, readDetachedState, removeDetachedRun, startDetached } from '../../../../src/services/ssh/detachedCommand';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import { SshError } from '../../../../src/services/ssh/sshError';
import { isAlive, sleep } from '../../../services/processes';
import { type Sshd, freePort, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';
import { type HostWorld, hostWorld, waitFor } from './hostWorld';

// Host commands detached from the SSH session, on a real sshd: output and status after the end, a
// connection killed mid-run and a new one reattaching, a command killed on the host, cancel.

const temp = new TempDirs();
after(() => temp.cleanup());

let runCount = 0;
const runId = (what: string) => `${what}-${process.pid}-${++runCount}`;

interface Collected {
  stdout: string;
  stderr: string;
}

function collector(): Collected & { onData: (s: 'stdout' | 'stderr', c: Buffer) => void } {
  const c = {
    stdout: '',
    stderr: '',
    onData: (s: 'stdout' | 'stderr', chunk: Buffer) => {
      if (s === 'stdout') c.stdout += chunk.toString('utf8');
      else c.stderr += chunk.toString('utf8');
    },
  };
  return c;
}

function ended(r: FollowResult) {
  assert.equal(r.kind, 'ended', JSON.stringify(r));
  return (r as Extract<FollowResult, { kind: 'ended' }>).outcome;
}

describe('detached host commands on a real sshd', function () {
  this.timeout(90_000);
  let sshd: Sshd;
  let world: HostWorld;
  let conn: SshConnection;

  before(async () => {
    sshd = await startSshd();
    world = await hostWorld(sshd, temp);
    conn = await world.connect();
  });
  after(async () => {
    conn?.end();
    await sshd?.stop();
  });

  /** Starts `command`, follows it, and waits until `marker` is out and the host reports it running. */
  async function startedRun(what: string, command: string, marker: string) {
    const ref = { id: runId(what) };
    await startDetached(conn, { ...ref, command });
    const c = collector();
    const following = followDetached(conn, ref, undefined, { onData: c.onData });
    await waitFor(() => c.stdout.includes(marker), 10_000, marker);
    const state = await readDetachedState(conn, ref);
    assert.ok(state.state === 'running' && state.pid !== undefined, JSON.stringify(state));
    return { ref, c, following, pid: state.pid };
  }

  it('runs in its work dir; output (stdout and stderr apart) and the real exit status after completion', async () => {
    const ref = { id: runId('basic') };
    await world.sh(conn, 'mkdir -p site');
    await startDetached(conn, { ...ref, command: 'pwd; echo out-line; echo err-line >&2; printf "no newline"; exit 3', cwd: 'site' });
    const c = collector();
    const outcome = ended(await followDetached(conn, ref, undefined, { onData: c.onData }));
    assert.deepEqual(outcome, { outcome: 'exited', exitCode: 3, cancelled: false });
    assert.match(c.stdout, /\/site\nout-line\nno newline$/);
    assert.equal(c.stderr, 'err-line\n');
    // Read again later (another window): the same answer, and the output from any offset.
    assert.deepEqual(await readDetachedState(conn, ref), { state: 'ended', outcome });
    const again = collector();
    ended(await followDetached(conn, ref, { stdout: c.stdout.length - 'no newline'.length, stderr: 0 }, { onData: again.onData }));
    assert.equal(again.stdout, 'no newline');
    // A second start with the same id is refused, not run twice.
    await assert.rejects(startDetached(conn, { ...ref, command: 'true' }), /already exists/);
  });

  it('large and binary output arrives byte for byte (offsets count bytes, not characters)', async () => {
    const ref = { id: runId('bytes') };
    await startDetached(conn, { ...ref, command: "seq 1 200000; printf '\\377\\000\\376\\303'; printf '\\351t\\351' >&2" });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const result = await followDetached(conn, ref, undefined, { onData: (s, c) => (s === 'stdout' ? out : err).push(c) });
    assert.deepEqual(ended(result), { outcome: 'exited', exitCode: 0, cancelled: false });
    const expected = Buffer.concat([execFileSync('seq', ['1', '200000'], { maxBuffer: 16 << 20 }), Buffer.from([0xff, 0x00, 0xfe, 0xc3])]);
    assert.ok(Buffer.concat(out).equals(expected), `stdout: ${Buffer.concat(out).length} bytes, expected ${expected.length}`);
    assert.ok(Buffer.concat(err).equals(Buffer.from([0xe9, 0x74, 0xe9])));
    assert.deepEqual(result.offsets, { stdout: expected.length, stderr: 3 });
  });

  it('a cwd that does not exist: the command does not run, the status says it failed', async () => {
    const ref = { id: runId('nocwd') };
    await startDetached(conn, { ...ref, command: 'echo should-not-run', cwd: 'no/such/dir' });
    const c = collector();
    const outcome = ended(await followDetached(conn, ref, undefined, { onData: c.onData }));
    assert.deepEqual(outcome, { outcome: 'exited', exitCode: 1, cancelled: false });
    assert.equal(c.stdout, '');
    assert.match(c.stderr, /no\/such\/dir/);
  });

  it('streams live: output arrives while the command still runs', async () => {
    const ref = { id: runId('live') };
    await startDetached(conn, { ...ref, command: 'echo first; sleep 2; echo second' });
    const c = collector();
    const following = followDetached(conn, ref, undefined, { onData: c.onData });
    await waitFor(() => c.stdout.includes('first'), 10_000, 'first line');
    assert.equal((await readDetachedState(conn, ref)).state, 'running');
    assert.ok(!c.stdout.includes('second'));
    assert.deepEqual(ended(await following), { outcome: 'exited', exitCode: 0, cancelled: false });
    assert.equal(c.stdout, 'first\nsecond\n');
  });

  it('stop following (the wizard closed): the run goes on; a later follow from the offsets gets the rest and the status', async () => {
    const ref = { id: runId('stop') };
    await startDetached(conn, { ...ref, command: 'echo one; sleep 1; echo two; exit 2' });
    const c = collector();
    let stop: (() => void) | undefined;
    const following = followDetached(conn, ref, undefined, { onData: c.onData, started: (s) => (stop = s) });
    await waitFor(() => c.stdout.includes('one'), 10_000, 'one');
    stop!();
    const first = await following;
    assert.ok(first.kind === 'detached' && first.stopped === true, JSON.stringify(first));
    assert.equal((await readDetachedState(conn, ref)).state, 'running');
    assert.deepEqual(ended(await followDetached(conn, ref, first.offsets, { onData: c.onData })), { outcome: 'exited', exitCode: 2, cancelled: false });
    assert.equal(c.stdout, 'one\ntwo\n');
  });

  it('connection killed mid-run: the command goes on; a new connection reattaches, reads the rest once, and the real exit status', async () => {
    const own = await world.connect();
    const ref = { id: runId('drop') };
    await startDetached(own, { ...ref, command: 'i=0; while [ $i -lt 40 ]; do echo line-$i; echo e-$i >&2; i=$((i + 1)); sleep 0.05; done; exit 7' });
    const c = collector();
    const following = followDetached(own, ref, undefined, { onData: c.onData });
    await waitFor(() => c.stdout.includes('line-5\n'), 10_000, 'line-5');
    assert.ok((await sshd.dropConnections()) > 0, 'sshd had connection processes to end');
    // Every connection went: the next tests use a new one.
    conn = await world.connect();
    const first = await following;
    assert.equal(first.kind, 'detached', JSON.stringify(first));
    assert.equal(own.closed, true);
    assert.ok(!c.stdout.includes('line-39'), 'the drop came before the end');
    assert.deepEqual(first.offsets, { stdout: Buffer.byteLength(c.stdout), stderr: Buffer.byteLength(c.stderr) });
    const again = await world.connect();
    try {
      const outcome = ended(await followDetached(again, ref, first.offsets, { onData: c.onData }));
      assert.deepEqual(outcome, { outcome: 'exited', exitCode: 7, cancelled: false });
    } finally {
      again.end();
    }
    const expected = (p: string) => Array.from({ length: 40 }, (_, i) => `${p}-${i}\n`).join('');
    assert.equal(c.stdout, expected('line'), 'every line once, in order');
    assert.equal(c.stderr, expected('e'));
  });

  it('followToEnd: a drop mid-run is reattached by itself; a run that finished while disconnected gives the rest of its output and its status', async () => {
    const own = await world.connect();
    const ref = { id: runId('auto') };
    await startDetached(own, { ...ref, command: 'i=0; while [ $i -lt 20 ]; do echo n-$i; i=$((i + 1)); sleep 0.05; done; exit 4' });
    const c = collector();
    const events: string[] = [];
    let dropped = false;
    const following = followToEnd(own, async () => {
      // Reconnect only once the run is over: everything after the drop is read from the files.
      await waitFor(() => dropped, 10_000, 'the drop');
      await sleep(1500);
      return world.connect();
    }, ref, { onData: c.onData, reconnectDelayMs: 10, onReattach: (e) => events.push(e.kind) });
    await waitFor(() => c.stdout.includes('n-3\n'), 10_000, 'n-3');
    assert.ok((await sshd.dropConnections()) > 0);
    dropped = true;
    conn = await world.connect();
    const { outcome, connections } = await following;
    for (const extra of connections) (extra as SshConnection).end();
    assert.deepEqual(outcome, { outcome: 'exited', exitCode: 4, cancelled: false });
    assert.deepEqual(events, ['lost', 'reattached']);
    assert.equal(c.stdout, Array.from({ length: 20 }, (_, i) => `n-${i}\n`).join(''));
    assert.equal(await removeDetachedRun(conn, ref), true);
    const gone = await readDetachedState(conn, ref);
    assert.ok(gone.state === 'ended' && gone.outcome.outcome === 'unknown' && gone.outcome.reason === 'notFound');
  });

  it('followToEnd: the host cannot be reached again: unknown (connectionLost), never success, although the command did finish', async () => {
    const own = await world.connect();
    const ref = { id: runId('lost') };
    await startDetached(own, { ...ref, command: 'echo begun; sleep 1; exit 0' });
    const c = collector();
    const port = await freePort();
    const unreachable = () => world.connect(port);
    const following = followToEnd(own, unreachable, ref, { onData: c.onData, reconnectAttempts: 2, reconnectDelayMs: 50 });
    await waitFor(() => c.stdout.includes('begun'), 10_000, 'begun');
    assert.ok((await sshd.dropConnections()) > 0);
    conn = await world.connect();
    const { outcome } = await following;
    assert.equal(outcome.outcome, 'unknown');
    assert.ok(outcome.outcome === 'unknown' && outcome.reason === 'connectionLost' && /could not be made again/.test(outcome.message), JSON.stringify(outcome));
    await assert.rejects(unreachable(), (e) => SshError.is(e, 'unreachable'));
    // Asked later, the host has the real status: unknown was the honest answer then, not a wrong one.
    ended(await followDetached(conn, ref));
    assert.deepEqual(await readDetachedState(conn, ref), { state: 'ended', outcome: { outcome: 'exited', exitCode: 0, cancelled: false } });
  });

  it('a command killed on the host: reported as ended by SIGKILL (137), not as success', async () => {
    const { following, pid } = await startedRun('killed', 'echo started; sleep 60', 'started');
    // Someone on the host kills it (the OOM killer, an operator).
    process.kill(-pid, 'SIGKILL');
    assert.deepEqual(ended(await following), { outcome: 'exited', exitCode: 137, signal: 'KILL', cancelled: false });
  });

  it('the wrapper killed too (as in a host restart): the outcome is unknown, never success', async () => {
    const ref = { id: runId('vanished') };
    await startDetached(conn, { ...ref, command: 'sleep 60' });
    const state = await readDetachedState(conn, ref);
    assert.ok(state.state === 'running' && state.pid !== undefined);
    const wrapper = Number((await world.sh(conn, `cat .incident-desk/runs/${ref.id}/wpid`)).trim());
    process.kill(-wrapper, 'SIGKILL');
    await waitFor(() => !isAlive(wrapper), 5000, 'the wrapper to go');
    // Only the wrapper went: the command still runs, but its status can no longer be known.
    const orphan = await readDetachedState(conn, ref);
    assert.ok(orphan.state === 'ended' && orphan.outcome.outcome === 'unknown' && orphan.outcome.reason === 'vanished', JSON.stringify(orphan));
    assert.match(orphan.outcome.outcome === 'unknown' ? orphan.outcome.message : '', new RegExp(`pid ${state.pid}, still runs`));
    process.kill(-state.pid, 'SIGKILL');
    const outcome = ended(await followDetached(conn, ref));
    assert.equal(outcome.outcome, 'unknown');
    assert.equal(outcome.outcome === 'unknown' && outcome.reason, 'vanished');
    assert.doesNotMatch(outcome.outcome === 'unknown' ? outcome.message : '', /still runs/);
  });

  it('no such run: unknown (notFound), and a status file that does not hold a status: unknown (statusUnreadable)', async () => {
    const missing = await readDetachedState(conn, { id: runId('missing') });
    assert.ok(missing.state === 'ended' && missing.outcome.outcome === 'unknown' && missing.outcome.reason === 'notFound');
    const ref = { id: runId('garbled') };
    await startDetached(conn, { ...ref, command: 'true' });
    ended(await followDetached(conn, ref));
    await world.sh(conn, `echo 0 > .incident-desk/runs/${ref.id}/status`);
    const garbled = await readDetachedState(conn, ref);
    assert.ok(garbled.state === 'ended' && garbled.outcome.outcome === 'unknown' && garbled.outcome.reason === 'statusUnreadable', JSON.stringify(garbled));
  });

  it('cancel: SIGTERM to the process group (a trap answers), the follower sees the end; the processes are gone', async () => {
    const { ref, c, following, pid } = await startedRun('cancel', 'trap "echo got-term; exit 5" TERM; echo ready; sleep 60 & wait', 'ready');
    const state = await cancelDetached(conn, ref, 5000);
    assert.deepEqual(state, { state: 'ended', outcome: { outcome: 'exited', exitCode: 5, cancelled: true } });
    assert.deepEqual(ended(await following), { outcome: 'exited', exitCode: 5, cancelled: true });
    assert.match(c.stdout, /got-term/);
    // SIGTERM reached the whole group; the processes are gone once reaped (polled: slower under load).
    let left = '';
    for (const deadline = Date.now() + 5000; ; await sleep(100)) {
      left = isAlive(pid) ? String(pid) : (await world.sh(conn, `pgrep -g ${pid} || true`)).trim();
      if (left === '' || Date.now() > deadline) break;
    }
    assert.equal(left, '', 'the command and the sleep in its group are gone');
  });

  it('cancel of a command that ignores SIGTERM: SIGKILL after the grace period, reported as killed', async () => {
    const { ref, following } = await startedRun('stubborn', 'trap "" TERM; echo ready; while :; do sleep 0.1; done', 'ready');
    const state = await cancelDetached(conn, ref, 800);
    assert.deepEqual(state, { state: 'ended', outcome: { outcome: 'exited', exitCode: 137, signal: 'KILL', cancelled: true } });
    assert.equal(ended(await following).outcome, 'exited');
  });

  it('cancel of a run that already ended changes nothing: its status stays, not marked cancelled', async () => {
    const ref = { id: runId('late') };
    await startDetached(conn, { ...ref, command: 'exit 0' });
    ended(await followDetached(conn, ref));
    assert.deepEqual(await cancelDetached(conn, ref, 100), { state: 'ended', outcome: { outcome: 'exited', exitCode: 0, cancelled: false } });
  });
});
