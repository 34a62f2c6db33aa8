import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { HostKeyAnswer, HostKeyQuestion } from '../../../../src/services/ssh/hostKeyVerifier';
import type { HostProfile } from '../../../../src/services/ssh/hostProfiles';
import type { RemoteExecOptions, RemoteExecOutcome } from '../../../../src/services/ssh/remoteExec';
import type { ShellClose } from '../../../../src/services/ssh/shellSession';
import { isEncryptedPrivateKey } from '../../../../src/services/ssh/sshAuth';
import { type SshConnection, connectSsh } from '../../../../src/services/ssh/sshConnection';
import type { ConnectSshDeps } from '../../../../src/services/ssh/sshTypes';
import { SshError } from '../../../../src/services/ssh/sshError';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import { type ManagedProcess, processes, processesMentioning, sleep, terminatePids } from '../../../services/processes';
import { type Sshd, freePort, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';

// Everything here runs against a real OpenSSH sshd on 127.0.0.1 (test/services/sshd.ts), logging
// at VERBOSE, so what reached the server is read from its own log.

/** sshd log lines that mean an authentication request reached the server. */
const AUTH_LINE = /publickey|password|keyboard-interactive|hostbased|Accepted|Failed|Postponed|Invalid user|authenticating user|userauth/i;

const temp = new TempDirs();
after(() => temp.cleanup());

interface World {
  readonly dir: string;
  readonly knownHosts: string;
  readonly trustStore: TrustStore;
  readonly asked: HostKeyQuestion[];
  readonly logs: string[];
  answer: HostKeyAnswer;
  deps(extra?: Partial<ConnectSshDeps>): ConnectSshDeps;
}

/** A temp home (no keys in it), a temp known_hosts with `lines`, a trust store in a temp folder: never the real ~/.ssh. */
async function world(lines: string[]): Promise<World> {
  const dir = await temp.make('ids-conn-');
  const knownHosts = path.join(dir, 'known_hosts');
  await fsp.writeFile(knownHosts, lines.map((l) => `${l}\n`).join(''));
  const trustStore = new TrustStore(path.join(dir, 'globalStorage', 'known_hosts'), { protectedFiles: [knownHosts] });
  const w: World = {
    dir,
    knownHosts,
    trustStore,
    asked: [],
    logs: [],
    answer: 'reject',
    deps: (extra = {}) => ({
      hostKey: {
        knownHostsFiles: [knownHosts],
        trustStore,
        ask: async (q) => {
          w.asked.push(q);
          return w.answer;
        },
      },
      agentSocket: false,
      homeDir: dir,
      readyTimeoutMs: 15_000,
      log: (level, message) => w.logs.push(`${level} ${message}`),
      ...extra,
    }),
  };
  return w;
}

function profileFor(sshd: Sshd, extra: Partial<HostProfile> = {}): HostProfile {
  return { name: 'test-host', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings', ...extra };
}

/** What sshd logged from `offset` on, once it has logged the end of a connection (it writes that last). */
async function logSince(sshd: Sshd, offset: number): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = sshd.readLog().slice(offset);
    if (/Connection closed by|Disconnected from|Connection reset by|disconnected by|Close session/.test(text) || Date.now() > deadline) return text;
    await sleep(50);
  }
}

async function rejection(p: Promise<unknown>): Promise<SshError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SshError) return e;
    throw new Error(`expected an SshError, got ${String(e)}`);
  }
  throw new Error('expected a rejection');
}

/** Runs `command`, collecting stdout and stderr separately. */
async function run(conn: SshConnection, command: string, opts: RemoteExecOptions = {}): Promise<{ stdout: string; stderr: string; result: RemoteExecOutcome }> {
  let stdout = '';
  let stderr = '';
  const execution = conn.exec(command, {
    ...opts,
    onData: (stream, chunk) => {
      if (stream === 'stdout') stdout += chunk.toString('utf8');
      else stderr += chunk.toString('utf8');
    },
  });
  const result = await execution.done;
  return { stdout, stderr, result };
}

function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

function makeKey(dir: string, name: string, passphrase = ''): { privatePath: string; publicText: string; fingerprint: string } {
  const privatePath = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `${name}@test`, '-f', privatePath], { stdio: 'pipe' });
  const publicText = execFileSync('cat', [`${privatePath}.pub`], { encoding: 'utf8' }).trim();
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${privatePath}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  return { privatePath, publicText, fingerprint };
}

describe('connectSsh against a real sshd: host keys', function () {
  this.timeout(60_000);
  let sshd: Sshd;
  before(async () => {
    sshd = await startSshd();
  });
  after(() => sshd?.stop());

  it('trusted key (known_hosts) + key auth: exec gives stdout, stderr and the exit code apart', async () => {
    const w = await world([sshd.knownHostsLine]);
    const conn = await connectSsh(profileFor(sshd), w.deps());
    try {
      assert.equal(conn.hostKey?.via, 'knownHosts');
      assert.equal(conn.hostKeyFingerprint, sshd.hostKeyFingerprint);
      assert.equal(w.asked.length, 0, 'a known key is not asked about');
      const { stdout, stderr, result } = await run(conn, 'echo hello; echo err >&2; exit 3');
      assert.equal(stdout, 'hello\n');
      assert.equal(stderr, 'err\n');
      assert.deepEqual(result, { outcome: 'exited', exitCode: 3 });
      // Several commands share the one connection.
      const [a, b] = await Promise.all([run(conn, 'echo one'), run(conn, 'echo two; exit 7')]);
      assert.deepEqual([a.stdout, b.stdout], ['one\n', 'two\n']);
      // OpenSSH closes a session channel as soon as both directions are at EOF and sends the
      // exit-status once it has reaped the child: on a loaded machine that can be after the close,
      // and ssh2 drops a request for a closed channel. The status is then reported as unknown,
      // never guessed: anything else (a wrong code, another outcome) fails.
      for (const [r, code] of [[a.result, 0], [b.result, 7]] as const) {
        if (r.outcome === 'unknown') assert.equal(r.reason, 'noExitStatus', JSON.stringify(r));
        else assert.deepEqual(r, { outcome: 'exited', exitCode: code });
      }
    } finally {
      conn.end();
    }
    assert.match(sshd.readLog(), new RegExp(`Accepted publickey for ${sshd.user} from 127\\.0\\.0\\.1`));
  });

  it('unknown key: asks once with the SHA256 fingerprint sshd has; "once" connects, and is not asked again in this session', async () => {
    const w = await world([]);
    w.answer = 'once';
    const conn = await connectSsh(profileFor(sshd), w.deps());
    conn.end();
    assert.equal(w.asked.length, 1);
    assert.deepEqual(w.asked[0], { host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint });
    assert.equal(conn.hostKey?.via, 'answeredOnce');

    w.answer = 'reject';
    const again = await connectSsh(profileFor(sshd), w.deps());
    again.end();
    assert.equal(w.asked.length, 1, 'trusted once: not asked twice');
    assert.equal(again.hostKey?.via, 'session');
  });

  it('unknown key, "reject": SshError hostKeyRejected, and the sshd log shows no authentication attempt', async () => {
    const w = await world([]);
    w.answer = 'reject';
    let passwordAsked = 0;
    const offset = sshd.readLog().length;
    const error = await rejection(connectSsh(profileFor(sshd), w.deps({ askPassword: async () => String(++passwordAsked) })));
    assert.equal(error.reason, 'hostKeyRejected');
    assert.equal(error.hostKey?.presentedFingerprint, sshd.hostKeyFingerprint);
    assert.equal(w.asked.length, 1);
    assert.equal(passwordAsked, 0);
    const log = await logSince(sshd, offset);
    assert.match(log, /Connection from 127\.0\.0\.1 port \d+/, 'the connection did reach sshd');
    assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], `no authentication in:\n${log}`);
  });

  it('ProxyJump in the ssh config: refused as unsupported rather than connecting directly', async () => {
    const w = await world([sshd.knownHostsLine]);
    const offset = sshd.readLog().length;
    const profile = profileFor(sshd, { ssh: { alias: 'test-host', identityFiles: [], identitiesOnly: false, proxyJump: 'bastion.example.com', problems: [] } });
    const error = await rejection(connectSsh(profile, w.deps()));
    assert.equal(error.reason, 'unsupported');
    assert.match(error.message, /ProxyJump bastion\.example\.com/);
    await sleep(100);
    assert.doesNotMatch(sshd.readLog().slice(offset), /Connection from/, 'nothing was sent to the host directly');
  });

  // Last in this block: the server's key changes for good.
  it('changed host key: hostKeyChanged with both fingerprints, never asks, and NO authentication attempt reaches sshd', async () => {
    const w = await world([sshd.knownHostsLine]);
    const oldFingerprint = sshd.hostKeyFingerprint;
    await sshd.restartWithNewHostKey();
    assert.notEqual(sshd.hostKeyFingerprint, oldFingerprint);
    w.answer = 'always';
    const prompts: string[] = [];
    const offset = sshd.readLog().length;
    const error = await rejection(
      connectSsh(
        profileFor(sshd),
        w.deps({
          askPassword: async () => {
            prompts.push('password');
            return 'x';
          },
          askPassphrase: async () => {
            prompts.push('passphrase');
            return 'x';
          },
        }),
      ),
    );
    assert.equal(error.reason, 'hostKeyChanged');
    assert.equal(error.hostKey?.presentedFingerprint, sshd.hostKeyFingerprint);
    assert.deepEqual(error.hostKey?.expected.map((k) => [k.fingerprint, k.file, k.line]), [[oldFingerprint, w.knownHosts, 1]]);
    assert.ok(error.message.includes(oldFingerprint) && error.message.includes(sshd.hostKeyFingerprint), 'the message shows both fingerprints');
    assert.equal(w.asked.length, 0, 'ask never called');
    assert.deepEqual(prompts, [], 'no credential prompt');
    const log = await logSince(sshd, offset);
    assert.match(log, /Connection from 127\.0\.0\.1 port \d+/, 'the connection did reach sshd');
    assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], `no authentication in:\n${log}`);
    assert.ok(w.logs.some((l) => l.includes('hostKeyChanged')), 'the failure is logged with its reason');
  });
});

describe('connectSsh against a real sshd holding RSA, ECDSA and ed25519 host keys (as OpenSSH picks them)', function () {
  this.timeout(60_000);
  let sshd: Sshd;
  before(async () => {
    sshd = await startSshd({ hostKeys: ['ed25519', 'ecdsa', 'rsa'] });
  });
  after(() => sshd?.stop());

  for (const kind of ['rsa', 'ecdsa', 'ed25519'] as const) {
    it(`known_hosts listing only the ${kind} key: the server is asked for that type, connects without a question`, async () => {
      const key = sshd.hostKeyOf(kind);
      const w = await world([key.knownHostsLine]);
      const conn = await connectSsh(profileFor(sshd), w.deps());
      try {
        assert.equal(conn.hostKey?.via, 'knownHosts');
        assert.equal(conn.hostKey?.keyType, key.keyType);
        assert.equal(conn.hostKeyFingerprint, key.fingerprint);
        assert.equal(w.asked.length, 0);
        assert.equal((await run(conn, 'echo ok')).stdout, 'ok\n');
      } finally {
        conn.end();
      }
    });
  }

  it('a wrong key of the known type (RSA): refused as changed for that type, before any authentication', async () => {
    // An RSA key of our own stands in for the one a lying server would have.
    const rsaDir = await temp.make('ids-rsa-');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', path.join(rsaDir, 'k')], { stdio: 'pipe' });
    const wrongRsa = (await fsp.readFile(path.join(rsaDir, 'k.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
    const w = await world([`[${sshd.host}]:${sshd.port} ${wrongRsa}`]);
    w.answer = 'always';
    const offset = sshd.readLog().length;
    const error = await rejection(connectSsh(profileFor(sshd), w.deps({ askPassword: async () => 'x' })));
    assert.equal(error.reason, 'hostKeyChanged');
    assert.equal(error.hostKey?.keyType, 'ssh-rsa', 'the server was asked for its RSA key, the type known');
    assert.equal(error.hostKey?.presentedFingerprint, sshd.hostKeyOf('rsa').fingerprint);
    assert.equal(w.asked.length, 0);
    const log = await logSince(sshd, offset);
    assert.match(log, /Connection from 127\.0\.0\.1 port \d+/);
    assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], `no authentication in:\n${log}`);
  });

  // Last: the server's keys change for good.
  it('trusted once in this window, then a different key: refused as changed, not asked again; nothing authenticates', async () => {
    const w = await world([]);
    w.answer = 'once';
    const first = await connectSsh(profileFor(sshd), w.deps());
    first.end();
    assert.equal(first.hostKey?.via, 'answeredOnce');
    const trusted = first.hostKeyFingerprint;
    await sshd.restartWithNewHostKey();
    const offset = sshd.readLog().length;
    const error = await rejection(connectSsh(profileFor(sshd), w.deps()));
    assert.equal(error.reason, 'hostKeyChanged');
    assert.deepEqual(error.hostKey?.expected.map((k) => k.fingerprint), [trusted]);
    assert.equal(w.asked.length, 1, 'the change is not a new question');
    const log = await logSince(sshd, offset);
    assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], `no authentication in:\n${log}`);
  });
});

describe('connectSsh against a real sshd: login methods', function () {
  this.timeout(60_000);
  const user = `idt${process.pid}`;
  const password = `pw-${process.pid}-correct`;
  let sshd: Sshd;
  let agent: ManagedProcess | undefined;
  before(async () => {
    sshd = await startSshd({ password: { user, password } });
  });
  after(async () => {
    await agent?.stop();
    await sshd?.stop();
  });

  it('password via askPassword: asked once with user and host, logs in; the password is never logged', async () => {
    const w = await world([sshd.knownHostsLine]);
    const asked: string[] = [];
    const conn = await connectSsh(
      profileFor(sshd, { user, identityFile: undefined }),
      w.deps({
        askPassword: async (u, h) => {
          asked.push(`${u}@${h}`);
          return password;
        },
      }),
    );
    try {
      assert.deepEqual(asked, [`${user}@127.0.0.1`]);
      const { stdout, result } = await run(conn, 'id -un');
      assert.equal(stdout, `${user}\n`);
      assert.deepEqual(result, { outcome: 'exited', exitCode: 0 });
    } finally {
      conn.end();
    }
    assert.ok(!w.logs.join('\n').includes(password), 'password not in our log');
    assert.match(w.logs.join('\n'), /logged in to .* with password/);
  });

  it('wrong password: authFailed naming the methods tried (not the password), asked once, one attempt at sshd', async () => {
    const w = await world([sshd.knownHostsLine]);
    const wrong = `wrong-${process.pid}-secret`;
    let asked = 0;
    const offset = sshd.readLog().length;
    const error = await rejection(
      connectSsh(
        profileFor(sshd, { user, identityFile: undefined }),
        w.deps({
          askPassword: async () => {
            asked++;
            return wrong;
          },
        }),
      ),
    );
    assert.equal(error.reason, 'authFailed');
    assert.equal(asked, 1, 'each method is tried once');
    assert.match(error.message, /refused password/);
    assert.match(error.message, /The server accepts: publickey, password/);
    assert.ok(!error.message.includes(wrong) && !w.logs.join('\n').includes(wrong), 'the password appears nowhere');
    const log = await logSince(sshd, offset);
    assert.equal(log.split('\n').filter((l) => /Failed password for/.test(l)).length, 1, log);
  });

  it('dismissed password prompt: authCancelled, not authFailed', async () => {
    const w = await world([sshd.knownHostsLine]);
    const error = await rejection(connectSsh(profileFor(sshd, { user, identityFile: undefined }), w.deps({ askPassword: async () => undefined })));
    assert.equal(error.reason, 'authCancelled');
  });

  it('encrypted key: askPassphrase (again after a wrong one), then logs in; no passphrase in any message', async () => {
    const w = await world([sshd.knownHostsLine]);
    const passphrase = `correct horse ${process.pid}`;
    const key = makeKey(w.dir, 'encrypted', passphrase);
    assert.ok(isEncryptedPrivateKey(await fsp.readFile(key.privatePath)), 'ssh-keygen -N made an encrypted key');
    assert.ok(!isEncryptedPrivateKey(await fsp.readFile(sshd.userKeyPath)), 'and the plain one is seen as plain');
    await fsp.appendFile(path.join(sshd.dir, 'authorized_keys'), `${key.publicText}\n`);
    const asked: Array<[string, number]> = [];
    const answers = ['not it', passphrase];
    const offset = sshd.readLog().length;
    const conn = await connectSsh(
      profileFor(sshd, { identityFile: key.privatePath }),
      w.deps({
        askPassphrase: async (file, attempt) => {
          asked.push([file, attempt]);
          return answers.shift();
        },
      }),
    );
    conn.end();
    assert.deepEqual(asked, [
      [key.privatePath, 1],
      [key.privatePath, 2],
    ]);
    assert.match(sshd.readLog().slice(offset), new RegExp(`Accepted publickey for ${sshd.user} .*${key.fingerprint.replace(/[+/]/g, '\\$&')}`));
    assert.ok(!w.logs.join('\n').includes(passphrase) && !w.logs.join('\n').includes('not it'), 'no passphrase logged');
  });

  it('order like OpenSSH: ssh-agent first, then identity files, then password; each tried once', async () => {
    const w = await world([sshd.knownHostsLine]);
    // The agent holds a key sshd does not know, the identity file is not authorized either: then the password.
    const stranger = makeKey(w.dir, 'stranger');
    const unknownFile = makeKey(w.dir, 'unknown-file');
    const socket = path.join(w.dir, 'agent.sock');
    agent = processes.spawn('ssh-agent', 'ssh-agent', ['-D', '-a', socket], { logPath: path.join(w.dir, 'agent.log'), stopTimeoutMs: 2000 });
    await waitFor(() => existsSync(socket), 5000, 'the ssh-agent socket');
    execFileSync('ssh-add', ['-q', stranger.privatePath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
    const asked: string[] = [];
    const offset = sshd.readLog().length;
    const conn = await connectSsh(
      profileFor(sshd, { user, identityFile: unknownFile.privatePath }),
      w.deps({
        agentSocket: socket,
        askPassword: async () => {
          asked.push('password');
          return password;
        },
      }),
    );
    conn.end();
    assert.deepEqual(asked, ['password']);
    const log = await logSince(sshd, offset);
    const failed = log.split('\n').filter((l) => /Failed (publickey|password)|Accepted password/.test(l));
    assert.equal(failed.length, 3, log);
    assert.match(failed[0]!, new RegExp(`Failed publickey .*${stranger.fingerprint.replace(/[+/]/g, '\\$&')}`), 'the agent key first');
    assert.match(failed[1]!, new RegExp(`Failed publickey .*${unknownFile.fingerprint.replace(/[+/]/g, '\\$&')}`), 'then the identity file');
    assert.match(failed[2]!, /Accepted password/, 'then the password');
  });

  it('ssh-agent holding the authorized key: logs in with no identity file and no prompt', async () => {
    const w = await world([sshd.knownHostsLine]);
    const socket = path.join(w.dir, 'agent2.sock');
    const second = processes.spawn('ssh-agent', 'ssh-agent', ['-D', '-a', socket], { logPath: path.join(w.dir, 'agent2.log'), stopTimeoutMs: 2000 });
    try {
      await waitFor(() => existsSync(socket), 5000, 'the ssh-agent socket');
      execFileSync('ssh-add', ['-q', sshd.userKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
      const prompts: string[] = [];
      const conn = await connectSsh(
        profileFor(sshd, { identityFile: undefined }),
        w.deps({ agentSocket: socket, askPassword: async () => (prompts.push('password'), undefined), askPassphrase: async () => (prompts.push('passphrase'), undefined) }),
      );
      conn.end();
      assert.deepEqual(prompts, []);
      assert.match(w.logs.join('\n'), /logged in to .* with publickey \(ssh-agent\)/);
    } finally {
      await second.stop();
    }
  });
});

describe('connectSsh against a real sshd: commands, cancel, drops, shells', function () {
  this.timeout(60_000);
  const user = `idc${process.pid}`;
  const password = `pw-${process.pid}-cancel`;
  let sshd: Sshd;
  /** The tests about root logins only (every other test logs in as the server's unprivileged user). */
  let rootSshd: Sshd;
  let w: World;
  const markers: string[] = [];
  before(async () => {
    sshd = await startSshd({ password: { user, password } });
    rootSshd = await startSshd({ loginAs: 'root' });
    w = await world([sshd.knownHostsLine, rootSshd.knownHostsLine]);
  });
  after(async () => {
    // A command OpenSSH would not stop (root, no pty) is ours to end: it runs under our sshd.
    for (const marker of markers) await terminatePids(processesMentioning(marker));
    await sshd?.stop();
    await rootSshd?.stop();
  });

  /**
   * A `sleep` with a duration no other process has. /proc cmdlines separate arguments with NULs:
   * the duration alone matches both the sleep and the shell running `sleep …; echo after`.
   */
  function marker(): { command: string; duration: string } {
    const duration = `29.${process.pid}${markers.length}`;
    markers.push(duration);
    return { command: `sleep ${duration}`, duration };
  }

  async function cancelAndWatch(conn: SshConnection, opts: RemoteExecOptions) {
    const sleeper = marker();
    let output = '';
    const execution = conn.exec(`${sleeper.command}; echo after`, { ...opts, onData: (_s, chunk) => (output += chunk.toString('utf8')) });
    // The shell and the sleep it started.
    await waitFor(() => processesMentioning(sleeper.duration).length >= 2, 10_000, 'the remote sleep to start');
    execution.cancel();
    const result = await execution.done;
    return { result, output, duration: sleeper.duration };
  }

  /** The remote processes of `duration` once they are gone (polled, no fixed sleep); fails with what still runs after 10 s. */
  async function stillRunning(duration: string): Promise<number[]> {
    for (const deadline = Date.now() + 10_000; processesMentioning(duration).length > 0 && Date.now() < deadline; ) await sleep(25);
    return processesMentioning(duration);
  }

  it('cancel, non-root login without a pty: SIGINT reaches the command, it stops at once and "after" never prints', async () => {
    const conn = await connectSsh(profileFor(sshd, { user, identityFile: undefined }), w.deps({ askPassword: async () => password }));
    try {
      const { result, output, duration } = await cancelAndWatch(conn, {});
      // SIGINT, not the SIGKILL that would follow the grace period: it stopped at once.
      assert.deepEqual(result, { outcome: 'signalled', signal: 'SIGINT' });
      assert.doesNotMatch(output, /after/);
      assert.deepEqual(await stillRunning(duration), [], 'the remote sleep is gone');
    } finally {
      conn.end();
    }
  });

  it('cancel after endInput() (stdin closed): SIGINT still reaches the command (ssh2 alone sends no signal once its side has ended)', async () => {
    const conn = await connectSsh(profileFor(sshd, { user, identityFile: undefined }), w.deps({ askPassword: async () => password }));
    try {
      const sleeper = marker();
      let output = '';
      const execution = conn.exec(`${sleeper.command}; echo after`, { onData: (_s, chunk) => (output += chunk.toString('utf8')) });
      execution.endInput();
      await waitFor(() => processesMentioning(sleeper.duration).length >= 2, 10_000, 'the remote sleep to start');
      execution.cancel();
      const result = await execution.done;
      // SIGINT at once, not the SIGKILL after the grace period (which ssh2 would not have sent either).
      assert.deepEqual(result, { outcome: 'signalled', signal: 'SIGINT' });
      assert.doesNotMatch(output, /after/);
      assert.deepEqual(await stillRunning(sleeper.duration), [], 'the remote sleep is gone');
    } finally {
      conn.end();
    }
  });

  it('cancel, root login with a pty: OpenSSH refuses the signal request for root, the ^C in the pty stops it', async () => {
    assert.equal(rootSshd.user, 'root', 'this test is about root logins');
    const conn = await connectSsh(profileFor(rootSshd), w.deps());
    const offset = rootSshd.readLog().length;
    try {
      const { result, output, duration } = await cancelAndWatch(conn, { pty: true });
      assert.deepEqual(result, { outcome: 'signalled', signal: 'SIGINT' });
      assert.doesNotMatch(output, /after/);
      assert.deepEqual(await stillRunning(duration), []);
      assert.match(rootSshd.readLog().slice(offset), /session signalling requires privilege separation/, 'what OpenSSH does with the signal request for root');
    } finally {
      conn.end();
    }
  });

  it('cancel, root login without a pty: OpenSSH cannot stop it; done says "unknown" (may still be running) instead of waiting for it', async () => {
    assert.equal(rootSshd.user, 'root', 'this test is about root logins');
    const conn = await connectSsh(profileFor(rootSshd), w.deps());
    try {
      const { result, output, duration } = await cancelAndWatch(conn, { cancelGraceMs: 300, cancelConfirmMs: 300 });
      // It gave up instead of waiting for the 29 s sleep: done settled while the sleep still runs.
      assert.equal(result.outcome, 'unknown');
      assert.equal(result.outcome === 'unknown' && result.reason, 'cancelled');
      assert.match(result.outcome === 'unknown' ? result.message : '', /may still be running/);
      assert.doesNotMatch(output, /after/);
      assert.equal(processesMentioning(duration).length, 2, 'the shell and its sleep really are still running: the outcome is not a guess');
    } finally {
      conn.end();
    }
  });

  // The SIGINT can reach sshd before the command's process group exists (sshd's child has not
  // called setsid() yet: killpg finds nothing); the SIGKILL after the grace period then stops it.
  it('cancel before the channel is even open still stops the command (SIGINT, or the SIGKILL fallback)', async () => {
    const conn = await connectSsh(profileFor(sshd, { user, identityFile: undefined }), w.deps({ askPassword: async () => password }));
    try {
      const sleeper = marker();
      let output = '';
      const execution = conn.exec(`${sleeper.command}; echo after`, { cancelGraceMs: 500, onData: (_s, c) => (output += c.toString()) });
      execution.cancel();
      const result = await execution.done;
      assert.equal(result.outcome, 'signalled', JSON.stringify(result));
      assert.ok(result.outcome === 'signalled' && ['SIGINT', 'SIGKILL'].includes(result.signal), JSON.stringify(result));
      await sleep(300);
      assert.deepEqual(processesMentioning(sleeper.duration), []);
      assert.doesNotMatch(output, /after/);
    } finally {
      conn.end();
    }
  });

  it('a command that ends at once keeps its exit status (ssh2 emits it before the channel reaches us, in the same read as the channel opening)', async () => {
    const conn = await connectSsh(profileFor(sshd), w.deps());
    try {
      const outcomes = new Map<string, number>();
      for (let i = 0; i < 200; i++) {
        const r = await conn.exec(i % 2 ? 'exit 3' : 'true').done;
        const key = `${i % 2 ? 'exit 3' : 'true'} → ${JSON.stringify(r)}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
      assert.deepEqual(Object.fromEntries(outcomes), {
        'true → {"outcome":"exited","exitCode":0}': 100,
        'exit 3 → {"outcome":"exited","exitCode":3}': 100,
      });
    } finally {
      conn.end();
    }
  });

  it('write() and endInput() feed the command stdin', async () => {
    const conn = await connectSsh(profileFor(sshd), w.deps());
    try {
      let out = '';
      const execution = conn.exec('tr a-z A-Z', { onData: (_s, c) => (out += c.toString()) });
      execution.write('hello ');
      execution.write(Buffer.from('there\n'));
      execution.endInput();
      assert.deepEqual(await execution.done, { outcome: 'exited', exitCode: 0 });
      assert.equal(out, 'HELLO THERE\n');
    } finally {
      conn.end();
    }
  });

  it('shell with a pty: TERM is xterm-256color, resize() reaches the pty (stty size), exit code on close', async () => {
    const conn = await connectSsh(profileFor(sshd), w.deps());
    try {
      const shell = await conn.shell({ term: 'xterm-256color', cols: 80, rows: 24 });
      let text = '';
      shell.onData((chunk) => (text += chunk.toString('utf8')));
      const closed = new Promise<ShellClose>((resolve) => shell.onClose(resolve));
      shell.resize(100, 40);
      shell.write('echo $TERM; stty size; exit 7\n');
      const info = await closed;
      // Without the shell's own control sequences (bracketed paste on/off) and carriage returns.
      // eslint-disable-next-line no-control-regex -- removing escape sequences is the point
      const lines = text.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]|\r/g, ''));
      assert.ok(lines.includes('xterm-256color'), JSON.stringify(text));
      assert.ok(lines.includes('40 100'), JSON.stringify(text));
      assert.deepEqual(info, { exitCode: 7, signal: undefined, dropped: false, reason: undefined });
      assert.equal(shell.closed, true);
      assert.equal(conn.closed, false, 'the connection outlives its shell');
    } finally {
      conn.end();
    }
  });

  it('drop mid-command: outcome unknown (never a guess), closeReason dropped, onClose told; a shell on it says dropped', async () => {
    const conn = await connectSsh(profileFor(sshd), w.deps());
    const closeReasons: Array<SshError | undefined> = [];
    conn.onClose((reason) => closeReasons.push(reason));
    const shell = await conn.shell({});
    const shellClosed = new Promise<ShellClose>((resolve) => shell.onClose(resolve));
    // Only once the shell has started: killing a login shell inside its startup files can leave
    // their locks behind (pyenv's rehash lock in root's .bashrc here), stalling every later login.
    await new Promise<void>((resolve) => shell.onData(() => resolve()));
    let output = '';
    const execution = conn.exec('echo started; sleep 30', { onData: (_s, c) => (output += c.toString()) });
    await waitFor(() => output.includes('started'), 10_000, '"started"');
    assert.ok((await sshd.dropConnections()) > 0, 'sshd had connection processes to end');
    const result = await execution.done;
    assert.equal(result.outcome, 'unknown');
    assert.equal(result.outcome === 'unknown' && result.reason, 'connectionDropped');
    assert.equal(conn.closed, true);
    assert.ok(SshError.is(conn.closeReason, 'dropped'));
    assert.equal(closeReasons.length, 1);
    assert.equal(closeReasons[0], conn.closeReason);
    const info = await shellClosed;
    assert.equal(info.dropped, true);
    assert.equal(info.reason, conn.closeReason?.message);
    // And nothing more can be started on it: the same typed reason.
    const after = await rejection(conn.exec('true').done);
    assert.equal(after.reason, 'dropped');
  });

  it('keepalive: a server that stops answering is noticed and reported as dropped', async () => {
    const conn = await connectSsh(profileFor(sshd), w.deps({ keepaliveIntervalMs: 200 }));
    const closed = new Promise<SshError | undefined>((resolve) => conn.onClose(resolve));
    // Freeze (not kill) this connection's sshd processes: the socket stays open, nothing answers.
    const frozen = sshd.freezeConnections();
    assert.ok(frozen.pids.length > 0);
    try {
      // The frozen server sends nothing, TCP stays up: only the keepalive can end this, and says so.
      const reason = await closed;
      assert.ok(SshError.is(reason, 'dropped'), String(reason));
      assert.match(reason.message, /keepalive/i);
    } finally {
      await frozen.release();
    }
  });

  it('end(): closeReason stays undefined, onClose gets undefined, later exec rejects with "closed"', async () => {
    const conn = await connectSsh(profileFor(sshd), w.deps());
    const closed = new Promise<SshError | undefined>((resolve) => conn.onClose(resolve));
    conn.end();
    assert.equal(await closed, undefined);
    assert.equal(conn.closed, true);
    assert.equal(conn.closeReason, undefined);
    assert.equal((await rejection(conn.exec('true').done)).reason, 'closed');
    assert.equal((await rejection(conn.shell())).reason, 'closed');
  });
});

describe('connectSsh: unreachable hosts and timeouts (real sockets)', function () {
  this.timeout(30_000);

  it('nothing listening: unreachable', async () => {
    const w = await world([]);
    const port = await freePort();
    const error = await rejection(connectSsh({ name: 'nobody', host: '127.0.0.1', port, user: 'root', source: 'settings' }, w.deps()));
    assert.equal(error.reason, 'unreachable');
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it('a server that accepts but never speaks: timeout after readyTimeoutMs', async () => {
    const w = await world([]);
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      // The server never speaks, so only the 400 ms deadline can end this, as 'timeout'.
      const error = await rejection(connectSsh({ name: 'silent', host: '127.0.0.1', port, user: 'root', source: 'settings' }, w.deps({ readyTimeoutMs: 400 })));
      assert.equal(error.reason, 'timeout');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the ready timeout does not run while the user reads the fingerprint', async () => {
    const sshd = await startSshd();
    try {
      const w = await world([]);
      const deps = w.deps({ readyTimeoutMs: 1500 });
      const slowAsk: ConnectSshDeps['hostKey']['ask'] = async () => {
        await sleep(2500);
        return 'once';
      };
      const conn = await connectSsh(profileFor(sshd), { ...deps, hostKey: { ...deps.hostKey, ask: slowAsk } });
      conn.end();
      assert.equal(conn.hostKey?.via, 'answeredOnce');
    } finally {
      await sshd.stop();
    }
  });
});
