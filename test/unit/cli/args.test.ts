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
