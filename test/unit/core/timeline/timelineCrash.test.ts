import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { appendEvents, keepAside, parseTimeline, serializeEvent } from '../../../../src/core/timeline/timelineFile';
import { TempDirs } from '../../support/tempDirs';

/** The compiled module the child processes append with: the same code the extension runs. */
const TIMELINE_MODULE = path.resolve(__dirname, '../../../../src/core/timeline/timelineFile.js');

/**
 * Appends events one call at a time, forever (limit 0) or `limit` times, printing `ok <seq>` after
 * each append returned (that is, after fsync). Every `bigEvery`-th event carries 256 KiB of text so
 * a kill can land inside a single large write() and tear it.
 */
const WRITER = `'use strict';
const [mod, file, writer, round, limit, bigEvery] = process.argv.slice(2);
const { appendEvents } = require(mod);
const max = Number(limit);
const big = Number(bigEvery);
const pad = 'x'.repeat(Number(process.env.BIG_BYTES || 256 * 1024));
async function main() {
  process.stdout.write('ready\\n');
  if (process.env.WAIT_FOR_GO) await new Promise((r) => process.stdin.once('data', r));
  for (let seq = 0; max === 0 || seq < max; seq++) {
    const text = 'writer ' + writer + ' round ' + round + ' seq ' + seq + (big && seq % big === big - 1 ? ' ' + pad : '') + (seq % 7 === 0 ? ' ünïcødé 🔥\\nsecond line' : '');
    await appendEvents(file, [{ ts: new Date().toISOString(), type: 'note', actor: writer, text, data: { writer, round: Number(round), seq } }]);
    process.stdout.write('ok ' + seq + '\\n');
  }
}
main().then(() => process.exit(0), (e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(1); });
`;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

interface Run {
  child: Child;
  acked: number[];
  ready: Promise<void>;
  /** Resolves once the writer has acknowledged `n` appends. */
  acks(n: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWriter(script: string, file: string, writer: string, round: number, limit: number, bigEvery: number, waitForGo = false): Run {
  const child = spawn(process.execPath, [script, TIMELINE_MODULE, file, writer, String(round), String(limit), String(bigEvery)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...(waitForGo ? { WAIT_FOR_GO: '1' } : {}) },
  });
  const acked: number[] = [];
  let stderr = '';
  let buffered = '';
  let onReady: () => void = () => undefined;
  const waiters = new Set<{ n: number; resolve: () => void }>();
  const acks = (n: number) => (acked.length >= n ? Promise.resolve() : new Promise<void>((resolve) => { waiters.add({ n, resolve }); }));
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line === 'ready') onReady();
      else if (line.startsWith('ok ')) {
        acked.push(Number(line.slice(3)));
        for (const w of [...waiters]) if (acked.length >= w.n) { waiters.delete(w); w.resolve(); }
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => { stderr += c; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      // let the last stdout chunks arrive before reporting what was acknowledged
      child.stdout.on('end', () => resolve({ code, signal, stderr }));
      if (child.stdout.readableEnded) resolve({ code, signal, stderr });
    });
  });
  return { child, acked, acks, ready: Promise.race([ready, exited.then((r) => { throw new Error(`writer exited before ready: ${r.code ?? r.signal} ${r.stderr}`); })]), exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A timeout that does not keep the test run alive once the race it is in is decided. */
const deadline = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

interface NoteData { writer: string; round: number; seq: number }

describe('timeline.jsonl under crashes and concurrent writers', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let dir: string;
  let script: string;
  const running = new Set<Child>();

  before(async () => {
    assert.ok(existsSync(TIMELINE_MODULE), `compiled module at ${TIMELINE_MODULE}`);
    dir = await temp.make();
    script = path.join(dir, 'writer.js');
    await fsp.writeFile(script, WRITER);
  });
  afterEach(() => {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    running.clear();
  });
  after(() => temp.cleanup());

  it('survives kill -9 at random moments: whole lines, nothing acknowledged lost, appends resume cleanly', async () => {
    const file = path.join(dir, 'killed.jsonl');
    const ROUNDS = 20;
    const BIG_EVERY = Number(process.env.BIG_EVERY ?? 4);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const perRound: number[] = [];
    const damagedOffsets = new Set<number>(); // lines torn in earlier rounds, now in the middle
    let naturalTears = 0;
    let simulatedTears = 0;
    let previousCount = 0;
    let next: Run | undefined;

    for (let round = 0; round < ROUNDS; round++) {
      // A tear is not guaranteed to happen by itself: make sure the path is exercised at least twice.
      if ((round === 6 || round === 14) && existsSync(file)) {
        const st = await fsp.stat(file);
        const fh = await fsp.open(file, 'r');
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, st.size - 1);
        await fh.close();
        if (last[0] === 0x0a) {
          await fsp.appendFile(file, serializeEvent({ ts: new Date().toISOString(), type: 'note', actor: 'sim', text: 'simulated torn write' }).slice(0, 40));
          damagedOffsets.add(st.size);
          simulatedTears++;
        }
      }

      // The next writer starts while this one runs (node takes a while to start on a busy machine);
      // it appends nothing until told to go, after this round's checks.
      const run = next ?? startWriter(script, file, 'k', round, 0, BIG_EVERY, true);
      next = round + 1 < ROUNDS ? startWriter(script, file, 'k', round + 1, 0, BIG_EVERY, true) : undefined;
      running.add(run.child);
      if (next) running.add(next.child);
      await run.ready;
      run.child.stdin.write('go\n');
      // A busy machine may not run the writer at once: let it get going, then kill at a random moment.
      await Promise.race([run.acks(1 + Math.floor(rand() * 3)), deadline(3000)]);
      await sleep(Math.floor(rand() * 40));
      run.child.kill('SIGKILL');
      const exit = await run.exited;
      assert.equal(exit.signal, 'SIGKILL', `round ${round} writer was killed, not crashed: ${exit.stderr}`);

      const buf = await fsp.readFile(file).catch(() => Buffer.alloc(0));
      const { events, problems } = parseTimeline(buf);
      // Every line is a valid event except lines torn earlier and, possibly, a torn last line.
      const torn = problems.filter((p) => p.torn);
      assert.ok(torn.length <= 1, `round ${round}: at most one torn line`);
      for (const p of problems) {
        if (p.torn) {
          assert.equal(buf.indexOf(0x0a, p.offset), -1, 'the torn line is the last one');
        } else {
          assert.ok(damagedOffsets.has(p.offset), `round ${round}: unexpected bad line ${p.line}: ${p.message} ${p.raw.slice(0, 80)}`);
        }
      }
      if (torn.length) {
        damagedOffsets.add(torn[0].offset);
        naturalTears++;
      }
      // The count never decreases, and earlier rounds' events are all still there.
      assert.ok(events.length >= previousCount, `round ${round}: ${events.length} < ${previousCount}`);
      previousCount = events.length;
      const data = events.map((e) => e.data as unknown as NoteData);
      perRound.forEach((count, r) => assert.equal(data.filter((d) => d.round === r).length, count, `round ${r} events unchanged after round ${round}`));
      // This round: seq 0..k-1 with no gap or duplicate (a glued or lost line would break it),
      // every acknowledged append present, at most one more (written, killed before it said so).
      const seqs = data.filter((d) => d.round === round).map((d) => d.seq).sort((a, b) => a - b);
      assert.deepEqual(seqs, seqs.map((_, i) => i), `round ${round}: contiguous seqs`);
      for (const s of run.acked) assert.ok(seqs.includes(s), `round ${round}: acknowledged seq ${s} is on disk`);
      assert.ok(seqs.length >= run.acked.length && seqs.length <= run.acked.length + 1, `round ${round}: ${seqs.length} on disk, ${run.acked.length} acknowledged`);
      perRound.push(seqs.length);
    }

    assert.ok(simulatedTears + naturalTears >= 1, 'at least one torn line was exercised');
    assert.ok(perRound.reduce((a, b) => a + b, 0) > ROUNDS, `the writers got appends in before being killed: ${perRound.join(",")}`);

    // Resume: a clean append after the last kill parses, and every old line is where it was.
    const final = { ts: new Date().toISOString(), type: 'note', actor: 'after', text: 'after the last kill' };
    await appendEvents(file, [final]);
    const { events, problems } = parseTimeline(await fsp.readFile(file));
    assert.deepEqual(events.filter((e) => e.actor === 'after'), [final]);
    assert.equal(events.length, previousCount + 1);
    assert.deepEqual(problems.map((p) => p.offset).sort((a, b) => a - b), [...damagedOffsets].sort((a, b) => a - b));
    assert.ok(problems.every((p) => !p.torn), 'no line is torn once appends resumed');
    // The damaged lines are kept aside once, however often the file is read.
    const damagedFile = path.join(dir, 'killed.damaged.jsonl');
    assert.equal((await keepAside(damagedFile, problems, 'now')).length, damagedOffsets.size);
    assert.deepEqual(await keepAside(damagedFile, problems, 'later'), []);
    console.log(`      (${ROUNDS} kills, ${previousCount} events, ${naturalTears} torn by a kill, ${simulatedTears} simulated)`);
  });

  it('two writers appending 500 events each at the same time: exactly 1000 whole lines, none lost', async () => {
    const file = path.join(dir, 'two-writers.jsonl');
    const a = startWriter(script, file, 'A', 0, 500, 50, true);
    const b = startWriter(script, file, 'B', 0, 500, 50, true);
    running.add(a.child);
    running.add(b.child);
    await Promise.all([a.ready, b.ready]);
    a.child.stdin.write('go\n');
    b.child.stdin.write('go\n');
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    assert.equal(ea.code, 0, ea.stderr);
    assert.equal(eb.code, 0, eb.stderr);

    const buf = await fsp.readFile(file);
    const { events, problems } = parseTimeline(buf);
    assert.deepEqual(problems, []);
    assert.equal(events.length, 1000);
    const text = buf.toString('utf8');
    assert.ok(text.endsWith('\n'));
    // A blank line can appear, rarely (harmless: the reader skips it). appendEvents checks the last
    // byte for a torn line before writing, and can see the other writer's write half done (the file
    // size grows page by page), so it starts on a fresh line needlessly. Never a glued line.
    const all = text.slice(0, -1).split('\n');
    const lines = all.filter((l) => l !== '');
    assert.equal(lines.length, 1000, 'no split lines');
    assert.ok(all.length - lines.length <= 50, `${all.length - lines.length} blank lines`);
    for (const writer of ['A', 'B']) {
      // In file order, each writer's own events appear in the order it wrote them, all 500 of them.
      const seqs = lines.map((l) => JSON.parse(l) as { data: NoteData }).filter((e) => e.data.writer === writer).map((e) => e.data.seq);
      assert.deepEqual(seqs, Array.from({ length: 500 }, (_, i) => i), writer);
    }
    const switches = lines.reduce((n, l, i) => n + (i > 0 && l.includes('"actor":"A"') !== lines[i - 1].includes('"actor":"A"') ? 1 : 0), 0);
    console.log(`      (the two writers' lines alternate ${switches} times in the file; ${all.length - lines.length} blank lines)`);
  });
});
