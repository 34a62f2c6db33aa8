// SSH terminals in the real extension host against a real OpenSSH sshd (test/services/sshd.ts, on
// 127.0.0.1, stopped by pid): a host that stops answering mid-session (keepalive), reconnecting with
// Enter without re-running anything, and the system `ssh` client instead of the built-in one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { descendantsOf } from '../services/processes';
import { startSshd, type Sshd } from '../services/sshd';
import { api, timelineOf, waitFor } from './helpers';

const HOST = 'flaky-vps';

describe('SSH terminals: keepalive drops and the system client (real sshd)', function () {
  this.timeout(120_000);
  let sshd: Sshd;
  let tmp: string;
  let knownHosts: string;
  let incidentId: string;

  const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  const events = (type: string) => timelineOf(incidentId).filter((e) => e.type === type);

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-ssh-it-'));
    sshd = await startSshd();
    // The remote commands (run as the server's unprivileged user) write here.
    sshd.giveToUser(tmp);
    knownHosts = path.join(tmp, 'team known_hosts');
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('ssh.knownHostsFiles', [knownHosts], vscode.ConfigurationTarget.Global);
    // A 1 s keepalive: a silent host counts as lost after 3 unanswered probes.
    await cfg.update('hosts', [{ name: HOST, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, keepaliveInterval: 1 }], vscode.ConfigurationTarget.Global);
    await (await api()).container.views.hosts.reload();
    incidentId = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'The VPS stops answering', severity: 'P2', service: 'web' }))!;
    await vscode.commands.executeCommand('incidentDesk.incident.focus', incidentId);
  });

  after(async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('SSH:')) t.dispose();
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('ssh.useSystemClient', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('ssh.knownHostsFiles', undefined, vscode.ConfigurationTarget.Global);
    await sshd?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a host that stops answering: the loss is noticed by keepalive and recorded; Enter reconnects and nothing is re-run', async () => {
    const counter = path.join(tmp, 'runs.txt');
    await vscode.commands.executeCommand('incidentDesk.ssh.openTerminal', HOST);
    await waitFor(() => events('ssh_terminal_opened').length === 1, 'the terminal to connect', 30_000);
    const terminal = vscode.window.terminals.find((t) => t.name === `SSH: ${HOST}`);
    assert.ok(terminal);
    terminal.sendText(`echo ran >> '${counter}'`);
    await waitFor(() => lines(counter).length === 1, 'the typed command to run once', 20_000);

    const frozen = sshd.freezeConnections();
    try {
      await waitFor(() => events('ssh_terminal_closed').length === 1, 'the lost connection to be noticed', 20_000);
    } finally {
      await frozen.release();
    }
    const closed = events('ssh_terminal_closed')[0];
    assert.equal(closed.data?.how, 'dropped');
    assert.match(String(closed.data?.detail), /keepalive/i);
    assert.match(closed.text, /connection lost/);

    // Enter: a new connection and a fresh shell; the earlier command is not sent again. What is
    // typed while it connects is kept for the new shell (type-ahead, as ssh does).
    terminal.sendText('', true);
    terminal.sendText(`echo again >> '${counter}'`);
    await waitFor(() => events('ssh_terminal_opened').length === 2, 'the reconnect', 30_000);
    await waitFor(() => lines(counter).length === 2, 'the next typed command', 20_000);
    assert.deepEqual(lines(counter), ['ran', 'again']);
    terminal.dispose();
    await waitFor(() => events('ssh_terminal_closed').length === 2, 'the close to be recorded');
  });

  it('incidentDesk.ssh.useSystemClient: the system ssh in a plain terminal, checking the host key against the same files', async () => {
    const marker = path.join(tmp, 'system-ssh.txt');
    await vscode.workspace.getConfiguration('incidentDesk').update('ssh.useSystemClient', true, vscode.ConfigurationTarget.Global);
    const before = events('ssh_terminal_opened').length;
    await vscode.commands.executeCommand('incidentDesk.ssh.openTerminal', HOST);
    const opened = events('ssh_terminal_opened');
    assert.equal(opened.length, before + 1);
    assert.match(opened.at(-1)!.text, /system ssh/);
    const terminal = vscode.window.terminals.find((t) => t.name === `SSH: ${HOST}` && (t.creationOptions as vscode.TerminalOptions).shellPath === 'ssh');
    assert.ok(terminal, 'a terminal running ssh');
    const args = (terminal.creationOptions as vscode.TerminalOptions).shellArgs as string[];
    assert.deepEqual(args.slice(-2), ['--', '127.0.0.1']);
    assert.ok(args.some((a) => a.startsWith('UserKnownHostsFile=') && a.includes(`"${knownHosts}"`)), args.join(' '));
    assert.ok(args.includes('ServerAliveInterval=1'), args.join(' '));
    // ssh verified the key from the extra file without asking (an unknown key would stop at a yes/no question).
    terminal.sendText(`echo "$((6*7))" > '${marker}'; exit`);
    await waitFor(() => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === '42', 'the command typed into the system ssh to run on the host', 30_000);
    // ssh ended with the shell; the terminal's close lands on the timeline.
    const closedBefore = events('ssh_terminal_closed').length;
    await waitFor(() => terminal.exitStatus !== undefined, 'ssh to exit', 20_000);
    terminal.dispose();
    await waitFor(() => events('ssh_terminal_closed').length === closedBefore + 1, 'the close to be recorded');
    const closed = events('ssh_terminal_closed').at(-1)!;
    assert.ok(closed.data?.how === 'exited' || closed.data?.how === 'closed', JSON.stringify(closed.data));
  });
});

describe('SSH terminals: a shell the server refuses (real sshd)', function () {
  this.timeout(120_000);
  const REFUSING = 'no-tty-vps';
  let sshd: Sshd;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-ssh-refuse-it-'));
    // Logins work, the pty (so the shell) is refused: the shell fails to open on a live connection.
    sshd = await startSshd({ extraConfig: ['Match all', 'PermitTTY no'] });
    const knownHosts = path.join(tmp, 'known_hosts');
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('ssh.knownHostsFiles', [knownHosts], vscode.ConfigurationTarget.Global);
    await cfg.update('hosts', [{ name: REFUSING, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath }], vscode.ConfigurationTarget.Global);
    await (await api()).container.views.hosts.reload();
  });

  after(async () => {
    for (const t of vscode.window.terminals) if (t.name.startsWith('SSH:')) t.dispose();
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('ssh.knownHostsFiles', undefined, vscode.ConfigurationTarget.Global);
    await sshd?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('each failed attempt ends its connection: no sshd connection left open across reconnects', async () => {
    const logins = () => (sshd.readLog().match(/Accepted publickey for /g) ?? []).length;
    // The per-connection sshd processes (and anything under them): one set per open connection.
    const openConnections = () => descendantsOf(sshd.pid).length;
    await vscode.commands.executeCommand('incidentDesk.ssh.openTerminal', REFUSING);
    const terminal = vscode.window.terminals.find((t) => t.name === `SSH: ${REFUSING}`);
    assert.ok(terminal);
    for (let attempt = 1; attempt <= 3; attempt++) {
      // Enter after a failure connects again.
      if (attempt > 1) terminal.sendText('', true);
      await waitFor(() => logins() === attempt, `login ${attempt} to reach sshd`, 30_000);
      await waitFor(() => openConnections() === 0, `the connection of attempt ${attempt} to be closed (the shell was refused)`, 20_000);
    }
    assert.doesNotMatch(sshd.readLog(), /Starting session/, 'no shell ever started: each attempt failed at the shell, after login');
  });
});
