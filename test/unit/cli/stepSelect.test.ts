import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseRunbookText } from '../../../src/core/runbooks/runbookFile';
import { allSteps, formatStepPath, selectStep, splitStepPath } from '../../../src/cli/stepSelect';

const RUNBOOK = `# Ops

## API

### Checks
1. Ping
   \`\`\`bash
   curl -fsS localhost/health
   \`\`\`

### Fix
1. Ping
   \`\`\`bash
   echo again
   \`\`\`

## Cache / Redis

### Checks
1. Ping
   \`\`\`bash
   redis-cli ping
   \`\`\`
`;

describe('CLI step selection', () => {
  const runbook = parseRunbookText(RUNBOOK, 'ops.md');
  const lineOf = (selector: string) => {
    const s = selectStep(runbook, selector);
    return s.kind === 'found' ? s.step.step.line : s.kind;
  };

  it('a path of headings ending in the step, matched from the end; the shortest unique suffix is enough', () => {
    assert.equal(lineOf('API/Checks/Ping'), 6);
    assert.equal(lineOf('Fix/Ping'), 12);
    assert.equal(lineOf('Ops/API/Fix/Ping'), 12);
    assert.equal(lineOf('Cache \\/ Redis/Checks/Ping'), 20);
    assert.equal(lineOf('cache \\/ redis/checks/ping'), 20, 'case is ignored when nothing matches exactly');
  });

  it('ambiguous and unknown', () => {
    assert.equal(lineOf('Ping'), 'ambiguous');
    assert.equal(lineOf('Checks/Ping'), 'ambiguous');
    assert.equal(lineOf('Cache/Redis/Checks/Ping'), 'unknown', 'an unescaped / splits the heading');
    assert.equal(lineOf('Pong'), 'unknown');
  });

  it('a line number: the step\'s own line or a line of its commands', () => {
    assert.equal(lineOf('12'), 12);
    assert.equal(lineOf('14'), 12);
    assert.equal(lineOf('3'), 'unknown');
  });

  it('formatStepPath and splitStepPath are inverse for any headings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' b', '/', '\\', 'é', 'x') }).map((s) => s.trim()), { minLength: 1, maxLength: 5 }), (path) => {
        assert.deepEqual(splitStepPath(formatStepPath(path)), path);
      }),
    );
  });

  it('every step\'s own formatted path selects it, unless two steps share the whole path', () => {
    for (const s of allSteps(runbook)) {
      const found = selectStep(runbook, formatStepPath(s.path));
      assert.equal(found.kind === 'found' && found.step.step, s.step);
    }
  });
});
