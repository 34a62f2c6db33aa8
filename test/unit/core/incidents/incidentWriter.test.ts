import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import { GITATTRIBUTES, GITIGNORE } from '../../../../src/core/incidents/incidentWriter';
import { TempDirs } from '../../support/tempDirs';

describe('incidents/ git files', () => {
  const temps = new TempDirs();
  after(() => temps.cleanup());

  it('adds .gitattributes and .gitignore to an incidents/ folder that predates them', async () => {
    const root = await temps.make();
    fs.mkdirSync(path.join(root, 'incidents'));
    const store = new IncidentStore({ root });
    await store.loadAll();
    await store.declare({ title: 'First one', severity: 'P3', service: '' }, 'Dana');
    assert.equal(fs.readFileSync(path.join(root, 'incidents', '.gitattributes'), 'utf8'), GITATTRIBUTES);
    assert.equal(fs.readFileSync(path.join(root, 'incidents', '.gitignore'), 'utf8'), GITIGNORE);
    assert.match(GITIGNORE, /^\.\*\.lock$/m);
    assert.match(GITIGNORE, /^\.\*\.tmp$/m);
  });

  it("never overwrites a team's own .gitattributes", async () => {
    const root = await temps.make();
    fs.mkdirSync(path.join(root, 'incidents'));
    fs.writeFileSync(path.join(root, 'incidents', '.gitattributes'), '*.md text\n');
    const store = new IncidentStore({ root });
    await store.loadAll();
    await store.declare({ title: 'Second', severity: 'P3', service: '' }, 'Dana');
    assert.equal(fs.readFileSync(path.join(root, 'incidents', '.gitattributes'), 'utf8'), '*.md text\n');
  });
});
