import * as assert from 'node:assert/strict';
import { parseCliArgs } from '../../../src/cli/args';

describe('CLI arguments of run', () => {
  it('every option; --set repeated, a later one wins, a value may hold = and spaces', () => {
    assert.deepEqual(
      parseCliArgs(['run', 'rb.md', 'Fix/Ping', '--set', 'a=1', '--set', 'b=x = y', '--set', 'a=2', '--host', 'db', '--incident', 'incidents/x', '--dry-run', '--yes', '--accept-new', '--trust-workspace', '--allow-dangerous']),
      { kind: 'run', runbook: 'rb.md', step: 'Fix/Ping', values: { a: '2', b: 'x = y' }, host: 'db', incident: 'incidents/x', dryRun: true, yes: true, acceptNew: true, trustWorkspace: true, allowDangerous: true },
    );
    const plain = parseCliArgs(['run', 'rb.md', '12']);
    assert.equal(plain.kind === 'run' && [plain.yes, plain.dryRun, plain.acceptNew, plain.trustWorkspace, plain.allowDangerous].some(Boolean), false, 'every flag off by default');
  });

  it('usage errors', () => {
    const message = (argv: string[]) => {
      const c = parseCliArgs(argv);
      return c.kind === 'usage' ? c.message : c.kind;
    };
    assert.match(message(['run', 'rb.md']), /a runbook file and a step/);
    assert.match(message(['run', 'rb.md', 's', '--set', 'novalue']), /expected name=value/);
    assert.match(message(['run', 'rb.md', 's', '--set', '=v']), /expected name=value/);
    assert.match(message(['lint', 'x', '--yes']), /--yes is an option of `run`/);
    assert.match(message(['run', 'rb.md', 's', '--json']), /not options of `run`/);
  });
});

describe('CLI arguments of postmortem, check and report', () => {
  it('parses each command and its options', () => {
    assert.deepEqual(parseCliArgs(['postmortem', 'incidents/x', '--write']), { kind: 'postmortem', incident: 'incidents/x', write: true, refresh: false });
    assert.deepEqual(parseCliArgs(['check', '--due', '2d']), { kind: 'check', workspace: undefined, dueHours: 48 });
    assert.deepEqual(parseCliArgs(['check', '--due', '36', 'repo']), { kind: 'check', workspace: 'repo', dueHours: 36 });
    assert.deepEqual(parseCliArgs(['report', '--since', '90d', '--json']), { kind: 'report', workspace: undefined, since: { kind: 'span', ms: 90 * 86_400_000, text: '90d' }, json: true });
    assert.deepEqual(parseCliArgs(['report', '--since', '2026-09-01']), { kind: 'report', workspace: undefined, since: { kind: 'date', ms: Date.parse('2026-09-01T00:00:00Z'), text: '2026-09-01' }, json: false });
  });

  it('usage errors', () => {
    const message = (argv: string[]) => {
      const c = parseCliArgs(argv);
      return c.kind === 'usage' ? c.message : c.kind;
    };
    assert.match(message(['postmortem']), /one incident folder/);
    assert.match(message(['postmortem', 'x', '--write', '--refresh']), /give one/);
    assert.match(message(['check', '--due', '0h']), /expected hours or days/);
    assert.match(message(['report', '--since', '2026-02-30']), /expected a span/);
    assert.match(message(['report', '--write']), /not an option of `report`/);
    assert.match(message(['lint', 'x', '--since', '1d']), /option of `postmortem`, `check` or `report`/);
    assert.match(message(['check', '--strict']), /options of `lint`/);
  });
});
