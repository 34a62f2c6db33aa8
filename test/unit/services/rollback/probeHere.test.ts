// The health check polled from here (the wizard does it for a public health URL): a real HTTP
// server on loopback answering, failing, redirecting and hanging; the verify window counted the
// same way as from the host; the host is never asked.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeFromHere } from '../../../../src/services/rollback/probeHere';
import { verifyRollback } from '../../../../src/services/rollback/verify';
import type { RemoteExecutor } from '../../../../src/services/ssh/remoteExec';

describe('health polled from here', function () {
  this.timeout(20_000);
  let server: http.Server;
  let base: string;
  const hanging: http.ServerResponse[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/health') res.end('ok');
      else if (req.url === '/redirect') res.writeHead(302, { location: 'http://elsewhere.example/' }).end();
      else if (req.url === '/hang') hanging.push(res);
      else res.writeHead(503).end('down');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const r of hanging) r.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('one probe: 2xx passes; an error status, a redirect (not followed) and no answer in time fail, saying which', async () => {
    assert.deepEqual(await probeFromHere(`${base}/health`, 2), { ok: true, detail: 'HTTP 200' });
    assert.deepEqual(await probeFromHere(`${base}/down`, 2), { ok: false, detail: 'HTTP 503' });
    assert.deepEqual(await probeFromHere(`${base}/redirect`, 2), { ok: false, detail: 'HTTP 302 (redirect to http://elsewhere.example/)' });
    assert.deepEqual(await probeFromHere(`${base}/hang`, 1), { ok: false, detail: 'no answer within 1 s' });
    assert.equal((await probeFromHere('file:///etc/passwd', 1)).ok, false);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    assert.match((await probeFromHere(`http://127.0.0.1:${port}/h`, 1)).detail, /ECONNREFUSED/);
  });

  it('verify with the probe from here: N in a row within the window, each probe told; the host is not asked', async () => {
    const untouchable = new Proxy({}, { get: () => { throw new Error('the host was asked'); } }) as RemoteExecutor;
    const probes: boolean[] = [];
    const ok = await verifyRollback({ target: 'a'.repeat(40), healthUrl: `${base}/health`, consecutive: 3, intervalMs: 10, windowMs: 5000 },
      { connection: untouchable, probeFromHere, onProbe: (p) => probes.push(p.ok) });
    assert.equal(ok.verified, true, JSON.stringify(ok.checks));
    assert.match(ok.checks[0]!.detail, /answered 3 times in a row from here/);
    assert.deepEqual(probes, [true, true, true]);
    const bad = await verifyRollback({ target: 'a'.repeat(40), healthUrl: `${base}/down`, consecutive: 2, intervalMs: 10, windowMs: 200 }, { connection: untouchable, probeFromHere });
    assert.equal(bad.verified, false);
    assert.equal(bad.checks[0]!.status, 'failed');
    assert.match(bad.checks[0]!.detail, /did not answer 2 times in a row within 0 s from here .*last failure: HTTP 503/);
  });
});
