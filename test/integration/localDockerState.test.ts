// The Hosts view's Local Docker engine row says what the last call found: a failed call (the socket
// is not there) marks it unreachable with the error in the tooltip, and a later call that reaches
// the daemon clears it. DOCKER_HOST of this extension host names a socket path we control: missing
// first, then a link to a real dockerd started here (stopped by pid).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Dockerd, startDockerd } from '../services/dockerd';
import { localDockerItem, tooltipText, waitFor } from './helpers';

const VARS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG'] as const;

describe('Hosts view: the Local Docker engine shows what the last call found (real dockerd)', function () {
  this.timeout(180_000);
  let dockerd: Dockerd | undefined;
  let tmp: string;
  let socket: string;
  const saved = new Map<string, string | undefined>();

  before(async () => {
    for (const v of VARS) saved.set(v, process.env[v]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'idd-state-'));
    socket = path.join(tmp, 'docker.sock');
    for (const v of VARS) delete process.env[v];
    process.env.DOCKER_CONFIG = path.join(tmp, 'docker-config'); // never this machine's ~/.docker
    process.env.DOCKER_HOST = `unix://${socket}`;
  });

  after(async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('Logs:')) t.dispose();
    for (const [v, value] of saved) {
      if (value === undefined) delete process.env[v];
      else process.env[v] = value;
    }
    await dockerd?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const localItem = localDockerItem;
  const tooltip = tooltipText;
  const follow = () => vscode.commands.executeCommand<string>('incidentDesk.docker.followLogs', { host: 'local', tail: 0 });

  it('a call that cannot reach the engine marks it unreachable, with the error in the tooltip', async () => {
    assert.equal((await localItem()).description, `unix://${socket}`, 'nothing called yet: just the endpoint');
    assert.equal(await follow(), undefined, 'the command gave up');
    await waitFor(async () => /unreachable/.test(String((await localItem()).description)), 'the row to say unreachable');
    const item = await localItem();
    assert.equal(item.description, `unix://${socket} · unreachable`);
    assert.match(tooltip(item), /Unreachable: the last call failed: .*(ENOENT|no such file|not running|cannot connect)/i);
  });

  it('a later call that reaches the engine clears it', async () => {
    dockerd = await startDockerd();
    fs.symlinkSync(dockerd.socketPath, socket);
    // No containers there: the command stops at "No containers", after the engine answered the listing.
    assert.equal(await follow(), undefined);
    await waitFor(async () => !/unreachable/.test(String((await localItem()).description)), 'the row to clear');
    const item = await localItem();
    assert.equal(item.description, `unix://${socket}`);
    assert.doesNotMatch(tooltip(item), /Unreachable/);
  });
});
