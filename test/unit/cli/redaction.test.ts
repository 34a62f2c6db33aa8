// The CLI writes to a team's incident files too: `run --incident` redacts what it records, with the
// team's own patterns read from .vscode/settings.json as the editor reads them.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IncidentStore } from '../../../src/core/incidents/incidentStore';
import { requireFreshBuild, runCli } from './cliHarness';
import { TempDirs } from '../support/tempDirs';
import { secretCorpus } from '../../fixtures/secrets/corpus';

const RUNBOOK = '# Leaky\n\n## Deploy\n\n1. Call the API\n   ```bash\n   echo "calling with [token] as [team]"\n   ```\n2. Touch\n   ```bash\n   touch "[canary]"\n   ```\n';

describe('incident-desk run --incident: nothing secret lands in files', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  before(() => requireFreshBuild());
  after(() => temp.cleanup());

  async function workspace(settings?: unknown): Promise<{ dir: string; id: string }> {
    const dir = await temp.make('idk-cli-redact-');
    await fsp.mkdir(path.join(dir, 'runbooks'));
    await fsp.writeFile(path.join(dir, 'runbooks', 'leaky.md'), RUNBOOK);
    if (settings !== undefined) {
      await fsp.mkdir(path.join(dir, '.vscode'));
      await fsp.writeFile(path.join(dir, '.vscode', 'settings.json'), `// the team's settings\n${JSON.stringify(settings, null, 2)}\n`);
    }
    const store = new IncidentStore({ root: dir });
    await store.loadAll();
    const { id } = await store.declare({ title: 'Deploy broken', severity: 'P2', service: 'deploy' }, 'Dana');
    return { dir, id };
  }

  it('a command holding a token and a team secret: the timeline has [redacted: …] and neither', async () => {
    const { dir, id } = await workspace({ 'incidentDesk.redact.patterns': ['ACME-[0-9]{6}'] });
    const token = secretCorpus()[0]!.secrets[0]!.value;
    const r = await runCli(['run', 'runbooks/leaky.md', 'Call the API', '--set', `token=${token}`, '--set', 'team=ACME-424242', '--incident', `incidents/${id}`, '--yes'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.toString().includes(token), 'the terminal shows what ran, as it printed it');
    const timeline = await fsp.readFile(path.join(dir, 'incidents', id, 'timeline.jsonl'), 'utf8');
    assert.ok(!timeline.includes(token), timeline);
    assert.ok(!timeline.includes('ACME-424242'), timeline);
    const started = timeline.trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: { command: string; redacted?: string[] } }).find((e) => e.type === 'runbook_step_started')!;
    assert.equal(started.data.command, 'echo "calling with [redacted: github-token] as [redacted: pattern]"');
    assert.deepEqual(started.data.redacted, ['github-token', 'pattern']);
  });

  it('an invalid pattern in .vscode/settings.json: exit 2 naming it, nothing run, nothing written', async () => {
    const { dir, id } = await workspace({ incidentDesk: { redact: { patterns: ['ok', 'ACME-[0-9'] } } });
    const before = await fsp.readFile(path.join(dir, 'incidents', id, 'timeline.jsonl'), 'utf8');
    const canary = path.join(dir, 'canary');
    const r = await runCli(['run', 'runbooks/leaky.md', 'Touch', '--set', `canary=${canary}`, '--incident', `incidents/${id}`, '--yes'], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /incidentDesk\.redact\.patterns: "ACME-\[0-9" is not a valid regular expression/);
    assert.equal(fs.existsSync(canary), false, 'nothing ran');
    assert.equal(await fsp.readFile(path.join(dir, 'incidents', id, 'timeline.jsonl'), 'utf8'), before);
  });
});
