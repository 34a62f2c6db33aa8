// The runbook model marks dangerous commands, in markdown and YAML alike, as lint and --json show them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDangers } from '../../../../src/core/runbooks/dangerous';
import type { Runbook, RunbookCommand } from '../../../../src/core/runbooks/model';
import { parseRunbookText } from '../../../../src/core/runbooks/runbookFile';

const FIXTURES = path.resolve(__dirname, '../../../../../test/fixtures/runbooks/dangerous');

function read(name: string): Runbook {
  const file = path.join(FIXTURES, name);
  return parseRunbookText(fs.readFileSync(file, 'utf8'), file);
}

function commandsOf(runbook: Runbook): Array<{ step: string; command: RunbookCommand }> {
  const out: Array<{ step: string; command: RunbookCommand }> = [];
  const visit = (s: Runbook['sections'][number]): void => {
    for (const step of s.steps) for (const command of step.commands) out.push({ step: step.title, command });
    s.sections.forEach(visit);
  };
  runbook.sections.forEach(visit);
  return out;
}

describe('runbook model: destructive commands', () => {
  it('markdown: marks each dangerous command with its reason, and only those', () => {
    const marked = commandsOf(read('guide.md')).map(({ step, command }) => [step, command.destructive]);
    assert.deepEqual(marked, [
      ['Check what is running', undefined],
      ['Put the hotfix branch back', 'git push --force rewrites origin/hotfix/checkout on the remote'],
      ['Restore last night\'s dump', undefined],
      ['Restore last night\'s dump', 'pg_restore --clean drops the database objects before restoring over them'],
      ['Remove one stale lock', undefined],
      // shown, not run: marked all the same, since someone may paste it into psql
      ['Empty the sessions table', 'DELETE without WHERE deletes every row'],
    ]);
  });

  it('YAML: the same marking', () => {
    const marked = commandsOf(read('cache.yaml')).map(({ step, command }) => [step, command.destructive]);
    assert.deepEqual(marked, [
      ['Count the keys', undefined],
      ['Flush the cache', 'FLUSHALL/FLUSHDB deletes every key'],
      ['Stop the stuck workers', 'pkill kills processes by name'],
    ]);
  });

  it('lists each as a warning "dangerous: <reason>" at the command\'s line', () => {
    const rb = read('guide.md');
    const dangerous = rb.diagnostics.filter((d) => d.message.startsWith('dangerous: '));
    assert.deepEqual(dangerous.map((d) => [d.severity, d.line, d.message]), [
      ['warning', 13, 'dangerous: git push --force rewrites origin/hotfix/checkout on the remote'],
      ['warning', 18, 'dangerous: pg_restore --clean drops the database objects before restoring over them'],
      ['warning', 26, 'dangerous: DELETE without WHERE deletes every row'],
    ]);
  });

  it('at run time: the text as sent decides (a value can make it dangerous), else the marking', () => {
    const command = (run: string, destructive?: string): RunbookCommand => ({ language: 'bash', run, runnable: true, placeholders: [], line: 1, ...(destructive ? { destructive } : {}) });
    assert.deepEqual(runDangers([command('kill [signal] 1234')], ['kill -9 1234']), ['kill -9 kills processes without letting them clean up']);
    assert.deepEqual(runDangers([command('git push --force origin [branch]', 'git push --force rewrites origin/[branch] on the remote')], ['git push --force origin main']), ['git push --force rewrites origin/main on the remote']);
    assert.deepEqual(runDangers([command('echo ok'), command('reboot', 'reboot takes the machine down')], ['echo ok']), ['reboot takes the machine down']);
    assert.deepEqual(runDangers([command('echo ok')], ['echo ok']), []);
  });
});
