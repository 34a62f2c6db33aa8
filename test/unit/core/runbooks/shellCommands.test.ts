import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseRunbookText } from '../../../../src/core/runbooks/runbookFile';
import { looksLikeShell, splitShellCommands, textLine } from '../../../../src/core/runbooks/shellCommands';

const REPO = path.resolve(__dirname, '../../../../..');
const split = (text: string, isConsole = false) => splitShellCommands(text.split('\n'), isConsole);

describe('splitShellCommands', () => {
  it('one command per logical line, comments as labels, blank lines separate', () => {
    assert.deepEqual(split('# Check disk\n# (root fs)\ndf -h\n\n# orphan comment\n\nfree -m\nuptime'), [
      { run: 'df -h', index: 2, label: 'Check disk\n(root fs)' },
      { run: 'orphan comment', index: 4, comment: 'step' },
      { run: 'free -m', index: 6 },
      { run: 'uptime', index: 7 },
    ]);
  });

  it('comment groups no command follows are items: a step on their own, a note right under a command', () => {
    assert.deepEqual(split('# 1. Health\ncurl -fsS https://x/health\n# 2. Flows work\n# Try an order\n# 3. Logs clean\nlogs | grep ERROR\n# then wait a minute\n\n#\n# 4. Done\n#'), [
      { run: 'curl -fsS https://x/health', index: 1, label: '1. Health' },
      { run: '2. Flows work\nTry an order', index: 2, comment: 'step' },
      { run: 'logs | grep ERROR', index: 5, label: '3. Logs clean' },
      { run: 'then wait a minute', index: 6, comment: 'note' },
      { run: '4. Done', index: 9, comment: 'step' },
    ]);
    // A numbered comment right under a command starts a step, it is no remark on the command.
    assert.deepEqual(split('uptime\n# 2. Check memory').map((c) => c.comment), [undefined, 'step']);
    // Comments in console transcripts stay labels only; shebangs are skipped.
    assert.deepEqual(split('#!/bin/bash\n# only a comment'), [{ run: 'only a comment', index: 1, comment: 'step' }]);
    assert.deepEqual(split('$ ls\n# output comment\nfile', true), [{ run: 'ls', index: 0 }]);
  });

  it('text lines in a shell block are text items, consecutive ones together, labelled by the comment above', () => {
    assert.deepEqual(split('# Contact\nEmail: ops@example.com\nStatus page: https://status.example.com\n\n- Account ID\n* Region\nhttps://console.example.com/x\ncurl -fsS https://x/health\nNote: after the curl'), [
      { run: 'Email: ops@example.com\nStatus page: https://status.example.com', index: 1, label: 'Contact', text: true },
      { run: '- Account ID\n* Region\nhttps://console.example.com/x', index: 4, text: true },
      { run: 'curl -fsS https://x/health', index: 7 },
      { run: 'Note: after the curl', index: 8, text: true },
    ]);
    // Text is never scanned as shell: an apostrophe opens no quote that would swallow the next line.
    assert.deepEqual(split("Status: we're on it\nuptime").map((c) => [c.run, !!c.text]), [["Status: we're on it", true], ['uptime', false]]);
    // Inside a command (a continuation, a quote, a heredoc) nothing is text.
    assert.deepEqual(split('psql -c "\nStatus: x\n- y\n"\ncat <<EOF\nEmail: a@b\nEOF').map((c) => [c.run, !!c.text]), [['psql -c "\nStatus: x\n- y\n"', false], ['cat <<EOF\nEmail: a@b\nEOF', false]]);
  });

  describe('textLine: text, not a command', () => {
    const text = [
      'Email: support@example.com', 'Status: status.example.com', 'Phone: +1 555 0100', 'Status page: https://status.example.com',
      'Information to provide:', 'Root Cause: [Brief description]', 'On-Call: Dana', 'Phone (office/mobile): 555', 'TODO:', 'note: check first',
      'Übergabe: an das Team', '- Account ID', '* Time it started', '+ Region', '• Ticket number', '1. Open the dashboard', '2) Then this', '-',
      'https://status.example.com', 'http://10.0.0.1:8080/health', 'www.example.com/status', 'mailto:ops@example.com',
    ];
    for (const line of text) it(JSON.stringify(line), () => assert.equal(textLine(line), true));
  });

  describe('textLine: every real command stays a command', () => {
    const commands = [
      'railway up', 'railway logs --tail 100', 'kubectl get pods', 'kubectl -n prod rollout restart deploy/api', 'docker compose ps',
      'docker compose -f compose.prod.yml logs --tail=100 web', 'curl -fsS https://x/health', 'curl -H "Host: example.com" http://127.0.0.1/',
      'psql "$DATABASE_URL" -c \'select 1\'', 'FOO=bar cmd', 'FOO=bar: cmd', 'echo foo:', 'echo "Status: ok"', 'ssh deploy@host', 'scp a.txt host:/tmp/',
      'ssh host: ', 'git log --oneline -10', 'git revert <commit-hash>', 'npm run build:prod', 'sudo systemctl restart nginx', ': > /var/log/app.log',
      './scripts/restore.sh [backup-file]', '~/bin/fix', '/usr/local/bin/fix --now', 'cd /srv/app', 'LATEST=$(ls -t | head -1)', 'redis-cli -h host:6379 ping',
      'mongosh --eval "db.adminCommand(\'ping\')"', 'helm upgrade api ./chart', 'tail -f /var/log/syslog | grep -i error', 'if [ -f x ]; then echo y; fi',
      'for h in a b; do ping -c1 $h; done', 'echo: hi', 'curl: --version', 'aws s3 ls', 'time curl -s x', 'watch -n 5 df -h', '(cd /tmp && ls)', '[ -f x ] && echo y',
      '--help', 'C:\\Windows\\system32\\cmd.exe', 'localhost:8080', 'pg_dump -Fc db > db.dump', 'systemctl status nginx', 'redis-cli FLUSHALL',
    ];
    for (const line of commands) it(JSON.stringify(line), () => assert.equal(textLine(line), false));
    it('the shipped runbooks and the fixtures written before text and manual steps have none: nothing else changed', () => {
      // Written with text lines and comment-only items on purpose.
      const WITH_TEXT = new Set([path.join(REPO, 'test', 'fixtures', 'runbooks', 'guides'), path.join(REPO, 'test', 'fixtures', 'workspace', 'runbooks', 'provider-escalation.md')]);
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, e.name);
          if (WITH_TEXT.has(full)) continue;
          if (e.isDirectory()) walk(full);
          else if (/\.(md|ya?ml)$/.test(e.name)) files.push(full);
        }
      };
      walk(path.join(REPO, 'runbooks'));
      walk(path.join(REPO, 'test', 'fixtures'));
      let commands = 0;
      for (const file of files) {
        const bytes = readFileSync(file);
        if (bytes.includes(0)) continue;
        const todo = [...parseRunbookText(bytes.toString('utf8'), file).sections];
        for (let s = todo.pop(); s; s = todo.pop()) {
          todo.push(...s.sections);
          for (const step of s.steps) {
            assert.equal(step.manual, undefined, `${file}:${step.line}`);
            for (const c of step.commands) {
              commands++;
              assert.equal(c.text, undefined, `${file}:${c.line} ${c.run}`);
            }
          }
        }
      }
      assert.ok(commands > 50, `only ${commands} commands read`);
    });
  });

  it('keeps continuations, pipes, open quotes and heredocs whole', () => {
    assert.deepEqual(split('docker run \\\n  --rm x\nps aux |\n  grep y &&\n  echo ok\npsql -c "\nSELECT 1;\n# not a comment\n"\ncat <<-\'END\' > f\n\tbody $X\n\tEND\necho next').map((c) => c.run), [
      'docker run \\\n  --rm x', 'ps aux |\n  grep y &&\n  echo ok', 'psql -c "\nSELECT 1;\n# not a comment\n"', "cat <<-'END' > f\n\tbody $X\n\tEND", 'echo next',
    ]);
  });

  it('reports what is left open at the end', () => {
    assert.deepEqual(split('cat <<EOF\nnever closed').map((c) => c.unterminated), ['the heredoc <<EOF is never closed']);
    assert.deepEqual(split("echo 'open").map((c) => c.unterminated), ["a ' quote is never closed"]);
  });

  it('marks SQL and mongosh input as client input', () => {
    assert.deepEqual(split('psql\nSELECT * FROM t;\ndb.stats()').map((c) => !!c.clientInput), [false, true, true]);
  });

  it('console: prompts stripped, output ignored', () => {
    assert.deepEqual(split('$ ls \\\n> -la\ntotal 0\n$ whoami\nroot', true).map((c) => c.run), ['ls \\\n-la', 'whoami']);
  });

  it('tells shell from prose in unlabelled blocks', () => {
    assert.equal(looksLikeShell(['# restart', 'sudo systemctl restart nginx']), true);
    assert.equal(looksLikeShell(['./deploy.sh']), true);
    assert.equal(looksLikeShell(['INCIDENT ALERT - P1', 'Status: [x]']), false);
  });
});
