// Host keys in the real extension host against a real OpenSSH sshd holding RSA and ed25519 host
// keys (test/services/sshd.ts): the incidentDesk.ssh.knownHostsFiles setting's relative paths, and
// the unknown-key question answered with the keyboard.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startSshd, type Sshd } from '../services/sshd';
import { api, waitFor, workspaceRoot } from './helpers';

const HOST = 'host-keys-vps';
/** sshd log lines that mean an authentication request reached the server. */
const AUTH_LINE = /publickey|password|keyboard-interactive|Accepted|Failed|Postponed|Invalid user/i;

describe('host keys: known_hosts files from the settings and the unknown-key question (real sshd)', function () {
  this.timeout(60_000);
  let sshd: Sshd;
  let teamFile: string;

  async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: Error & { reason?: string } }> {
    return p.then((value) => ({ value }), (error: Error & { reason?: string }) => ({ error }));
  }

  /**
   * Presses a key in the quick input (through its command) until the connection's question is
   * answered: the question opens asynchronously, and the command does nothing until it shows.
   */
  async function answerWith<T>(command: string, pending: Promise<T>): Promise<{ value?: T; error?: Error & { reason?: string } }> {
    let done = false;
    const settled = settle(pending).finally(() => (done = true));
    await waitFor(async () => {
      if (!done) await vscode.commands.executeCommand(command);
      return done;
    }, `the question to be answered by ${command}`, 30_000);
    return settled;
  }

  before(async () => {
    sshd = await startSshd({ hostKeys: ['ed25519', 'rsa'] });
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('hosts', [{ name: HOST, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath }], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const desk = await api();
    await desk.container.views.hosts.disconnect(HOST);
    const cfg = vscode.workspace.getConfiguration('incidentDesk');
    await cfg.update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('ssh.knownHostsFiles', undefined, vscode.ConfigurationTarget.Global);
    if (teamFile) fs.rmSync(path.dirname(teamFile), { recursive: true, force: true });
    await sshd?.stop();
  });

  it('a relative knownHostsFiles entry is the team file in the workspace folder; its RSA line alone lets the host in', async () => {
    const relative = path.join(`ops-${process.pid}`, 'known_hosts');
    teamFile = path.join(workspaceRoot(), relative);
    assert.notEqual(path.resolve(relative), teamFile, 'the extension host does not run in the workspace folder (else this proves nothing)');
    fs.mkdirSync(path.dirname(teamFile), { recursive: true });
    fs.writeFileSync(teamFile, `${sshd.hostKeyOf('rsa').knownHostsLine}\n`);
    await vscode.workspace.getConfiguration('incidentDesk').update('ssh.knownHostsFiles', [relative], vscode.ConfigurationTarget.Global);
    const hosts = (await api()).container.views.hosts;
    await hosts.reload();
    // Were the file not found, the key would be unknown and the question would wait: Escape it.
    const { value: conn, error } = await answerWith('workbench.action.closeQuickOpen', hosts.connection(HOST));
    assert.equal(error, undefined, `connected without a question: ${error?.message}`);
    assert.equal(conn?.hostKey?.via, 'knownHosts');
    assert.equal(conn?.hostKey?.file, teamFile);
    assert.equal(conn?.hostKeyFingerprint, sshd.hostKeyOf('rsa').fingerprint);
    await hosts.disconnect(HOST);
  });

  it('the unknown-key question: Enter without choosing refuses (nothing trusted, no authentication); Escape refuses too', async () => {
    await vscode.workspace.getConfiguration('incidentDesk').update('ssh.knownHostsFiles', [], vscode.ConfigurationTarget.Global);
    const hosts = (await api()).container.views.hosts;
    await hosts.reload();
    for (const key of ['workbench.action.acceptSelectedQuickOpenItem', 'workbench.action.closeQuickOpen']) {
      const offset = sshd.readLog().length;
      const { error } = await answerWith(key, hosts.connection(HOST));
      assert.equal(error?.reason, 'hostKeyRejected', `${key}: ${error?.message ?? 'connected'}`);
      await waitFor(() => /Connection closed by|Disconnected from|Connection reset by/.test(sshd.readLog().slice(offset)), 'sshd to log the end of the connection');
      const log = sshd.readLog().slice(offset);
      assert.deepEqual(log.split('\n').filter((l) => AUTH_LINE.test(l)), [], `${key}: no authentication in:\n${log}`);
    }
  });
});
