import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Client, type ConnectConfig, Server, utils } from 'ssh2';
import { DEFAULT_HOST_KEY_ALGORITHMS, type HostKeyAnswer, type HostKeyCheck, type HostKeyQuestion, createHostKeyCheck, knownHostKeyTypes, orderHostKeyAlgorithms } from '../../../../src/services/ssh/hostKeyVerifier';
import { lookupHostKey } from '../../../../src/services/ssh/knownHosts';
import { SshError } from '../../../../src/services/ssh/sshError';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import { TempDirs } from '../../support/tempDirs';
import { type TestKey, makeKey } from './sshTestKeys';

/**
 * A real ssh2 Server on 127.0.0.1 and a real ssh2 Client using the check as its hostVerifier.
 * The server counts what reached it: finished key exchanges ('handshake') and authentication
 * requests ('authentication'), so "nothing was sent" is observed on the server side.
 */
describe('createHostKeyCheck (real ssh2 client and server)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let dir: string;
  let hostKey: TestKey;
  let otherHostKey: TestKey;
  let rsaKey: TestKey;
  let userKey: TestKey;
  let server: Server;
  let port: number;
  const seen = { connections: 0, handshakes: 0, authAttempts: 0, authenticated: 0 };
  let serverClosed: Promise<void> = Promise.resolve();

  before(async () => {
    dir = await temp.make('incident-desk-hostkey-');
    hostKey = makeKey(dir, 'host');
    otherHostKey = makeKey(dir, 'other-host');
    rsaKey = makeKey(dir, 'other-rsa', 'rsa');
    userKey = makeKey(dir, 'user');
    const userPublic = utils.parseKey(userKey.publicText);
    if (userPublic instanceof Error) throw userPublic;

    server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
      seen.connections++;
      let closed!: () => void;
      serverClosed = new Promise((resolve) => (closed = resolve));
      client.on('close', () => closed());
      client.on('handshake', () => seen.handshakes++);
      client.on('authentication', (ctx) => {
        seen.authAttempts++;
        if (ctx.method === 'publickey' && ctx.key.algo === userKey.keyType && ctx.key.data.equals(userKey.blob)) {
          if (!ctx.signature) return ctx.accept(); // "would this key do?"
          if (ctx.blob && userPublic.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
            seen.authenticated++;
            return ctx.accept();
          }
        }
        ctx.reject(['publickey']);
      });
      client.on('ready', () => client.end());
      client.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await temp.cleanup();
  });
  beforeEach(() => {
    Object.assign(seen, { connections: 0, handshakes: 0, authAttempts: 0, authenticated: 0 });
  });

  /** A home with ~/.ssh/known_hosts holding `lines`, and a trust store in a global storage folder. */
  async function world(lines: string[] = []) {
    const home = await temp.make('incident-desk-hostkey-home-');
    await fsp.mkdir(path.join(home, '.ssh'));
    const knownHosts = path.join(home, '.ssh', 'known_hosts');
    await fsp.writeFile(knownHosts, lines.map((l) => `${l}\n`).join(''));
    const storeFile = path.join(home, 'globalStorage', 'trusted_host_keys');
    const trustStore = new TrustStore(storeFile, { protectedFiles: [knownHosts] });
    return { home, knownHosts, storeFile, trustStore };
  }

  /** Answers with `answer`, recording each question and what the server had seen when it was asked. */
  function asker(answer: HostKeyAnswer | (() => Promise<HostKeyAnswer>)) {
    const calls: { question: HostKeyQuestion; handshakesThen: number; authAttemptsThen: number }[] = [];
    const ask = async (question: HostKeyQuestion) => {
      calls.push({ question, handshakesThen: seen.handshakes, authAttemptsThen: seen.authAttempts });
      // A user takes a moment: the connection must wait for the answer.
      await new Promise((r) => setTimeout(r, 150));
      return typeof answer === 'function' ? answer() : answer;
    };
    return { ask, calls };
  }

  function connect(check: HostKeyCheck, extra: Partial<ConnectConfig> = {}): Promise<{ ok: true } | { ok: false; error: Error }> {
    return new Promise((resolve) => {
      const client = new Client();
      let done = false;
      const finish = (r: { ok: true } | { ok: false; error: Error }) => {
        if (done) return;
        done = true;
        client.end();
        resolve(r);
      };
      client.on('ready', () => finish({ ok: true }));
      client.on('error', (error) => finish({ ok: false, error }));
      client.connect({ host: '127.0.0.1', port, username: 'dana', privateKey: userKey.privateKey, hostVerifier: check, readyTimeout: 15_000, ...extra });
    });
  }

  it('unknown key: asks with the SHA256 fingerprint ssh-keygen prints, before any authentication; "reject" refuses and nothing reaches the server', async () => {
    const w = await world();
    const { ask, calls } = asker('reject');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    const result = await connect(check);
    await serverClosed;

    assert.equal(result.ok, false);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]!.question, { host: '127.0.0.1', port, keyType: 'ssh-ed25519', fingerprint: hostKey.fingerprint });
    assert.equal(hostKey.fingerprint, execFileSync('ssh-keygen', ['-lf', hostKey.publicPath], { encoding: 'utf8' }).split(' ')[1]);
    assert.equal(seen.connections, 1, 'the server was reached');
    assert.equal(seen.authAttempts, 0, "the server's 'authentication' event never fired");
    assert.equal(seen.handshakes, 0, 'key exchange never completed: the client refused inside it');
    assert.ok(SshError.is(check.failure, 'hostKeyRejected'));
    assert.equal(check.failure.hostKey?.presentedFingerprint, hostKey.fingerprint);
    assert.deepEqual(
      { accepted: check.lastDecision?.accepted, via: check.lastDecision?.via, fingerprint: check.lastDecision?.fingerprint },
      { accepted: false, via: 'answeredReject', fingerprint: hostKey.fingerprint },
    );
    await assert.rejects(fsp.stat(w.storeFile), { code: 'ENOENT' }, 'nothing trusted');
  });

  it('unknown key, "once": the connection waits for the answer, then authenticates; trusted for this session only', async () => {
    const w = await world();
    const { ask, calls } = asker('once');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    const result = await connect(check);
    assert.deepEqual(result, { ok: true });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.authAttemptsThen, 0, 'asked before any authentication request');
    assert.equal(calls[0]!.handshakesThen, 0, 'asked during key exchange');
    assert.ok(seen.authenticated >= 1, 'then authenticated with the user key');
    assert.ok(seen.handshakes >= 1, "the server's handshake counter works (so the 0 elsewhere means something)");
    assert.equal(check.lastDecision?.via, 'answeredOnce');
    assert.equal(check.failure, undefined);

    const again = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    assert.deepEqual(await connect(again), { ok: true });
    assert.equal(calls.length, 1, 'not asked twice in one session');
    assert.equal(again.lastDecision?.via, 'session');

    await assert.rejects(fsp.stat(w.storeFile), { code: 'ENOENT' }, 'once is never written');
    const restarted = new TrustStore(w.storeFile, { protectedFiles: [w.knownHosts] });
    const afterRestart = asker('reject');
    assert.equal((await connect(createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: restarted, ask: afterRestart.ask }))).ok, false);
    assert.equal(afterRestart.calls.length, 1, 'asked again after a restart');
  });

  it('unknown key, "always": stored in the trust store (not known_hosts) and trusted by a new store instance', async () => {
    const w = await world([`other.example.com ${otherHostKey.publicText}`]);
    const knownHostsBefore = await fsp.readFile(w.knownHosts, 'utf8');
    const { ask } = asker('always');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    assert.deepEqual(await connect(check), { ok: true });
    assert.equal(check.lastDecision?.via, 'answeredAlways');
    assert.equal(await fsp.readFile(w.knownHosts, 'utf8'), knownHostsBefore, 'known_hosts untouched');
    const stored = await new TrustStore(w.storeFile, { protectedFiles: [w.knownHosts] }).readPersisted();
    assert.equal(lookupHostKey(stored.entries, '127.0.0.1', port, hostKey.keyType, hostKey.blob).status, 'trusted');

    const later = asker('reject');
    const fresh = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: new TrustStore(w.storeFile, { protectedFiles: [w.knownHosts] }), ask: later.ask });
    assert.deepEqual(await connect(fresh), { ok: true });
    assert.equal(later.calls.length, 0);
    assert.equal(fresh.lastDecision?.via, 'trustStore');
    assert.equal(fresh.lastDecision?.file, w.storeFile);
  });

  it('changed key: never asks, refuses with hostKeyChanged and both fingerprints; no authentication reaches the server', async () => {
    const w = await world([`[127.0.0.1]:${port} ${otherHostKey.publicText}`]);
    const { ask, calls } = asker('always');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    const result = await connect(check);
    await serverClosed;

    assert.equal(result.ok, false);
    assert.equal(calls.length, 0, 'ask never called');
    assert.equal(seen.authAttempts, 0);
    assert.equal(seen.handshakes, 0);
    const failure = check.failure;
    assert.ok(SshError.is(failure, 'hostKeyChanged'));
    assert.equal(failure.hostKey?.presentedFingerprint, hostKey.fingerprint);
    assert.deepEqual(failure.hostKey?.expected.map((k) => [k.fingerprint, k.file, k.line]), [[otherHostKey.fingerprint, w.knownHosts, 1]]);
    assert.ok(failure.message.includes(hostKey.fingerprint) && failure.message.includes(otherHostKey.fingerprint), 'the message shows both');
    assert.deepEqual([check.lastDecision?.accepted, check.lastDecision?.via, check.lastDecision?.line], [false, 'changed', 1]);
    await assert.rejects(fsp.stat(w.storeFile), { code: 'ENOENT' });
  });

  it('changed also when only a key of another type is known (as OpenSSH), and when the trust store holds another key', async () => {
    const w = await world([`[127.0.0.1]:${port} ${rsaKey.publicText}`]);
    const { ask, calls } = asker('always');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    assert.equal((await connect(check)).ok, false);
    assert.ok(SshError.is(check.failure, 'hostKeyChanged'));
    assert.deepEqual(check.failure.hostKey?.expected.map((k) => k.keyType), ['ssh-rsa']);

    const w2 = await world();
    await w2.trustStore.trustAlways('127.0.0.1', port, otherHostKey.keyType, otherHostKey.blob);
    const check2 = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w2.knownHosts], trustStore: w2.trustStore, ask });
    assert.equal((await connect(check2)).ok, false);
    assert.ok(SshError.is(check2.failure, 'hostKeyChanged'));
    assert.deepEqual(check2.failure.hostKey?.expected.map((k) => k.file), [w2.storeFile]);
    assert.equal(calls.length, 0);
    assert.equal(seen.authAttempts, 0);
  });

  it('trusted once in this session, then another key for the host: changed (refused), not a new question', async () => {
    const w = await world();
    w.trustStore.trustOnce('127.0.0.1', port, otherHostKey.keyType, otherHostKey.blob);
    const { ask, calls } = asker('once');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    assert.equal((await connect(check)).ok, false);
    await serverClosed;
    assert.equal(calls.length, 0, 'not asked');
    assert.ok(SshError.is(check.failure, 'hostKeyChanged'));
    assert.deepEqual(check.failure.hostKey?.expected.map((k) => k.fingerprint), [otherHostKey.fingerprint]);
    assert.equal(seen.authAttempts, 0);
  });

  it('host key algorithms: the types known for the host (every source, [host]:port then host) first, then the rest', async () => {
    assert.deepEqual(orderHostKeyAlgorithms([]), DEFAULT_HOST_KEY_ALGORITHMS);
    assert.deepEqual(orderHostKeyAlgorithms(['ssh-rsa']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
    assert.deepEqual(orderHostKeyAlgorithms(['ecdsa-sha2-nistp384', 'sk-ssh-ed25519@openssh.com', 'ssh-ed25519']).slice(0, 3), ['ecdsa-sha2-nistp384', 'ssh-ed25519', 'ecdsa-sha2-nistp256']);
    const w = await world([`[127.0.0.1]:${port} ${rsaKey.publicText}`, `127.0.0.1 ${otherHostKey.publicText}`, `[127.0.0.1]:1 ${hostKey.publicText}`]);
    const ecdsa = makeKey(w.home, 'ecdsa-host', 'ecdsa');
    await w.trustStore.trustAlways('other.example.com', 22, ecdsa.keyType, ecdsa.blob);
    const options = { host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore };
    assert.deepEqual(await knownHostKeyTypes(options), ['ssh-rsa', 'ssh-ed25519']);
    w.trustStore.trustOnce('127.0.0.1', port, ecdsa.keyType, ecdsa.blob);
    assert.deepEqual(await knownHostKeyTypes(options), ['ssh-rsa', 'ecdsa-sha2-nistp256', 'ssh-ed25519']);
    assert.deepEqual(await knownHostKeyTypes({ ...options, hostKeyAlias: 'other.example.com' }), ['ecdsa-sha2-nistp256']);
  });

  it('trusted through a hashed known_hosts line (real ssh-keygen -H): connects and authenticates with a key, without asking', async () => {
    const w = await world([`[127.0.0.1]:${port} ${hostKey.publicText}`]);
    execFileSync('ssh-keygen', ['-H', '-f', w.knownHosts], { stdio: 'pipe' });
    assert.doesNotMatch(await fsp.readFile(w.knownHosts, 'utf8'), /127\.0\.0\.1/);
    const { ask, calls } = asker('reject');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [path.join(w.home, '.ssh', 'missing'), w.knownHosts], trustStore: w.trustStore, ask });
    assert.deepEqual(await connect(check), { ok: true });
    assert.equal(calls.length, 0);
    assert.ok(seen.authenticated >= 1);
    assert.deepEqual([check.lastDecision?.accepted, check.lastDecision?.via, check.lastDecision?.file, check.lastDecision?.line], [true, 'knownHosts', w.knownHosts, 1]);
  });

  it('revoked: refused even though another line trusts the key', async () => {
    const w = await world([`[127.0.0.1]:${port} ${hostKey.publicText}`, `@revoked * ${hostKey.publicText}`]);
    const { ask, calls } = asker('always');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    assert.equal((await connect(check)).ok, false);
    await serverClosed;
    assert.equal(calls.length, 0);
    assert.equal(seen.authAttempts, 0);
    assert.ok(SshError.is(check.failure, 'hostKeyRevoked'));
    assert.equal(check.lastDecision?.line, 2);
  });

  it('HostKeyAlias: keys are looked up and stored under the alias alone', async () => {
    const w = await world([`backend-prod ${hostKey.publicText}`]);
    const { ask, calls } = asker('reject');
    const check = createHostKeyCheck({ host: '127.0.0.1', port, hostKeyAlias: 'backend-prod', knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask });
    assert.deepEqual(await connect(check), { ok: true });
    assert.equal(calls.length, 0);
  });

  it('fails closed: a prompt that throws, an unreadable known_hosts, or an answer that is not one of the three', async () => {
    const w = await world();
    const throwing = asker(async () => {
      throw new Error('prompt closed');
    });
    const c1 = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask: throwing.ask });
    assert.equal((await connect(c1)).ok, false);
    assert.ok(SshError.is(c1.failure, 'hostKeyCheckFailed'));
    assert.equal(c1.lastDecision?.via, 'error');

    const asked = asker('once');
    const c2 = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [path.join(w.home, '.ssh')], trustStore: w.trustStore, ask: asked.ask });
    assert.equal((await connect(c2)).ok, false, 'a known_hosts that cannot be read might hold the key that says "changed"');
    assert.ok(SshError.is(c2.failure, 'hostKeyCheckFailed'));
    assert.equal(asked.calls.length, 0);

    const odd = asker(async () => undefined as unknown as HostKeyAnswer);
    const c3 = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask: odd.ask });
    assert.equal((await connect(c3)).ok, false, 'a dismissed prompt is a no');
    assert.ok(SshError.is(c3.failure, 'hostKeyRejected'));
    assert.equal(seen.authAttempts, 0);
  });

  it('returns undefined to ssh2 (a returned value would be taken as the verdict at once)', async () => {
    const w = await world();
    const check = createHostKeyCheck({ host: '127.0.0.1', port, knownHostsFiles: [w.knownHosts], trustStore: w.trustStore, ask: async () => 'reject' });
    const verdict = await new Promise<boolean>((resolve) => {
      const ret = check(hostKey.blob, resolve) as unknown;
      assert.equal(ret, undefined);
    });
    assert.equal(verdict, false);
    const garbage = await new Promise<boolean>((resolve) => check(Buffer.from('not a key'), resolve));
    assert.equal(garbage, false);
    assert.ok(SshError.is(check.failure, 'hostKeyCheckFailed'));
  });
});
