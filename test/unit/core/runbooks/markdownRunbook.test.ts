import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_RUNBOOK_BYTES } from '../../../../src/core/runbooks/limits';
import { parseMarkdownRunbook } from '../../../../src/core/runbooks/markdownRunbook';
import type { Runbook, RunbookSection } from '../../../../src/core/runbooks/model';

const repoRoot = path.resolve(__dirname, '../../../../..');
const SEEDS = path.resolve(repoRoot, '..', 'shared', 'seeds');
const FIXTURES = path.resolve(repoRoot, 'test', 'fixtures', 'runbooks', 'markdown');

function seed(name: string): Runbook {
  const file = path.join(SEEDS, name);
  if (!existsSync(file)) throw new Error(`seed guide ${file} is missing: these tests need ../shared/seeds next to the repo`);
  return parseMarkdownRunbook(readFileSync(file, 'utf8'), file);
}

/** Sections depth-first, as `level title {severity} <part>` lines. */
function outline(sections: RunbookSection[]): string[] {
  const out: string[] = [];
  const todo = [...sections].reverse();
  while (todo.length) {
    const s = todo.pop() as RunbookSection;
    out.push(`${s.level} ${s.title}${s.severity ? ` {${s.severity}}` : ''}${s.part ? ` <${s.part}>` : ''}`);
    for (let i = s.sections.length - 1; i >= 0; i--) todo.push(s.sections[i]);
  }
  return out;
}

function find(rb: Runbook, title: string, under?: string): RunbookSection {
  const todo = [...rb.sections];
  let scope: RunbookSection[] = todo;
  if (under) scope = [find(rb, under)];
  const stack = [...scope];
  while (stack.length) {
    const s = stack.pop() as RunbookSection;
    if (s.title === title) return s;
    stack.push(...s.sections);
  }
  throw new Error(`no section ${title}`);
}

describe('parseMarkdownRunbook', () => {
  describe('seed guides (../shared/seeds)', () => {
    it('reads the guide with mojibake emoji headings and bullet-nested blocks', () => {
      const rb = seed('000_bef64ba36590c233.txt');
      assert.equal(rb.title, 'Incident Response Plan (Nepal Context)');
      assert.deepEqual(outline(rb.sections), [
        '1 Incident Response Plan (Nepal Context)',
        '2 Power Outage Response (Load Shedding / Grid Failure) {High}',
        '3 1. Servers (Hosting Environment) {High}',
        '3 2. Retailer Connectivity (The "Offline" User) {High}',
        '2 ISP / Internet Failure (WorldLink, Classic Tech, etc.) {Medium}',
        '3 Symptoms {Medium} <symptoms>',
        '3 Procedures {Medium} <resolution>',
        '2 System Crash / 500 Errors {Critical}',
        '3 1. Immediate Action {Critical} <immediate>',
        '3 2. Communication {Critical} <communication>',
        '2 Emergency Contacts',
        '2 Post-Incident Review <postIncident>',
      ]);
      assert.deepEqual(rb.symptoms, ['"Connection Refused" logs.', 'WhatsApp Webhook timeouts.']);
      assert.deepEqual(find(rb, 'Procedures').steps.map((s) => [s.title, s.line, s.commands.length]), [['Switch ISP', 31, 0], ['Check Cloud Provider', 33, 0], ['Webhook Retries', 36, 0]]);
      const immediate = find(rb, '1. Immediate Action');
      assert.deepEqual(immediate.steps.map((s) => [s.title, s.commands.map((c) => [c.language, c.run, c.runnable, c.line])]), [
        ['Check Logs: Access Railway/VPS logs immediately.', [['bash', 'docker-compose logs --tail=100 -f backend', true, 49]]],
        ['Restart Service', [['bash', 'docker-compose restart backend', true, 53]]],
      ]);
      assert.deepEqual(rb.diagnostics, []);
    });

    it('reads the P1/P2/P3 guide: severities inherited, numbered steps with nested blocks, placeholders', () => {
      const rb = seed('003_59952231f875c634.txt');
      const outlined = outline(rb.sections);
      assert.deepEqual(outlined.slice(0, 8), [
        '1 Incident Response Guide', '2 Severity Levels', '2 P1 - Critical Incidents {P1}', '3 Complete Site Down {P1}',
        '4 Symptoms {P1} <symptoms>', '4 Immediate Actions {P1} <immediate>', '4 Post-Incident {P1} <postIncident>', '3 Database Connection Lost {P1}',
      ]);
      assert.ok(outlined.includes('4 Actions {P3} <resolution>'));
      assert.ok(outlined.includes('3 P1 Incident - Resolution {P1}'));
      assert.ok(!outlined.some((t) => t.includes('P4')), 'the severity table makes no sections');
      const site = find(rb, 'Immediate Actions', 'Complete Site Down');
      assert.equal(site.steps.length, 7);
      assert.deepEqual(site.steps[5].commands.map((c) => [c.label, c.run]), [['Check disk space', 'df -h'], ['Check memory', 'free -h'], ['If out of resources, clean up', 'docker system prune -f']]);
      const restore = find(rb, 'Immediate Actions', 'Database Connection Lost').steps[4];
      assert.equal(restore.title, 'Restore from backup if database is corrupted');
      assert.deepEqual(restore.commands[2].placeholders, [{ token: '[latest-backup]', name: 'latest-backup', kind: 'bracket' }]);
      const memory = find(rb, 'Actions', 'High Memory/CPU Usage');
      assert.equal(memory.steps[2].commands.length, 1, 'a quoted SQL argument spanning lines stays one command');
      assert.ok(memory.steps[2].commands[0].run.endsWith('ORDER BY duration DESC;\n"'));
      assert.deepEqual(memory.steps[3].commands[0].placeholders.map((p) => p.token), ['[pid]']);
      const backup = find(rb, 'Actions', 'Backup Failed').steps[2];
      assert.deepEqual(backup.commands.map((c) => c.placeholders), [[], []], '$LATEST is assigned in the block');
      assert.equal(find(rb, 'Post-Incident Checklist').checklist.length, 8);
      assert.deepEqual(rb.diagnostics.filter((d) => d.message.startsWith('needs a value')).map((d) => [d.line, d.column, d.message]), [
        [112, 64, 'needs a value for [latest-backup] before it runs'],
        [148, 34, 'needs a value for [backup-file] before it runs'],
        [257, 32, 'needs a value for [pid] before it runs'],
      ]);
      assert.equal(rb.symptoms.length, 17);
    });

    it('reads the P0 guide: bold part labels, free-standing blocks grouped by their numbered comments', () => {
      const rb = seed('004_c81b1337cae2be15.txt');
      const redis = find(rb, 'Immediate Actions', '2. Redis Cache Failure');
      assert.deepEqual(redis.steps.map((s) => s.title), ['1. Check Redis status', '2. Check Redis memory', '3. Restart Redis', '4. Clear cache if corrupted']);
      const errors = find(rb, 'Immediate Actions', '3. High Error Rate (> 5%)');
      assert.deepEqual(errors.steps[3].commands.map((c) => [c.run, c.placeholders.map((p) => p.token)]), [['git revert <commit-hash>', ['<commit-hash>']], ['npm run deploy', []]]);
      const breach = find(rb, 'CRITICAL - Immediate Actions');
      assert.equal(breach.part, 'immediate');
      assert.deepEqual(breach.steps.map((s) => [s.title, s.commands.length]), [['2. PRESERVE EVIDENCE', 1]]);
      const corruption = find(rb, 'Immediate Actions', '5. Database Corruption');
      assert.deepEqual(corruption.steps[0].commands.map((c) => [c.run, c.runnable]), [['mongosh', true], ['use bizzai', false], ['db.runCommand({validate: "invoices", full: true})', false]]);
      assert.equal(find(rb, 'Resolution Steps', '1. Database Connection Failure').steps.length, 6);
      assert.deepEqual(outline([find(rb, 'Escalation Procedures')]), ['2 Escalation Procedures <escalation>', '3 P0 - Critical Incident {P0}', '3 P1 - High Priority {P1}']);
      assert.equal(find(rb, 'P0 - Critical Incident').steps.length, 3);
      assert.equal(rb.symptoms.length, 21);
    });
  });

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
    assert.deepEqual(rb.sections[0].steps.map((s) => s.commands.map((c) => c.run)), [['echo one']]);
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
