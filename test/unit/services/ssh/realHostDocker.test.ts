import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { detectComposeCommand } from '../../../../src/services/ssh/composeCommand';
import { readLiveCommit } from '../../../../src/services/ssh/liveCommit';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import { ensureBusyboxImage } from '../../../services/busyboxImage';
import { composeLabels, runContainer } from '../../../services/containers';
import { type Dockerd, dockerCli, startDockerd } from '../../../services/dockerd';
import { type Sshd, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';
import { type HostWorld, hostWorld } from './hostWorld';

// The image-label source and the compose detection on a real host: a real sshd whose sessions
// reach a real, private dockerd (DOCKER_HOST), containers labelled as compose services with
// org.opencontainers.image.revision, as `docker compose` and an image built with that label make them.

const temp = new TempDirs();
after(() => temp.cleanup());

const REVISION = 'org.opencontainers.image.revision';
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

describe('the live commit from image labels and the compose command (real sshd + real dockerd)', function () {
  this.timeout(120_000);
  let dockerd: Dockerd;
  let sshd: Sshd;
  let world: HostWorld;
  let conn: SshConnection;
  let bin: string;
  const names: string[] = [];
  const run = async (name: string, labels: Record<string, string>) => {
    names.push(name);
    await runContainer(dockerd, { name, cmd: ['sleep', '3600'], labels });
  };

  before(async () => {
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    // A folder first on the login user's PATH, for stand-ins of the compose binaries.
    bin = await temp.make('ids-bin-');
    sshd = await startSshd({ dockerHost: dockerd.dockerHost });
    sshd.giveToUser(bin);
    world = await hostWorld(sshd, temp);
    conn = await world.connect();
    // sshd sets its own PATH; bash reads ~/.bashrc for a command sent over ssh, as a host's user would set theirs.
    await world.sh(conn, `echo 'PATH=${bin}:$PATH' >> ~/.bashrc`);
    assert.match(await world.sh(conn, 'echo $PATH'), new RegExp(`^${bin}:`));
    const p = `ids${process.pid}`;
    await run(`${p}-web-1`, { ...composeLabels('shop', 'web'), [REVISION]: SHA_A });
    await run(`${p}-web-2`, { ...composeLabels('shop', 'web'), [REVISION]: SHA_A });
    await run(`${p}-api-1`, { ...composeLabels('shop', 'api'), [REVISION]: SHA_A });
    await run(`${p}-api-2`, { ...composeLabels('shop', 'api'), [REVISION]: SHA_B });
    await run(`${p}-api-3`, { ...composeLabels('shop', 'api'), [REVISION]: SHA_B });
    await run(`${p}-worker-1`, { ...composeLabels('shop', 'worker') });
    await run(`${p}-other-web-1`, { ...composeLabels('blog', 'web'), [REVISION]: SHA_B });
  });
  after(async () => {
    conn?.end();
    if (dockerd) for (const n of names) await dockerCli(dockerd, ['rm', '-f', n]).catch(() => undefined);
    await sshd?.stop();
    await dockerd?.stop();
  });

  it('a work dir without git or REVISION: the service containers label answers, with the containers', async () => {
    await world.sh(conn, 'mkdir -p plain');
    const live = await readLiveCommit(conn, { workDir: 'plain', service: 'web', project: 'shop' });
    assert.ok(live.kind === 'found', JSON.stringify(live));
    assert.equal(live.source, 'imageLabel');
    assert.equal(live.sha, SHA_A);
    assert.equal(live.containersDisagree, false);
    assert.equal(live.containers?.length, 2);
    assert.ok(live.notes.some((n) => /^git: /.test(n)) && live.notes.some((n) => /^REVISION: no REVISION file/.test(n)), live.notes.join('\n'));
  });

  it('the project narrows the containers; without it both projects\' web containers count and disagree', async () => {
    const blog = await readLiveCommit(conn, { service: 'web', project: 'blog' });
    assert.ok(blog.kind === 'found' && blog.sha === SHA_B && blog.containers?.length === 1);
    const any = await readLiveCommit(conn, { service: 'web' });
    assert.ok(any.kind === 'found' && any.containersDisagree === true && any.sha === SHA_A, JSON.stringify(any));
  });

  it('containers that disagree: the revision most run, and the disagreement said with every container', async () => {
    const live = await readLiveCommit(conn, { service: 'api', project: 'shop' });
    assert.ok(live.kind === 'found', JSON.stringify(live));
    assert.equal(live.sha, SHA_B);
    assert.equal(live.containersDisagree, true);
    assert.ok(live.notes.some((n) => n.includes('disagree') && n.includes(SHA_A) && n.includes(SHA_B)), live.notes.join('\n'));
  });

  it('containers without the label, or no container at all: unknown with the reason', async () => {
    const unlabelled = await readLiveCommit(conn, { service: 'worker', project: 'shop' });
    assert.ok(unlabelled.kind === 'unknown' && unlabelled.notes.some((n) => /none with a commit/.test(n)), JSON.stringify(unlabelled));
    const none = await readLiveCommit(conn, { service: 'nothing', project: 'shop' });
    assert.ok(none.kind === 'unknown' && none.notes.some((n) => /no running container of service nothing in project shop/.test(n)), JSON.stringify(none));
  });

  it('git comes first; a label that says otherwise is noted beside it', async () => {
    await world.sh(conn, 'git init -q gitwd && cd gitwd && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one');
    const head = (await world.sh(conn, 'git -C gitwd rev-parse HEAD')).trim();
    const live = await readLiveCommit(conn, { workDir: 'gitwd', service: 'web', project: 'shop' });
    assert.ok(live.kind === 'found' && live.source === 'git' && live.sha === head, JSON.stringify(live));
    assert.ok(live.notes.includes(`image label says ${SHA_A}, not ${head}`), live.notes.join('\n'));
  });

  it('compose detection: docker without compose is said so; docker-compose (v1) found; the v2 plugin preferred when both', async () => {
    // A host with docker and no compose: the login user's PATH narrowed to docker and the tools the
    // detection uses (this machine has docker-compose installed for the redeploy tests).
    const tools = await temp.make('ids-tools-');
    for (const t of ['sh', 'tr', 'head', 'docker']) await fsp.symlink((await world.sh(conn, `command -v ${t}`)).trim(), path.join(tools, t));
    sshd.giveToUser(tools);
    await world.sh(conn, `echo 'PATH=${bin}:${tools}' >> ~/.bashrc`);
    assert.deepEqual(await detectComposeCommand(conn), { kind: 'none', message: 'docker is installed without compose (neither the docker compose plugin nor docker-compose)' });
    // Stand-ins with what the real ones print for `version`.
    await fsp.writeFile(path.join(bin, 'docker-compose'), '#!/bin/sh\n[ "$1" = version ] && printf "docker-compose version 1.29.2, build 5becea4c\\ndocker-py version: 5.0.3\\nCPython version: 3.11.2\\n"\n', { mode: 0o755 });
    assert.deepEqual(await detectComposeCommand(conn), { kind: 'standalone', command: 'docker-compose', version: 'docker-compose version 1.29.2, build 5becea4c' });
    await fsp.writeFile(path.join(bin, 'docker'), '#!/bin/sh\nif [ "$1 $2" = "compose version" ]; then echo "Docker Compose version v2.29.1"; else exec /usr/local/bin/docker "$@"; fi\n', { mode: 0o755 });
    assert.deepEqual(await detectComposeCommand(conn), { kind: 'plugin', command: 'docker compose', version: 'Docker Compose version v2.29.1' });
  });
});
