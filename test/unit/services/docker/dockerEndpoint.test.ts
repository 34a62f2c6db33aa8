// resolveDockerEndpoint against real files in temp folders laid out as the docker CLI lays them
// out (config.json, contexts/meta/<sha256 of name>/meta.json, contexts/tls/<sha256>/docker/*.pem),
// and sshEndpointProfile against a real ssh config text.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { type DockerEndpoint, type DockerEndpointEnv, describeDockerEndpoint, resolveDockerEndpoint, sshEndpointProfile } from '../../../../src/services/docker/dockerEndpoint';
import { DockerError } from '../../../../src/services/docker/dockerError';
import { TempDirs } from '../../support/tempDirs';

const SETTING = 'incidentDesk.docker.allowInsecureTcp';

describe('resolveDockerEndpoint: the local engine as the docker CLI picks it, under our rules', () => {
  const temp = new TempDirs();
  let home: string;
  let dockerDir: string;

  beforeEach(async () => {
    home = await temp.make('ide-home-');
    dockerDir = path.join(home, '.docker');
  });
  after(() => temp.cleanup());

  const resolve = (env: DockerEndpointEnv, allowInsecureTcp = false): Promise<DockerEndpoint> => resolveDockerEndpoint({ env, homeDir: home, allowInsecureTcp, insecureTcpSetting: SETTING });

  async function refused(env: DockerEndpointEnv, pattern: RegExp, allowInsecureTcp = false): Promise<DockerError> {
    const e = await resolve(env, allowInsecureTcp).then(
      (ok) => assert.fail(`expected a refusal, got ${JSON.stringify(ok)}`),
      (err: unknown) => err,
    );
    assert.ok(DockerError.is(e, 'refused'), `a DockerError 'refused', got ${String(e)}`);
    assert.match(e.message, pattern);
    return e;
  }

  async function writeFile(file: string, text: string | Buffer): Promise<void> {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, text);
  }

  const contextId = (name: string): string => createHash('sha256').update(name).digest('hex');

  async function makeContext(configDir: string, name: string, host: string, extra: { skipTlsVerify?: boolean; tls?: Record<string, string> } = {}): Promise<string> {
    const metaFile = path.join(configDir, 'contexts', 'meta', contextId(name), 'meta.json');
    await writeFile(metaFile, JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: extra.skipTlsVerify ?? false } } }));
    for (const [file, text] of Object.entries(extra.tls ?? {})) await writeFile(path.join(configDir, 'contexts', 'tls', contextId(name), 'docker', file), text);
    return metaFile;
  }

  async function certDir(files: Record<string, string>): Promise<string> {
    const dir = await temp.make('ide-certs-');
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
    return dir;
  }

  describe('no DOCKER_HOST, no context', () => {
    it('is the default socket, /var/run/docker.sock', async () => {
      assert.deepEqual(await resolve({}), { kind: 'unix', socketPath: '/var/run/docker.sock', source: { kind: 'default' } });
    });

    it("is ~/.docker/run/docker.sock when there is one (Docker Desktop's per-user socket)", async () => {
      await writeFile(path.join(dockerDir, 'run', 'docker.sock'), '');
      assert.deepEqual(await resolve({}), { kind: 'unix', socketPath: path.join(dockerDir, 'run', 'docker.sock'), source: { kind: 'default' } });
    });

    it('a config.json without currentContext, or with "default", changes nothing', async () => {
      await writeFile(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: {} }));
      assert.equal((await resolve({})).kind, 'unix');
      await writeFile(path.join(dockerDir, 'config.json'), JSON.stringify({ currentContext: 'default' }));
      assert.deepEqual(await resolve({}), { kind: 'unix', socketPath: '/var/run/docker.sock', source: { kind: 'default' } });
    });
  });

  describe('DOCKER_HOST', () => {
    it('unix:// and npipe:// are used as they are', async () => {
      assert.deepEqual(await resolve({ DOCKER_HOST: 'unix:///tmp/x/d.sock' }), { kind: 'unix', socketPath: '/tmp/x/d.sock', source: { kind: 'env' } });
      assert.deepEqual(await resolve({ DOCKER_HOST: 'unix://' }), { kind: 'unix', socketPath: '/var/run/docker.sock', source: { kind: 'env' } });
      assert.deepEqual(await resolve({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }), { kind: 'npipe', pipePath: '//./pipe/docker_engine', source: { kind: 'env' } });
    });

    it('plain tcp:// (and host:port, which the CLI reads as tcp) is refused, naming TLS, ssh:// and the setting', async () => {
      const e = await refused({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }, /plain-text, unauthenticated.*DOCKER_TLS_VERIFY=1.*ssh:\/\/.*incidentDesk\.docker\.allowInsecureTcp/);
      assert.match(e.message, /DOCKER_HOST=tcp:\/\/10\.0\.0\.5:2375/);
      await refused({ DOCKER_HOST: '10.0.0.5:2375' }, /plain-text/);
      await refused({ DOCKER_HOST: 'http://10.0.0.5:2375' }, /plain-text/);
    });

    it('plain tcp:// with the setting: an insecureTcp endpoint (port 2375 by default)', async () => {
      assert.deepEqual(await resolve({ DOCKER_HOST: 'tcp://10.0.0.5:2999' }, true), { kind: 'insecureTcp', host: '10.0.0.5', port: 2999, source: { kind: 'env' } });
      assert.deepEqual(await resolve({ DOCKER_HOST: 'tcp://docker.example' }, true), { kind: 'insecureTcp', host: 'docker.example', port: 2375, source: { kind: 'env' } });
      assert.match(describeDockerEndpoint(await resolve({ DOCKER_HOST: 'tcp://[::1]:2375' }, true)), /^tcp:\/\/\[::1\]:2375 \(plain text, unauthenticated\)$/);
    });

    it('DOCKER_CERT_PATH without DOCKER_TLS_VERIFY is not TLS (as in the docker CLI): still refused', async () => {
      const dir = await certDir({ 'ca.pem': 'CA', 'cert.pem': 'CERT', 'key.pem': 'KEY' });
      await refused({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_CERT_PATH: dir }, /plain-text/);
    });

    it('DOCKER_TLS_VERIFY with DOCKER_CERT_PATH: TLS with ca.pem, cert.pem and key.pem from that folder (port 2376 by default)', async () => {
      const dir = await certDir({ 'ca.pem': 'CA', 'cert.pem': 'CERT', 'key.pem': 'KEY' });
      const e = await resolve({ DOCKER_HOST: 'tcp://10.0.0.5', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
      assert.equal(e.kind, 'tls');
      assert.ok(e.kind === 'tls');
      assert.deepEqual([e.host, e.port, e.tls.dir, e.tls.ca?.toString(), e.tls.cert?.toString(), e.tls.key?.toString()], ['10.0.0.5', 2376, dir, 'CA', 'CERT', 'KEY']);
      // Not allowed to fall back to plain text just because the setting also allows it.
      assert.equal((await resolve({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir }, true)).kind, 'tls');
    });

    it('DOCKER_TLS_VERIFY without DOCKER_CERT_PATH reads the config folder (~/.docker, or DOCKER_CONFIG)', async () => {
      await writeFile(path.join(dockerDir, 'ca.pem'), 'HOME-CA');
      const e = await resolve({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1' });
      assert.ok(e.kind === 'tls');
      assert.deepEqual([e.tls.dir, e.tls.ca?.toString(), e.tls.cert, e.tls.key], [dockerDir, 'HOME-CA', undefined, undefined]);
      const other = await certDir({ 'ca.pem': 'OTHER-CA' });
      const f = await resolve({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: other });
      assert.ok(f.kind === 'tls');
      assert.equal(f.tls.ca?.toString(), 'OTHER-CA');
    });

    it('a client certificate without its key (or the reverse) is refused', async () => {
      await refused({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: await certDir({ 'ca.pem': 'CA', 'cert.pem': 'CERT' }) }, /cert\.pem but no key\.pem/);
      await refused({ DOCKER_HOST: 'tcp://h:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: await certDir({ 'key.pem': 'KEY' }) }, /key\.pem but no cert\.pem/);
    });

    it('ssh:// gives the user, host and port to resolve like ssh would; TLS variables do not apply', async () => {
      assert.deepEqual(await resolve({ DOCKER_HOST: 'ssh://ops@vps.example:2222', DOCKER_TLS_VERIFY: '1' }), { kind: 'ssh', url: 'ssh://ops@vps.example:2222', host: 'vps.example', user: 'ops', port: 2222, source: { kind: 'env' } });
      assert.deepEqual(await resolve({ DOCKER_HOST: 'ssh://prod' }), { kind: 'ssh', url: 'ssh://prod', host: 'prod', source: { kind: 'env' } });
      assert.deepEqual(await resolve({ DOCKER_HOST: 'ssh://[::1]:22/' }), { kind: 'ssh', url: 'ssh://[::1]:22', host: '::1', port: 22, source: { kind: 'env' } });
    });

    it('TLS files are read only for tcp://: a broken DOCKER_CERT_PATH does not stop a socket or ssh://', async () => {
      const broken = await certDir({ 'cert.pem': 'CERT' });
      assert.equal((await resolve({ DOCKER_HOST: 'unix:///tmp/d.sock', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: broken })).kind, 'unix');
      assert.equal((await resolve({ DOCKER_HOST: 'ssh://vps', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: broken })).kind, 'ssh');
      await refused({ DOCKER_HOST: 'tcp://vps:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: broken }, /cert\.pem but no key\.pem/);
    });

    it('ssh:// with a password, or anything after the host, is refused (as the docker CLI does)', async () => {
      await refused({ DOCKER_HOST: 'ssh://ops:secret@vps' }, /password/);
      await refused({ DOCKER_HOST: 'ssh://vps/var/run/docker.sock' }, /nothing may follow the host/);
    });

    it('other schemes are refused by name', async () => {
      await refused({ DOCKER_HOST: 'fd://' }, /fd:\/\/ is not supported/);
    });

    it('wins over DOCKER_CONTEXT and the current context, as in the docker CLI', async () => {
      await makeContext(dockerDir, 'remote', 'ssh://ops@remote');
      await writeFile(path.join(dockerDir, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
      assert.deepEqual(await resolve({ DOCKER_HOST: 'unix:///tmp/d.sock', DOCKER_CONTEXT: 'remote' }), { kind: 'unix', socketPath: '/tmp/d.sock', source: { kind: 'env' } });
    });
  });

  describe('docker contexts', () => {
    it('currentContext in ~/.docker/config.json: its Host endpoint, by the sha256 of its name', async () => {
      const metaFile = await makeContext(dockerDir, 'prod-vps', 'ssh://ops@vps.example');
      await writeFile(path.join(dockerDir, 'config.json'), JSON.stringify({ currentContext: 'prod-vps' }));
      assert.deepEqual(await resolve({}), {
        kind: 'ssh',
        url: 'ssh://ops@vps.example',
        host: 'vps.example',
        user: 'ops',
        source: { kind: 'context', name: 'prod-vps', metaFile, chosenBy: `currentContext in ${path.join(dockerDir, 'config.json')}` },
      });
    });

    it('DOCKER_CONTEXT wins over currentContext; DOCKER_CONFIG moves the whole folder', async () => {
      const other = await temp.make('ide-dockerconfig-');
      await makeContext(other, 'a', 'unix:///tmp/a.sock');
      await makeContext(other, 'b', 'unix:///tmp/b.sock');
      await writeFile(path.join(other, 'config.json'), JSON.stringify({ currentContext: 'a' }));
      assert.equal(((await resolve({ DOCKER_CONFIG: other })) as { socketPath: string }).socketPath, '/tmp/a.sock');
      const b = await resolve({ DOCKER_CONFIG: other, DOCKER_CONTEXT: 'b' });
      assert.deepEqual([b.kind, (b as { socketPath: string }).socketPath, b.source.kind === 'context' && b.source.chosenBy], ['unix', '/tmp/b.sock', 'DOCKER_CONTEXT']);
    });

    it('a context that does not exist is refused in so many words, with what to do (never the default socket instead)', async () => {
      await writeFile(path.join(dockerDir, 'config.json'), JSON.stringify({ currentContext: 'gone' }));
      await refused({}, /Docker context "gone" \(from currentContext in .*config\.json\) does not exist: .*meta\.json is missing\. Run `docker context ls`/);
      await refused({ DOCKER_CONTEXT: 'typo' }, /"typo" \(from DOCKER_CONTEXT\) does not exist.*unset DOCKER_CONTEXT/);
    });

    it('an unreadable config.json or meta.json is refused, not skipped', async () => {
      await writeFile(path.join(dockerDir, 'config.json'), '{ not json');
      await refused({}, /config\.json is not JSON .*set DOCKER_HOST or DOCKER_CONTEXT/);
      const metaFile = await makeContext(dockerDir, 'broken', 'unix:///x');
      await fsp.writeFile(metaFile, '{');
      await refused({ DOCKER_CONTEXT: 'broken' }, /"broken".*cannot be read: .*is not JSON/);
      await fsp.writeFile(metaFile, JSON.stringify({ Name: 'broken', Endpoints: {} }));
      await refused({ DOCKER_CONTEXT: 'broken' }, /has no Docker endpoint/);
    });

    it('a context with tcp:// and its TLS files: TLS with those files; DOCKER_TLS_VERIFY is not needed', async () => {
      await makeContext(dockerDir, 'tls', 'tcp://10.0.0.5:2376', { tls: { 'ca.pem': 'CTX-CA', 'cert.pem': 'CTX-CERT', 'key.pem': 'CTX-KEY' } });
      const e = await resolve({ DOCKER_CONTEXT: 'tls' });
      assert.ok(e.kind === 'tls');
      assert.deepEqual([e.host, e.port, e.tls.ca?.toString(), e.tls.cert?.toString(), e.tls.key?.toString()], ['10.0.0.5', 2376, 'CTX-CA', 'CTX-CERT', 'CTX-KEY']);
    });

    it('a context with plain tcp:// follows the same rule: refused without the setting, used with it', async () => {
      await makeContext(dockerDir, 'plain', 'tcp://10.0.0.5:2375');
      await refused({ DOCKER_CONTEXT: 'plain' }, /context "plain".*plain-text, unauthenticated.*docker context create/);
      const e = await resolve({ DOCKER_CONTEXT: 'plain' }, true);
      assert.deepEqual([e.kind, e.source.kind], ['insecureTcp', 'context']);
    });

    it('SkipTLSVerify is refused even with the setting: a certificate that is not checked verifies nothing', async () => {
      await makeContext(dockerDir, 'skip', 'tcp://10.0.0.5:2376', { skipTlsVerify: true, tls: { 'ca.pem': 'CA' } });
      await refused({ DOCKER_CONTEXT: 'skip' }, /SkipTLSVerify/, true);
    });
  });
});

describe('sshEndpointProfile: an ssh:// Docker endpoint resolved like `ssh -l user -p port host`', () => {
  const env = { homeDir: '/home/me', localUser: 'me' };
  const config = ['Host prod', '  HostName 10.0.0.5', '  User ops', '  Port 2200', '  IdentityFile ~/.ssh/prod_key', '  HostKeyAlias prod-box', ''].join('\n');
  const ssh = (url: string, host: string, user?: string, port?: number) => ({ kind: 'ssh' as const, url, host, ...(user ? { user } : {}), ...(port ? { port } : {}), source: { kind: 'env' as const } });

  it('an ~/.ssh/config alias gives HostName, User, Port, IdentityFile and HostKeyAlias', () => {
    const p = sshEndpointProfile(ssh('ssh://prod', 'prod'), config, env);
    assert.deepEqual([p.name, p.host, p.user, p.port, p.identityFile, p.ssh?.hostKeyAlias], ['ssh://prod', '10.0.0.5', 'ops', 2200, '/home/me/.ssh/prod_key', 'prod-box']);
  });

  it("the URL's user and port win over the config's, as on ssh's command line", () => {
    const p = sshEndpointProfile(ssh('ssh://root@prod:22', 'prod', 'root', 22), config, env);
    assert.deepEqual([p.host, p.user, p.port], ['10.0.0.5', 'root', 22]);
  });

  it('a host the config does not know: as given, port 22, the local user', () => {
    const p = sshEndpointProfile(ssh('ssh://other.example', 'other.example'), config, env);
    assert.deepEqual([p.host, p.user, p.port], ['other.example', 'me', 22]);
    assert.deepEqual([sshEndpointProfile(ssh('ssh://x', 'x'), undefined, env).host], ['x']);
  });

  it("a host that ssh would read as an option is refused ('-oProxyCommand=…')", () => {
    assert.throws(
      () => sshEndpointProfile(ssh('ssh://-oproxycommand=x', '-oproxycommand=x'), undefined, env),
      (e: unknown) => DockerError.is(e, 'refused') && /starts with '-'/.test(e.message),
    );
  });
});
