import * as assert from 'node:assert/strict';
import { answerAccepts, runQuestion, typedName, type RunQuestionInput } from '../../../../src/core/runbooks/runQuestion';

const base: RunQuestionInput = {
  step: 'Restart the API',
  where: 'a local terminal, in /srv/app',
  incident: { id: '2026-12-02-checkout-down', title: 'Checkout down' },
  script: ['systemctl restart api'],
  dangers: [],
};

describe('Run\'s question', () => {
  it('a plain step: one Run button; it names the incident the result lands on', () => {
    const q = runQuestion(base);
    assert.equal(q.kind, 'button');
    assert.equal(q.message, 'Run "Restart the API"?');
    assert.match(q.detail, /^Runs on: a local terminal, in \/srv\/app; recorded on 2026-12-02-checkout-down \(Checkout down\)\.\n\nsystemctl restart api$/);
    assert.equal(answerAccepts(q, 'Run'), true);
    assert.equal(answerAccepts(q, undefined), false);
  });

  it('says so when no incident records it', () => {
    assert.match(runQuestion({ ...base, incident: undefined }).detail, /not recorded on any incident/);
    assert.match(runQuestion({ ...base, incident: undefined, dangers: ['rm -rf deletes files recursively without asking'] }).detail, /not recorded on any incident/);
  });

  it('a dangerous step: the name typed out, not a button; reason, target and incident said', () => {
    const q = runQuestion({ ...base, host: 'web-1', where: 'web-1 (deploy@10.0.0.5:22) over SSH', script: ['git push --force origin main'], dangers: ['git push --force rewrites origin/main on the remote'] });
    assert.equal(q.kind, 'typed');
    assert.equal(q.kind === 'typed' && q.name, 'web-1');
    assert.match(q.message, /Dangerous: run "Restart the API"\? Type web-1 to run it/);
    assert.match(q.detail, /Dangerous: git push --force rewrites origin\/main on the remote\./);
    assert.match(q.detail, /Runs on: web-1 \(deploy@10\.0\.0\.5:22\) over SSH; recorded on 2026-12-02-checkout-down \(Checkout down\)\./);
    assert.equal(answerAccepts(q, 'web-1'), true);
    assert.equal(answerAccepts(q, ' web-1 '), true, 'spaces around are forgiven');
    for (const wrong of [undefined, '', 'Run', 'web', 'WEB-1', 'y']) assert.equal(answerAccepts(q, wrong), false, String(wrong));
  });

  it('the name to type: the host; locally the incident\'s service, else "local"', () => {
    assert.equal(typedName('db-primary', 'checkout'), 'db-primary');
    assert.equal(typedName(undefined, 'checkout'), 'checkout');
    assert.equal(typedName(undefined, ''), 'local');
    assert.equal(typedName(undefined, undefined), 'local');
  });
});
