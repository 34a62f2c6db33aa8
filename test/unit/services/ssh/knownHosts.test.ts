import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Server } from 'ssh2';
import { type HostKeyStatus, entryMatchesHost, fingerprintSha256, formatKnownHostsLine, hashKnownHostName, keyTypeOfBlob, knownKeyTypes, lookupHostKey, parseKnownHosts, readKnownHostsFiles } from '../../../../src/services/ssh/knownHosts';
import { cliKnownHostsFile, knownHostsFiles, knownHostsFilesOf, knownHostsSources, resolveSettingFile } from '../../../../src/services/ssh/knownHostsFiles';
import { TempDirs } from '../../support/tempDirs';
import { type TestKey, makeKey } from './sshTestKeys';

describe('known_hosts', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let dir: string;
  let ed: TestKey;
  let ed2: TestKey;
  let rsa: TestKey;
  let ecdsa: TestKey;

  before(async () => {
    dir = await temp.make('incident-desk-knownhosts-');
    ed = makeKey(dir, 'ed');
    ed2 = makeKey(dir, 'ed2');
    rsa = makeKey(dir, 'rsa', 'rsa');
    ecdsa = makeKey(dir, 'ecdsa', 'ecdsa');
  });
  after(() => temp.cleanup());

  describe('fingerprints and key blobs', () => {
    it('prints SHA256 fingerprints exactly as ssh-keygen -lf does, for ed25519, rsa and ecdsa (256/384/521)', () => {
      const keys = [ed, rsa, ecdsa, makeKey(dir, 'ecdsa384', 'ecdsa', 384), makeKey(dir, 'ecdsa521', 'ecdsa', 521)];
      for (const key of keys) {
        assert.equal(fingerprintSha256(key.blob), key.fingerprint, key.keyType);
        assert.match(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/, 'unpadded base64 of 32 bytes');
        assert.equal(keyTypeOfBlob(key.blob), key.keyType);
      }
      assert.deepEqual(
        keys.map((k) => k.keyType),
        ['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'],
      );
    });

    it('reads no key type from a blob that is not an SSH key', () => {
      assert.equal(keyTypeOfBlob(Buffer.alloc(0)), undefined);
      assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 1, 2])), undefined, 'length past the end');
      assert.equal(keyTypeOfBlob(Buffer.from('not a key at all')), undefined);
    });
  });

  describe('parsing', () => {
    it('reads plain, bracketed, marked and commented lines; skips bad lines with their line numbers', () => {
      const text = [
        '# a comment',
        '',
        `   web.example.com,10.0.0.5 ${ed.publicText} dana@laptop`,
        `[127.0.0.1]:2222 ${ed2.publicText}`,
        `@revoked * ${rsa.publicText}`,
        `@cert-authority *.example.com ${ecdsa.publicText}`,
        `@trusted host ${ed.publicText}`, // 7: unknown marker
        'lonely-host', // 8: no key
        `host ssh-ed25519 %%%notbase64%%%`, // 9
        `host ssh-rsa ${ed.publicText.split(' ')[1]}`, // 10: type field says rsa, blob is ed25519
        `|1|c2hvcnQ=|aGFzaA== ${ed.publicText}`, // 11: salt and hash not SHA-1 sized
        `|2|${'A'.repeat(28)}|${'A'.repeat(28)} ${ed.publicText}`, // 12: unknown hash kind
        `@revoked @cert-authority host ${ed.publicText}`, // 13: two markers
        `\tcrlf.example.com ${ecdsa.publicText}\r`, // 14: CRLF file
      ].join('\n');
      const { entries, problems } = parseKnownHosts(text, '/home/dana/.ssh/known_hosts');
      assert.deepEqual(
        entries.map((e) => [e.line, e.marker, e.keyType]),
        [
          [3, undefined, 'ssh-ed25519'],
          [4, undefined, 'ssh-ed25519'],
          [5, 'revoked', 'ssh-rsa'],
          [6, 'cert-authority', 'ecdsa-sha2-nistp256'],
          [14, undefined, 'ecdsa-sha2-nistp256'],
        ],
      );
      assert.equal(entries[0]!.comment, 'dana@laptop');
      assert.ok(entries[0]!.keyBlob.equals(ed.blob));
      assert.deepEqual(
        problems.map((p) => [p.line, p.reason]),
        [
          [7, 'badMarker'],
          [8, 'missingKey'],
          [9, 'badKey'],
          [10, 'keyTypeMismatch'],
          [11, 'badHash'],
          [12, 'badHash'],
          [13, 'badMarker'],
        ],
      );
      assert.match(problems[0]!.message, /^\/home\/dana\/\.ssh\/known_hosts:7: /, 'messages say file and line');
      assert.equal(problems[0]!.file, '/home/dana/.ssh/known_hosts');
    });

    it('reads hashed names that the real ssh-keygen -H wrote, for port 22 and [host]:port', async () => {
      const file = path.join(dir, 'hashed_known_hosts');
      await fsp.writeFile(file, [`127.0.0.1 ${ed.publicText}`, `[127.0.0.1]:2222 ${ed2.publicText}`, `db.example.com,10.1.1.1 ${rsa.publicText}`, ''].join('\n'));
      execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'pipe' });
      const text = await fsp.readFile(file, 'utf8');
      assert.doesNotMatch(text, /127\.0\.0\.1|example|10\.1\.1\.1/, 'ssh-keygen -H really hashed every name');

      const { entries, problems } = parseKnownHosts(text, file);
      assert.deepEqual(problems, []);
      assert.ok(entries.length >= 4 && entries.every((e) => e.names.kind === 'hashed'), 'one hashed line per name');

      assert.equal(lookupHostKey(entries, '127.0.0.1', 22, ed.keyType, ed.blob).status, 'trusted');
      assert.equal(lookupHostKey(entries, '127.0.0.1', 2222, ed2.keyType, ed2.blob).status, 'trusted');
      assert.equal(lookupHostKey(entries, 'db.example.com', 22, rsa.keyType, rsa.blob).status, 'trusted');
      assert.equal(lookupHostKey(entries, 'DB.Example.COM', 22, rsa.keyType, rsa.blob).status, 'trusted', 'names are compared in lower case, as ssh does');
      assert.equal(lookupHostKey(entries, '10.1.1.1', 22, rsa.keyType, rsa.blob).status, 'trusted');
      const moved = lookupHostKey(entries, '127.0.0.1', 2222, ed.keyType, ed.blob);
      assert.equal(moved.status, 'changed');
      assert.deepEqual(moved.knownFingerprints, [ed2.fingerprint]);
      assert.equal(lookupHostKey(entries, '127.0.0.2', 22, ed.keyType, ed.blob).status, 'unknown');
      assert.equal(lookupHostKey(entries, '127.0.0.1', 2223, ed2.keyType, ed2.blob).status, 'unknown');
    });

    it('hashes names the way ssh-keygen looks them up (ssh-keygen -F finds our hashed line)', async () => {
      const file = path.join(dir, 'our_hashed');
      await fsp.writeFile(file, `${hashKnownHostName('[127.0.0.1]:2222')} ${ed.publicText}\n`);
      const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
      assert.match(found, /ssh-ed25519/);
      const notFound = await new Promise<number | null>((resolve) => execFile('ssh-keygen', ['-F', '127.0.0.1', '-f', file], (e) => resolve(e ? (e as { code?: number }).code ?? 1 : 0)));
      assert.notEqual(notFound, 0, 'the [host]:port name does not match the bare host');
    });
  });

  describe('matching and lookup', () => {
    const line = (hosts: string, key: TestKey, marker = '') => `${marker ? `${marker} ` : ''}${hosts} ${key.publicText}`;
    const lookup = (lines: string[], host: string, port: number, key: TestKey) => lookupHostKey(parseKnownHosts(lines.join('\n')).entries, host, port, key.keyType, key.blob);

    it('a plain host line matches port 22 only; [host]:port matches that port only', () => {
      const plain = parseKnownHosts(line('127.0.0.1', ed)).entries[0]!;
      const bracketed = parseKnownHosts(line('[127.0.0.1]:2222', ed)).entries[0]!;
      assert.ok(entryMatchesHost(plain, '127.0.0.1', 22));
      assert.ok(!entryMatchesHost(plain, '127.0.0.1', 2222));
      assert.ok(entryMatchesHost(bracketed, '127.0.0.1', 2222));
      assert.ok(!entryMatchesHost(bracketed, '127.0.0.1', 22));
      assert.equal(lookup([line('[127.0.0.1]:2222', ed)], '127.0.0.1', 22, ed).status, 'unknown');
      assert.equal(lookup([line('[127.0.0.1]:22', ed)], '127.0.0.1', 22, ed).status, 'unknown', 'ssh never looks up [host]:22');
    });

    it('on another port, falls back to the bare host only for the very same key (as OpenSSH)', () => {
      const same = lookup([line('127.0.0.1', ed)], '127.0.0.1', 2222, ed);
      assert.equal(same.status, 'trusted');
      assert.equal(same.matchedLine, 1);
      assert.equal(lookup([line('127.0.0.1', ed2)], '127.0.0.1', 2222, ed).status, 'unknown', 'another key on port 22 says nothing about port 2222');
      assert.equal(lookup([line('[127.0.0.1]:2222', ed2), line('127.0.0.1', ed)], '127.0.0.1', 2222, ed).status, 'changed', 'the port has its own key on file');
      assert.equal(lookup([line('[127.0.0.1]:2222', ed), line('127.0.0.1', ed, '@revoked')], '127.0.0.1', 2222, ed).status, 'revoked', 'a revocation under the bare name refuses (stricter than OpenSSH)');
    });

    it('wildcards * and ? and ! negation, as OpenSSH matches them', () => {
      const entries = parseKnownHosts(line('*.example.com,!bad.example.com,10.0.0.?', ed)).entries;
      const m = (host: string, port = 22) => entryMatchesHost(entries[0]!, host, port);
      assert.ok(m('web.example.com'));
      assert.ok(m('a.b.example.com'), '* crosses dots');
      assert.ok(!m('example.com'));
      assert.ok(!m('bad.example.com'), 'a matching negation vetoes the line');
      assert.ok(m('10.0.0.5'));
      assert.ok(!m('10.0.0.55'), '? is exactly one character');
      assert.ok(!m('web.example.com', 2222), 'the name looked up is [web.example.com]:2222');
      const bracketed = parseKnownHosts(line('[*.example.com]:2222', ed)).entries[0]!;
      assert.ok(entryMatchesHost(bracketed, 'web.example.com', 2222));
      assert.ok(!entryMatchesHost(bracketed, 'web.example.com', 22));
      const star = parseKnownHosts(line('*', ed)).entries[0]!;
      assert.ok(entryMatchesHost(star, 'anything', 2222), 'a bare * matches [host]:port too (OpenSSH matches the whole name)');
      const onlyNegated = parseKnownHosts(line('!web.example.com', ed)).entries[0]!;
      assert.ok(!entryMatchesHost(onlyNegated, 'other.example.com', 22), 'negations alone match nothing');
    });

    it('@revoked wins over a trusted line for the same key; it does not touch other keys', () => {
      const lines = [line('web.example.com', ed), line('*', ed, '@revoked'), line('web.example.com', ed2)];
      const r = lookup(lines, 'web.example.com', 22, ed);
      assert.equal(r.status, 'revoked');
      assert.equal(r.matchedLine, 2);
      assert.equal(lookup(lines, 'web.example.com', 22, ed2).status, 'trusted');
      assert.equal(lookup([line('other.example.com', ed, '@revoked'), line('web.example.com', ed)], 'web.example.com', 22, ed).status, 'trusted', 'a revocation for another host does not apply');
      assert.equal(lookup([line('*', ed, '@revoked')], 'new.example.com', 22, ed).status, 'revoked', 'revoked even where the host is otherwise unknown');
    });

    it('@cert-authority lines never vouch for a plain key and do not make it "changed"', () => {
      assert.equal(lookup([line('*.example.com', ed, '@cert-authority')], 'web.example.com', 22, ed).status, 'unknown');
      assert.equal(lookup([line('*.example.com', ed, '@cert-authority')], 'web.example.com', 22, ed2).status, 'unknown');
    });

    it('changed: another key of the same type, or only keys of another type (as OpenSSH), reporting the known fingerprints', () => {
      const same = lookup([line('web.example.com', ed2)], 'web.example.com', 22, ed);
      assert.equal(same.status, 'changed');
      assert.deepEqual(same.knownFingerprints, [ed2.fingerprint]);
      assert.equal(same.matchedLine, 1);
      const other = lookup([line('web.example.com', rsa)], 'web.example.com', 22, ed);
      assert.equal(other.status, 'changed');
      assert.deepEqual(other.knownKeys?.map((k) => [k.keyType, k.fingerprint]), [['ssh-rsa', rsa.fingerprint]]);
    });

    it('trusted when any line holds the key, even with other keys known (rotation, several servers)', () => {
      const r = lookup([line('web.example.com', ed2), line('web.example.com', rsa), line('web.example.com', ed)], 'web.example.com', 22, ed);
      assert.equal(r.status, 'trusted');
      assert.equal(r.matchedLine, 3);
    });

    it('lists the key types known for a host', () => {
      const entries = parseKnownHosts([line('web.example.com', rsa), line('web.example.com', ed), line('*', ecdsa, '@revoked')].join('\n')).entries;
      assert.deepEqual(knownKeyTypes(entries, 'web.example.com', 22), ['ssh-rsa', 'ssh-ed25519']);
    });

    it('formats a line that parses back to the same key and host', () => {
      const text = formatKnownHostsLine('127.0.0.1', 2222, ed.keyType, ed.blob, 'added\nby test');
      assert.equal(text.split('\n').length, 1);
      const { entries } = parseKnownHosts(text);
      assert.equal(lookupHostKey(entries, '127.0.0.1', 2222, ed.keyType, ed.blob).status, 'trusted');
      assert.equal(entries[0]!.comment, 'added by test');
    });
  });

  describe('files', () => {
    it('default list: the user files, the system files, then the CLI\'s file; ssh config values replace the first two; none is none', () => {
      assert.deepEqual(knownHostsFiles({ homeDir: '/home/dana', configHome: '/home/dana/.config' }), [
        '/home/dana/.ssh/known_hosts',
        '/home/dana/.ssh/known_hosts2',
        '/etc/ssh/ssh_known_hosts',
        '/etc/ssh/ssh_known_hosts2',
        '/home/dana/.config/incident-desk/known_hosts',
      ]);
      assert.deepEqual(knownHostsFiles({ homeDir: '/home/dana', configHome: '/xdg', userKnownHostsFiles: ['~/.ssh/work_hosts', '/srv/hosts'], globalKnownHostsFiles: ['none'] }), [
        '/home/dana/.ssh/work_hosts',
        '/srv/hosts',
        '/xdg/incident-desk/known_hosts',
      ]);
    });

    it('the CLI\'s file: $XDG_CONFIG_HOME/incident-desk/known_hosts, under ~/.config when XDG_CONFIG_HOME is unset or relative', () => {
      assert.equal(cliKnownHostsFile('/home/dana', '/xdg'), '/xdg/incident-desk/known_hosts');
      assert.equal(cliKnownHostsFile('/home/dana', undefined), '/home/dana/.config/incident-desk/known_hosts');
      assert.equal(cliKnownHostsFile('/home/dana', 'relative/cfg'), '/home/dana/.config/incident-desk/known_hosts');
    });

    it('incidentDesk.ssh.knownHostsFiles: relative paths against the workspace folder (never the working folder), ~ and absolute as written', () => {
      const sources = knownHostsSources({
        homeDir: '/home/dana',
        globalKnownHostsFiles: ['none'],
        settingFiles: ['ops/known_hosts', './team/../kh', '~/team_hosts', '/etc/ssh/extra'],
        workspaceFolder: '/repo/shop',
      });
      assert.deepEqual(sources.setting, ['/repo/shop/ops/known_hosts', '/repo/shop/kh', '/home/dana/team_hosts', '/etc/ssh/extra']);
      assert.deepEqual(sources.unresolved, []);
      assert.deepEqual(knownHostsFilesOf(sources), ['/home/dana/.ssh/known_hosts', '/home/dana/.ssh/known_hosts2', ...sources.setting, cliKnownHostsFile('/home/dana')]);
      // No folder open: a relative entry is left out (and reported), never read from process.cwd().
      const none = knownHostsSources({ homeDir: '/home/dana', settingFiles: ['ops/known_hosts', '/abs'] });
      assert.deepEqual([none.setting, none.unresolved], [['/abs'], ['ops/known_hosts']]);
      assert.ok(!knownHostsFiles({ homeDir: '/home/dana', settingFiles: ['ops/known_hosts'] }).some((f) => f.startsWith(process.cwd())));
      assert.equal(resolveSettingFile('~', '/home/dana', '/repo'), '/home/dana');
    });

    it('reads several files in order, skipping missing ones, with file names on entries and problems', async () => {
      const a = path.join(dir, 'a_hosts');
      const b = path.join(dir, 'b_hosts');
      await fsp.writeFile(a, `web ${ed.publicText}\nbroken\n`);
      await fsp.writeFile(b, `db ${rsa.publicText}\n`);
      const { entries, problems } = await readKnownHostsFiles([a, path.join(dir, 'missing'), b]);
      assert.deepEqual(entries.map((e) => [e.file, e.line]), [[a, 1], [b, 1]]);
      assert.deepEqual(problems.map((p) => [p.file, p.line, p.reason]), [[a, 2, 'missingKey']]);
    });

    it('refuses (throws) rather than skips a file it cannot read, so a check fails closed', async () => {
      await assert.rejects(readKnownHostsFiles([dir]), /folder/);
      const big = path.join(dir, 'big_hosts');
      await fsp.writeFile(big, 'x'.repeat(2048));
      await assert.rejects(readKnownHostsFiles([big], 1024), /not read/);
    });
  });

  describe('agrees with the OpenSSH client on the same known_hosts', function () {
    // A real ssh (BatchMode, strict checking) against an ssh2 server presenting `ed`: ssh's verdict
    // read from its messages must equal lookupHostKey's for each file content.
    let server: Server;
    let port: number;

    before(async () => {
      server = new Server({ hostKeys: [ed.privateKey] }, (client) => {
        client.on('authentication', (ctx) => ctx.reject(['publickey']));
        client.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    function sshVerdict(knownHostsFile: string): Promise<HostKeyStatus> {
      const args = [
        '-F', '/dev/null',
        '-o', 'BatchMode=yes',
        '-o', 'StrictHostKeyChecking=yes',
        '-o', `UserKnownHostsFile=${knownHostsFile}`,
        '-o', 'GlobalKnownHostsFile=/dev/null',
        '-o', 'UpdateHostKeys=no',
        '-o', 'CheckHostIP=no',
        '-o', 'ConnectTimeout=10',
        '-p', String(port),
        'nobody@127.0.0.1', 'true',
      ];
      return new Promise((resolve, reject) => {
        execFile('ssh', args, { timeout: 20_000 }, (_err, _stdout, stderr) => {
          if (/REVOKED HOST KEY/.test(stderr)) resolve('revoked');
          else if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) resolve('changed');
          else if (/Permission denied/.test(stderr)) resolve('trusted'); // got past the host key to authentication
          else if (/Host key verification failed/.test(stderr)) resolve('unknown');
          else reject(new Error(`unexpected ssh output: ${stderr}`));
        });
      });
    }

    const cases: [string, () => string[]][] = [
      ['no line for the host', () => [`other.example.com ${ed.publicText}`]],
      ['the key under [127.0.0.1]:port', () => [`[127.0.0.1]:${port} ${ed.publicText}`]],
      ['the key under the bare host (OpenSSH falls back to it)', () => [`127.0.0.1 ${ed.publicText}`]],
      ['another key under the bare host', () => [`127.0.0.1 ${ed2.publicText}`]],
      ['the key under another port', () => [`[127.0.0.1]:${port + 1} ${ed.publicText}`]],
      ['the key under the bare host, another key under the port', () => [`127.0.0.1 ${ed.publicText}`, `[127.0.0.1]:${port} ${ed2.publicText}`]],
      ['another ed25519 key for the host', () => [`[127.0.0.1]:${port} ${ed2.publicText}`]],
      ['only an rsa key for the host', () => [`[127.0.0.1]:${port} ${rsa.publicText}`]],
      ['the key trusted and @revoked', () => [`[127.0.0.1]:${port} ${ed.publicText}`, `@revoked * ${ed.publicText}`]],
      ['the key under a hashed name', () => [`${hashKnownHostName(`[127.0.0.1]:${port}`)} ${ed.publicText}`]],
      ['a wildcard pattern', () => [`[127.0.0.*]:${port} ${ed.publicText}`]],
      ['a wildcard with the host negated', () => [`[127.0.0.*]:${port},![127.0.0.1]:${port} ${ed.publicText}`]],
      ['the key as @cert-authority only', () => [`@cert-authority * ${ed.publicText}`]],
      ['the right key after a bad line', () => ['garbage', `[127.0.0.1]:${port} ${ed.publicText}`]],
    ];
    for (const [title, lines] of cases) {
      it(title, async () => {
        const file = path.join(dir, `parity_${title.replace(/\W+/g, '_')}`);
        const text = `${lines().join('\n')}\n`;
        await fsp.writeFile(file, text);
        const ours = lookupHostKey(parseKnownHosts(text).entries, '127.0.0.1', port, ed.keyType, ed.blob).status;
        assert.equal(ours, await sshVerdict(file));
      });
    }
  });
});
