import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fc from 'fast-check';
import { planRedeploy } from '../../../../src/core/rollback/redeployPlan';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const host = { name: 'web-1', workDir: '/srv/shop', composeFile: 'docker-compose.prod.yml' };

function commands(plan: ReturnType<typeof planRedeploy>): string[] {
  assert.equal(plan.kind, 'plan', JSON.stringify(plan));
  return plan.kind === 'plan' ? plan.commands.map((c) => c.command) : [];
}

describe('redeploy plan: the exact commands, before anything runs', () => {
  it('default: fetch only when the target is missing, detached checkout, compose v2 up with the file', () => {
    const plan = planRedeploy({ strategy: 'redeploy', sha: SHA, host, compose: 'docker compose' });
    assert.deepEqual(commands(plan), [
      `git cat-file -e '${SHA}^{commit}' 2>/dev/null || git fetch --quiet origin`,
      `git checkout --quiet --detach ${SHA}`,
      'docker compose -f docker-compose.prod.yml up -d --build --remove-orphans',
    ]);
    assert.equal(plan.kind === 'plan' && plan.cwd, '/srv/shop');
  });

  it('a host without the v2 plugin: docker-compose; no compose file: no -f', () => {
    const plan = planRedeploy({ strategy: 'redeploy', sha: SHA, host: { name: 'h', workDir: 'shop' }, compose: 'docker-compose' });
    assert.equal(commands(plan)[2], 'docker-compose up -d --build --remove-orphans');
  });

  it('refuses: an abbreviated or non-hex target, no work dir, no compose, an empty deploy list', () => {
    for (const sha of ['0123456', SHA.toUpperCase(), `${SHA};true`, '--help', 'HEAD']) {
      const plan = planRedeploy({ strategy: 'redeploy', sha, host, compose: 'docker compose' });
      assert.ok(plan.kind === 'refused' && /not a full commit id/.test(plan.problems[0]!), sha);
    }
    assert.match(JSON.stringify(planRedeploy({ strategy: 'redeploy', sha: SHA, host: { name: 'h' }, compose: 'docker compose' })), /no workDir/);
    assert.match(JSON.stringify(planRedeploy({ strategy: 'redeploy', sha: SHA, host })), /neither the docker compose plugin nor docker-compose/);
    const empty = planRedeploy({ strategy: 'redeploy', sha: SHA, host: { ...host, deploy: [] } });
    assert.ok(empty.kind === 'refused' && /empty "deploy" list/.test(empty.problems[0]!));
  });

  it("the host's deploy list: ${sha} and the paths filled, each quoted for where it sits (single quotes: literal)", () => {
    const workDir = `/srv/it's "$(touch x)"; rm -rf /`;
    const plan = planRedeploy({
      strategy: 'redeploy',
      sha: SHA,
      host: { name: 'h', workDir, deploy: ['git checkout --detach ${sha}', 'echo "in ${work_dir} at ${short_sha}"', "echo '${work_dir}'", './deploy.sh'] },
    });
    const [a, b, c, d] = commands(plan);
    assert.equal(a, `git checkout --detach ${SHA}`);
    assert.equal(d, './deploy.sh');
    // What sh makes of them: exactly the values, nothing run.
    assert.equal(execFileSync('sh', ['-c', b!], { encoding: 'utf8' }), `in ${workDir} at ${SHA.slice(0, 12)}\n`);
    // Inside single quotes the user asked sh for the text itself: left as written, as sh would.
    assert.equal(execFileSync('sh', ['-c', c!], { encoding: 'utf8' }), '${work_dir}\n');
  });

  it('a deploy command using ${work_dir} on a host without one is refused', () => {
    const plan = planRedeploy({ strategy: 'redeploy', sha: SHA, host: { name: 'h', deploy: ['cd ${work_dir}'] } });
    assert.ok(plan.kind === 'refused' && /has no workDir/.test(plan.problems.join()), JSON.stringify(plan));
  });

  it("the team's command: ${sha} filled; without ${sha} a note; none configured: refused", () => {
    assert.deepEqual(commands(planRedeploy({ strategy: 'teamCommand', sha: SHA, host, teamCommand: './infra/scripts/rollback.sh ${sha}' })), [`./infra/scripts/rollback.sh ${SHA}`]);
    const plain = planRedeploy({ strategy: 'teamCommand', sha: SHA, host: { name: 'h' }, teamCommand: 'make rollback' });
    assert.ok(plain.kind === 'plan' && plain.notes.some((n) => /does not use/.test(n)) && plain.notes.some((n) => /home folder/.test(n)));
    assert.equal(planRedeploy({ strategy: 'teamCommand', sha: SHA, host }).kind, 'refused');
  });

  it('property: any work dir / compose file reaches sh as exactly one word (the default plan and ${…} in a deploy command)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\0\n\r]/.test(s)), (value) => {
        const plan = planRedeploy({ strategy: 'redeploy', sha: SHA, host: { name: 'h', workDir: value, composeFile: value }, compose: 'docker compose' });
        const up = commands(plan)[2]!.replace(/^docker compose/, 'printf "%s\\n"');
        assert.equal(execFileSync('sh', ['-c', up], { encoding: 'utf8' }), `-f\n${value}\nup\n-d\n--build\n--remove-orphans\n`);
        const listed = planRedeploy({ strategy: 'redeploy', sha: SHA, host: { name: 'h', workDir: value, deploy: ['printf "%s|" ${work_dir} "${work_dir}"'] } });
        if (listed.kind === 'refused') return; // a value the filler cannot place is refused, never run
        assert.equal(execFileSync('sh', ['-c', listed.commands[0]!.command], { encoding: 'utf8' }), `${value}|${value}|`);
      }),
      { numRuns: 60 },
    );
  });
});
