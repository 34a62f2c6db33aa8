import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseMarkdownRunbook } from '../../../../src/core/runbooks/markdownRunbook';
import type { Runbook } from '../../../../src/core/runbooks/model';
import { find, outline } from '../../support/runbookShape';

// Incident guides written the way teams write them, with their quirks reproduced in our own words:
// mis-encoded emoji headings, bullet-nested blocks, commands labelled by comments, comment-only
// checklists, contact blocks and lists inside shell fences, P0–P3 and P1–P4 scales.
const GUIDES = path.resolve(__dirname, '../../../../..', 'test', 'fixtures', 'runbooks', 'guides');

function guide(name: string): Runbook {
  const file = path.join(GUIDES, name);
  return parseMarkdownRunbook(readFileSync(file, 'utf8'), file);
}

describe('incident guides as teams write them (test/fixtures/runbooks/guides)', () => {
  it('reads mis-encoded emoji headings (Mac Roman and cp1252), Severity lines and bullet-nested blocks', () => {
    const rb = guide('power-and-network.md');
    assert.equal(rb.title, 'Outage Playbook (Coastal Office)');
    assert.deepEqual(outline(rb.sections), [
      '1 Outage Playbook (Coastal Office)',
      '2 Mains Power Cut (Storm / Utility Failure) {High}',
      '3 1. Hosting {High}',
      '3 2. Field Staff Connectivity (The "Spotty Signal" Case) {High}',
      '2 Upstream Network Loss (Fibre Cut, Provider Down) {Medium}',
      '3 Symptoms {Medium} <symptoms>',
      '3 Procedures {Medium} <resolution>',
      '2 Service Crash / 5xx Responses {Critical}',
      '3 1. Immediate Action {Critical} <immediate>',
      '3 2. Communication {Critical} <communication>',
      '2 Who To Call',
      '2 Post-Incident Review <postIncident>',
    ]);
    assert.deepEqual(rb.symptoms, ['"Upstream timed out" lines in the proxy log.', 'Carrier webhook deliveries failing.']);
    assert.deepEqual(find(rb, 'Procedures').steps.map((s) => [s.title, s.line, s.commands.length]), [['Fail over the office link', 31, 0], ['Tell local from global', 33, 0], ['Webhook replays', 36, 0]]);
    const immediate = find(rb, '1. Immediate Action');
    assert.deepEqual(immediate.steps.map((s) => [s.title, s.commands.map((c) => [c.language, c.run, c.runnable, c.line])]), [
      ['Read the logs: open the app logs on the host right away.', [['bash', 'docker-compose logs --tail=200 -f api', true, 49]]],
      ['Restart the API', [['bash', 'docker-compose restart api', true, 53]]],
    ]);
    assert.deepEqual(rb.diagnostics, []);
  });

  it('reads the P1–P4 guide: severities inherited, numbered steps with nested blocks, labelled commands, placeholders', () => {
    const rb = guide('p1-p4-vps.md');
    const outlined = outline(rb.sections);
    assert.deepEqual(outlined.slice(0, 8), [
      '1 Bookshop Incident Handbook', '2 Severity Scale', '2 P1 - Critical Incidents {P1}', '3 Shop Unreachable {P1}',
      '4 Symptoms {P1} <symptoms>', '4 Immediate Actions {P1} <immediate>', '4 Post-Incident {P1} <postIncident>', '3 Database Unreachable {P1}',
    ]);
    assert.ok(outlined.includes('4 Actions {P3} <resolution>'));
    assert.ok(outlined.includes('3 P1 Incident - Resolution {P1}'));
    assert.ok(!outlined.some((t) => t.includes('P4')), 'the severity table makes no sections');
    const site = find(rb, 'Immediate Actions', 'Shop Unreachable');
    assert.equal(site.steps.length, 7);
    assert.deepEqual(site.steps[5].commands.map((c) => [c.label, c.run]), [['How full are the disks', 'df -h'], ['How much memory is left', 'free -h'], ['Out of room: clear unused images', 'docker image prune -f']]);
    const restore = find(rb, 'Immediate Actions', 'Database Unreachable').steps[4];
    assert.equal(restore.title, 'Restore the last dump if the data is damaged');
    assert.deepEqual(restore.commands[2].placeholders, [{ token: '[latest-backup]', name: 'latest-backup', kind: 'bracket' }]);
    const look = find(rb, 'Immediate Actions', 'Orders Missing').steps[1];
    assert.deepEqual(look.commands.map((c) => [c.runnable, c.text]), [[true, undefined], [false, undefined], [false, undefined]], 'SQL typed into psql is client input, not text');
    const slow = find(rb, 'Actions', 'Slow Pages');
    assert.equal(slow.steps[1].commands.length, 1, 'a quoted SQL argument spanning lines stays one command');
    assert.ok(slow.steps[1].commands[0].run.endsWith('ORDER BY running_for DESC;\n"'));
    assert.deepEqual(slow.steps[2].commands[0].placeholders.map((p) => p.token), ['[pid]']);
    const dump = find(rb, 'Actions', 'Nightly Dump Failed').steps[1];
    assert.deepEqual(dump.commands.map((c) => c.placeholders), [[], []], '$NEWEST is assigned in the block');
    assert.equal(find(rb, 'After-Incident Checklist').checklist.length, 8);
    assert.deepEqual(rb.diagnostics.filter((d) => /is asked for before it runs/.test(d.message)).map((d) => [d.line, d.column, d.message]), [
      [112, 51, '[latest-backup] is asked for before it runs'],
      [148, 21, '[backup-file] is asked for before it runs'],
      [206, 29, '[pid] is asked for before it runs'],
    ]);
    assert.equal(rb.symptoms.length, 12);
    const template = find(rb, 'P1 Incident - First Message').steps[0].commands[0];
    assert.deepEqual([template.language, template.runnable, template.text], ['', false, undefined], 'an unlabelled template block is prose, shown whole');
  });

  it('reads the P0–P3 guide: bold part labels, free-standing blocks as steps by their numbered comments, comment-only groups as manual steps', () => {
    const rb = guide('p0-p3-inventory.md');
    const cache = find(rb, 'Immediate Actions', '2. Cache Down');
    assert.deepEqual(cache.steps.map((s) => s.title), ['1. Is the cache alive', '2. How much memory it uses', '3. Restart it']);
    const store = find(rb, 'Immediate Actions', '1. Document Store Unreachable');
    assert.deepEqual(store.steps.map((s) => [s.title, s.manual, s.commands.map((c) => [c.run, c.runnable, c.line])]), [
      ['1. Is the store alive', undefined, [['mongosh --eval "db.runCommand({ ping: 1 })"', true, 27]]],
      ['2. Connection errors in the app log', undefined, [['tail -n 200 api/logs/app.log | grep "MongoServerSelectionError"', true, 31]]],
      ['3. Restart the store (when we host it)', undefined, [['sudo systemctl restart mongod', true, 34]]],
      ['4. Check the hosted cluster\'s status page (when in the cloud)', true, [['Open: https://status.cloud.mongodb.com/', false, 37]]],
    ]);
    const errors = find(rb, 'Immediate Actions', '3. Error Spike (> 5%)');
    assert.deepEqual(errors.steps[3].commands.map((c) => [c.run, c.placeholders.map((p) => p.token)]), [['git revert <commit-hash>', ['<commit-hash>']], ['npm run release', []]]);
    const intrusion = find(rb, 'CRITICAL - Immediate Actions');
    assert.equal(intrusion.part, 'immediate');
    assert.deepEqual(intrusion.steps.map((s) => [s.title, s.line, s.manual, s.commands.map((c) => [c.run, c.runnable])]), [
      ['1. CUT OFF THE AFFECTED SYSTEMS', 114, true, [['Lock the accounts involved\nBlock the addresses seen', false]]],
      ['2. KEEP THE EVIDENCE', 120, undefined, [['cp api/logs/*.log /evidence/case-$(date +%Y%m%d)/', true]]],
      ['3. MEASURE THE DAMAGE', 122, true, [['Read the audit trail\nList the records touched', false]]],
      ['4. TELL PEOPLE', 126, true, [['Legal\nCustomers, when the law says so', false]]],
    ]);
    const damaged = find(rb, 'Immediate Actions', '5. Damaged Records');
    assert.deepEqual(damaged.steps[1].commands.map((c) => [c.run, c.runnable]), [['mongosh', true], ['use stockroom', false], ['db.runCommand({validate: "items", full: true})', false]]);
    assert.equal(find(rb, 'Resolution Steps', '1. Document Store Unreachable').steps.length, 6);
    assert.deepEqual(outline([find(rb, 'Escalation Procedures')]), ['2 Escalation Procedures <escalation>', '3 P0 - Critical Incident {P0}', '3 P1 - High Priority {P1}']);
    assert.equal(find(rb, 'P0 - Critical Incident').steps.length, 3);
    assert.equal(rb.symptoms.length, 7);
  });

  it('shows text written in a shell fence (contact lines, lists, URLs) without making it runnable; real commands stay runnable', () => {
    const rb = guide('contact-blocks.md');
    assert.equal(rb.title, 'Dispatch API Emergency Guide', 'the cp1252 mojibake (ðŸš¨) is dropped from the title');
    assert.deepEqual(find(rb, 'Immediate Actions').steps.map((s) => s.commands.map((c) => [c.run, c.runnable, c.text])), [
      [['railway status', true, undefined], ['railway logs --tail 100', true, undefined]],
      [['railway up', true, undefined]],
    ]);
    const escalate = find(rb, 'Escalate To The Platform');
    assert.deepEqual(escalate.steps.map((s) => [s.title, s.line, s.manual, s.commands.map((c) => ({ ...c }))]), [
      ['Contact methods', 41, undefined, [{
        language: 'bash', run: 'Email: help@platform.example\nStatus: https://status.platform.example\nPhone: +1 555 0142',
        runnable: false, text: true, placeholders: [], line: 41, label: 'Contact methods',
      }]],
      ['Account ID', 49, undefined, [{
        language: 'bash', run: '- Account ID\n- Project name\n- Time the errors started\n* What we already tried\nhttps://dashboard.platform.example/project/dispatch',
        runnable: false, text: true, placeholders: [], line: 49,
      }]],
    ]);
    assert.deepEqual(find(rb, 'Check From Here').steps[0].commands.map((c) => [c.run, c.runnable, c.text]), [
      ['curl -fsS https://dispatch.example.io/health', true, undefined],
      ['psql "$DATABASE_URL" -c \'select 1\'', true, undefined],
      ['echo "provider check:"', true, undefined],
    ]);
    assert.deepEqual(rb.diagnostics.filter((d) => d.message.startsWith('not a command')).map((d) => [d.line, d.column, d.severity, d.message]), [
      [41, 1, 'info', 'not a command: shown as text'],
      [49, 1, 'info', 'not a command: shown as text'],
    ]);
  });

  it('keeps every item of a verification checklist written as comments: the ones without a command are manual steps', () => {
    const rb = guide('contact-blocks.md');
    const verification = find(rb, 'Verification');
    assert.equal(verification.part, 'verification');
    assert.deepEqual(verification.steps.map((s) => [s.title, s.line, s.manual === true, s.commands.map((c) => [c.run, c.runnable])]), [
      ['1. Health endpoint answers 200', 22, false, [['curl -fsS https://dispatch.example.io/health', true]]],
      ['2. The main flows work', 24, true, [['Create a delivery job, assign a rider, pay out', false]]],
      ['3. No new errors in the logs', 28, false, [['railway logs --tail 50 | grep -i error', true]]],
      ['4. Queue depth back to normal', 30, true, [['Under 100 jobs waiting', false]]],
      ['5. Riders see new jobs in the app', 32, true, []],
    ]);
  });
});
