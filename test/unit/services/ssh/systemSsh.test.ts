import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { HostProfile } from '../../../../src/services/ssh/hostProfiles';
import { knownHostsFiles } from '../../../../src/services/ssh/knownHostsFiles';
import { systemSshArgs } from '../../../../src/services/ssh/systemSsh';
import { type Sshd, startSshd } from '../../../services/sshd';
import { TempDirs } from '../../support/tempDirs';

const base: HostProfile = { name: 'prod', host: '198.51.100.20', port: 2222, user: 'deploy', source: 'settings' };

describe('systemSshArgs (incidentDesk.ssh.useSystemClient)', () => {
  it('port, user and identity as options, the host after `--`; the user files then the CLI\'s known_hosts', () => {
    assert.deepEqual(systemSshArgs({ ...base, identityFile: '/home/dana/.ssh/id_prod' }, { homeDir: '/home/dana', configHome: '/xdg' }).args, [
      '-p', '2222', '-l', 'deploy', '-i', '/home/dana/.ssh/id_prod',
      '-o', 'UserKnownHostsFile="/home/dana/.ssh/known_hosts" "/home/dana/.ssh/known_hosts2" "/xdg/incident-desk/known_hosts"',
      '--', '198.51.100.20',
    ]);
  });

  it('the alias the profile came from, so ssh applies its own config (ProxyJump and all)', () => {
    const profile: HostProfile = { ...base, source: 'ssh-config', ssh: { alias: 'prod-web', hostName: '198.51.100.20', identityFiles: [], identitiesOnly: false, proxyJump: 'bastion', problems: [] } };
    assert.equal(systemSshArgs(profile, { homeDir: '/h' }).args.at(-1), 'prod-web');
    assert.equal(systemSshArgs(profile, { homeDir: '/h' }).args.at(-2), '--');
  });

  it('the user files first (ssh writes an accepted key there), then the extra files and the trust store, quoted and %-escaped', () => {
    const { args, skippedFiles } = systemSshArgs(base, { homeDir: '/home/dana', configHome: '/xdg', extraKnownHostsFiles: ['~/team hosts', '/etc/100%.kh', '/bad"name'], trustStoreFile: '/g/known_hosts' });
    const i = args.indexOf('-o');
    assert.equal(args[i + 1], 'UserKnownHostsFile="/home/dana/.ssh/known_hosts" "/home/dana/.ssh/known_hosts2" "/home/dana/team hosts" "/etc/100%%.kh" "/g/known_hosts" "/xdg/incident-desk/known_hosts"');
    assert.deepEqual(skippedFiles, ['/bad"name']);
  });

  it('relative setting entries: against the workspace folder, as for the built-in client (one list); none without a folder', () => {
    const withFolder = systemSshArgs(base, { homeDir: '/home/dana', configHome: '/xdg', extraKnownHostsFiles: ['ops/known_hosts'], workspaceFolder: '/repo/shop' });
    assert.ok(withFolder.args.includes('UserKnownHostsFile="/home/dana/.ssh/known_hosts" "/home/dana/.ssh/known_hosts2" "/repo/shop/ops/known_hosts" "/xdg/incident-desk/known_hosts"'), withFolder.args.join(' '));
    const builtIn = knownHostsFiles({ homeDir: '/home/dana', settingFiles: ['ops/known_hosts'], workspaceFolder: '/repo/shop' });
    assert.ok(builtIn.includes('/repo/shop/ops/known_hosts'), 'the built-in client reads the same file');
    const noFolder = systemSshArgs(base, { homeDir: '/home/dana', extraKnownHostsFiles: ['ops/known_hosts'] });
    assert.ok(!noFolder.args.some((a) => a.includes('ops/known_hosts')), noFolder.args.join(' '));
    assert.deepEqual(noFolder.unresolvedFiles, ['ops/known_hosts']);
  });

  it('the ssh config UserKnownHostsFile replaces the default user files; keepalive goes along', () => {
    const profile: HostProfile = { ...base, keepalive: { intervalSeconds: 5, countMax: 2 }, ssh: { alias: '198.51.100.20', identityFiles: [], identitiesOnly: false, userKnownHostsFiles: ['~/.ssh/kh_prod'], problems: [] } };
    const { args } = systemSshArgs(profile, { homeDir: '/h', configHome: '/xdg', trustStoreFile: '/g/kh' });
    assert.ok(args.includes('UserKnownHostsFile="/h/.ssh/kh_prod" "/g/kh" "/xdg/incident-desk/known_hosts"'), args.join(' '));
    assert.ok(args.includes('ServerAliveInterval=5') && args.includes('ServerAliveCountMax=2'), args.join(' '));
  });
});

describe('systemSshArgs with the real ssh client and a real sshd', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let sshd: Sshd;
  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
    await temp.cleanup();
  });

  /** Runs `ssh <our args> echo …` non-interactively, host keys checked strictly, no user config. */
  function run(args: string[]): { status: number | null; out: string } {
    const r = spawnSync('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...args, 'echo system-ssh-$((6*7))'], { encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it('ssh finds the host key in an extra known_hosts file whose path has a space and a %, and logs in', async () => {
    const dir = await temp.make('ids-sys ssh %d-');
    const home = path.join(dir, 'home');
    const extra = path.join(dir, 'team hosts');
    await fsp.writeFile(extra, `${sshd.knownHostsLine}\n`);
    const profile: HostProfile = { name: 'vps', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings' };
    const ok = run(systemSshArgs(profile, { homeDir: home, extraKnownHostsFiles: [extra] }).args);
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /system-ssh-42/);
    // Without the file the key is unknown: ssh refuses (strict checking), and nothing ran.
    const refused = run(systemSshArgs(profile, { homeDir: home }).args);
    assert.equal(refused.status, 255, refused.out);
    assert.match(refused.out, /Host key verification failed/);
    assert.doesNotMatch(refused.out, /system-ssh-42/);
  });

  it('ssh trusts a key the CLI accepted ($XDG_CONFIG_HOME/incident-desk/known_hosts), as the built-in client does', async () => {
    const dir = await temp.make('ids-sys-cli-');
    const home = path.join(dir, 'home');
    const xdg = path.join(dir, 'xdg');
    await fsp.mkdir(path.join(xdg, 'incident-desk'), { recursive: true });
    await fsp.writeFile(path.join(xdg, 'incident-desk', 'known_hosts'), `${sshd.knownHostsLine}\n`);
    const profile: HostProfile = { name: 'vps', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings' };
    const ok = run(systemSshArgs(profile, { homeDir: home, configHome: xdg }).args);
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /system-ssh-42/);
    const elsewhere = run(systemSshArgs(profile, { homeDir: home, configHome: path.join(dir, 'other') }).args);
    assert.equal(elsewhere.status, 255, elsewhere.out);
  });
});
