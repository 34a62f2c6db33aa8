// Remote operations in the real extension host against a real OpenSSH sshd and a real dockerd,
// both started here (test/services) on loopback / a private socket and stopped by pid.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunQuestion } from '../../src/core/runbooks/runQuestion';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { ensureBusyboxImage } from '../services/busyboxImage';
import { composeLabels, runContainer } from '../services/containers';
import { startDockerd, type Dockerd } from '../services/dockerd';
import { processesMentioning } from '../services/processes';
import { freePort, startSshd, type Sshd } from '../services/sshd';
import { api, timelineOf, waitFor } from './helpers';

const HOST = 'test-vps';

describe('remote operations against a real sshd and dockerd', function () {
  this.timeout(120_000);
  let dockerd: Dockerd;
  let sshd: Sshd;
  let tmp: string;
  let incidentId: string;
  let container: string;
  const previousDockerHost = process.env.DOCKER_HOST;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-remote-it-'));
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    container = 'shop-backend-1';
    await runContainer(dockerd, { name: container, labels: composeLabels('shop', 'backend'), cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "request $i ok"; sleep 0.1; done'] });
    sshd = await startSshd({ dockerHost: dockerd.dockerHost });
    // The remote commands (run as the server's unprivileged user) write here.
    sshd.giveToUser(tmp);
    const knownHosts = path.join(tmp, 'known_hosts');
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    // The local engine of this test is the private dockerd.
    process.env.DOCKER_HOST = dockerd.dockerHost;
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('ssh.knownHostsFiles', [knownHosts], vscode.ConfigurationTarget.Global);
    await cfg.update('hosts', [{ name: HOST, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, workDir: tmp }], vscode.ConfigurationTarget.Global);
    const desk = await api();
    await desk.container.views.hosts.reload();
    incidentId = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Backend errors on the VPS', severity: 'P2', service: 'backend' }))!;
    await vscode.commands.executeCommand('incidentDesk.incident.focus', incidentId);
  });

  after(async () => {
    for (const t of vscode.window.terminals) if (/^(SSH|Logs|Runbook @)/.test(t.name)) t.dispose();
    const desk = await api();
    await desk.container.views.hosts.disconnect(HOST);
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('ssh.knownHostsFiles', undefined, vscode.ConfigurationTarget.Global);
    if (previousDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previousDockerHost;
    await sshd?.stop();
    await dockerd?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the host from settings beside the local engine in the Hosts view', async () => {
    const tree = (await api()).container.views.hostsTree;
    const labels = (await tree.getChildren()).map((n) => tree.getTreeItem(n).label);
    assert.deepEqual(labels, ['Local Docker engine', HOST]);
  });

  async function remoteStep(title: string): Promise<RunbookNode> {
    const desk = await api();
    const tree = desk.container.views.runbooksTree;
    await desk.container.views.runbooks.ready();
    const runbook = (await tree.getChildren()).find((n) => n.kind === 'runbook' && n.source.runbook.title === 'Remote check');
    assert.ok(runbook, 'the Remote check runbook is listed');
    const step = (await tree.getChildren(runbook)).find((n) => n.kind === 'step' && n.step.title === title);
    assert.ok(step, `step ${title}`);
    return step;
  }

  it('runs a runbook step on the host over SSH: output checked, exit status on the timeline', async () => {
    const step = await remoteStep('Write the remote stamp');
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', step, { confirmed: true, target: HOST });
    assert.deepEqual(codes, [0]);
    assert.match(fs.readFileSync(path.join(tmp, 'remote-stamp.txt'), 'utf8'), /^on /, 'the command ran in the host profile\'s work dir');
    const finished = timelineOf(incidentId).filter((e) => e.type === 'runbook_step_finished').pop();
    assert.equal(finished?.data?.target, HOST);
    assert.equal(finished?.data?.exitCode, 0);
    assert.deepEqual(finished?.data?.expect, { pattern: 'on', met: true });
    assert.match(String(finished?.data?.command), /remote-stamp\.txt/);
    // The end of what it printed on the host, kept on its event as plain text.
    assert.deepEqual(finished?.data?.output, { text: fs.readFileSync(path.join(tmp, 'remote-stamp.txt'), 'utf8').trim(), truncated: false });
  });

  it('a dangerous step on a host asks for the host\'s name typed out: any other answer runs nothing, the name runs it', async () => {
    const step = await remoteStep('Wipe the remote scratch');
    const scratch = path.join(tmp, 'remote-scratch');
    fs.mkdirSync(scratch);
    fs.writeFileSync(path.join(scratch, 'keep'), 'still here');
    sshd.giveToUser(scratch); // the remote user may delete it
    const asked: RunQuestion[] = [];
    const answer = (name: string | undefined) => (q: RunQuestion) => {
      asked.push(q);
      return Promise.resolve(name);
    };
    for (const wrong of [undefined, 'Run', 'backend', 'local']) {
      assert.equal(await vscode.commands.executeCommand('incidentDesk.runbooks.runStep', step, { confirmed: true, target: HOST, answer: answer(wrong) }), undefined);
    }
    assert.ok(fs.existsSync(path.join(scratch, 'keep')), 'a wrong answer ran the step');
    const q = asked[0]!;
    assert.equal(q.kind === 'typed' && q.name, HOST);
    assert.match(q.detail, /Dangerous: rm -rf deletes files recursively without asking\./);
    assert.match(q.detail, new RegExp(`Runs on: ${HOST} \\(.*\\) over SSH.*; recorded on ${incidentId} \\(Backend errors on the VPS\\)`));
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', step, { target: HOST, answer: answer(HOST) });
    assert.deepEqual(codes, [0]);
    assert.equal(fs.existsSync(scratch), false);
  });

  it('records a drop mid-command as outcome unknown, never guessed', async () => {
    const step = await remoteStep('Start and wait');
    const before = timelineOf(incidentId).length;
    const running = vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', step, { confirmed: true, target: HOST });
    await waitFor(() => timelineOf(incidentId).slice(before).some((e) => e.type === 'runbook_step_started'), 'the step to start');
    // The command is running on the host (its sleep exists) before the connection is cut.
    await waitFor(() => processesMentioning('30.17').length > 0, 'the remote sleep to run');
    await sshd.dropConnections();
    assert.deepEqual(await running, [undefined]);
    const finished = timelineOf(incidentId).slice(before).find((e) => e.type === 'runbook_step_finished');
    assert.equal(finished?.data?.exitCode, null);
    assert.match(finished?.text ?? '', /outcome unknown/);
  });

  it('runs a step as a script of its interpreter: a hostile value arrives exactly and runs nothing', async () => {
    const step = await remoteStep('Write a value exactly');
    const canary = path.join(tmp, 'canary-remote');
    const value = `it's $(touch ${canary}) \`touch ${canary}\` "x" !! ; touch ${canary}\nsecond line`;
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', step, { confirmed: true, target: HOST, values: { value } });
    assert.deepEqual(codes, [0]);
    assert.equal(fs.readFileSync(path.join(tmp, 'remote-value.txt'), 'utf8'), value, 'in the host profile\'s work dir, exactly');
    assert.equal(fs.existsSync(canary), false, 'the value ran a command');
  });

  it('Ctrl+C in the step terminal stops the remote command itself, not only its channel', async () => {
    const step = await remoteStep('Sleep until cancelled');
    const running = vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', step, { confirmed: true, target: HOST });
    await waitFor(() => processesMentioning('297.31').length > 0, 'the remote sleep to start', 20_000);
    const terminal = vscode.window.terminals.find((t) => t.name === `Runbook @ ${HOST}`);
    assert.ok(terminal, 'the step terminal');
    terminal.sendText('\x03', false);
    assert.deepEqual(await running, [undefined], 'the outcome of a cancelled command is unknown');
    await waitFor(() => processesMentioning('297.31').length === 0, 'the remote sleep to stop', 10_000);
  });

  it('opens an SSH terminal: a real shell on the host, opening recorded with the host key', async () => {
    const marker = path.join(tmp, 'typed-in-terminal.txt');
    await vscode.commands.executeCommand('incidentDesk.ssh.openTerminal', HOST);
    await waitFor(() => timelineOf(incidentId).some((e) => e.type === 'ssh_terminal_opened'), 'the terminal to connect', 30_000);
    const opened = timelineOf(incidentId).filter((e) => e.type === 'ssh_terminal_opened').pop();
    assert.equal(opened?.data?.hostKey, sshd.hostKeyFingerprint);
    const terminal = vscode.window.terminals.find((t) => t.name === `SSH: ${HOST}`);
    assert.ok(terminal);
    terminal.sendText(`echo typed > ${marker}`);
    await waitFor(() => fs.existsSync(marker), 'the command typed into the SSH terminal to run on the host', 20_000);
    terminal.dispose();
    await waitFor(() => timelineOf(incidentId).some((e) => e.type === 'ssh_terminal_closed'), 'the close to be recorded');
  });

  it('follows a compose service\'s logs from the local engine; pins lines; survives a restart', async () => {
    const desk = await api();
    const label = await vscode.commands.executeCommand<string>('incidentDesk.docker.followLogs', { host: 'local', target: { kind: 'service', project: 'shop', service: 'backend' }, tail: 5 });
    assert.equal(label, 'shop/backend on local');
    const view = desk.container.views.logViews.all().find((v) => v.source.label === label);
    assert.ok(view);
    await waitFor(() => view.received >= 10, 'lines to arrive', 20_000);
    assert.match(view.lastLines(1, false)[0], /request \d+ ok$/);
    assert.equal(await vscode.commands.executeCommand('incidentDesk.logs.pin', 5), 5);
    const pin = timelineOf(incidentId).filter((e) => e.type === 'evidence').pop();
    assert.equal((pin?.data?.lines as string[]).length, 5);
    assert.match((pin?.data?.lines as string[])[4], /request \d+ ok$/);
    // Restart it through the command; the view re-attaches and lines keep coming.
    await vscode.commands.executeCommand('incidentDesk.docker.restartContainer', 'local', { container, confirmed: true });
    assert.equal(timelineOf(incidentId).filter((e) => e.type === 'container_restarted').pop()?.data?.outcome, 'restarted');
    const after = view.received;
    await waitFor(() => view.received >= after + 5, 'lines after the restart', 30_000);
  });

  it('follows a container\'s logs on the host through SSH (dockerode over the verified connection)', async () => {
    const desk = await api();
    const label = await vscode.commands.executeCommand<string>('incidentDesk.docker.followLogs', { host: HOST, target: { kind: 'container', id: container }, tail: 3 });
    assert.equal(label, `${container} on ${HOST}`);
    // The view of this follow (the earlier one is still open; which is active settles later).
    const view = desk.container.views.logViews.all().find((v) => v.source.label === label);
    assert.ok(view);
    await waitFor(() => view.received >= 5, 'lines over SSH', 30_000);
    assert.match(view.lastLines(1, false)[0], /request \d+ ok$/);
  });

  it('a host whose port changes in the settings is reached at the new one, never over the old connection', async () => {
    const desk = await api();
    const hosts = desk.container.views.hosts;
    const old = await hosts.connection(HOST);
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    const before = cfg.get<Array<Record<string, unknown>>>('hosts')!;
    const closedPort = await freePort();
    try {
      await cfg.update('hosts', [{ ...before[0], port: closedPort }], vscode.ConfigurationTarget.Global);
      await hosts.reload();
      await assert.rejects(hosts.connection(HOST), (e: Error & { reason?: string }) => e.reason === 'unreachable' && e.message.includes(String(closedPort)));
      assert.equal(old.closed, true, 'the connection to the old address was ended');
      assert.equal(hosts.state(HOST).kind, 'failed');
    } finally {
      await cfg.update('hosts', before, vscode.ConfigurationTarget.Global);
      await hosts.reload();
    }
    const again = await hosts.connection(HOST);
    assert.equal(again.profile.port, sshd.port);
  });

  it('refuses a changed host key: nothing sent, no authentication reaches the server', async () => {
    const desk = await api();
    await desk.container.views.hosts.disconnect(HOST);
    await sshd.restartWithNewHostKey();
    const logBefore = sshd.readLog().length;
    await assert.rejects(desk.container.views.hosts.connection(HOST), (e: Error & { reason?: string }) => e.reason === 'hostKeyChanged' && /has changed/.test(e.message));
    const log = sshd.readLog().slice(logBefore);
    assert.doesNotMatch(log, /publickey|Accepted|Failed|Postponed|password/i, log);
    assert.equal(desk.container.views.hosts.state(HOST).kind, 'failed');
  });
});
