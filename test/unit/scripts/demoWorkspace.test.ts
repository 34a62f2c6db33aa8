// scripts/demo-workspace.mjs makes the workspace `npm start` opens; its README describes the demo
// data, so it is run here as npm start runs it and the README checked against the files it made.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { TempDirs } from '../support/tempDirs';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'demo-workspace.mjs');
const NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

describe('demo workspace README (scripts/demo-workspace.mjs)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('counts and names the incidents and runbooks the workspace really holds, and claims no SLA state', async () => {
    const workspace = path.join(await temp.make(), 'demo');
    const run = spawnSync(process.execPath, [SCRIPT, workspace], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const readme = fs.readFileSync(path.join(workspace, 'README.md'), 'utf8');
    const dir = path.join(workspace, 'incidents');
    const incidents = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'incident.yaml')))
      .map((d) => parse(fs.readFileSync(path.join(dir, d, 'incident.yaml'), 'utf8')) as { title: string; severity: string; status: string });
    const active = incidents.filter((i) => i.status !== 'resolved').length;
    assert.ok(incidents.length > 0);
    assert.match(readme, new RegExp(`\`incidents/\`: ${NUMBERS[incidents.length]} incidents? \\(${NUMBERS[active]} active\\)`), readme);
    const listed = [...readme.matchAll(/^ {2}- \*\*(.+?)\*\* \((\S+), (\w+)\)/gm)].map((m) => `${m[1]}|${m[2]}|${m[3].toLowerCase()}`).sort();
    assert.deepEqual(listed, incidents.map((i) => `${i.title}|${i.severity}|${i.status}`).sort());
    const runbooks = fs.readdirSync(path.join(workspace, 'runbooks')).filter((f) => /\.(md|ya?ml)$/.test(f)).length;
    assert.match(readme, new RegExp(`\`runbooks/\`: ${NUMBERS[runbooks]} short guides?`));
    // An SLA state depends on the clock when the demo is opened: the README states none.
    assert.doesNotMatch(readme, /overdue|breach|flags it|warning|missed/i);
  });
});
