import * as assert from 'node:assert/strict';
import { judgeContainers, pickHttpClient, verifyRollback } from '../../../../src/services/rollback/verify';
import type { RemoteExecutor } from '../../../../src/services/ssh/remoteExec';
import { SshError } from '../../../../src/services/ssh/sshError';

// The pure parts of verify: which HTTP client the host has, and judging its containers' listing.

describe('verify: the pure parts', () => {
  it('curl first, else wget, else busybox wget; the missing ones named', () => {
    assert.deepEqual(pickHttpClient('has\tcurl\nhas\twget\nend\n'), { client: 'curl', missing: ['busybox wget'], finished: true });
    assert.deepEqual(pickHttpClient('has\tbusybox wget\nend\n'), { client: 'busybox wget', missing: ['curl', 'wget'], finished: true });
    assert.deepEqual(pickHttpClient('end\n'), { client: undefined, missing: ['curl', 'wget', 'busybox wget'], finished: true });
    assert.equal(pickHttpClient('has\tcurl\n').finished, false);
  });

  it('containers: all running passes (healthy counted); stopped, unhealthy or starting fails; none fails', () => {
    const ok = judgeContainers('c\tabc\trunning\tUp 3 seconds (healthy)\nc\tdef\trunning\tUp 3 seconds\nlisted\tyes\nend\n', 'web');
    assert.equal(ok.status, 'passed');
    assert.match(ok.detail, /2 container\(s\) of web running, 1 healthy/);
    for (const bad of ['exited\tExited (1) 2 seconds ago', 'running\tUp 9 seconds (unhealthy)', 'running\tUp 1 second (health: starting)']) {
      const r = judgeContainers(`c\tabc\t${bad}\nlisted\tyes\nend\n`, 'web');
      assert.ok(r.status === 'failed' && r.detail.includes('not running or not healthy'), bad);
    }
    assert.match(judgeContainers('listed\tyes\nend\n', 'web').detail, /no container of service web/);
    assert.match(judgeContainers('error\tCannot connect to the Docker daemon\nend\n', 'web').detail, /could not list.*Cannot connect/);
    assert.equal(judgeContainers('c\tabc\trunning\tUp\n', 'web').status, 'failed');
  });

  it('a host that cannot be asked: every check unknown (not failed), never verified', async () => {
    const gone: RemoteExecutor = {
      exec: () => ({ done: Promise.reject(new SshError('dropped', 'the connection is closed')), cancel() {}, write() {}, endInput() {} }),
    };
    const result = await verifyRollback({ target: 'a'.repeat(40), healthUrl: 'http://127.0.0.1:1/health', service: 'web', workDir: 'shop' }, { connection: gone });
    assert.equal(result.verified, false);
    assert.deepEqual(result.checks.map((c) => c.status), ['unknown', 'unknown', 'unknown']);
    assert.ok(result.checks.every((c) => /connection is closed/.test(c.detail)), JSON.stringify(result));
  });

  it('nothing configured: every check skipped, not verified (nothing was shown to pass)', async () => {
    const never: RemoteExecutor = { exec: () => assert.fail('nothing to ask') };
    const result = await verifyRollback({ target: 'a'.repeat(40) }, { connection: never });
    assert.deepEqual(result, { verified: false, checks: result.checks });
    assert.deepEqual(result.checks.map((c) => c.status), ['skipped', 'skipped', 'skipped']);
  });

  it('a health URL that is not http(s) is never handed to curl or wget', async () => {
    const never: RemoteExecutor = { exec: () => assert.fail('nothing to ask') };
    const result = await verifyRollback({ target: 'a'.repeat(40), healthUrl: '-o/tmp/x http://h/' }, { connection: never });
    assert.match(result.checks[0]!.detail, /not an http:\/\/ or https:\/\/ URL/);
  });
});
