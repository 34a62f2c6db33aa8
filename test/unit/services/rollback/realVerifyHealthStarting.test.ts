import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyRollback } from '../../../../src/services/rollback/verify';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import { BUSYBOX_TAG, ensureBusyboxImage } from '../../../services/busyboxImage';
import { type Dockerd, dockerCli, startDockerd } from '../../../services/dockerd';
import { type Sshd, freePort, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';
import { hostWorld } from '../ssh/hostWorld';

// The bug npm start's demo host showed: verify read the containers once, right after the health
// URL passed, so a container just recreated by `compose up` whose health check had not run yet
// ("health: starting") failed a healthy rollback. Here on a real Docker engine reached over a real
// sshd: the app answers /health at once, its container's health check passes from about 3 s on.

const temp = new TempDirs();
after(() => temp.cleanup());

describe('verify on a real host: a container whose health check is still starting', function () {
  this.timeout(120_000);
  let dockerd: Dockerd;
  let sshd: Sshd;
  let conn: SshConnection | undefined;
  const name = `ids${process.pid}-verify-starting`;

  before(async () => {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    sshd = await startSshd({ dockerHost: dockerd.dockerHost });
    conn = await (await hostWorld(sshd, temp)).connect();
  });
  after(async () => {
    conn?.end();
    if (dockerd) await dockerCli(dockerd, ['rm', '-f', name]).catch(() => undefined);
    await sshd?.stop();
    await dockerd?.stop();
  });

  it('is read again until healthy within the window: verified, the reads said; a container that never gets healthy fails at the window\'s end', async () => {
    const www = await temp.make('ids-verify-www-');
    fs.writeFileSync(path.join(www, 'health'), 'ok\n');
    fs.chmodSync(www, 0o755);
    const port = await freePort();
    const run = (ready: string) => dockerCli(dockerd, [
      'run', '-d', '--name', name, '--network', 'host', '-v', `${www}:/www:ro`,
      '--label', 'com.docker.compose.project=verify', '--label', 'com.docker.compose.service=web',
      '--health-cmd', '/bin/busybox test -f /tmp/ready', '--health-interval', '1s', '--health-timeout', '2s', '--health-retries', '30',
      BUSYBOX_TAG, 'sh', '-c', `/bin/busybox httpd -f -p 127.0.0.1:${port} -h /www & ${ready} wait`,
    ]);
    const spec = { target: 'a'.repeat(40), healthUrl: `http://127.0.0.1:${port}/health`, consecutive: 2, intervalMs: 300, windowMs: 20_000, service: 'web', project: 'verify' };

    await run('sleep 3; /bin/busybox touch /tmp/ready;');
    const started = Date.now();
    let statusWhenHealthPassed = '';
    const result = await verifyRollback(spec, {
      connection: conn!,
      onProbe: (p) => {
        if (p.streak === spec.consecutive) void dockerCli(dockerd, ['inspect', '--format', '{{.State.Health.Status}}', name]).then((s) => (statusWhenHealthPassed = s.trim()));
      },
    });
    const [health, containers] = result.checks;
    assert.equal(health!.status, 'passed', JSON.stringify(result));
    assert.equal(statusWhenHealthPassed, 'starting', 'the URL answered before the container\'s health check passed');
    assert.equal(containers!.status, 'passed', JSON.stringify(result));
    assert.match(containers!.detail, /1 container\(s\) of web running, 1 healthy by their health check: [0-9a-f]{12} Up .* \(healthy\) \(after \d+ reads\)/);
    assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms`);

    // Never ready: still "health: starting" when the (short) window ends, and said so.
    await dockerCli(dockerd, ['rm', '-f', name]);
    await run('');
    const failed = await verifyRollback({ ...spec, windowMs: 4000 }, { connection: conn! });
    const c = failed.checks[1]!;
    assert.equal(failed.verified, false);
    assert.equal(c.status, 'failed', JSON.stringify(failed));
    assert.match(c.detail, /1 of 1 container\(s\) of web not running or not healthy: [0-9a-f]{12} Up .*\(health: starting\) \(after \d+ reads within 4 s\)/);
  });
});
