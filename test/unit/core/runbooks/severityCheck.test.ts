import * as assert from 'node:assert/strict';
import { parseMarkdownRunbook } from '../../../../src/core/runbooks/markdownRunbook';
import { unknownSeverities } from '../../../../src/core/runbooks/severityCheck';

const GUIDE = ['# Guide', '', '## P0 - Critical', '', '### Site down', '1. **Look**', '   ```bash', '   uptime', '   ```', '', '## P2 - Medium', '', '### Slow pages', ''].join('\n');

describe('unknownSeverities', () => {
  it('warns once at each heading that writes an id the policy lacks, not where it is inherited', () => {
    const diags = unknownSeverities(parseMarkdownRunbook(GUIDE, 'guide.md'), ['P1', 'P2', 'P3', 'P4']);
    assert.deepEqual(diags.map((d) => [d.line, d.severity, d.message]), [[3, 'warning', "severity P0 is not in this workspace's policy (P1, P2, P3, P4)"]]);
  });

  it('is silent when the policy has every id, and for labels such as High', () => {
    assert.deepEqual(unknownSeverities(parseMarkdownRunbook(GUIDE, 'guide.md'), ['P0', 'P1', 'P2', 'P3']), []);
    const labelled = parseMarkdownRunbook('# Outage\n\n**Severity:** High\n\n## Steps\n', 'x.md');
    assert.deepEqual(unknownSeverities(labelled, ['P1']), []);
  });
});
