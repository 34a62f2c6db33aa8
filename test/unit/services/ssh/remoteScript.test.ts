import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { fillPlaceholders } from '../../../../src/core/runbooks/placeholderFill';
import { interpreterFor } from '../../../../src/core/runbooks/interpreters';
import type { HostProfile } from '../../../../src/services/ssh/hostProfiles';
import { type RemoteExecOutcome, startRemoteScript } from '../../../../src/services/ssh/remoteExec';
import { type SshConnection, connectSsh } from '../../../../src/services/ssh/sshConnection';
import type { ConnectSshDeps } from '../../../../src/services/ssh/sshTypes';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import { ensureServiceTools } from '../../../services/packages';
import { processesMentioning, terminatePids } from '../../../services/processes';
import { type Sshd, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';

// A step's script run through the real remoteExec against a real OpenSSH sshd: the placeholder
// values arrive exactly whatever the login shell (root's bash, a user whose login shell is zsh),
// because the login shell only reads `exec bash /dev/stdin`; and Cancel stops the command itself
// (a `sleep`, a loop writing a file), also for root, for whom OpenSSH refuses signal requests.

const temp = new TempDirs();
after(() => temp.cleanup());

async function deps(sshd: Sshd): Promise<ConnectSshDeps> {
  const dir = await temp.make('ids-rs-');
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  return {
    hostKey: { knownHostsFiles: [knownHosts], trustStore: new TrustStore(path.join(dir, 'trust', 'known_hosts'), { protectedFiles: [knownHosts] }), ask: async () => 'reject' },
    agentSocket: false,
    homeDir: dir,
    readyTimeoutMs: 15_000,
  };
}

function profile(sshd: Sshd, extra: Partial<HostProfile> = {}): HostProfile {
  return { name: 'script-host', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings', ...extra };
}

/** Polls (no fixed sleep) until no process mentions `marker`; fails after 10 s with what still runs. */
async function gone(marker: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (processesMentioning(marker).length) {
    if (Date.now() > deadline) assert.fail(`still running after the cancel: ${processesMentioning(marker).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const HOSTILE_VALUES = [
  "it's $(touch CANARY) `touch CANARY` ; touch CANARY | & > < * ? [a] ~ {a,b} !! !$ \\ \" ' $HOME ${IFS}",
  '-rf\n--\nline three\twith a tab\r\n',
  '!"$(touch CANARY)"!',
  '\x03\x1c\x1a\x04\x7f\x15 control characters that a terminal would act on',
  'x'.repeat(5000), // longer than a terminal line (4 KiB in canonical mode)
  '日本語 🙂 \u202e é',
];

/** Commands holding the value in several contexts, each writing what its program received to `<dir>/<n>`. */
function templates(dir: string): string[] {
  return [
    `printf '%s' [value] > ${dir}/0`,
    `printf '%s' "$(printf '%s' "[value]")." > ${dir}/1`,
    `x=[value]; printf '%s' "$x" > ${dir}/2`,
    `printf '%s' 'a-[value]-b' > ${dir}/3`,
    `cat <<'END' > ${dir}/4\n[value]\nEND`,
  ];
}

function expected(v: string): string[] {
  return [v, `${v.replace(/\n+$/, '')}.`, v, `a-${v}-b`, `${v}\n`];
}

async function runScript(conn: SshConnection, program: string, script: string, cwd?: string): Promise<{ result: RemoteExecOutcome; output: string }> {
  let output = '';
  const execution = startRemoteScript(conn, program, script, { cwd, onData: (_s, chunk) => (output += chunk.toString('utf8')) });
  return { result: await execution.done, output };
}

describe('startRemoteScript against a real sshd', function () {
  this.timeout(120_000);
  const user = `idq${process.pid}`;
  const password = `pw-${process.pid}-script`;
  let sshd: Sshd;
  const markers: string[] = [];
  let root: SshConnection;
  let zshUser: SshConnection;
  let shared: string;
  const canary = () => path.join(shared, 'canary');

  before(async () => {
    const tools = ensureServiceTools();
    // The key logs in as root: root's case is the one OpenSSH treats differently (no signal requests).
    sshd = await startSshd({ password: { user, password }, loginAs: 'root' });
    // This user's login shell is zsh: the step must not depend on it.
    execFileSync('usermod', ['-s', tools.zsh, user]);
    root = await connectSsh(profile(sshd), await deps(sshd));
    zshUser = await connectSsh(profile(sshd, { user, identityFile: undefined }), { ...(await deps(sshd)), askPassword: async () => password });
    shared = await temp.make('ids-rs-out-');
    fs.chmodSync(shared, 0o777);
  });
  after(async () => {
    root?.end();
    zshUser?.end();
    for (const marker of markers) await terminatePids(processesMentioning(marker));
    await sshd?.stop();
  });

  for (const [label, conn] of [['root (login shell bash)', () => root], ['a user whose login shell is zsh', () => zshUser]] as const) {
    it(`${label}: filled values arrive exactly in bash, dash and zsh, and nothing they hold runs`, async () => {
      const login = execFileSync('getent', ['passwd', conn().profile.user], { encoding: 'utf8' }).trim().split(':')[6];
      assert.ok(login, 'the login shell is known');
      const check = async (v: string) => {
        for (const program of ['bash', 'dash', 'zsh']) {
          const dir = fs.mkdtempSync(path.join(shared, `${program}-`));
          fs.chmodSync(dir, 0o777);
          const value = v.replace(/CANARY/g, canary());
          const filled = templates(dir).map((t) => fillPlaceholders(t, { value }, program, new Set()));
          for (const f of filled) assert.deepEqual(f.refused, [], `${program}: ${JSON.stringify(f.refused)}`);
          const { result, output } = await runScript(conn(), interpreterFor(program)?.program ?? '', filled.map((f) => f.text).join('\n'), dir);
          assert.deepEqual(result, { outcome: 'exited', exitCode: 0 }, `${program} via ${login}: ${output}`);
          expected(value).forEach((want, n) => assert.equal(fs.readFileSync(path.join(dir, String(n)), 'utf8'), want, `${program} via ${login}, template ${n}: ${filled[n].text.slice(0, 300)}\n${output}`));
          assert.equal(fs.existsSync(canary()), false, `${program} via ${login}: a value ran a command`);
        }
      };
      for (const v of HOSTILE_VALUES) await check(v);
      await fc.assert(fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), check), { numRuns: 8 });
    });
  }

  it('the script runs in the work dir, and the exit status is the last command\'s', async () => {
    const dir = fs.mkdtempSync(path.join(shared, 'cwd-'));
    const { result, output } = await runScript(root, 'bash', 'pwd; false', dir);
    assert.deepEqual(result, { outcome: 'exited', exitCode: 1 });
    assert.match(output, new RegExp(`${dir}\\r\\n`));
    const missing = await runScript(root, 'bash', 'echo never', path.join(dir, 'no such dir'));
    assert.equal(missing.result.outcome === 'exited' && missing.result.exitCode !== 0, true, JSON.stringify(missing.result));
    assert.doesNotMatch(missing.output, /never/);
  });

  it('a command reading stdin cannot swallow the rest of the script', async () => {
    const { result, output } = await runScript(root, 'bash', 'read -t 1 line; echo "read: [${line:-}]"; echo second', undefined);
    assert.deepEqual(result, { outcome: 'exited', exitCode: 0 }, output);
    assert.match(output, /read: \[\]\r\n/);
    assert.match(output, /second/);
  });

  for (const [label, conn] of [['root (OpenSSH refuses signal requests)', () => root], ['a non-root user', () => zshUser]] as const) {
    it(`cancel stops the command itself, ${label}: a sleep 300 and a loop writing a file`, async () => {
      for (const kind of ['sleep', 'loop'] as const) {
        const marker = `29.${process.pid}${markers.length}`;
        markers.push(marker);
        const file = path.join(shared, `loop-${marker}`);
        const script = kind === 'sleep' ? `sleep 3${marker} & sleep ${marker}; echo after` : `while :; do echo x >> ${file}; sleep ${marker}; done; echo after`;
        let output = '';
        const execution = startRemoteScript(conn(), 'bash', script, { onData: (_s, c) => (output += c.toString()) });
        const deadline = Date.now() + 10_000;
        while (processesMentioning(marker).length === 0) {
          if (Date.now() > deadline) assert.fail(`the remote ${kind} never started: ${output}`);
          await new Promise((r) => setTimeout(r, 25));
        }
        execution.cancel();
        const result = await execution.done;
        assert.ok(result.outcome === 'signalled' || (result.outcome === 'exited' && result.exitCode !== 0), `${kind}: ${JSON.stringify(result)}`);
        await gone(marker);
        assert.doesNotMatch(output, /after/, kind);
        if (kind === 'loop') {
          const size = fs.statSync(file).size;
          // The loop's processes are gone (checked above): nothing is left that could write.
          assert.ok(size > 0);
        }
      }
    });
  }
});
