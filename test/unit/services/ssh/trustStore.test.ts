import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { lookupHostKey, parseKnownHosts } from '../../../../src/services/ssh/knownHosts';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import { TempDirs } from '../../support/tempDirs';
import { type TestKey, makeKey } from './sshTestKeys';

describe('TrustStore', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let keysDir: string;
  let ed: TestKey;
  let ed2: TestKey;
  let rsa: TestKey;

  before(async () => {
    keysDir = await temp.make('incident-desk-trust-keys-');
    ed = makeKey(keysDir, 'ed');
    ed2 = makeKey(keysDir, 'ed2');
    rsa = makeKey(keysDir, 'rsa', 'rsa');
  });
  after(() => temp.cleanup());

  /** A home with a real ~/.ssh/known_hosts and an extension global storage folder (not created yet). */
  async function setup() {
    const home = await temp.make('incident-desk-trust-home-');
    await fsp.mkdir(path.join(home, '.ssh'));
    const knownHosts = path.join(home, '.ssh', 'known_hosts');
    await fsp.writeFile(knownHosts, `web.example.com ${ed2.publicText}\n`);
    const storeFile = path.join(home, 'globalStorage', 'incident-desk', 'trusted_host_keys');
    const protectedFiles = [knownHosts];
    return { home, knownHosts, storeFile, protectedFiles };
  }

  it('trust always persists across instances (a new window, a restart) in known_hosts format', async () => {
    const { storeFile, protectedFiles } = await setup();
    const first = new TrustStore(storeFile, { protectedFiles, now: () => new Date('2026-03-01T10:00:00Z') });
    await first.trustAlways('127.0.0.1', 2222, ed.keyType, ed.blob);
    await first.trustAlways('db.example.com', 22, rsa.keyType, rsa.blob);
    await first.trustAlways('127.0.0.1', 2222, ed.keyType, ed.blob); // again: no second line

    const text = await fsp.readFile(storeFile, 'utf8');
    assert.equal(text.split('\n').filter((l) => l.startsWith('[127.0.0.1]:2222 ')).length, 1);
    assert.match(text, /^\[127\.0\.0\.1\]:2222 ssh-ed25519 \S+ added by Incident Desk 2026-03-01T10:00:00\.000Z$/m);
    assert.match(text, /^db\.example\.com ssh-rsa \S+ /m);

    const second = new TrustStore(storeFile, { protectedFiles });
    const { entries, problems } = await second.readPersisted();
    assert.deepEqual(problems, []);
    assert.equal(lookupHostKey(entries, '127.0.0.1', 2222, ed.keyType, ed.blob).status, 'trusted');
    assert.equal(lookupHostKey(entries, 'db.example.com', 22, rsa.keyType, rsa.blob).status, 'trusted');
    assert.equal(lookupHostKey(entries, '127.0.0.1', 2222, ed2.keyType, ed2.blob).status, 'changed');
  });

  it("never writes the user's known_hosts, and refuses to be created on it", async () => {
    const { knownHosts, storeFile, protectedFiles } = await setup();
    const before = await fsp.readFile(knownHosts);
    const beforeStat = await fsp.stat(knownHosts);
    const store = new TrustStore(storeFile, { protectedFiles });
    await store.trustAlways('web.example.com', 22, ed.keyType, ed.blob);
    store.trustOnce('other.example.com', 22, ed.keyType, ed.blob);
    await store.forget('web.example.com', 22);
    assert.ok((await fsp.readFile(knownHosts)).equals(before));
    assert.equal((await fsp.stat(knownHosts)).mtimeMs, beforeStat.mtimeMs);
    assert.throws(() => new TrustStore(knownHosts, { protectedFiles }), RangeError);
    assert.throws(() => new TrustStore(path.join(path.dirname(knownHosts), '.', 'known_hosts'), { protectedFiles }), RangeError, 'the same file by another spelling');
  });

  it('trust once is in memory only: not in the file, not in a new instance', async () => {
    const { storeFile, protectedFiles } = await setup();
    const store = new TrustStore(storeFile, { protectedFiles });
    store.trustOnce('127.0.0.1', 2222, ed.keyType, ed.blob);
    store.trustOnce('127.0.0.1', 2222, ed.keyType, ed.blob);
    assert.equal(store.sessionEntries().length, 1);
    assert.equal(lookupHostKey(store.sessionEntries(), '127.0.0.1', 2222, ed.keyType, ed.blob).status, 'trusted');
    assert.equal(lookupHostKey(store.sessionEntries(), '127.0.0.1', 2223, ed.keyType, ed.blob).status, 'unknown');
    await assert.rejects(fsp.stat(storeFile), { code: 'ENOENT' });
    assert.equal(new TrustStore(storeFile, { protectedFiles }).sessionEntries().length, 0);
  });

  it('two windows trusting at the same time both end up in the file (compare-and-swap writes)', async () => {
    const { storeFile, protectedFiles } = await setup();
    const a = new TrustStore(storeFile, { protectedFiles });
    const b = new TrustStore(storeFile, { protectedFiles });
    const hosts = Array.from({ length: 12 }, (_, i) => `host${i}.example.com`);
    await Promise.all(hosts.map((h, i) => (i % 2 === 0 ? a : b).trustAlways(h, 22, ed.keyType, ed.blob)));
    const { entries } = parseKnownHosts(await fsp.readFile(storeFile, 'utf8'));
    for (const h of hosts) assert.equal(lookupHostKey(entries, h, 22, ed.keyType, ed.blob).status, 'trusted', h);
    const stray = (await fsp.readdir(path.dirname(storeFile))).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(stray, [], 'no temp files left behind');
  });

  it('forget removes exactly that host and port, from the file and the session', async () => {
    const { storeFile, protectedFiles } = await setup();
    const store = new TrustStore(storeFile, { protectedFiles });
    await store.trustAlways('127.0.0.1', 2222, ed.keyType, ed.blob);
    await store.trustAlways('127.0.0.1', 2222, rsa.keyType, rsa.blob);
    await store.trustAlways('127.0.0.1', 22, ed.keyType, ed.blob);
    store.trustOnce('127.0.0.1', 2222, ed2.keyType, ed2.blob);
    assert.equal(await store.forget('127.0.0.1', 2222), 2);
    const { entries } = await store.readPersisted();
    assert.equal(lookupHostKey(entries, '127.0.0.1', 22, ed.keyType, ed.blob).status, 'trusted', 'port 22 kept');
    assert.equal(entries.length, 1);
    assert.equal(store.sessionEntries().length, 0);
    assert.equal(await store.forget('127.0.0.1', 2222), 0);
  });

  it('keeps reading a store with a damaged line, reporting it', async () => {
    const { storeFile, protectedFiles } = await setup();
    const store = new TrustStore(storeFile, { protectedFiles });
    await store.trustAlways('a.example.com', 22, ed.keyType, ed.blob);
    await fsp.appendFile(storeFile, 'b.example.com ssh-ed25519 @@@\n');
    await store.trustAlways('c.example.com', 22, ed.keyType, ed.blob);
    const { entries, problems } = await store.readPersisted();
    assert.deepEqual(entries.map((e) => e.names.kind === 'patterns' && e.names.patterns[0]!.pattern), ['a.example.com', 'c.example.com']);
    assert.deepEqual(problems.map((p) => p.reason), ['badKey']);
  });

  it('refuses names that would read as patterns, bad ports and a key of another type', async () => {
    const { storeFile, protectedFiles } = await setup();
    const store = new TrustStore(storeFile, { protectedFiles });
    for (const host of ['*.example.com', 'a,b', '!a', 'two words', '']) {
      assert.throws(() => store.trustOnce(host, 22, ed.keyType, ed.blob), RangeError, host);
    }
    assert.throws(() => store.trustOnce('a', 0, ed.keyType, ed.blob), RangeError);
    await assert.rejects(store.trustAlways('a', 22, 'ssh-rsa', ed.blob), RangeError);
    await assert.rejects(fsp.stat(storeFile), { code: 'ENOENT' });
  });
});
