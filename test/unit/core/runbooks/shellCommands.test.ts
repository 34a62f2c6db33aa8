import * as assert from 'node:assert/strict';
import { looksLikeShell, splitShellCommands } from '../../../../src/core/runbooks/shellCommands';

const split = (text: string, isConsole = false) => splitShellCommands(text.split('\n'), isConsole);

describe('splitShellCommands', () => {
  it('one command per logical line, comments as labels, blank lines separate', () => {
    assert.deepEqual(split('# Check disk\n# (root fs)\ndf -h\n\n# orphan comment\n\nfree -m\nuptime'), [
      { run: 'df -h', index: 2, label: 'Check disk\n(root fs)' },
      { run: 'free -m', index: 6 },
      { run: 'uptime', index: 7 },
    ]);
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
