import * as assert from 'node:assert/strict';
import { parseCliArgs } from '../../../src/cli/args';
import { parseIsoTime } from '../../../src/cli/deployArgs';

const message = (argv: string[]) => {
  const c = parseCliArgs(argv);
  return c.kind === 'usage' ? c.message : c.kind;
};

describe('CLI arguments of deploy record and stable', () => {
  it('deploy record: every option, defaults production and succeeded, --at to UTC', () => {
    assert.deepEqual(parseCliArgs(['deploy', 'record', '--sha', 'v1.2', '--host', 'web-1', '--service', 'web', '--env', 'staging', '--status', 'failed', '--at', '2026-11-02T12:00:00+02:00', '--by', 'CI bot', '--from', 'v1.3', '--repo', 'app']), {
      kind: 'deploy-record', sha: 'v1.2', host: 'web-1', service: 'web', env: 'staging', status: 'failed', at: '2026-11-02T10:00:00.000Z', by: 'CI bot', from: 'v1.3', repo: 'app', fetch: true, push: false,
    });
    assert.deepEqual(parseCliArgs(['deploy', 'record', '--sha', 'HEAD']), { kind: 'deploy-record', sha: 'HEAD', host: undefined, service: undefined, env: 'production', status: 'succeeded', at: undefined, by: undefined, from: undefined, repo: undefined, fetch: true, push: false });
    assert.equal((parseCliArgs(['deploy', 'record', '--sha', 'HEAD', '--no-fetch']) as { fetch: boolean }).fetch, false);
  });

  it('stable: every option', () => {
    assert.deepEqual(parseCliArgs(['stable', '--repo', 'app', '--incident', 'incidents/x', '--service', 'web', '--json', '--no-fetch']), { kind: 'stable', repo: 'app', incident: 'incidents/x', before: undefined, service: 'web', env: 'production', json: true, fetch: false });
    assert.deepEqual(parseCliArgs(['stable', '--before', '2026-11-02T10:00Z']), { kind: 'stable', repo: undefined, incident: undefined, before: '2026-11-02T10:00:00.000Z', service: undefined, env: 'production', json: false, fetch: true });
  });

  it('usage errors', () => {
    assert.match(message(['deploy']), /deploy record --sha/);
    assert.match(message(['deploy', 'record']), /needs --sha/);
    assert.match(message(['deploy', 'record', '--sha', 'x', '--status', 'ok']), /expected succeeded or failed/);
    assert.match(message(['deploy', 'record', '--sha', 'x', '--at', '2026-11-02 10:00']), /ISO-8601 time with a zone/);
    assert.match(message(['deploy', 'record', '--sha', 'x', '--service=-x']), /expected a name without spaces/);
    assert.match(message(['deploy', 'record', '--sha', 'x', '--json']), /not an option of `deploy record`/);
    assert.match(message(['stable', '--incident', 'incidents/x', '--before', '2026-11-02T10:00Z']), /give one/);
    assert.match(message(['stable', '--sha', 'x']), /not an option of `stable`/);
    assert.match(message(['stable', '--push']), /not an option of `stable`/);
    assert.match(message(['stable', 'extra']), /no positional arguments/);
    assert.match(message(['report', '--service', 'web']), /option of `deploy record` or `stable`/);
    assert.match(message(['lint', 'x', '--host', 'h']), /option of `run`/);
  });

  it('ISO times need a zone and a real date', () => {
    assert.equal(parseIsoTime('2026-11-02T10:00:00Z'), '2026-11-02T10:00:00.000Z');
    assert.equal(parseIsoTime('2026-11-02T10:00:00'), undefined);
    assert.equal(parseIsoTime('yesterday'), undefined);
  });
});
