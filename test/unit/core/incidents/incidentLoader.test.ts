import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { loadIncident, scanIncidentsFolder } from '../../../../src/core/incidents/incidentLoader';
import { MAX_RECORD_BYTES } from '../../../../src/core/incidents/record';
import { recordText } from '../../support/fixtures';
import { TempDirs } from '../../support/tempDirs';

const NOW = '2026-11-22T15:00:00.000Z';
const EVENT = '{"ts":"2026-11-22T14:05:00.000Z","type":"declared","actor":"Dana","text":"Declared"}\n';

describe('incident loader', () => {
  const temp = new TempDirs();
  let dir: string;

  async function folder(id: string, files: Record<string, string | Buffer>): Promise<string> {
    const d = path.join(dir, id);
    await fsp.mkdir(d, { recursive: true });
    for (const [name, content] of Object.entries(files)) await fsp.writeFile(path.join(d, name), content);
    return d;
  }

  before(async () => {
    dir = path.join(await temp.make(), 'incidents');
    await fsp.mkdir(dir);
  });
  after(() => temp.cleanup());

  it('scans incident folders only: not dotfiles, not post-mortem files', async () => {
    await folder('2026-11-22-a', { 'incident.yaml': recordText('2026-11-22-a'), 'timeline.jsonl': EVENT });
    await folder('2026-11-21-b', { 'incident.yaml': recordText('2026-11-21-b') });
    await folder('.hidden', { 'incident.yaml': 'x' });
    await fsp.writeFile(path.join(dir, '2026-11-20-postmortem.md'), '# Post-mortem');
    await fsp.writeFile(path.join(dir, '.gitattributes'), '');
    assert.deepEqual(await scanIncidentsFolder(dir), { ids: ['2026-11-21-b', '2026-11-22-a'] });
    assert.deepEqual(await scanIncidentsFolder(path.join(dir, 'missing')), { ids: [] });
  });

  it('loads a good folder with its events, and one without a timeline', async () => {
    const a = await loadIncident(dir, '2026-11-22-a', NOW);
    assert.ok(a && a.kind === 'incident');
    assert.equal(a.incident.title, 'Checkout returns 502');
    assert.equal(a.events.length, 1);
    assert.equal(a.recordText, recordText('2026-11-22-a'));
    const b = await loadIncident(dir, '2026-11-21-b', NOW);
    assert.ok(b && b.kind === 'incident');
    assert.deepEqual(b.events, []);
  });

  it('ignores a folder holding neither file', async () => {
    await folder('2026-11-22-empty', {});
    assert.equal(await loadIncident(dir, '2026-11-22-empty', NOW), undefined);
  });

  it('reports a timeline without incident.yaml (an interrupted declaration) as broken', async () => {
    const d = await folder('2026-11-22-interrupted', { 'timeline.jsonl': EVENT });
    const e = await loadIncident(dir, '2026-11-22-interrupted', NOW);
    assert.ok(e && e.kind === 'broken');
    assert.equal(e.file, path.join(d, 'incident.yaml'));
    assert.match(e.message, /incident\.yaml is missing/);
  });

  it('reports a folder whose name is not an incident id as broken', async () => {
    await folder('My Incident', { 'incident.yaml': recordText('My Incident') });
    const e = await loadIncident(dir, 'My Incident', NOW);
    assert.ok(e && e.kind === 'broken');
    assert.match(e.message, /not an incident id/);
  });

  it('reports an oversized incident.yaml as broken without reading it all', async () => {
    const d = await folder('2026-11-22-huge', { 'incident.yaml': Buffer.alloc(MAX_RECORD_BYTES + 1, 0x61) });
    const e = await loadIncident(dir, '2026-11-22-huge', NOW);
    assert.ok(e && e.kind === 'broken');
    assert.equal(e.file, path.join(d, 'incident.yaml'));
    assert.match(e.message, /over the 256 KiB limit/);
  });

  it('reports a real 50 MB incident.yaml as broken, without reading it', async () => {
    const d = await folder('2026-11-22-fifty', {});
    const file = path.join(d, 'incident.yaml');
    await fsp.writeFile(file, recordText('2026-11-22-fifty'));
    await fsp.truncate(file, 50 * 1024 * 1024);
    const e = await loadIncident(dir, '2026-11-22-fifty', NOW);
    assert.ok(e && e.kind === 'broken');
    assert.equal(e.file, file);
    assert.match(e.message, /51200 KiB, over the 256 KiB limit/);
  });

  it('reports 10,000-deep nesting in incident.yaml as a broken row with line and column, next to good incidents', async () => {
    const id = '2026-11-22-deep';
    await folder(id, { 'incident.yaml': `${recordText(id)}extra: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 'timeline.jsonl': EVENT });
    const e = await loadIncident(dir, id, NOW);
    assert.ok(e && e.kind === 'broken', 'not a broken row');
    assert.match(e.message, /nested more than 64 levels deep/);
    assert.equal(e.line, recordText(id).split('\n').length);
    assert.ok(e.column !== undefined && e.column > 8);
  });

  it('reports a billion-laughs incident.yaml as a broken row at its first alias', async () => {
    const id = '2026-11-22-laughs';
    const rows = ['l0: &l0 "lol"'];
    for (let i = 1; i < 10; i++) rows.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    await folder(id, { 'incident.yaml': `${recordText(id)}${rows.join('\n')}\n` });
    const e = await loadIncident(dir, id, NOW);
    assert.ok(e && e.kind === 'broken');
    assert.match(e.message, /alias bomb/);
    assert.equal(e.line, recordText(id).split('\n').length + 1);
  });

  it('reports an incident.yaml that is a link as broken, naming the link', async () => {
    const d = await folder('2026-11-22-linkrec', { 'timeline.jsonl': EVENT });
    const target = path.join(dir, '..', 'secret.yaml');
    await fsp.writeFile(target, recordText('2026-11-22-linkrec'));
    await fsp.symlink(target, path.join(d, 'incident.yaml'));
    const e = await loadIncident(dir, '2026-11-22-linkrec', NOW);
    assert.ok(e && e.kind === 'broken');
    assert.equal(e.file, path.join(d, 'incident.yaml'));
    assert.match(e.message, /symbolic link/);
  });

  it('loads around damaged timeline lines and copies them aside, reporting failures to copy', async () => {
    const d = await folder('2026-11-22-damaged', { 'incident.yaml': recordText('2026-11-22-damaged'), 'timeline.jsonl': `${EVENT}not json\n` });
    const e = await loadIncident(dir, '2026-11-22-damaged', NOW);
    assert.ok(e && e.kind === 'incident');
    assert.equal(e.events.length, 1);
    assert.deepEqual(e.problems.map((p) => [p.line, p.raw]), [[2, 'not json']]);
    const kept = JSON.parse((await fsp.readFile(path.join(d, 'timeline.damaged.jsonl'), 'utf8')).trim()) as Record<string, unknown>;
    assert.deepEqual([kept.keptAt, kept.raw, kept.line], [NOW, 'not json', 2]);

    // the damaged-lines file cannot be written (a folder in its place): the load still succeeds and says so
    const d2 = await folder('2026-11-22-damaged2', { 'incident.yaml': recordText('2026-11-22-damaged2'), 'timeline.jsonl': `${EVENT}bad\n` });
    await fsp.mkdir(path.join(d2, 'timeline.damaged.jsonl'));
    const errors: unknown[] = [];
    const e2 = await loadIncident(dir, '2026-11-22-damaged2', NOW, (err) => errors.push(err));
    assert.ok(e2 && e2.kind === 'incident');
    assert.equal(errors.length, 1);
  });
});
