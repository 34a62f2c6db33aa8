import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { api, timelineOf, workspaceRoot } from './helpers';

/**
 * A listener that only counts who connects. Every host and Docker endpoint the commands below
 * could reach points here, so "nothing was sent to a machine" is observed, not assumed: a command
 * that got past the trust gate would open a connection (ssh2 dials the host, dockerode dials the
 * socket) before any prompt or failure.
 */
class Sentinel {
  connections = 0;
  private readonly server = net.createServer((s) => {
    this.connections++;
    s.destroy();
  });
  listen(where: number | string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      if (typeof where === 'number') this.server.listen(where, '127.0.0.1', () => resolve());
      else this.server.listen(where, () => resolve());
    });
  }
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const HOST = 'sentinel-vps';

// Runs in its own pass, in a window opened untrusted (scripts/test.sh: INCIDENT_DESK_WORKSPACE_TRUST=1).
describe('@restricted: an untrusted workspace (Restricted Mode)', function () {
  this.timeout(60_000);
  const ssh = new Sentinel();
  const docker = new Sentinel();
  let tmp: string;
  let incidentId: string;
  const previousDockerHost = process.env.DOCKER_HOST;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-restricted-'));
    await ssh.listen(0);
    await docker.listen(path.join(tmp, 'docker.sock'));
    process.env.DOCKER_HOST = `unix://${path.join(tmp, 'docker.sock')}`;
    // User settings, which Restricted Mode honours (only workspace values of restricted settings are ignored).
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('hosts', [{ name: HOST, host: '127.0.0.1', port: ssh.port, user: 'ops', workDir: '/srv/app' }], vscode.ConfigurationTarget.Global);
    await (await api()).container.views.hosts.reload();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('incidentDesk').update('hosts', undefined, vscode.ConfigurationTarget.Global);
    if (previousDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previousDockerHost;
    await ssh.close();
    await docker.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still records incidents: declaring only writes files under incidents/', async () => {
    const id = await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Seen from an untrusted clone', severity: 'P3', service: '' });
    assert.ok(id);
    assert.equal(timelineOf(id)[0].type, 'declared');
    incidentId = id;
    await vscode.commands.executeCommand('incidentDesk.incident.focus', id);
  });

  it('lists the configured host (viewing is allowed) without connecting to it', async () => {
    const tree = (await api()).container.views.hostsTree;
    const labels = (await tree.getChildren()).map((n) => tree.getTreeItem(n).label);
    assert.ok(labels.includes(HOST), `hosts: ${JSON.stringify(labels)}`);
    assert.equal(ssh.connections, 0);
  });

  async function stepNode(runbook: string, section: string | undefined, title: string): Promise<RunbookNode> {
    const desk = await api();
    await desk.container.views.runbooks.ready();
    const tree = desk.container.views.runbooksTree;
    const find = async (parent: RunbookNode | undefined, text: string) => {
      for (const n of await tree.getChildren(parent)) {
        const l = tree.getTreeItem(n).label;
        if ((typeof l === 'string' ? l : l?.label) === text) return n;
      }
      throw new Error(`no ${text}`);
    };
    const top = await find(undefined, runbook);
    return find(section ? await find(top, section) : top, title);
  }

  /**
   * Runs one command as a caller that skips every question would, then checks that nothing ran:
   * the command refused (undefined), no terminal was created (each runner creates its terminal
   * before it returns), nothing connected to the host or the Docker engine, nothing was recorded.
   */
  async function refused(command: string, ...args: unknown[]): Promise<void> {
    const terminals = vscode.window.terminals.length;
    const events = timelineOf(incidentId).length;
    const result = await vscode.commands.executeCommand(command, ...args);
    assert.equal(result, undefined, `${command} returned ${JSON.stringify(result)}`);
    assert.equal(vscode.window.terminals.length, terminals, `${command} opened a terminal`);
    assert.equal(ssh.connections, 0, `${command} connected to the host`);
    assert.equal(docker.connections, 0, `${command} connected to the Docker engine`);
    assert.equal(timelineOf(incidentId).length, events, `${command} recorded something`);
  }

  it('refuses to run a runbook step locally: nothing runs, nothing is recorded', async () => {
    const step = await stepNode('Integration check', 'Immediate actions', 'Write the marker');
    await refused('incidentDesk.runbooks.runStep', step, { confirmed: true });
    assert.equal(fs.existsSync(path.join(workspaceRoot(), 'runbook-ran.txt')), false, 'the step ran in Restricted Mode');
  });

  it('refuses to run a runbook step on a host', async () => {
    const step = await stepNode('Remote check', undefined, 'Write the remote stamp');
    await refused('incidentDesk.runbooks.runStep', step, { confirmed: true, target: HOST });
  });

  it('refuses to open an SSH terminal', async () => {
    await refused('incidentDesk.ssh.openTerminal', HOST);
  });

  it('refuses to follow Docker logs, on the local engine and on a host', async () => {
    await refused('incidentDesk.docker.followLogs', { host: 'local', target: { kind: 'container', id: 'web-1' } });
    await refused('incidentDesk.docker.followLogs', { host: HOST, target: { kind: 'container', id: 'web-1' } });
  });

  it('refuses to restart a container', async () => {
    await refused('incidentDesk.docker.restartContainer', 'local', { container: 'web-1', confirmed: true });
    await refused('incidentDesk.docker.restartContainer', HOST, { container: 'web-1', confirmed: true });
  });

  it('refuses to read Docker stats', async () => {
    await refused('incidentDesk.docker.stats', 'local');
    await refused('incidentDesk.docker.stats', HOST);
  });

  it('every contributed command that runs something is gated by isWorkspaceTrusted', () => {
    const pkg = vscode.extensions.getExtension('incident-desk.incident-desk')?.packageJSON as { contributes: { commands: Array<{ command: string; enablement?: string }> } };
    const runs = ['incidentDesk.runbooks.runStep', 'incidentDesk.ssh.openTerminal', 'incidentDesk.docker.followLogs', 'incidentDesk.docker.restartContainer', 'incidentDesk.docker.stats'];
    for (const id of runs) {
      const c = pkg.contributes.commands.find((x) => x.command === id);
      assert.ok(c, `${id} is contributed`);
      assert.match(c.enablement ?? '', /isWorkspaceTrusted/, `${id} is not disabled in Restricted Mode`);
    }
  });
});
