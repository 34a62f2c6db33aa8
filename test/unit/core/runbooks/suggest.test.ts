import * as assert from 'node:assert/strict';
import type { Runbook } from '../../../../src/core/runbooks/model';
import * as path from 'node:path';
import { RunbookIndex } from '../../../../src/core/runbooks/runbookIndex';
import { stem } from '../../../../src/core/runbooks/stem';
import { WEIGHTS, keywords, suggestRunbooks } from '../../../../src/core/runbooks/suggest';

const REPO = path.resolve(__dirname, '../../../../..');

function runbook(title: string, extra: Partial<Runbook> = {}): Runbook {
  return { file: `${title}.md`, format: 'markdown', title, services: [], symptoms: [], sections: [], diagnostics: [], ...extra };
}

describe('suggestRunbooks', () => {
  const books = [
    runbook('Database connection lost', { symptoms: ['500 errors', 'connection refused by postgres'] }),
    runbook('Site down', { symptoms: ['502 from the proxy', 'health check fails'] }),
    runbook('Cache failure', { services: ['redis'] }),
    runbook('Email sending failed', { symptoms: ['checkout receipts not delivered'] }),
  ];

  it('ranks title and service words above symptom words, best first, with the words that matched', () => {
    const picks = suggestRunbooks({ title: 'Postgres connection refused', service: 'db', summary: '' }, books);
    assert.deepEqual(picks.map((p) => [p.runbook.title, p.score, p.matched]), [['Database connection lost', 6, ['postgres', 'connection', 'refused']]]);
    const redis = suggestRunbooks({ title: 'Sessions dropped', service: 'redis', summary: '' }, books);
    assert.deepEqual(redis.map((p) => p.runbook.title), ['Cache failure']);
  });

  it('ignores a single shared symptom word and stop words', () => {
    assert.deepEqual(suggestRunbooks({ title: 'Checkout returns errors', service: '', summary: '' }, books), []);
    assert.deepEqual([...keywords('The site is DOWN for all users!')], ['site', 'down', 'user']);
    assert.deepEqual([...keywords('We have an issue: the disk is filling during the backups')], ['disk', 'fill', 'backup']);
  });

  it('caps the list', () => {
    const many = Array.from({ length: 10 }, (_, i) => runbook(`Disk full ${i}`));
    assert.equal(suggestRunbooks({ title: 'disk full', service: '', summary: '' }, many).length, 3);
    assert.equal(suggestRunbooks({ title: 'disk full', service: '', summary: '' }, many, 5).length, 5);
  });
});

describe('stem', () => {
  it('joins the forms an incident title and a runbook use for the same thing', () => {
    const same = (...words: string[]) => assert.equal(new Set(words.map(stem)).size, 1, `${words.join('/')} → ${words.map(stem).join('/')}`);
    same('disk', 'disks');
    same('full', 'fill', 'fills', 'filled', 'filling');
    same('restart', 'restarts', 'restarted', 'restarting');
    same('fail', 'fails', 'failed', 'failing', 'failure', 'failures');
    same('connect', 'connected', 'connection', 'connections');
    same('cache', 'caches', 'cached');
    same('restore', 'restored', 'restoring');
    same('stop', 'stopped', 'stopping');
    same('certificate', 'certificates');
    same('outage', 'down');
  });

  it('leaves apart what only looks alike, and words too short to strip', () => {
    for (const w of ['redis', 'status', 'process', 'dns', 'ssl', 'need', 'speed', 'string', 'pass', 'http2']) assert.equal(stem(w), w);
    assert.equal(stem('processes'), 'process');
    assert.notEqual(stem('server'), stem('serve'));
  });
});

describe('suggestRunbooks on real runbooks (shipped and fixtures)', () => {
  let runbooks: Runbook[];
  before(async () => {
    runbooks = (await new RunbookIndex().indexAll([path.join(REPO, 'runbooks'), path.join(REPO, 'test', 'fixtures', 'workspace')]))
      .filter((r) => !/readme\.md$/i.test(r.file));
  });
  const titles = (title: string, service = '', max = 8) => suggestRunbooks({ title, service, summary: '' }, runbooks, max).map((p) => p.runbook.title);

  it('"Disk full on web" finds the runbooks that check the disk, though no title says disk', () => {
    const picks = suggestRunbooks({ title: 'Disk full on web', service: 'web', summary: '' }, runbooks, 8);
    const found = picks.map((p) => p.runbook.title);
    for (const t of ['Database connection lost', 'Site down', 'Cache or Redis failure', 'Backup failed']) assert.ok(found.includes(t), `${t} missing from ${JSON.stringify(found)}`);
    for (const p of picks) assert.deepEqual(p.matched.slice(0, 2), ['disk', 'full'], `${p.runbook.title}: ${p.matched.join(', ')}`);
    assert.ok(!found.includes('SSL certificate expired') && !found.includes('Email sending failed'), JSON.stringify(found));
  });

  it('a title word outranks words found only in the steps', () => {
    assert.equal(titles('Redis restarting constantly', 'redis')[0], 'Cache or Redis failure');
    assert.equal(titles('SSL certs expired')[0], 'SSL certificate expired');
    assert.equal(titles('Emails not sending')[0], 'Email sending failed');
    assert.equal(titles('Orders restore rehearsal', 'orders')[0], 'Restore the orders database');
  });
});

describe('suggestRunbooks weights', () => {
  const books = [
    runbook('Alpha', { sections: [{ title: 'Fix', level: 2, line: 3, checklist: [], sections: [], steps: [{ title: 'Look at the queue', line: 4, commands: [{ language: 'bash', run: 'worker-ctl drain', runnable: true, placeholders: [], line: 5 }] }] }] }),
    runbook('Beta', { symptoms: ['queue grows', 'workers idle'] }),
    runbook('Queue worker stuck'),
  ];

  it('title > symptoms > step text; one symptom or step word alone is not enough', () => {
    assert.ok(WEIGHTS.title > WEIGHTS.symptoms && WEIGHTS.symptoms > WEIGHTS.steps);
    assert.deepEqual(suggestRunbooks({ title: 'Queue worker drain', service: '', summary: '' }, books).map((p) => [p.runbook.title, p.score]), [
      ['Queue worker stuck', 6], ['Alpha', 3], ['Beta', 3],
    ]);
    assert.deepEqual(suggestRunbooks({ title: 'Drain', service: '', summary: '' }, books), []);
    assert.deepEqual(suggestRunbooks({ title: 'Idle', service: '', summary: '' }, books), []);
  });
});
