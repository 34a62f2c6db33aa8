import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  concreteHostAliases,
  parseSshConfig,
  readSshConfig,
  resolveSshHost,
  userSshConfigFile,
} from '../../../../src/services/ssh/sshConfig';
import { TempDirs } from '../../support/tempDirs';

async function write(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, text);
}

describe('ssh config', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  async function home(): Promise<{ home: string; ssh: string; env: { homeDir: string; localUser: string } }> {
    const h = await temp.make('incident-desk-sshconfig-');
    return { home: h, ssh: path.join(h, '.ssh'), env: { homeDir: h, localUser: 'dana' } };
  }

  describe('Include', () => {
    it('inlines globs relative to ~/.ssh in sorted order, from included files too; skips dot files and non-matches', async () => {
      const { home: h, ssh, env } = await home();
      await write(path.join(ssh, 'config'), ['Include conf.d/*.conf "sub dir/one" missing/*.conf', 'Host last', '  HostName last.example.com', ''].join('\n'));
      await write(path.join(ssh, 'conf.d', '20-app.conf'), 'Host app\n  HostName app.internal\n  Include nested/extra.conf\n');
      await write(path.join(ssh, 'conf.d', '10-db.conf'), 'Host db\n  HostName 10.0.0.7\n  Port 2202\n');
      await write(path.join(ssh, 'conf.d', '.hidden.conf'), 'Host hidden\n');
      await write(path.join(ssh, 'conf.d', 'readme.txt'), 'Host readme\n');
      await write(path.join(ssh, 'nested', 'extra.conf'), 'User appuser\n');
      await write(path.join(ssh, 'sub dir', 'one'), 'Host one\n  User onesuser\n');

      const result = await readSshConfig(userSshConfigFile(h), { homeDir: h });
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.files.map((f) => path.relative(ssh, f)),
        ['config', 'conf.d/10-db.conf', 'conf.d/20-app.conf', 'nested/extra.conf', 'sub dir/one'],
      );
      const config = parseSshConfig(result.text);
      assert.deepEqual(concreteHostAliases(config), ['db', 'app', 'one', 'last']);
      assert.deepEqual(pick(resolveSshHost(config, 'db', env)), { hostName: '10.0.0.7', port: 2202, user: undefined });
      assert.deepEqual(pick(resolveSshHost(config, 'app', env)), { hostName: 'app.internal', port: undefined, user: 'appuser' }, 'a relative Include in an included file is under ~/.ssh too');
      assert.deepEqual(pick(resolveSshHost(config, 'one', env)), { hostName: undefined, port: undefined, user: 'onesuser' });
      assert.deepEqual(pick(resolveSshHost(config, 'last', env)), { hostName: 'last.example.com', port: undefined, user: undefined }, 'the main file goes on after the Include');
    });

    it('after an Include, the block of the Include line is in effect again (top level too)', async () => {
      const { home: h, ssh, env } = await home();
      await write(path.join(ssh, 'config'), 'Include a.conf\nUser everyone\nHost web\n  Include b.conf\n  Port 2201\n');
      await write(path.join(ssh, 'a.conf'), 'Host a\n  HostName a.example.com\n');
      await write(path.join(ssh, 'b.conf'), 'Host other\n  User otheruser\n');
      const config = parseSshConfig((await readSshConfig(userSshConfigFile(h), { homeDir: h })).text);
      assert.equal(resolveSshHost(config, 'anything', env).user, 'everyone', 'top-level line after an Include applies to all hosts');
      assert.equal(resolveSshHost(config, 'a', env).user, 'everyone');
      assert.equal(resolveSshHost(config, 'web', env).port, 2201, 'the rest of the Host web block still belongs to web');
      assert.equal(resolveSshHost(config, 'other', env).user, 'everyone', "b.conf's Host other only applies where Host web matched too");
    });

    it('reports an Include loop and nesting over the limit instead of following it', async () => {
      const { home: h, ssh } = await home();
      await write(path.join(ssh, 'config'), 'Include loop.conf\nHost after\n');
      await write(path.join(ssh, 'loop.conf'), 'Host looped\nInclude loop.conf\n');
      const result = await readSshConfig(userSshConfigFile(h), { homeDir: h });
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0]!.message, /nested too deeply/);
      assert.equal(result.problems[0]!.line, 2);
      assert.deepEqual(concreteHostAliases(parseSshConfig(result.text)), ['looped', 'after']);

      await write(path.join(ssh, 'config'), 'Include d1\n');
      // Include before Host: inside a `Host hN` block the next file's Host lines could never apply.
      for (let i = 1; i <= 4; i++) await write(path.join(ssh, `d${i}`), `Include d${i + 1}\nHost h${i}\n`);
      const limited = await readSshConfig(userSshConfigFile(h), { homeDir: h, maxDepth: 2 });
      assert.deepEqual(concreteHostAliases(parseSshConfig(limited.text)), ['h2', 'h1']);
      assert.match(limited.problems[0]!.message, /d3 nested too deeply/);
    });

    it('a missing config is an empty one', async () => {
      const { home: h } = await home();
      const result = await readSshConfig(userSshConfigFile(h), { homeDir: h });
      assert.deepEqual(result, { text: '', files: [], problems: [] });
    });

    it('says when Host lines from a file included under a wildcard or Match block cannot be nested exactly', async () => {
      const { home: h, ssh } = await home();
      await write(path.join(ssh, 'config'), 'Host *.prod\n  Include p.conf\n');
      await write(path.join(ssh, 'p.conf'), 'Host special\n  User x\n');
      const result = await readSshConfig(userSshConfigFile(h), { homeDir: h });
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0]!.message, /included from inside "Host \*\.prod"/);
    });
  });

  describe('resolving a host', () => {
    it('Host patterns with wildcards and negation, first value wins, IdentityFile accumulates with ~ and tokens expanded', () => {
      const config = parseSshConfig(
        [
          'Host bastion',
          '  HostName 203.0.113.10',
          '  User ops',
          '  IdentityFile ~/.ssh/id_bastion',
          '  IdentitiesOnly yes',
          'Host *.prod.example.com !legacy.prod.example.com',
          '  User deploy',
          '  ProxyJump bastion',
          '  HostKeyAlias prod-fleet',
          'Host *',
          '  User fallback',
          '  Port 2200',
          '  ServerAliveInterval 10',
          '  IdentityFile %d/.ssh/id_%r@%h:%p',
          '  UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/kh_%h',
        ].join('\n'),
      );
      const env = { homeDir: '/home/dana', localUser: 'dana' };
      const bastion = resolveSshHost(config, 'bastion', env);
      assert.deepEqual(
        { ...bastion },
        {
          alias: 'bastion',
          hostName: '203.0.113.10',
          port: 2200,
          user: 'ops',
          identityFiles: ['/home/dana/.ssh/id_bastion', '/home/dana/.ssh/id_ops@203.0.113.10:2200'],
          identitiesOnly: true,
          userKnownHostsFiles: ['/home/dana/.ssh/known_hosts', '/home/dana/.ssh/kh_203.0.113.10'],
          globalKnownHostsFiles: undefined,
          hostKeyAlias: undefined,
          proxyJump: undefined,
          serverAliveInterval: 10,
          serverAliveCountMax: undefined,
          problems: [],
        },
      );
      const web = resolveSshHost(config, 'web.prod.example.com', env);
      assert.equal(web.user, 'deploy');
      assert.equal(web.proxyJump, 'bastion', 'recorded (not supported yet)');
      assert.equal(web.hostKeyAlias, 'prod-fleet');
      assert.equal(web.identitiesOnly, false);
      const legacy = resolveSshHost(config, 'legacy.prod.example.com', env);
      assert.equal(legacy.user, 'fallback', 'negated pattern vetoes the block');
      assert.equal(legacy.proxyJump, undefined);
    });

    it('HostName %h, keywords in any case, a bad port reported', () => {
      const config = parseSshConfig('host Web1\n  hostname %h.example.com\n  PORT 70000\n  user alice\n');
      const r = resolveSshHost(config, 'Web1', { homeDir: '/h', localUser: 'dana' });
      assert.equal(r.hostName, 'Web1.example.com');
      assert.equal(r.user, 'alice');
      assert.equal(r.port, undefined);
      assert.match(r.problems[0]!, /70000/);
    });

    it('never runs Match exec (listing hosts must not run commands)', async () => {
      const { home: h, env } = await home();
      const marker = path.join(h, 'ran');
      const config = parseSshConfig(`Match exec "touch ${marker}"\n  User fromexec\nHost *\n  User normal\n`);
      assert.equal(resolveSshHost(config, 'web', env).user, 'normal');
      await assert.rejects(fsp.stat(marker), { code: 'ENOENT' });
    });

    it('several texts: the first wins and the second file starts at top level', () => {
      const config = parseSshConfig(['Host web\n  User alice\n', 'User systemdefault\nPort 2022\n']);
      const env = { homeDir: '/h', localUser: 'dana' };
      assert.equal(resolveSshHost(config, 'web', env).user, 'alice');
      assert.equal(resolveSshHost(config, 'web', env).port, 2022);
      assert.equal(resolveSshHost(config, 'db', env).user, 'systemdefault');
    });

    it('concrete aliases are the Host names without wildcards or negation, once each', () => {
      const config = parseSshConfig('Host a b *.x !c\nHost b d?\nHost e\nMatch host f\n');
      assert.deepEqual(concreteHostAliases(config), ['a', 'b', 'e']);
    });
  });

  describe('agrees with `ssh -G` on the same config', () => {
    // ssh expands ~ with the passwd home, not $HOME: compare with that account.
    const account = os.userInfo();
    const env = { homeDir: account.homedir, localUser: account.username };
    let cfg: string;

    before(async () => {
      const dir = await temp.make('incident-desk-sshconfig-G-');
      cfg = path.join(dir, 'config');
      await write(
        cfg,
        [
          'Host bastion',
          '  HostName 203.0.113.10',
          '  User ops',
          '  IdentityFile ~/.ssh/id_bastion',
          '  IdentitiesOnly yes',
          'Host web1 web2',
          '  HostName %h.prod.example.com',
          `  Include ${dir}/web-extra`,
          `Include ${dir}/conf.d/*.conf`,
          'Host *.prod.example.com !legacy.prod.example.com',
          '  User deploy',
          '  ProxyJump bastion',
          'Host *',
          '  UserKnownHostsFile ~/.ssh/known_hosts /srv/team_known_hosts',
          '',
        ].join('\n'),
      );
      await write(path.join(dir, 'web-extra'), 'Port 2200\nHost web1\n  User alice\nHost web3\n  User carol\n');
      await write(path.join(dir, 'conf.d', 'db.conf'), 'Host db\n  HostName 10.0.0.7\n  Port 2202\n  IdentityFile /keys/db\n  IdentityFile ~/.ssh/db2\n');
    });

    for (const alias of ['bastion', 'web1', 'web2', 'web3', 'db', 'x.prod.example.com', 'legacy.prod.example.com', 'unknown']) {
      it(alias, async () => {
        const text = (await readSshConfig(cfg, { homeDir: env.homeDir })).text;
        const ours = resolveSshHost(parseSshConfig(text), alias, env);
        const g = sshG(cfg, alias, env.homeDir);
        assert.equal(ours.hostName ?? alias, g.hostname);
        assert.equal(String(ours.port ?? 22), g.port);
        assert.equal(ours.user ?? env.localUser, g.user);
        assert.equal(ours.identitiesOnly ? 'yes' : 'no', g.identitiesonly);
        assert.equal(ours.proxyJump, g.proxyjump);
        if (ours.identityFiles.length > 0) assert.deepEqual(ours.identityFiles, g.identityfile, 'ssh -G lists its defaults when none is set');
        if (ours.userKnownHostsFiles) assert.deepEqual(ours.userKnownHostsFiles, g.userknownhostsfile);
      });
    }
  });
});

function pick(r: { hostName?: string; port?: number; user?: string }) {
  return { hostName: r.hostName, port: r.port, user: r.user };
}

/** `ssh -G` output as single values (last word lists split), with ~ expanded for identity files. */
function sshG(cfg: string, alias: string, homeDir: string): Record<string, string> & { identityfile: string[]; userknownhostsfile: string[] } {
  const out = execFileSync('ssh', ['-G', '-F', cfg, alias], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const values: Record<string, string> = {};
  const identityfile: string[] = [];
  let userknownhostsfile: string[] = [];
  for (const line of out.split('\n')) {
    const [key, ...rest] = line.split(' ');
    if (!key) continue;
    if (key === 'identityfile') identityfile.push(rest.join(' ').replace(/^~\//, `${homeDir}/`));
    else if (key === 'userknownhostsfile') userknownhostsfile = rest;
    else values[key] = rest.join(' ');
  }
  return Object.assign(values, { identityfile, userknownhostsfile });
}
