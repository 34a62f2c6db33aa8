import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { LogPipeline } from '../../../../../src/services/docker/logs/logPipeline';
import type { LogLine } from '../../../../../src/services/docker/logs/logPipeline';
import { LogScreen, MAX_DRAWN_PER_FRAME } from '../../../../../src/services/docker/logs/logScreen';
import { TerminalOracle } from '../../../support/terminalOracle';

const line = (text: string): LogLine => ({ stream: 'stdout', text });
const lines = (...texts: string[]): LogLine[] => texts.map(line);

/** Lets the pipeline's batched delivery run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A screen drawing into xterm.js headless, with frames drawn when the test says so (no waiting on timers). */
class Harness {
  private frame: (() => void) | undefined;
  private writes: Promise<void> = Promise.resolve();
  readonly screen: LogScreen;

  constructor(readonly oracle: TerminalOracle, maxLines = 1000) {
    this.screen = new LogScreen({ maxLines, timestamps: false }, (text) => {
      this.writes = this.writes.then(() => oracle.write(text));
    }, (draw) => {
      this.frame = draw;
      return () => (this.frame = undefined);
    });
  }

  /** Draws the pending frame, and waits until the terminal has taken everything printed. */
  async draw(): Promise<void> {
    const frame = this.frame;
    this.frame = undefined;
    frame?.();
    await this.writes;
  }

  /** The screen's rows without the blank ones. */
  async rows(): Promise<string[]> {
    await this.draw();
    return this.oracle.text().split('\n').filter((r) => r.trim() !== '');
  }
}

describe('LogScreen (what a log view draws)', function () {
  this.timeout(120_000);
  let oracle: TerminalOracle;
  before(() => (oracle = new TerminalOracle()));
  afterEach(() => oracle.reset());
  after(() => oracle.dispose());

  describe('markers while paused', () => {
    it('come on resume in order with the lines around them (restarted, reconnected, dropped, the end)', async () => {
      const h = new Harness(oracle);
      h.screen.lines(lines('one', 'two'), 0);
      await h.draw();
      h.screen.togglePause();
      h.screen.lines(lines('three'), 0);
      h.screen.marker('container restarted: re-attached');
      h.screen.lines(lines('four', 'five'), 0);
      h.screen.marker('reconnected after 1.2 s');
      h.screen.lines(lines('six'), 2);
      h.screen.end('the container was removed: no more lines');
      assert.deepEqual(await h.rows(), ['one', 'two', '── paused: new lines are kept (up to 1,000); Space resumes ──'], 'nothing drawn while paused');
      h.screen.togglePause();
      assert.deepEqual(await h.rows(), [
        'one',
        'two',
        '── paused: new lines are kept (up to 1,000); Space resumes ──',
        '── resumed: 4 lines while paused ──',
        'three',
        '── container restarted: re-attached ──',
        'four',
        'five',
        '── reconnected after 1.2 s ──',
        '── 2 lines dropped (more than the view keeps) ──',
        'six',
        '── the container was removed: no more lines ──',
      ]);
    });

    it('keep their place among lines not drawn (a burst while paused): counts before and after each', async () => {
      const h = new Harness(oracle, 5000);
      h.screen.togglePause();
      const batch = (from: number, n: number): LogLine[] => Array.from({ length: n }, (_, i) => line(`l${from + i}`));
      h.screen.lines(batch(0, 300), 0);
      h.screen.marker('container restarted: re-attached');
      h.screen.lines(batch(300, MAX_DRAWN_PER_FRAME + 100), 0);
      h.screen.marker('reconnected after 2 s');
      h.screen.lines(batch(900, 10), 0);
      h.screen.togglePause();
      const rows = await h.rows();
      const at = (text: string): number => rows.indexOf(text);
      assert.deepEqual(rows.slice(0, 5), [
        '── paused: new lines are kept (up to 5,000); Space resumes ──',
        '── resumed: 910 lines while paused ──',
        '── 300 lines not drawn (burst); pause to see the last 5,000 ──',
        '── container restarted: re-attached ──',
        '── 110 lines not drawn (burst); pause to see the last 5,000 ──',
      ]);
      // 910 lines: the last 500 drawn (l410…l909), the reconnect between l899 and l900.
      assert.equal(rows[5], 'l410');
      assert.equal(at('── reconnected after 2 s ──'), at('l899') + 1);
      assert.equal(at('l900'), at('l899') + 2);
      assert.equal(rows[rows.length - 1], 'l909');
    });

    it('stay in order when the history let go of the lines around them (paused longer than maxLines)', async () => {
      const h = new Harness(oracle, 10);
      h.screen.togglePause();
      h.screen.lines(Array.from({ length: 50 }, (_, i) => line(`l${i}`)), 0);
      h.screen.marker('container restarted: re-attached');
      h.screen.lines(Array.from({ length: 50 }, (_, i) => line(`l${50 + i}`)), 0);
      h.screen.togglePause();
      const rows = await h.rows();
      assert.deepEqual(rows.slice(rows.indexOf('── resumed: 100 lines while paused ──')), [
        '── resumed: 100 lines while paused ──',
        '── 50 lines not drawn (burst); pause to see the last 10 ──',
        '── container restarted: re-attached ──',
        '── 40 lines not drawn (burst); pause to see the last 10 ──',
        ...Array.from({ length: 10 }, (_, i) => `l${90 + i}`),
      ]);
    });

    it('with a filter, count only the lines it passes', async () => {
      const h = new Harness(oracle);
      h.screen.setFilter({ source: 'err', test: (t) => t.includes('err') });
      h.screen.togglePause();
      h.screen.lines(lines('ok 1', 'err 1', 'ok 2'), 0);
      h.screen.marker('container restarted: re-attached');
      h.screen.lines(lines('err 2', 'ok 3'), 0);
      h.screen.togglePause();
      const rows = await h.rows();
      assert.deepEqual(rows.slice(rows.indexOf('── resumed: 2 lines while paused ──')), [
        '── resumed: 2 lines while paused ──',
        'err 1',
        '── container restarted: re-attached ──',
        'err 2',
      ]);
    });

    it('are drawn at once when not paused, after the lines before them', async () => {
      const h = new Harness(oracle);
      h.screen.lines(lines('one', 'two'), 0);
      h.screen.marker('container stopped');
      h.screen.lines(lines('three'), 0);
      assert.deepEqual(await h.rows(), ['one', 'two', '── container stopped ──', 'three']);
    });
  });

  describe('against xterm.js (headless): nothing from a container or a daemon reaches the clipboard, links or marks', () => {
    it('marker texts, the end reason and notices are stripped (they hold container names and daemon messages)', async () => {
      const h = new Harness(oracle);
      h.screen.notice('Following \x1b]52;c;ZXZpbA==\x07web');
      h.screen.marker('cannot follow the logs: \x1b]8;;https://evil\x07x\u009d52;c;eA==\u009c');
      h.screen.end('failed \x1bPq#0\x1b\\');
      const rows = await h.rows();
      assert.deepEqual(oracle.fired, []);
      assert.deepEqual(oracle.titles, []);
      assert.match(rows.join('\n'), /Following web[\s\S]*cannot follow the logs: x/);
    });

    /** Streams bytes through the real pipeline (split at the cuts) into the screen and the terminal. */
    async function follow(h: Harness, bytes: Buffer, cuts: readonly number[], options: { tty: boolean; timestamps: boolean }): Promise<void> {
      const pipeline = new LogPipeline({ tty: options.tty, timestamps: options.timestamps });
      pipeline.onLines((batch) => h.screen.lines(batch.lines, batch.dropped));
      let from = 0;
      for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
        pipeline.write(bytes.subarray(from, cut));
        from = cut;
        await settle();
        await h.draw();
      }
      pipeline.write(bytes.subarray(from));
      pipeline.end();
      await h.draw();
    }

    const hostile = [
      '\x1b', '[', ']', 'P', '_', '\\', '\x07', '\x18', '\r', '\n', ';', '0', '52', '8', '133', '633', '1337', 'q', 'm', 'é', '\u00a0',
      '\u0085', '\u0090', '\u009b', '\u009c', '\u009d', '\u009f', '52;c;ZXZpbA==', '\x1b]0;t\u009d52;c;eA==\x07', '\x1bPq#0\x1b\\', '\u009d8;;https://x\u009c',
    ];
    const hostileBytes = fc
      .array(fc.oneof(fc.constantFrom(...hostile).map((s) => [...Buffer.from(s, 'utf8')]), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 })), { maxLength: 40 })
      .map((parts) => Buffer.from(parts.flat()));

    it('fuzz: container output (raw bytes, UTF-8 or not, split anywhere) through the pipeline and the screen, and daemon text in markers, fire nothing', async () => {
      await fc.assert(
        fc.asyncProperty(hostileBytes, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), hostileBytes, async (bytes, cuts, paused, markerBytes) => {
          const h = new Harness(oracle);
          try {
            if (paused) h.screen.togglePause();
            await follow(h, bytes, cuts, { tty: true, timestamps: false });
            // A marker holding daemon text (an error message, a container name), paused or not.
            h.screen.marker(markerBytes.toString('utf8'));
            h.screen.end(markerBytes.toString('latin1'));
            if (paused) h.screen.togglePause();
            await h.draw();
            assert.deepEqual(oracle.fired, [], bytes.toString('hex'));
            assert.deepEqual(oracle.titles, [], 'no title from a log line');
            assert.ok(await oracle.inGroundState(), `${bytes.toString('hex')} leaves a sequence open`);
          } finally {
            h.screen.close();
            await oracle.reset();
          }
        }),
        { numRuns: 300 },
      );
    });

    it('fuzz: harmless lines (text from U+00A0 up, colours) are all shown', async () => {
      // Characters that take a cell of their own (no spaces, marks or format characters, which a row's text cannot show alone).
      const char = fc.oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0xa1, max: 0xfff }), fc.integer({ min: 0x2100, max: 0x2bff }), fc.integer({ min: 0x4e00, max: 0x4eff })).map((c) => String.fromCharCode(c)).filter((c) => !/[\p{M}\p{Z}\p{C}]/u.test(c));
      const text = fc.string({ unit: char, minLength: 1, maxLength: 12 });
      const colour = fc.constantFrom('', '\x1b[31m', '\x1b[1;32m', '\x1b[38;5;208m', '\x1b[0m');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(colour, text), { minLength: 1, maxLength: 15 }), fc.array(fc.nat(), { maxLength: 8 }), async (parts, cuts) => {
          const h = new Harness(oracle);
          try {
            const sent = parts.map(([c, t]) => `${c}${t}`);
            await follow(h, Buffer.from(sent.map((l) => `${l}\n`).join(''), 'utf8'), cuts, { tty: true, timestamps: false });
            const rows = await h.rows();
            assert.deepEqual(rows.slice(-parts.length), parts.map(([, t]) => t));
            assert.deepEqual(oracle.fired, []);
          } finally {
            h.screen.close();
            await oracle.reset();
          }
        }),
        { numRuns: 100 },
      );
    });
  });
});
