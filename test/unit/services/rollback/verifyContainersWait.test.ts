import * as assert from 'node:assert/strict';
import { verifyRollback } from '../../../../src/services/rollback/verify';
import type { RemoteExecutor } from '../../../../src/services/ssh/remoteExec';

// Verify reads the compose service's containers until they pass, within the same window as the
// health URL: a container that `compose up` just recreated is "health: starting" until its first
// health check ran, seconds after the URL may already answer. A fake host answers each script by
// what it asks; the clock is the test's.

/** A host answering: curl present, every probe ok, the containers as `listing(read)` says, and nothing for the live commit. */
function fakeHost(listing: (read: number) => string): { host: RemoteExecutor; reads: () => number } {
  let reads = 0;
  const host: RemoteExecutor = {
    exec: (_command, opts) => {
      let finish: () => void = () => undefined;
      const done = new Promise<{ outcome: 'exited'; exitCode: number }>((resolve) => (finish = () => resolve({ outcome: 'exited', exitCode: 0 })));
      return {
        done,
        cancel() {},
        endInput() {},
        write(data) {
          const script = data.toString();
          const out = script.includes('command -v curl') ? 'has\tcurl\nend\n'
            : script.includes('probe\tok') ? 'probe\tok\nend\n'
              : script.includes('{{.State}}') ? `${listing(++reads)}listed\tyes\nend\n`
                : 'end\n';
          opts?.onData?.('stdout', Buffer.from(out));
          finish();
        },
      };
    },
  };
  return { host, reads: () => reads };
}

function clock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

const spec = { target: 'a'.repeat(40), healthUrl: 'http://127.0.0.1:8090/health', consecutive: 3, intervalMs: 1000, windowMs: 20_000, service: 'checkout-api' };
const starting = 'c\tabc123\trunning\tUp 1 second (health: starting)\n';
const healthy = 'c\tabc123\trunning\tUp 4 seconds (healthy)\n';

describe('verify: the containers read until they pass, within the window', () => {
  it('a container still "health: starting" when the URL passed is read again until healthy: passed, the reads said', async () => {
    const { host, reads } = fakeHost((n) => (n < 3 ? starting : healthy));
    const result = await verifyRollback(spec, { connection: host, ...clock() });
    const c = result.checks.find((x) => x.name === 'containers')!;
    assert.equal(c.status, 'passed', JSON.stringify(result));
    assert.match(c.detail, /1 container\(s\) of checkout-api running, 1 healthy by their health check: abc123 Up 4 seconds \(healthy\) \(after 3 reads\)/);
    assert.equal(reads(), 3);
  });

  it('healthy at once: one read, the detail as before', async () => {
    const { host, reads } = fakeHost(() => healthy);
    const c = (await verifyRollback(spec, { connection: host, ...clock() })).checks.find((x) => x.name === 'containers')!;
    assert.equal(c.status, 'passed');
    assert.doesNotMatch(c.detail, /after/);
    assert.equal(reads(), 1);
  });

  it('never healthy: failed when the window ends (the health probes\' time counts), naming the last state and the window', async () => {
    const { host, reads } = fakeHost(() => starting);
    const t = clock();
    const start = t.now();
    const c = (await verifyRollback(spec, { connection: host, ...t })).checks.find((x) => x.name === 'containers')!;
    assert.equal(c.status, 'failed');
    assert.match(c.detail, /1 of 1 container\(s\) of checkout-api not running or not healthy: abc123 Up 1 second \(health: starting\) \(after \d+ reads within 20 s\)/);
    assert.ok(t.now() - start <= 20_000, `${t.now() - start} ms`);
    // The 3 probes took the window's first 2 s: the containers are read every second from there to its end (2 s … 20 s).
    assert.equal(reads(), 19);
  });

  it('unhealthy for good and the window already spent by the health URL: read once, failed', async () => {
    const { host, reads } = fakeHost(() => 'c\tabc123\trunning\tUp 9 seconds (unhealthy)\n');
    const c = (await verifyRollback({ ...spec, windowMs: 2500 }, { connection: host, ...clock() })).checks.find((x) => x.name === 'containers')!;
    assert.equal(c.status, 'failed');
    assert.match(c.detail, /\(unhealthy\)$/);
    assert.equal(reads(), 1);
  });
});
