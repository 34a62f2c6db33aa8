import * as assert from 'node:assert/strict';
import { mergeHostProfiles } from '../../../../src/services/ssh/hostProfiles';

// The `deploy` field of a host (incidentDesk.hosts[].deploy): the host's own redeploy commands.

const env = { homeDir: '/home/dana', localUser: 'dana' };

describe('mergeHostProfiles: deploy commands', () => {
  it('a list of commands is kept as given (trimmed); no list: no field', () => {
    const { profiles, problems } = mergeHostProfiles(
      [
        { name: 'web', host: 'web.example.com', workDir: '/srv/app', deploy: ['git checkout --detach ${sha}', '  ./deploy.sh  '] },
        { name: 'api', host: 'api.example.com' },
      ],
      undefined,
      env,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(profiles.find((p) => p.name === 'web')!.deploy, ['git checkout --detach ${sha}', './deploy.sh']);
    assert.equal('deploy' in profiles.find((p) => p.name === 'api')!, false);
  });

  it('not a non-empty list of non-empty strings: the host is dropped with the reason', () => {
    for (const deploy of [[], 'git checkout', [''], [42], ['ok', '   ']]) {
      const { profiles, problems } = mergeHostProfiles([{ name: 'web', host: 'web.example.com', deploy }], undefined, env);
      assert.equal(profiles.length, 0, JSON.stringify(deploy));
      assert.ok(problems.some((p) => /"deploy" must be a non-empty list of commands/.test(p.message)), JSON.stringify(problems));
    }
  });
});

describe('mergeHostProfiles: the compose service', () => {
  it('a compose service name is kept; none: no field', () => {
    const { profiles, problems } = mergeHostProfiles([{ name: 'web', host: 'web.example.com', service: ' web ' }, { name: 'api', host: 'api.example.com' }], undefined, env);
    assert.deepEqual(problems, []);
    assert.equal(profiles.find((p) => p.name === 'web')!.service, 'web');
    assert.equal('service' in profiles.find((p) => p.name === 'api')!, false);
  });

  it('not a service name (a label filter could be bent by it): the host is dropped with the reason', () => {
    for (const service of ['', 'web,label=x', '-web', 'we b', 42]) {
      const { profiles, problems } = mergeHostProfiles([{ name: 'web', host: 'web.example.com', service }], undefined, env);
      assert.equal(profiles.length, 0, JSON.stringify(service));
      assert.ok(problems.some((p) => /"service" must be a compose service name/.test(p.message)), JSON.stringify(problems));
    }
  });
});
