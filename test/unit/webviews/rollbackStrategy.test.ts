// The Strategy step's choices without a host to ask (the host's own deploy list, the team's
// command, no host, an untrusted workspace): which strategy is preselected, what each says before
// anything runs. The compose detection and the revert plan run against real hosts and
// repositories in test/integration/rollbackRun.test.ts.
import * as assert from 'node:assert/strict';
import type { HostProfile } from '../../../src/services/ssh/hostProfiles';
import { readStrategies, type HostsPort } from '../../../src/webviews/rollback/rollbackStrategy';

const SHA = 'c'.repeat(40);
const host = (p: Partial<HostProfile> & { name: string }): HostProfile => ({ host: 'web.example.com', port: 22, user: 'ops', source: 'settings', ...p });
function hosts(list: HostProfile[]): HostsPort & { asked: string[] } {
  const asked: string[] = [];
  return { asked, ready: async () => undefined, all: () => list, connection: async (name) => { asked.push(name); throw new Error('not in this test'); } };
}
const read = (h: HostsPort, o: { host?: string; team?: string; trusted?: boolean } = {}) =>
  readStrategies({ hosts: h, host: o.host, sha: SHA, live: 'd'.repeat(40), incidentId: '2026-12-01-x', repo: null, teamCommand: o.team ?? '', trusted: o.trusted ?? true });

describe('rollback wizard strategies', () => {
  it('a host with its own deploy list: redeploy preselected with its commands filled in; the host is not asked', async () => {
    const h = hosts([host({ name: 'web-1', workDir: '/srv/app', deploy: ['git checkout --detach ${sha}', './deploy.sh ${short_sha}'] })]);
    const { data } = await read(h, { team: './rollback.sh ${sha}' });
    const redeploy = data.options.find((o) => o.strategy === 'redeploy')!;
    assert.deepEqual([redeploy.available, redeploy.preferred], [true, true]);
    assert.deepEqual(redeploy.commands.map((c) => c.command), [`git checkout --detach ${SHA}`, `./deploy.sh ${SHA.slice(0, 12)}`]);
    assert.equal(redeploy.where, 'on web-1, in /srv/app');
    assert.equal(data.options.find((o) => o.strategy === 'teamCommand')!.commands[0]!.command, `./rollback.sh ${SHA}`);
    assert.deepEqual(h.asked, []);
    assert.match(data.options.find((o) => o.strategy === 'revert')!.problems.join(), /no repository/);
  });

  it('a host with neither a work dir nor a deploy list: the team\'s command preselected when set', async () => {
    const { data } = await read(hosts([host({ name: 'bare' })]), { team: 'platform rollback --to ${sha}' });
    const team = data.options.find((o) => o.strategy === 'teamCommand')!;
    assert.deepEqual([team.available, team.preferred], [true, true]);
    assert.match(team.notes.join(), /login user's home/);
    assert.match(data.options.find((o) => o.strategy === 'redeploy')!.problems.join(), /no workDir/);
  });

  it('no host configured: says how to add one; nothing can run on a host', async () => {
    const { data } = await read(hosts([]));
    assert.equal(data.host, null);
    assert.match(data.hostProblem ?? '', /incidentDesk\.hosts/);
    assert.ok(data.options.filter((o) => o.strategy !== 'revert').every((o) => !o.available));
  });

  it('untrusted: every host strategy says why it cannot run, the commands still shown; the host is not asked', async () => {
    const h = hosts([host({ name: 'web-1', workDir: '/srv/app' }), host({ name: 'web-2', workDir: '/srv/app', deploy: ['./deploy.sh'] })]);
    for (const name of ['web-1', 'web-2']) {
      const { data } = await read(h, { host: name, team: './rollback.sh ${sha}', trusted: false });
      for (const o of data.options.filter((x) => x.strategy !== 'revert')) {
        assert.equal(o.available, false);
        assert.match(o.problems[0] ?? '', /needs a trusted workspace/);
      }
      assert.equal(data.options.find((o) => o.strategy === 'teamCommand')!.commands[0]!.command, `./rollback.sh ${SHA}`);
    }
    assert.deepEqual(h.asked, []);
  });

  it('a host that cannot be asked which compose it has: the default redeploy says why, once', async () => {
    const h = hosts([host({ name: 'web-1', workDir: '/srv/app' })]);
    const { data } = await read(h);
    assert.deepEqual(h.asked, ['web-1']);
    const redeploy = data.options.find((o) => o.strategy === 'redeploy')!;
    assert.equal(redeploy.available, false);
    assert.deepEqual(redeploy.problems, ['web-1 could not be asked which compose it has: not in this test']);
  });
});
