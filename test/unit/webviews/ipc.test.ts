import * as assert from 'node:assert/strict';
import { defineProtocol, notification, Peer, RemoteError, request, type Handlers } from '../../../src/webviews/shared/ipc';
import { arr, nullable, num, obj, oneOf, optional, str, validate } from '../../../src/webviews/shared/schema';

const protocol = defineProtocol('test',
  {
    star: request(obj({ ref: str(64) }), obj({ starred: num() })),
    setFilter: notification(obj({ text: str(100), types: arr(oneOf(['note', 'declared'] as const)) })),
  },
  { state: notification(obj({ rows: arr(obj({ id: str(), at: nullable(str()) })) })) },
);

/** Two peers wired back to back (as host and webview are through postMessage), with a JSON round trip. */
function pair(hostHandlers: Partial<Handlers<typeof protocol.toHost>> = {}) {
  const warnings: string[] = [];
  const received: unknown[] = [];
  const hostRef: { peer?: Peer<typeof protocol.toHost, typeof protocol.toWebview> } = {};
  const app: Peer<typeof protocol.toWebview, typeof protocol.toHost> = new Peer(protocol.toWebview, protocol.toHost,
    { state: (p) => received.push(p) }, (m) => setImmediate(() => hostRef.peer!.receive(JSON.parse(JSON.stringify(m)))), { warn: (m) => warnings.push(`app: ${m}`) });
  const host = new Peer(protocol.toHost, protocol.toWebview, {
    ready: () => received.push('ready'),
    cspViolation: (v) => received.push(v),
    star: ({ ref }) => ({ starred: ref.length }),
    setFilter: (f) => received.push(f),
    ...hostHandlers,
  }, (m) => setImmediate(() => app.receive(JSON.parse(JSON.stringify(m)))), { warn: (m) => warnings.push(`host: ${m}`) });
  hostRef.peer = host;
  return { host, app, warnings, received };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('webview protocol', () => {
  it('schemas say what does not fit, with the path', () => {
    const s = obj({ a: str(3), b: optional(num({ int: true })), c: arr(oneOf(['x'] as const)) });
    assert.deepEqual(validate(s, { a: 'abc', c: ['x'] }), { ok: true, value: { a: 'abc', c: ['x'] } });
    assert.equal(validate(s, { a: 'abcd', c: [] }).ok, false);
    assert.match((validate(s, { a: 'a', c: ['y'] }) as { error: string }).error, /message\.c\[0\]: not one of x/);
    assert.match((validate(s, { a: 'a', c: [], z: 1 }) as { error: string }).error, /message\.z: unexpected/);
    assert.match((validate(s, { a: 'a', b: 1.5, c: [] }) as { error: string }).error, /not an integer/);
    assert.equal(validate(s, null).ok, false);
    assert.equal(validate(s, [1]).ok, false);
  });

  it('a request gets its reply; a notification reaches its handler', async () => {
    const { app, received } = pair();
    assert.deepEqual(await app.request('star', { ref: 'abcd' }), { starred: 4 });
    app.notify('ready', {});
    app.notify('setFilter', { text: 'db', types: ['note'] });
    await tick(); await tick();
    assert.deepEqual(received, ['ready', { text: 'db', types: ['note'] }]);
  });

  it('a failing handler rejects the request on the other side', async () => {
    const { app } = pair({ star: () => { throw new Error('no such event'); } });
    await assert.rejects(app.request('star', { ref: 'x' }), (e: unknown) => e instanceof RemoteError && /no such event/.test(e.message));
  });

  it('malformed messages are logged and dropped, never dispatched', async () => {
    const { host, warnings, received } = pair();
    const bad: unknown[] = [
      null, 'ready', 42, [], { t: 'note' }, { t: 'note', m: 'nope', p: {} }, { t: 'note', m: '__proto__', p: {} }, { t: 'note', m: 'toString', p: {} },
      { t: 'note', m: 'setFilter', p: { text: 1, types: [] } }, { t: 'note', m: 'setFilter', p: { text: '', types: ['<script>'] } },
      { t: 'note', m: 'setFilter', p: { text: '', types: [], extra: true } }, { t: 'req', id: 1, m: 'setFilter', p: { text: '', types: [] } },
      { t: 'note', m: 'star', p: { ref: 'a' } }, { t: 'req', id: -1, m: 'star', p: { ref: 'a' } }, { t: 'req', id: 2, m: 'star', p: { ref: 'x'.repeat(65) } },
      { t: 'res', id: 999, ok: true }, { t: 'weird', m: 'ready' },
    ];
    for (const m of bad) host.receive(m);
    await tick();
    assert.deepEqual(received, []);
    assert.equal(host.dropped, bad.length);
    assert.equal(warnings.length, bad.length);
  });

  it('a reply that does not fit the request is refused', async () => {
    const { app } = pair({ star: () => ({ starred: 'many' } as unknown as { starred: number }) });
    await assert.rejects(app.request('star', { ref: 'x' }), /malformed reply/);
  });

  it('the other side closing rejects what is still waiting', async () => {
    const p = new Peer(protocol.toWebview, protocol.toHost, { state: () => undefined }, () => undefined, { warn: () => undefined });
    const waiting = p.request('star', { ref: 'x' });
    p.dispose();
    await assert.rejects(waiting, /closed/);
  });
});
