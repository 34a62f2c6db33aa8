import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_RUNBOOK_BYTES } from '../../../../src/core/runbooks/limits';
import { parseMarkdownRunbook } from '../../../../src/core/runbooks/markdownRunbook';
import { find, outline } from '../../support/runbookShape';

const repoRoot = path.resolve(__dirname, '../../../../..');
const FIXTURES = path.resolve(repoRoot, 'test', 'fixtures', 'runbooks', 'markdown');

describe('parseMarkdownRunbook', () => {
  it('reads a fixture with front matter, SEV headings, bold labels, fences of every kind', () => {
    const file = path.join(FIXTURES, 'queue-backlog.md');
    const rb = parseMarkdownRunbook(readFileSync(file, 'utf8'), file);
    assert.equal(rb.title, 'Queue backlog');
    assert.deepEqual(outline(rb.sections), ['1 Queue Backlog Runbook', '2 SEV2 Worker queue is growing {SEV2}', '3 Symptoms {SEV2} <symptoms>', '3 Investigation {SEV2} <diagnosis>', '3 Fix {SEV2} <resolution>', '2 Checklist']);
    assert.deepEqual(rb.symptoms, ['Jobs wait longer than 5 min', 'Alert: queue depth above threshold']);
    const inv = find(rb, 'Investigation');
    assert.deepEqual(inv.steps.map((s) => ({ title: s.title, line: s.line, commands: s.commands.map((c) => ({ ...c })) })), [
      { title: 'Look at the workers', line: 13, commands: [{ language: 'sh', run: 'kubectl get pods -l app=worker', runnable: true, placeholders: [], line: 16, label: 'How many are alive' }] },
      { title: 'Count waiting jobs', line: 18, commands: [{ language: 'bash', run: 'redis-cli -u $QUEUE_URL llen jobs \\\n  --no-raw', runnable: true, placeholders: [{ token: '$QUEUE_URL', name: 'QUEUE_URL', kind: 'env' }], line: 20 }] },
    ]);
    const fix = find(rb, 'Fix');
    assert.deepEqual(fix.steps.map((s) => [s.title, s.commands.map((c) => [c.run, c.runnable, c.placeholders.map((p) => p.token)])]), [
      ['Scale up', [['kubectl scale deploy/worker --replicas=[replicas]', true, ['[replicas]']]]],
      ['Write a note', [["cat <<'NOTE' > /tmp/note.txt\nscaled by $ME at <time>\nNOTE", true, ['<time>']]]],
      ['SELECT count(*) FROM jobs;', [['SELECT count(*) FROM jobs;', false, []]]],
    ]);
    assert.deepEqual(find(rb, 'Checklist').checklist, [{ text: 'Queue drained', checked: false, line: 44 }, { text: 'Owner paged', checked: true, line: 45 }]);
  });

  it('reads CRLF, a BOM and tab-indented blocks the same as LF', () => {
    const lf = '# T\n\n## Fix (P1)\n1. Restart\n\t```bash\n\tsystemctl restart app\n\t```\n';
    const a = parseMarkdownRunbook(lf, 'a.md');
    const b = parseMarkdownRunbook('\uFEFF' + lf.replace(/\n/g, '\r\n'), 'a.md');
    assert.deepEqual(b, a);
    assert.deepEqual(a.sections[0].sections[0].steps, [{ title: 'Restart', line: 4, commands: [{ language: 'bash', run: 'systemctl restart app', runnable: true, placeholders: [], line: 6 }] }]);
    assert.equal(a.sections[0].sections[0].severity, 'P1');
  });

  it('warns about an unclosed fence and reads the rest as its content', () => {
    const rb = parseMarkdownRunbook('# T\n```bash\necho one\n## not a heading\n', 't.md');
    assert.deepEqual(rb.diagnostics, [{ severity: 'warning', message: 'code block opened here is never closed; the rest of the file is read as its content', line: 2, column: 1 }]);
    assert.deepEqual(rb.sections[0].sections, []);
    // The `## …` line is a comment in the block, a remark under its command: shown, not run.
    assert.deepEqual(rb.sections[0].steps.map((s) => s.commands.map((c) => [c.run, c.runnable])), [[['echo one', true], ['not a heading', false]]]);
  });

  it('refuses a binary file and a file over the cap with one error', () => {
    const bin = parseMarkdownRunbook('# x\n\0\0\x01', 'logo.md');
    assert.deepEqual(bin, { file: 'logo.md', format: 'markdown', title: 'logo', services: [], symptoms: [], sections: [], diagnostics: [{ severity: 'error', message: 'binary file (contains NUL bytes); not read as a runbook', line: 2, column: 1 }] });
    const huge = parseMarkdownRunbook('# big\n' + 'x'.repeat(MAX_RUNBOOK_BYTES), 'big.md');
    assert.equal(huge.sections.length, 0);
    assert.deepEqual(huge.diagnostics.map((d) => d.severity), ['error']);
    const multiByte = parseMarkdownRunbook('é'.repeat(MAX_RUNBOOK_BYTES / 2 + 1), 'wide.md');
    assert.deepEqual(multiByte.diagnostics.map((d) => d.severity), ['error'], 'the cap is in UTF-8 bytes');
  });

  it('survives 20,000-deep nesting (markers, quotes, headings) and deep indentation without recursion', () => {
    const markers = '# Deep\n' + '- '.repeat(20000) + 'leaf\n' + '> '.repeat(20000) + '1. quoted\n';
    assert.equal(parseMarkdownRunbook(markers, 'm.md').sections[0].steps.length, 0);
    // Each item nested under the one before (CommonMark: indented to its text), 40 levels.
    let nested = '# Nested\n';
    let indent = 0;
    for (let i = 0; i < 40; i++) {
      nested += `${' '.repeat(indent)}${i % 2 ? '-' : '1.'} item ${i}\n`;
      indent += i % 2 ? 2 : 3;
    }
    nested += `${' '.repeat(indent)}\`\`\`bash\n${' '.repeat(indent)}echo deep\n${' '.repeat(indent)}\`\`\`\n`;
    const rb = parseMarkdownRunbook(nested, 'deep.md');
    assert.equal(rb.sections[0].steps.length, 20);
    assert.deepEqual(rb.sections[0].steps[19].commands.map((c) => c.run), ['echo deep']);
    let many = '';
    for (let i = 0; i < 20000; i++) many += `${'#'.repeat((i % 6) + 1)} h${i}\n`;
    const rb2 = parseMarkdownRunbook(many, 'many.md');
    assert.equal(rb2.sections.length, 3334);
    assert.doesNotThrow(() => JSON.stringify(rb2));
  });

  it('takes the file name as title without an H1, and keeps content before the first heading', () => {
    const rb = parseMarkdownRunbook('```bash\nuptime\n```\n## Later\n', 'docs/runbooks/cpu-high.md');
    assert.equal(rb.title, 'cpu-high');
    assert.deepEqual(outline(rb.sections), ['0 cpu-high', '2 Later']);
    assert.deepEqual(rb.sections[0].steps.map((s) => s.title), ['uptime']);
  });

  it('strips console prompts, ignores output, and shows powershell without running it', () => {
    const rb = parseMarkdownRunbook('# C\n```console\n$ df -h\nFilesystem Size\n$ echo done\ndone\n```\n```powershell\nRestart-Service W3SVC\n```\n', 'c.md');
    assert.deepEqual(rb.sections[0].steps.map((s) => s.commands.map((c) => [c.language, c.run, c.runnable])), [[['console', 'df -h', true], ['console', 'echo done', true]], [['powershell', 'Restart-Service W3SVC', false]]]);
  });

  it('reads Severity lines and (P0)/Sev 1 headings, inherited by deeper sections', () => {
    const rb = parseMarkdownRunbook('# Guide\n## Outage (P0)\n### Steps\n## Slow\n**Severity:** High\n### Sev 1 escalation\n', 'g.md');
    assert.deepEqual(outline(rb.sections), ['1 Guide', '2 Outage (P0) {P0}', '3 Steps {P0} <resolution>', '2 Slow {High}', '3 Sev 1 escalation {SEV1}']);
  });
});
