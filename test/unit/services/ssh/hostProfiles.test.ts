import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { hostNameProblem, mergeHostProfiles } from '../../../../src/services/ssh/hostProfiles';
import { parseSshConfig, readSshConfig, userSshConfigFile } from '../../../../src/services/ssh/sshConfig';
import { TempDirs } from '../../support/tempDirs';

const env = { homeDir: '/home/dana', localUser: 'dana' };

const CONFIG = [
  'Host prod-web',
  '  HostName 198.51.100.20',
  '  Port 2222',
  '  User deploy',
  '  IdentityFile ~/.ssh/id_prod',
  '  IdentityFile ~/.ssh/id_backup',
  '  IdentitiesOnly yes',
  'Host staging',
  '  HostName staging.example.com',
  'Host *.internal',
  '  User ops',
  'Host db jump-*',
  '  HostName 10.0.0.7',
  'Host -evil',
  '  HostName x',
  'Host bad-target',
  '  HostName -oProxyCommand=evil',
  '',
].join('\n');

describe('mergeHostProfiles', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('a settings entry naming an alias takes HostName, Port, User and IdentityFile from the config where it gives none', () => {
    const { profiles, problems } = mergeHostProfiles([{ name: 'Prod', host: 'prod-web', workDir: '/srv/app', composeFile: 'compose.yaml', healthUrl: 'https://prod.example.com/health' }], CONFIG, env);
    const prod = profiles.find((p) => p.name === 'Prod')!;
    assert.deepEqual(
      { ...prod, ssh: undefined },
      {
        name: 'Prod',
        host: '198.51.100.20',
        port: 2222,
        user: 'deploy',
        identityFile: '/home/dana/.ssh/id_prod',
        workDir: '/srv/app',
        composeFile: 'compose.yaml',
        healthUrl: 'https://prod.example.com/health',
        source: 'both',
        ssh: undefined,
      },
    );
    assert.equal(prod.ssh?.identitiesOnly, true);
    assert.deepEqual(prod.ssh?.identityFiles, ['/home/dana/.ssh/id_prod', '/home/dana/.ssh/id_backup']);
    assert.equal(problems.filter((p) => p.source === 'settings').length, 0);
  });

  it('keepalive: the setting keepaliveInterval wins, else ServerAliveInterval/CountMax from the config; bad values are refused', () => {
    const config = ['Host flaky', '  HostName 203.0.113.9', '  ServerAliveInterval 5', '  ServerAliveCountMax 2', 'Host quiet', '  ServerAliveInterval 0', 'Host typo', '  ServerAliveInterval 5s', ''].join('\n');
    const { profiles, problems } = mergeHostProfiles([
      { name: 'Flaky', host: 'flaky' },
      { name: 'Flaky fast', host: 'flaky', keepaliveInterval: 1 },
      { name: 'Plain', host: '192.0.2.1', keepaliveInterval: 30 },
      { name: 'Zero', host: '192.0.2.2', keepaliveInterval: 0 },
      { name: 'Text', host: '192.0.2.3', keepaliveInterval: '10' },
    ], config, env);
    const by = (n: string) => profiles.find((p) => p.name === n);
    assert.deepEqual(by('Flaky')?.keepalive, { intervalSeconds: 5, countMax: 2 });
    assert.deepEqual(by('Flaky fast')?.keepalive, { intervalSeconds: 1, countMax: 2 });
    assert.deepEqual(by('Plain')?.keepalive, { intervalSeconds: 30 });
    assert.equal(by('Zero'), undefined);
    assert.equal(by('Text'), undefined);
    assert.ok(problems.some((p) => /hosts\[3\]: "keepaliveInterval" must be a whole number of seconds from 1 to 3600, not 0/.test(p.message)), JSON.stringify(problems));
    assert.ok(problems.some((p) => /hosts\[4\]: "keepaliveInterval"/.test(p.message)));
    // ServerAliveInterval 0 (ssh's "off") and a config alias without it: the connection's defaults.
    assert.equal(by('quiet')?.keepalive, undefined);
    assert.equal(by('typo')?.keepalive, undefined);
    assert.ok(problems.some((p) => /ServerAliveInterval "5s" for typo is not a whole number/.test(p.message)), JSON.stringify(problems));
  });

  it('values in the setting win over the config', () => {
    const { profiles } = mergeHostProfiles([{ name: 'Prod', host: 'prod-web', port: 22, user: 'root', identityFile: '~/.ssh/mine' }], CONFIG, env);
    const prod = profiles[0]!;
    assert.deepEqual([prod.host, prod.port, prod.user, prod.identityFile, prod.source], ['198.51.100.20', 22, 'root', '/home/dana/.ssh/mine', 'both']);
  });

  it('a host only a pattern covers also gets the config values (as `ssh host` would); a plain host is "settings" with ssh defaults', () => {
    const { profiles } = mergeHostProfiles(
      [
        { name: 'Cache', host: 'cache.internal' },
        { name: 'Plain', host: '203.0.113.5' },
      ],
      CONFIG,
      env,
    );
    assert.deepEqual(profiles.slice(0, 2).map((p) => [p.name, p.host, p.port, p.user, p.source]), [
      ['Cache', 'cache.internal', 22, 'ops', 'both'],
      ['Plain', '203.0.113.5', 22, 'dana', 'settings'],
    ]);
  });

  it('offers concrete ssh-config aliases no setting uses, after the settings hosts; never ones that look like options', () => {
    const { profiles, problems } = mergeHostProfiles([{ name: 'Prod', host: 'prod-web' }], CONFIG, env);
    assert.deepEqual(profiles.map((p) => [p.name, p.host, p.port, p.user, p.source]), [
      ['Prod', '198.51.100.20', 2222, 'deploy', 'both'],
      ['staging', 'staging.example.com', 22, 'dana', 'ssh-config'],
      ['db', '10.0.0.7', 22, 'dana', 'ssh-config'],
    ]);
    const fromConfig = problems.filter((p) => p.source === 'ssh-config');
    assert.equal(fromConfig.length, 2);
    assert.ok(fromConfig.every((p) => p.index === -1 && /starts with '-'/.test(p.message) && /not offered/.test(p.message)));
  });

  it('validates settings entries with clear messages and drops the invalid ones', () => {
    const settings: unknown[] = [
      { name: 'ok', host: 'ok.example.com' },
      { host: 'noname.example.com' },
      { name: 'OK', host: 'dup.example.com' },
      { name: 'dash', host: '-oProxyCommand=touch /tmp/x' },
      { name: 'space', host: 'a b' },
      { name: 'at', host: 'root@web' },
      { name: 'port0', host: 'p.example.com', port: 0 },
      { name: 'port-big', host: 'p.example.com', port: 65536 },
      { name: 'port-text', host: 'p.example.com', port: '22' },
      { name: 'user', host: 'u.example.com', user: '-l' },
      { name: 'paths', host: 'p.example.com', identityFile: 42, workDir: '' },
      { name: 'url', host: 'h.example.com', healthUrl: 'file:///etc/passwd' },
      'not an object',
      { name: 'extra', host: 'e.example.com', colour: 'red' },
    ];
    const { profiles, problems } = mergeHostProfiles(settings, undefined, env);
    assert.deepEqual(profiles.map((p) => p.name), ['ok', 'extra']);
    const byIndex = (i: number) => problems.filter((p) => p.index === i).map((p) => p.message);
    assert.match(byIndex(1)[0]!, /incidentDesk\.hosts\[1\]: "name" is required/);
    assert.match(byIndex(2)[0]!, /"name" "OK" is used by an earlier host/);
    assert.match(byIndex(3)[0]!, /starts with '-' \(would be read as an ssh option\)/);
    assert.match(byIndex(4)[0]!, /whitespace/);
    assert.match(byIndex(5)[0]!, /put the user name in "user"/);
    for (const i of [6, 7, 8]) assert.match(byIndex(i)[0]!, /"port" must be a whole number from 1 to 65535/);
    assert.match(byIndex(9)[0]!, /"user" "-l" is not a user name/);
    assert.deepEqual(byIndex(10).length, 2, 'both bad paths reported');
    assert.match(byIndex(11)[0]!, /http:\/\/ or https:\/\//);
    assert.match(byIndex(12)[0]!, /must be an object/);
    assert.deepEqual(byIndex(13), ['incidentDesk.hosts[13]: unknown field "colour" ignored']);
    assert.ok(problems.every((p) => p.source === 'settings'));
  });

  it('a setting that is not a list is reported; undefined is simply no hosts', () => {
    assert.deepEqual(mergeHostProfiles(undefined, undefined, env), { profiles: [], problems: [] });
    assert.equal(mergeHostProfiles({ name: 'x' }, undefined, env).problems[0]!.message, 'incidentDesk.hosts must be a list of hosts');
  });

  it('an alias whose HostName looks like an option is refused for a settings entry too', () => {
    const { profiles, problems } = mergeHostProfiles([{ name: 'B', host: 'bad-target' }], CONFIG, env);
    assert.equal(profiles.find((p) => p.name === 'B'), undefined);
    assert.match(problems.find((p) => p.index === 0)!.message, /HostName "-oProxyCommand=evil"/);
  });

  it('works from a real ~/.ssh/config with Include, and from an already parsed config', async () => {
    const home = await temp.make('incident-desk-profiles-');
    const ssh = path.join(home, '.ssh');
    await fsp.mkdir(path.join(ssh, 'hosts'), { recursive: true });
    await fsp.writeFile(path.join(ssh, 'config'), 'Include hosts/*\nHost *\n  User team\n');
    await fsp.writeFile(path.join(ssh, 'hosts', 'vps'), 'Host vps\n  HostName 192.0.2.44\n  Port 2022\n');
    const { text } = await readSshConfig(userSshConfigFile(home), { homeDir: home });
    const homeEnv = { homeDir: home, localUser: 'dana' };
    for (const config of [text, parseSshConfig(text)]) {
      const { profiles } = mergeHostProfiles([{ name: 'VPS', host: 'vps', workDir: '/opt/app' }], config, homeEnv);
      assert.deepEqual(profiles.map((p) => [p.name, p.host, p.port, p.user, p.workDir, p.source]), [['VPS', '192.0.2.44', 2022, 'team', '/opt/app', 'both']]);
    }
  });

  it('hostNameProblem accepts names and addresses, refuses patterns, options and injection', () => {
    for (const ok of ['web.example.com', '10.0.0.1', '::1', 'fe80::1%eth0', 'my_host-1']) assert.equal(hostNameProblem(ok), undefined, ok);
    for (const bad of ['', '-p', 'a b', 'a\nb', 'u@h', '*.x', 'a,b', '!a']) assert.ok(hostNameProblem(bad), JSON.stringify(bad));
  });
});
