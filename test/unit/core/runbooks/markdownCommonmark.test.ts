import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../../src/cli/main';
import { MAX_RUNBOOK_BYTES } from '../../../../src/core/runbooks/limits';
import { parseMarkdownRunbook } from '../../../../src/core/runbooks/markdownRunbook';
import type { Runbook, RunbookCommand, RunbookSection, RunbookStep } from '../../../../src/core/runbooks/model';
import { outlineRunbookBytes, parseRunbookText } from '../../../../src/core/runbooks/runbookFile';

// The markdown reader on CommonMark's block structure: what a renderer shows is what is read, and
// nothing hidden (comments, HTML) or shown as plain code (indented blocks) is ever runnable.

const FIXTURE = path.resolve(__dirname, '../../../../../test/fixtures/runbooks/markdown/commonmark.md');

function sections(rb: Runbook): RunbookSection[] {
  const out: RunbookSection[] = [];
  const todo = [...rb.sections].reverse();
  while (todo.length) {
    const s = todo.pop() as RunbookSection;
    out.push(s);
    for (let i = s.sections.length - 1; i >= 0; i--) todo.push(s.sections[i]);
  }
  return out;
}

const steps = (rb: Runbook): RunbookStep[] => sections(rb).flatMap((s) => s.steps);
const commands = (rb: Runbook): RunbookCommand[] => steps(rb).flatMap((s) => s.commands);
const outline = (rb: Runbook): string[] => sections(rb).map((s) => `${s.level} ${s.title}${s.severity ? ` {${s.severity}}` : ''}${s.part ? ` <${s.part}>` : ''}`);
const parse = (text: string, file = 'guide.md'): Runbook => parseMarkdownRunbook(text, file);

describe('markdown runbooks read as CommonMark', () => {
  const text = readFileSync(FIXTURE, 'utf8');

  it('reads a guide with setext headings, a comment, a quote, loose and nested lists, HTML, indented code and a table', () => {
    const rb = parse(text, FIXTURE);
    assert.equal(rb.title, 'Cache node full');
    assert.equal(rb.severity, 'P2', 'a link reference definition between heading and Severity line is invisible');
    assert.deepEqual(outline(rb), ['1 Cache node full {P2}', '2 Symptoms {P2} <symptoms>', '2 Resolution {P2} <resolution>']);
    assert.deepEqual(rb.symptoms, ['Disk usage above 90 % on the cache node', 'Writes fail with ENOSPC']);
    const resolution = sections(rb)[2];
    assert.deepEqual(resolution.steps.map((s) => [s.title, s.line, s.commands.map((c) => [c.run, c.runnable, c.line, c.language])]), [
      // A lazy continuation line keeps the item open: the fence under it is the item's.
      ['Check what is using the space', 21, [['du -sh /var/cache/app/*', true, 24, 'bash']]],
      // A loose item with a paragraph, its own fence, and a nested bullet's fence.
      ['Drain the node', 27, [['kubectl drain [node] --ignore-daemonsets', true, 32, 'bash'], ['kubectl cordon [node]', true, 36, 'bash']]],
      // Inside a block quote: kept, runnable.
      ['Restart the cache', 42, [['systemctl restart [unit]', true, 44, 'bash']]],
      // Indented code: shown, not run.
      ['4.0G  /var/cache/app/blobs', 53, [['4.0G  /var/cache/app/blobs\n12K   /var/cache/app/index', false, 53, '']]],
    ]);
    assert.deepEqual(resolution.checklist, [{ text: 'traffic moved away', checked: false, line: 38 }]);
    assert.deepEqual(rb.diagnostics.map((d) => [d.line, d.column, d.message]), [
      [32, 18, '[node] is asked for before it runs'],
      [36, 21, '[node] is asked for before it runs'],
      [44, 24, '[unit] is asked for before it runs'],
    ]);
    assert.ok(!commands(rb).some((c) => c.run.includes('rm -rf')), 'nothing inside the comment or the HTML block is read');
  });

  it('never reads a step or a command inside an HTML comment or HTML block', () => {
    const rb = parse([
      '# Clean up', '', '1. Look first', '   ```bash', '   ls /var/tmp', '   ```',
      '<!--', '2. Wipe it', '   ```bash', '   rm -rf /var/tmp/*', '   ```', '-->',
      '<!-- 3. rm -rf / -->', '',
      '<pre>', 'rm -rf /srv/data', '</pre>', '',
      '<details>', '<summary>old way</summary>', '1. rm -rf /srv/old', '</details>', '',
      '```bash', 'echo after', '```', '',
    ].join('\n'));
    assert.deepEqual(steps(rb).map((s) => [s.title, s.commands.map((c) => c.run)]), [['Look first', ['ls /var/tmp']], ['echo after', ['echo after']]]);
    assert.deepEqual(rb.diagnostics, []);
  });

  it('reads setext headings as sections, their title as the outline title', () => {
    const rb = parse('Disk full\n=========\n\nSymptoms\n---\n- df shows 100 %\n\nFix (P1)\n--------\n1. Rotate logs\n   ```bash\n   logrotate -f /etc/logrotate.conf\n   ```\n');
    assert.deepEqual(outline(rb), ['1 Disk full', '2 Symptoms <symptoms>', '2 Fix (P1) {P1}']);
    assert.deepEqual(rb.symptoms, ['df shows 100 %']);
    assert.deepEqual(sections(rb)[2].steps.map((s) => [s.title, s.line]), [['Rotate logs', 10]]);
    const head = outlineRunbookBytes(Buffer.from(text), FIXTURE);
    assert.deepEqual([head.partial, head.title, head.severity], [true, 'Cache node full', undefined]);
  });

  it('does not take a table whose first header is `#` for a heading, in the outline or the parse', () => {
    const table = '# | Step | Command\n--- | --- | ---\n1 | Restart | systemctl restart app\n';
    const rb = parse(table, '/r/table-first.md');
    assert.deepEqual([rb.title, steps(rb).length, rb.sections.length], ['table-first', 0, 0]);
    const outlined = outlineRunbookBytes(Buffer.from(table), '/r/table-first.md');
    assert.equal(outlined.title, 'table-first');
    const withTitle = outlineRunbookBytes(Buffer.from(`${table}\n# Real title\n`), '/r/t.md');
    assert.equal(withTitle.title, 'Real title');
  });

  it('lists a runbook by its first-line title exactly as the parse titles it', () => {
    const body = '\n## Steps\n\n```bash\necho hi\n```\n'.repeat(120);
    for (const first of ['# Plain (P1)', '#   Spaced ##  ', '# Hash# kept', '# Closing # #', '#\tTabbed', '   # Indented', '# ###', '#', '# a | b', '\t# code', '    # code', '#nospace', '## Second', '# `code` **bold**']) {
      for (const text of [`${first}\n${body}`, `\n  \n${first}\n# Later\n${body}`, `---\nowner: x\n---\n${first}\n${body}`]) {
        const bytes = Buffer.from(text);
        const listed = outlineRunbookBytes(bytes, '/r/first.md');
        const full = parseRunbookText(text, '/r/first.md');
        assert.equal(listed.title, full.title, JSON.stringify(text.slice(0, 40)));
        if (listed.severity !== undefined) assert.equal(listed.severity, full.severity, JSON.stringify(text.slice(0, 40)));
      }
    }
  });

  it('keeps steps inside block quotes, with lines and columns of the file', () => {
    const rb = parse('# Q\n\n> 1. Restart\n>    ```bash\n>    systemctl restart <unit>\n>    ```\n>\n> > ```sh\n> > uptime\n> > ```\n');
    assert.deepEqual(steps(rb).map((s) => [s.title, s.line, s.commands.map((c) => [c.run, c.line])]), [['Restart', 3, [['systemctl restart <unit>', 5]]], ['uptime', 9, [['uptime', 9]]]]);
    assert.deepEqual(rb.diagnostics.map((d) => [d.line, d.column]), [[5, 24]]);
  });

  it('shows indented code without running it, under its item or on its own', () => {
    const rb = parse('# I\n\n1. Look at the log\n\n       tail -n 50 /var/log/app.log\n\nThen:\n\n\trm -rf /tmp/app-cache\n');
    assert.deepEqual(steps(rb).map((s) => [s.title, s.commands.map((c) => [c.run, c.runnable, c.line])]), [
      ['Look at the log', [['tail -n 50 /var/log/app.log', false, 5]]],
      ['rm -rf /tmp/app-cache', [['rm -rf /tmp/app-cache', false, 9]]],
    ]);
  });

  it('reads CRLF and tabs as LF and spaces', () => {
    const lf = parse(text, FIXTURE);
    assert.deepEqual(parse(text.replace(/\n/g, '\r\n'), FIXTURE), lf);
    const tabs = parse('# T\n\n1.\tRestart\n\t```bash\n\tsystemctl restart app\n\t```\n-\t[x]\tdone\n>\t```bash\n>\techo $X\n>\t```\n');
    assert.deepEqual(steps(tabs).map((s) => [s.title, s.commands.map((c) => [c.run, c.line])]), [['Restart', [['systemctl restart app', 5]]], ['echo $X', [['echo $X', 9]]]]);
    assert.deepEqual(sections(tabs)[0].checklist, [{ text: 'done', checked: true, line: 7 }]);
  });

  it('ignores link reference definitions and tables, whatever they look like', () => {
    const rb = parse('# R\n\n## Check\n[1]: https://wiki.example.com/runbooks "1. rm -rf /"\n**Severity:** SEV2\n\n| 1. | rm -rf / |\n| --- | --- |\n| - [ ] | `kill -9 1` |\n');
    assert.deepEqual(outline(rb), ['1 R', '2 Check {SEV2}']);
    assert.deepEqual([steps(rb).length, sections(rb)[1].checklist.length], [0, 0]);
  });

  it('stays linear and shallow on 10,000 nested quotes and lists, and on a 2 MB file', () => {
    const quotes = parse(`# Deep\n${'> '.repeat(10000)}1. hidden\n\n## After\n1. Still read\n`);
    assert.deepEqual(steps(quotes).map((s) => s.title), ['Still read'], 'content past the limit is dropped, what follows the quote is read');
    assert.match(quotes.diagnostics[0]?.message ?? '', /nested more than 100 levels/);
    for (const marker of ['- ', '1. ', '* 1) ']) {
      const deep = parse(`# Deep lists\n${marker.repeat(10000)}leaf\n\n\`\`\`bash\necho hidden\n\`\`\`\n`);
      // A list too deep swallows the rest of the file: nothing after it is read, and lint says so.
      assert.deepEqual([commands(deep).length, deep.diagnostics.map((d) => d.message.slice(0, 36))], [0, ['lists or quotes nested more than 100']], marker);
    }
    // Near the limit, nesting still works: 40 numbered levels, the fence under the innermost one.
    let nested = '# Nested\n';
    for (let i = 0; i < 40; i++) nested += `${'   '.repeat(i)}1. step ${i}\n`;
    nested += `${'   '.repeat(40)}\`\`\`bash\n${'   '.repeat(40)}echo deep\n${'   '.repeat(40)}\`\`\`\n`;
    const ok = parse(nested);
    assert.equal(steps(ok).length, 40);
    assert.deepEqual(steps(ok)[39].commands.map((c) => c.run), ['echo deep']);
    assert.deepEqual(ok.diagnostics, []);
    // A 2 MB guide of ordinary blocks, just under the cap.
    const unit = '## Step\n\n1. Do it\n   ```bash\n   echo $X\n   ```\n> 1. quoted\n\n<!-- c -->\n\n    code\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n';
    const big = '# Big\n' + unit.repeat(Math.floor((MAX_RUNBOOK_BYTES - 10) / unit.length));
    const started = process.cpuUsage();
    const rb = parse(big);
    const used = process.cpuUsage(started);
    assert.equal(rb.sections[0].sections.length, Math.floor((MAX_RUNBOOK_BYTES - 10) / unit.length));
    assert.ok((used.user + used.system) / 1e6 < 10, `2 MB parsed in ${(used.user + used.system) / 1e6} s of CPU`);
  });

  it('incident-desk runbook --json: the commented-out rm -rf is not there, indented code is not runnable', async () => {
    const out: string[] = [];
    const code = await main(['runbook', FIXTURE, '--json'], { out: (t) => out.push(t), err: () => undefined, version: '9.9.9' });
    assert.equal(code, 0);
    const rb = JSON.parse(out.join('\n')) as Runbook;
    assert.deepEqual(rb, parseRunbookText(text, FIXTURE));
    const runnable = commands(rb).filter((c) => c.runnable).map((c) => c.run);
    assert.deepEqual(runnable, ['du -sh /var/cache/app/*', 'kubectl drain [node] --ignore-daemonsets', 'kubectl cordon [node]', 'systemctl restart [unit]']);
  });
});
