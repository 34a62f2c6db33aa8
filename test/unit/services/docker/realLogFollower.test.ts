// Following logs live from a real dockerd, through the real faults: a container restarted, the
// daemon restarted, the connection dropped under the client, the container removed. The lines we
// show are compared with what the daemon itself recorded (`docker logs`), so a duplicate or a
// missing line fails the test, and the containers count their lines across restarts so a gap in
// the numbers shows too.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { createDockerClient } from '../../../../src/services/docker/dockerClient';
import type { DockerClient } from '../../../../src/services/docker/dockerClient';
import { DockerError } from '../../../../src/services/docker/dockerError';
import { followLogs, formatLogLine } from '../../../../src/services/docker/logFollower';
import type { FollowEvent, FollowOptions, FollowTarget, LogFollower } from '../../../../src/services/docker/followTypes';
import { ensureBusyboxImage } from '../../../services/busyboxImage';
import { composeLabels, runContainer } from '../../../services/containers';
import { dockerCli, startDockerd } from '../../../services/dockerd';
import type { Dockerd } from '../../../services/dockerd';
import { sleep } from '../../../services/processes';

/** Prints `line N` every 0.1 s; N carries on across restarts (kept in the container's file system). */
const COUNTER = ['sh', '-c', 'i=$(cat /tmp/n 2>/dev/null); i=${i:-0}; while true; do i=$((i+1)); echo line $i; echo $i > /tmp/n; sleep 0.1; done'];
/**
 * COUNTER that stops only between lines: a daemon shutdown's SIGTERM sets a flag the loop checks, so
 * a kill can never fall between printing a line and saving its number (which made the next run
 * start again at 1, or repeat a number). For the test that needs lines consecutive across runs.
 */
const STEADY_COUNTER = ['sh', '-c', 'trap "stop=1" TERM; i=$(cat /tmp/n 2>/dev/null); i=${i:-0}; while [ -z "$stop" ]; do i=$((i+1)); echo line $i; echo $i > /tmp/n.t && mv /tmp/n.t /tmp/n; sleep 0.1 & wait $!; done'];

interface Seen {
  kind: 'line' | 'event';
  text: string;
  timestamp?: string;
  showTimestamps?: boolean;
  stream?: string;
  prefix?: string;
  event?: FollowEvent;
}

/** Records lines and markers in the order the follower hands them over. */
class Recorder {
  static readonly all: Recorder[] = [];
  readonly seen: Seen[] = [];
  constructor() {
    Recorder.all.push(this);
  }
  batches = 0;
  dropped = 0;

  options(extra: Partial<FollowOptions> = {}): FollowOptions {
    return {
      tail: 'all',
      reconnect: { initialMs: 200, maxMs: 1000 },
      onBatch: (batch) => {
        this.batches++;
        this.dropped += batch.dropped;
        for (const line of batch.lines) this.seen.push({ kind: 'line', text: line.text, stream: line.stream, prefix: batch.prefix, timestamp: line.timestamp, showTimestamps: batch.timestamps });
      },
      onEvent: (event) => this.seen.push({ kind: 'event', text: event.text, event }),
      ...extra,
    };
  }

  lines(prefix?: string): string[] {
    return this.seen.filter((s) => s.kind === 'line' && (prefix === undefined || s.prefix === prefix)).map((s) => s.text);
  }

  events(): FollowEvent[] {
    return this.seen.filter((s) => s.kind === 'event').map((s) => s.event as FollowEvent);
  }

  kinds(): string[] {
    return this.events().map((e) => e.kind);
  }

  numbers(prefix?: string): number[] {
    return this.lines(prefix).map((l) => Number(/^line (\d+)$/.exec(l)?.[1] ?? NaN));
  }

  /** Lines seen after the first event of `kind`. */
  linesAfter(kind: string): string[] {
    const at = this.seen.findIndex((s) => s.event?.kind === kind);
    return at < 0 ? [] : this.seen.slice(at + 1).filter((s) => s.kind === 'line').map((s) => s.text);
  }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function assertConsecutive(numbers: number[], from = 1): void {
  assert.ok(numbers.length > 0, 'no numbered lines');
  numbers.forEach((n, i) => assert.equal(n, from + i, `line ${i}: expected ${from + i}, got ${n} (…${numbers.slice(Math.max(0, i - 3), i + 3).join(',')}…)`));
}

/** What the daemon recorded for `name`, as `docker logs` prints it (stdout and stderr merged, in order). */
async function daemonLines(dockerd: Dockerd, name: string): Promise<string[]> {
  const out = await dockerCli(dockerd, ['logs', name]);
  return out.split('\n').filter((l) => l !== '');
}

/** Our lines are exactly the daemon's, up to where we stopped: nothing twice, nothing missing. */
async function assertSameAsDaemon(dockerd: Dockerd, name: string, ours: string[]): Promise<void> {
  const theirs = await daemonLines(dockerd, name);
  assert.ok(theirs.length >= ours.length, `daemon has ${theirs.length} lines, we showed ${ours.length}`);
  assert.deepEqual(ours, theirs.slice(0, ours.length));
}

/** An agent that opens each connection to the daemon's socket itself, and can cut them all (a dropped SSH tunnel). */
class DroppableAgent extends http.Agent {
  private readonly open = new Set<net.Socket>();
  /** While set, every new connection fails as a tunnel that cannot be re-established would. */
  down = false;
  constructor(private readonly socketPath: string) {
    super({ keepAlive: false });
  }
  override createConnection(): net.Socket {
    const socket = net.connect(this.down ? `${this.socketPath}.down` : this.socketPath);
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return socket;
  }
  dropAll(): number {
    const n = this.open.size;
    for (const s of this.open) s.destroy();
    return n;
  }
}

describe('followLogs (real dockerd): lines, faults, markers', function () {
  this.timeout(240_000);
  let dockerd: Dockerd;
  let client: DockerClient;
  const followers: LogFollower[] = [];

  function follow(target: FollowTarget, recorder: Recorder, extra: Partial<FollowOptions> = {}, on: DockerClient = client): LogFollower {
    const f = followLogs(on, target, recorder.options(extra));
    followers.push(f);
    return f;
  }

  before(async function () {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    client = await createDockerClient({ kind: 'local', socketPath: dockerd.socketPath });
  });

  afterEach(function () {
    for (const f of followers.splice(0)) f.stop();
    // DEBUG_FOLLOW=1 prints the markers each test saw.
    for (const rec of Recorder.all.splice(0)) if (process.env.DEBUG_FOLLOW) console.log(`      markers: ${rec.events().map((e) => e.text).join(' | ') || '(none)'}`);
  });

  after(async function () {
    client?.dispose();
    await dockerd?.stop();
  });

  it('follows a container printing slowly: lines in order, as they come', async function () {
    await runContainer(dockerd, { name: 'slow', cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.1; done'] });
    const rec = new Recorder();
    follow({ kind: 'container', id: 'slow' }, rec);
    await waitFor('20 lines', () => rec.lines().length >= 20);
    const at20 = rec.lines().length;
    await waitFor('10 more lines, live', () => rec.lines().length >= at20 + 10);
    assertConsecutive(rec.numbers());
    assert.ok(rec.seen.every((s) => s.kind === 'line' && s.stream === 'stdout' && s.prefix === ''));
    assert.ok(rec.batches > 10, `lines came live in many batches, not at the end (${rec.batches})`);
  });

  it('tail: starts with the last N lines, then live ones', async function () {
    await runContainer(dockerd, { name: 'tailed', cmd: ['sh', '-c', 'seq 1 500; i=500; while true; do i=$((i+1)); echo $i; sleep 0.1; done'] });
    await waitFor('500 lines written', async () => (await daemonLines(dockerd, 'tailed')).length >= 500);
    const rec = new Recorder();
    follow({ kind: 'container', id: 'tailed' }, rec, { tail: 5 });
    await waitFor('live lines after the tail', () => rec.lines().length >= 10);
    const first = Number(rec.lines()[0]);
    assert.ok(first > 490, `started near the end: ${first}`);
    assertConsecutive(rec.lines().map(Number), first);
  });

  it('since: only lines written from that time on; every line carries its timestamp, shown when asked', async function () {
    await runContainer(dockerd, { name: 'since', cmd: COUNTER });
    await waitFor('10 lines written', async () => (await daemonLines(dockerd, 'since')).length >= 10);
    const writtenBefore = (await daemonLines(dockerd, 'since')).length;
    const since = new Date();
    const rec = new Recorder();
    follow({ kind: 'container', id: 'since' }, rec, { since, timestamps: true });
    await waitFor('5 lines', () => rec.lines().length >= 5);
    const lines = rec.seen.filter((x) => x.kind === 'line');
    for (const line of lines) {
      assert.ok(line.timestamp && Date.parse(line.timestamp) >= since.getTime() - 1, `${line.timestamp} is not before ${since.toISOString()}`);
      assert.equal(line.showTimestamps, true);
    }
    assert.ok(rec.numbers()[0] > writtenBefore, `starts at ${rec.numbers()[0]}, ${writtenBefore} lines were written before`);
    assertConsecutive(rec.numbers(), rec.numbers()[0]);
  });

  it('stdout and stderr are told apart; control sequences stripped, colours kept', async function () {
    const script = "echo out-1; echo err-1 >&2; printf '\\033[31mred\\033[0m \\033]0;title\\007\\033[2Jplain\\n'; echo err-2 >&2; echo out-2; sleep 1000";
    await runContainer(dockerd, { name: 'twostreams', cmd: ['sh', '-c', script] });
    const rec = new Recorder();
    follow({ kind: 'container', id: 'twostreams' }, rec);
    await waitFor('5 lines', () => rec.lines().length >= 5);
    const byStream = (stream: string): string[] => rec.seen.filter((s) => s.stream === stream).map((s) => s.text);
    assert.deepEqual(byStream('stdout'), ['out-1', '\x1b[31mred\x1b[0m plain', 'out-2']);
    assert.deepEqual(byStream('stderr'), ['err-1', 'err-2']);
  });

  it('a TTY container (raw stream, CRLF): lines without the CR, all on stdout', async function () {
    await runContainer(dockerd, { name: 'tty', tty: true, cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.1; done'] });
    const rec = new Recorder();
    follow({ kind: 'container', id: 'tty' }, rec);
    await waitFor('10 lines', () => rec.lines().length >= 10);
    assertConsecutive(rec.numbers());
    assert.ok(rec.seen.every((s) => s.stream === 'stdout' && !s.text.includes('\r')));
  });

  it('container restart: a re-attach marker, and no duplicate or missing line', async function () {
    await runContainer(dockerd, { name: 'restarting', cmd: COUNTER });
    const rec = new Recorder();
    follow({ kind: 'container', id: 'restarting' }, rec);
    await waitFor('15 lines', () => rec.lines().length >= 15);
    await dockerCli(dockerd, ['restart', '-t', '1', 'restarting']);
    await waitFor('the restart marker and 15 lines after it', () => rec.linesAfter('restarted').length >= 15);
    const restarted = rec.events().find((e) => e.kind === 'restarted');
    assert.equal(restarted?.text, '── container restarted: re-attached ──');
    assert.ok(!rec.kinds().includes('gap'), 'the log still held the resume point: no gap claimed');
    assertConsecutive(rec.numbers());
    const f = followers[followers.length - 1];
    f.stop();
    assert.ok(f.counters.skipped >= 1, `the resume asked from the last timestamp and skipped what was shown (${f.counters.skipped})`);
    await assertSameAsDaemon(dockerd, 'restarting', rec.lines());
    // A second restart, the same way.
    const rec2 = new Recorder();
    follow({ kind: 'container', id: 'restarting' }, rec2, { tail: 0 });
    await waitFor('a live line', () => rec2.lines().length >= 1);
    await dockerCli(dockerd, ['restart', '-t', '1', 'restarting']);
    await waitFor('re-attached again', () => rec2.linesAfter('restarted').length >= 5);
    assertConsecutive(rec2.numbers(), rec2.numbers()[0]);
  });

  it('a stopped container: its tail, a "not running" marker, then live lines when it starts', async function () {
    // STEADY_COUNTER: the stop must not fall between printing a line and saving its number (with
    // COUNTER a kill there made the new run start again at 1 now and then).
    await runContainer(dockerd, { name: 'later', cmd: STEADY_COUNTER });
    await waitFor('3 lines written', async () => (await daemonLines(dockerd, 'later')).length >= 3);
    await dockerCli(dockerd, ['stop', '-t', '5', 'later']);
    const exitCode = (await dockerCli(dockerd, ['inspect', '-f', '{{.State.ExitCode}}', 'later'])).trim();
    assert.match(exitCode, /^\d+$/);
    const rec = new Recorder();
    follow({ kind: 'container', id: 'later' }, rec);
    await waitFor('the not-running marker', () => rec.kinds().includes('notRunning'));
    assert.equal(rec.events()[0].text, `── container is not running (exited with code ${exitCode}); waiting for it to start ──`);
    const before = rec.lines().length;
    assert.ok(before >= 3);
    await dockerCli(dockerd, ['start', 'later']);
    await waitFor('lines of the new run', () => rec.linesAfter('restarted').length >= 5);
    assertConsecutive(rec.numbers());
    await assertSameAsDaemon(dockerd, 'later', rec.lines());
  });

  it('daemon restart: disconnected, reconnected with a resume marker, no duplicate or missing line', async function () {
    await runContainer(dockerd, { name: 'survivor', cmd: STEADY_COUNTER, restart: 'always' });
    const rec = new Recorder();
    follow({ kind: 'container', id: 'survivor' }, rec);
    await waitFor('15 lines', () => rec.lines().length >= 15);
    await dockerd.restart();
    await waitFor('15 lines after reconnecting', () => rec.linesAfter('reconnected').length >= 15, 60_000);
    const kinds = rec.kinds();
    assert.ok(kinds.indexOf('disconnected') >= 0 && kinds.indexOf('disconnected') < kinds.indexOf('reconnected'), kinds.join(','));
    const reconnected = rec.events().find((e) => e.kind === 'reconnected') as FollowEvent;
    assert.ok((reconnected.downtimeMs ?? 0) > 0);
    assert.match(reconnected.text, /^── reconnected after (\d+ ms|\d+(\.\d)? s|\d+ min \d+ s); lines written meanwhile are shown \(from \d{4}-\d\d-\d\dT[\d:.]+Z\) ──$/);
    assert.ok(kinds.includes('restarted'), `the container came back as a new run: ${kinds.join(',')}`);
    assert.ok(!kinds.includes('gap'), kinds.join(','));
    assertConsecutive(rec.numbers());
    followers[followers.length - 1].stop();
    await assertSameAsDaemon(dockerd, 'survivor', rec.lines());
  });

  it('the connection drops under the client (tunnel cut): reconnects at once, resumes without duplicates', async function () {
    await runContainer(dockerd, { name: 'dropped', cmd: COUNTER });
    const agent = new DroppableAgent(dockerd.socketPath);
    const tunnel = await createDockerClient({ kind: 'agent', agent, label: 'vps-test' });
    try {
      const rec = new Recorder();
      const f = follow({ kind: 'container', id: 'dropped' }, rec, {}, tunnel);
      await waitFor('10 lines', () => rec.lines().length >= 10);
      for (let round = 0; round < 3; round++) {
        const seenBefore = rec.lines().length;
        assert.equal(agent.dropAll(), 1, 'one connection open: the log stream');
        // Lines written while we are away must come after the reconnect, not be lost.
        await waitFor('reconnected', () => rec.kinds().filter((k) => k === 'reconnected').length === round + 1);
        await waitFor('more lines', () => rec.lines().length >= seenBefore + 5);
      }
      const events = rec.events();
      assert.equal(events.filter((e) => e.kind === 'disconnected').length, 3);
      assert.ok(events[0].text.includes('vps-test'), events[0].text);
      assert.ok(!rec.kinds().includes('restarted'), 'the container did not restart');
      assert.ok(!rec.kinds().includes('gap'), 'nothing was rotated away: no gap claimed');
      assertConsecutive(rec.numbers());
      f.stop();
      await assertSameAsDaemon(dockerd, 'dropped', rec.lines());
    } finally {
      tunnel.dispose();
      agent.destroy();
    }
  });

  it('away longer than the daemon keeps the log (rotated): a gap marker before the first new line, still no duplicate', async function () {
    // A log of at most 2 x 2 KiB (~50 lines): a couple of seconds of this container's output. Not
    // faster: on a loaded machine a log that rotates within one re-attach would lose lines a second
    // time, after the gap this test is about.
    await dockerCli(dockerd, [
      'run', '-d', '--network', 'none', '--name', 'rotating', '--stop-timeout', '1', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=2',
      'local/busybox:1', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.04; done',
    ]);
    const agent = new DroppableAgent(dockerd.socketPath);
    const tunnel = await createDockerClient({ kind: 'agent', agent, label: 'vps-test' });
    try {
      const rec = new Recorder();
      follow({ kind: 'container', id: 'rotating' }, rec, { tail: 5 }, tunnel);
      await waitFor('20 lines', () => rec.lines().length >= 20);
      agent.down = true;
      agent.dropAll();
      await waitFor('disconnected', () => rec.kinds().includes('disconnected'));
      const lastShown = rec.numbers()[rec.numbers().length - 1];
      // Away until the daemon's log starts after the line we showed last, and a little more.
      await waitFor('the log rotated past the last line shown', async () => Number(/^line (\d+)$/.exec((await daemonLines(dockerd, 'rotating'))[0])?.[1]) > lastShown + 1);
      agent.down = false;
      await waitFor('lines after the gap marker', () => rec.linesAfter('gap').length >= 20);
      const kinds = rec.kinds();
      assert.deepEqual(kinds.slice(0, 3), ['disconnected', 'reconnected', 'gap'], kinds.join(','));
      const gap = rec.events()[2];
      assert.match(gap.text, /^── gap: the daemon's log no longer reaches back to \S+Z \(rotated\); lines written meanwhile may be missing ──$/);
      const at = rec.seen.indexOf(rec.seen.find((x) => x.event === gap) as never);
      const numbersOf = (part: typeof rec.seen): number[] => part.filter((x) => x.kind === 'line').map((x) => Number(/^line (\d+)$/.exec(x.text)?.[1]));
      const before = numbersOf(rec.seen.slice(0, at));
      const after = numbersOf(rec.seen.slice(at + 1));
      assertConsecutive(before, before[0]);
      assertConsecutive(after, after[0]);
      assert.ok(after[0] > before[before.length - 1] + 1, `the lines between ${before[before.length - 1]} and ${after[0]} are gone from the daemon's log, and said so`);
    } finally {
      tunnel.dispose();
      agent.destroy();
    }
  });

  it('container removed: a clear end marker, and done resolves "removed"', async function () {
    await runContainer(dockerd, { name: 'doomed', cmd: COUNTER });
    const rec = new Recorder();
    const f = follow({ kind: 'container', id: 'doomed' }, rec);
    await waitFor('5 lines', () => rec.lines().length >= 5);
    await dockerCli(dockerd, ['rm', '-f', 'doomed']);
    assert.equal(await f.done, 'removed');
    const last = rec.seen[rec.seen.length - 1];
    assert.equal(last.event?.kind, 'removed');
    assert.ok(!rec.kinds().includes('stopped'), `no "waiting for it to start" for a container being removed: ${rec.kinds().join(',')}`);
    assert.equal(last.text, '── container removed: end of logs ──');
    assertConsecutive(rec.numbers());
  });

  it('a container that does not exist: done resolves "notFound" with a marker', async function () {
    const rec = new Recorder();
    const f = follow({ kind: 'container', id: 'never-was' }, rec);
    assert.equal(await f.done, 'notFound');
    assert.deepEqual(rec.kinds(), ['notFound']);
  });

  it('a log driver that cannot be read (none): done resolves "failed" with the daemon\'s answer, no retry loop', async function () {
    await dockerCli(dockerd, ['run', '-d', '--network', 'none', '--name', 'unlogged', '--log-driver', 'none', 'local/busybox:1', 'sh', '-c', 'while true; do echo x; sleep 1; done']);
    const rec = new Recorder();
    const f = follow({ kind: 'container', id: 'unlogged' }, rec);
    assert.equal(await f.done, 'failed');
    const events = rec.events();
    assert.deepEqual(events.map((e) => e.kind), ['failed']);
    assert.ok(DockerError.is(events[0].error, 'api'), String(events[0].error));
    assert.ok((events[0].error as DockerError).statusCode !== undefined && (events[0].error as DockerError).statusCode !== 404);
  });

  it('stop(): no callback afterwards, no timer left, the connection closed, done "stopped"', async function () {
    await runContainer(dockerd, { name: 'stoppable', cmd: COUNTER });
    // The previous test's connections finish closing first.
    await sleep(300);
    const timersBefore = activeTimeouts();
    const socketsBefore = activeSockets();
    const rec = new Recorder();
    const f = follow({ kind: 'container', id: 'stoppable' }, rec);
    await waitFor('5 lines', () => rec.lines().length >= 5);
    assert.equal(activeSockets(), socketsBefore + 1, 'one connection: the log stream');
    f.stop();
    assert.equal(await f.done, 'stopped');
    const seen = rec.seen.length;
    await sleep(700);
    assert.equal(rec.seen.length, seen, 'nothing delivered after stop()');
    assert.equal(activeTimeouts(), timersBefore, 'no timer left');
    assert.equal(activeSockets(), socketsBefore, 'the log stream connection is closed');
  });

  it('stop() while waiting for a stopped container, and while reconnecting: no timer left', async function () {
    await runContainer(dockerd, { name: 'parked', cmd: ['sh', '-c', 'echo only'] });
    await dockerCli(dockerd, ['wait', 'parked']);
    const timersBefore = activeTimeouts();
    const rec = new Recorder();
    const f = follow({ kind: 'container', id: 'parked' }, rec);
    await waitFor('not running marker', () => rec.kinds().includes('notRunning'));
    f.stop();
    assert.equal(await f.done, 'stopped');
    assert.deepEqual(rec.lines(), ['only']);
    assert.equal(activeTimeouts(), timersBefore);

    const nowhere = await createDockerClient({ kind: 'local', socketPath: `${dockerd.runDir}/missing.sock` });
    try {
      const rec2 = new Recorder();
      const g = follow({ kind: 'container', id: 'parked' }, rec2, {}, nowhere);
      await waitFor('disconnected marker', () => rec2.kinds().includes('disconnected'));
      await sleep(300);
      g.stop();
      assert.equal(await g.done, 'stopped');
      assert.equal(activeTimeouts(), timersBefore);
    } finally {
      nowhere.dispose();
    }
  });

  it('a compose service: every replica followed, each line prefixed like compose (backend-1 | ), a replica restart re-attached', async function () {
    for (const n of [1, 2]) await runContainer(dockerd, { name: `shop-backend-${n}`, cmd: COUNTER, labels: composeLabels('shop', 'backend') });
    await runContainer(dockerd, { name: 'shop-frontend-1', cmd: COUNTER, labels: composeLabels('shop', 'frontend') });
    const rec = new Recorder();
    follow({ kind: 'service', project: 'shop', service: 'backend' }, rec, { rescanMs: 500, timestamps: true });
    await waitFor('lines from both replicas', () => rec.lines('backend-1 | ').length >= 10 && rec.lines('backend-2 | ').length >= 10);
    assert.equal(rec.events()[0].text, '── attached to shop-backend-1, shop-backend-2 ──');
    assert.deepEqual([...new Set(rec.seen.filter((s) => s.kind === 'line').map((s) => s.prefix))].sort(), ['backend-1 | ', 'backend-2 | ']);
    await dockerCli(dockerd, ['restart', '-t', '1', 'shop-backend-2']);
    await waitFor('backend-2 re-attached', () => rec.events().some((e) => e.kind === 'restarted' && e.text === '── shop-backend-2: container restarted: re-attached ──'));
    // A third replica (scaled up) joins; the follow picks it up.
    await runContainer(dockerd, { name: 'shop-backend-3', cmd: COUNTER, labels: composeLabels('shop', 'backend') });
    await waitFor('backend-3 lines', () => rec.lines('backend-3 | ').length >= 5);
    assert.ok(rec.events().some((e) => e.kind === 'joined' && e.text === '── shop-backend-3: new container of the service: attached ──'));
    const counted = rec.numbers('backend-2 | ');
    await waitFor('backend-2 going on', () => rec.numbers('backend-2 | ').length > counted.length + 3);
    for (const p of ['backend-1 | ', 'backend-2 | ', 'backend-3 | ']) assertConsecutive(rec.numbers(p));
    const f = followers[followers.length - 1];
    // As the view shows them: prefix, timestamp (asked for), text.
    const shown = rec.seen.filter((x) => x.kind === 'line').slice(-6);
    assert.equal(shown.length, 6);
    for (const x of shown) assert.match(formatLogLine({ prefix: x.prefix as string, timestamps: x.showTimestamps as boolean }, { stream: 'stdout', text: x.text, timestamp: x.timestamp }), /^backend-\d \| \d{4}-\d\d-\d\dT\S+Z line \d+$/);
    // Removing every replica ends the follow.
    await dockerCli(dockerd, ['rm', '-f', 'shop-backend-1', 'shop-backend-2', 'shop-backend-3']);
    assert.equal(await f.done, 'removed');
  });
});

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

function activeSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;
}
