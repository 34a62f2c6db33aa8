import * as assert from 'node:assert/strict';
import type { Runbook } from '../../../../src/core/runbooks/model';
import { keywords, suggestRunbooks } from '../../../../src/core/runbooks/suggest';

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
    assert.deepEqual(picks.map((p) => [p.runbook.title, p.score, p.matched]), [['Database connection lost', 5, ['postgre', 'connection', 'refused']]]);
    const redis = suggestRunbooks({ title: 'Sessions dropped', service: 'redis', summary: '' }, books);
    assert.deepEqual(redis.map((p) => p.runbook.title), ['Cache failure']);
  });

  it('ignores a single shared symptom word and stop words', () => {
    assert.deepEqual(suggestRunbooks({ title: 'Checkout returns errors', service: '', summary: '' }, books), []);
    assert.deepEqual([...keywords('The site is DOWN for all users!')], ['site', 'down', 'user']);
  });

  it('caps the list', () => {
    const many = Array.from({ length: 10 }, (_, i) => runbook(`Disk full ${i}`));
    assert.equal(suggestRunbooks({ title: 'disk full', service: '', summary: '' }, many).length, 3);
    assert.equal(suggestRunbooks({ title: 'disk full', service: '', summary: '' }, many, 5).length, 5);
  });
});
