// `incident-desk check` and `incident-desk report`: the built CLI in a child process on real
// fixture incidents copied to temp folders.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { TempDirs } from '../support/tempDirs';
import { requireFreshBuild, runCli } from './cliHarness';

const PM_FIXTURE = path.resolve(__dirname, '../../../../test/fixtures/postmortem');

const DB = '2026-11-02-db-failover';
const CACHE = '2026-11-05-cache-stampede';

const MISSING_DB = `incidents/${DB}/incident.yaml:17:1: P1 incident resolved 2026-11-02T11:30:00.000Z has no post-mortem incidents/${DB}.md: it was due 48h after resolution, at 2026-11-04T11:30:00.000Z`;
const MISSING_CACHE = `incidents/${CACHE}/incident.yaml:12:1: P2 incident resolved 2026-11-05T10:30:00.000Z has no post-mortem incidents/${CACHE}.md: it was due 48h after resolution, at 2026-11-07T10:30:00.000Z`;

describe('incident-desk check and report', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let ws: string;
  before(() => requireFreshBuild());
  beforeEach(async () => {
    ws = await temp.make('idk-check-');
    await fsp.cp(PM_FIXTURE, ws, { recursive: true });
  });
  after(() => temp.cleanup());

  const cli = (...args: string[]) => runCli(args, { cwd: ws });
  const lines = (b: Buffer) => b.toString().split('\n').filter(Boolean);

  describe('check', () => {
    it('fails on each resolved P1/P2 incident without a post-mortem past its due time, not on P3 or active ones', async () => {
      const r = await cli('check');
      assert.equal(r.code, 1);
      assert.deepEqual(lines(r.stdout), [MISSING_DB, MISSING_CACHE]);
      assert.equal(r.stderr, '4 incident(s), 0 post-mortem(s): 2 problem(s)\n');
    });

    it('passes once the post-mortems exist; an action item without owner or due date fails it with file:line:col', async () => {
      for (const id of [DB, CACHE]) assert.equal((await cli('postmortem', `incidents/${id}`, '--write')).code, 0);
      const ok = await cli('check');
      assert.equal(ok.code, 0, ok.stdout.toString());
      assert.equal(ok.stdout.toString(), '');
      const file = path.join(ws, 'incidents', `${DB}.md`);
      const text = (await fsp.readFile(file, 'utf8')).replace('## Action items\n', '## Action items\n\n- [ ] Alert on replica lag (owner: Ravi, due: 2026-12-01, type: prevent)\n- [x] Pin the health check timeout (due: 2026-12-10)\n- [ ] Write the failover runbook (owner: Lee)\n');
      await fsp.writeFile(file, text);
      const at = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
      const r = await cli('check');
      assert.equal(r.code, 1);
      assert.deepEqual(lines(r.stdout), [
        `incidents/${DB}.md:${at('Pin the health')}:7: action item has no owner (owner: <name>)`,
        `incidents/${DB}.md:${at('Write the failover')}:7: action item has no due date (due: YYYY-MM-DD)`,
      ]);
    });

    it('--due and incidentDesk.postmortem.dueHours decide when a post-mortem is late', async () => {
      // A P1 resolved an hour ago: not due with the default 48 hours.
      const now = Date.now();
      const iso = (ms: number) => new Date(ms).toISOString();
      const id = `${iso(now).slice(0, 10)}-fresh-outage`;
      await fsp.mkdir(path.join(ws, 'incidents', id));
      await fsp.writeFile(path.join(ws, 'incidents', id, 'incident.yaml'), [
        'version: 1', `id: ${id}`, 'title: Fresh outage', 'severity: P1', 'status: resolved', 'service: web',
        `declaredAt: ${iso(now - 3 * 3_600_000)}`, `acknowledgedAt: ${iso(now - 3 * 3_600_000)}`, `resolvedAt: ${iso(now - 3_600_000)}`, '',
      ].join('\n'));
      for (const old of [DB, CACHE]) assert.equal((await cli('postmortem', `incidents/${old}`, '--write')).code, 0);
      assert.equal((await cli('check')).code, 0);
      const late = await cli('check', '--due', '30m');
      assert.equal(late.code, 1);
      assert.match(lines(late.stdout)[0], new RegExp(`^incidents/${id}/incident.yaml:9:1: P1 incident resolved .* has no post-mortem incidents/${id}.md: it was due 0.5h after resolution`));
      await fsp.mkdir(path.join(ws, '.vscode'));
      await fsp.writeFile(path.join(ws, '.vscode', 'settings.json'), '{\n  // half an hour\n  "incidentDesk.postmortem.dueHours": 0.5,\n}\n');
      assert.equal((await cli('check')).code, 1, 'the workspace setting is read');
      assert.equal((await cli('check', '--due', '2d')).code, 0, '--due wins over the setting');
    });

    it('reads the severity scale from the workspace settings: P0-P3 makes P2 a level without post-mortems', async () => {
      await fsp.mkdir(path.join(ws, '.vscode'));
      await fsp.writeFile(path.join(ws, '.vscode', 'settings.json'), '{ "incidentDesk": { "severityScale": "P0-P3" } }');
      const r = await cli('check');
      assert.deepEqual(lines(r.stdout), [MISSING_DB]);
    });

    it('reports a broken record and a damaged timeline line with file:line:col, and writes nothing', async () => {
      const record = path.join(ws, 'incidents', '2026-11-07-typo-banner', 'incident.yaml');
      await fsp.writeFile(record, (await fsp.readFile(record, 'utf8')).replace('status: resolved', 'status: finished'));
      await fsp.appendFile(path.join(ws, 'incidents', '2026-11-29-queue-backlog', 'timeline.jsonl'), '{"ts": "2026-11-29T08:00:00.000Z", "type": \n');
      const before = await fsp.readdir(path.join(ws, 'incidents', '2026-11-29-queue-backlog'));
      const r = await cli('check');
      assert.equal(r.code, 1);
      const out = lines(r.stdout);
      assert.equal(out.length, 4, out.join('\n'));
      assert.match(out[2], /^incidents\/2026-11-07-typo-banner\/incident.yaml:5:9: status/);
      assert.match(out[3], /^incidents\/2026-11-29-queue-backlog\/timeline.jsonl:3:\d+: invalid JSON/);
      assert.deepEqual(await fsp.readdir(path.join(ws, 'incidents', '2026-11-29-queue-backlog')), before, 'no timeline.damaged.jsonl in the checkout');
    });
  });

  describe('report', () => {
    const all = {
      bySeverity: {
        P1: { count: 2, mttaMinutes: 7.5, mttmMinutes: 40, mttrMinutes: 90 },
        P2: { count: 1, mttaMinutes: 70, mttmMinutes: 90, mttrMinutes: 150 },
        P3: { count: 1, mttaMinutes: 30, mttmMinutes: 60, mttrMinutes: 60 },
      },
      byService: {
        api: { count: 2, mttaMinutes: 37.5, mttmMinutes: 90, mttrMinutes: 150 },
        db: { count: 1, mttaMinutes: 10, mttmMinutes: 40, mttrMinutes: 90 },
        web: { count: 1, mttaMinutes: 30, mttmMinutes: 60, mttrMinutes: 60 },
      },
    };

    it('--json: count and means in minutes by severity and by service, hand-checked', async () => {
      // P1: acknowledged after 10 and 5 min → 7.5; only the resolved one mitigated (40) and resolved (90).
      // api: the P2 (70/90/150) and the active P1 (5/–/–) → 37.5, 90, 150.
      const r = await cli('report', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout.toString()), all);
      assert.deepEqual(JSON.parse((await cli('report', '--json', '--since', '36500d')).stdout.toString()), all);
    });

    it('--since a date leaves out what was declared before; null where no incident reached the milestone', async () => {
      const r = await cli('report', '--json', '--since', '2026-11-06');
      assert.deepEqual(JSON.parse(r.stdout.toString()), {
        bySeverity: { P1: { count: 1, mttaMinutes: 5, mttmMinutes: null, mttrMinutes: null }, P3: all.bySeverity.P3 },
        byService: { api: { count: 1, mttaMinutes: 5, mttmMinutes: null, mttrMinutes: null }, web: all.byService.web },
      });
      const none = await cli('report', '--json', '--since', '1d');
      assert.deepEqual(JSON.parse(none.stdout.toString()), { bySeverity: {}, byService: {} });
    });

    it('as text: two aligned tables', async () => {
      const r = await cli('report', '--since', '2026-11-01');
      assert.equal(r.stdout.toString(), [
        '4 incident(s) declared since 2026-11-01 00:00 UTC; means in minutes over the incidents that reached each milestone.',
        '',
        'Severity  Count     MTTA    MTTM     MTTR',
        'P1            2  7.5 min  40 min   90 min',
        'P2            1   70 min  90 min  150 min',
        'P3            1   30 min  60 min   60 min',
        '',
        'Service  Count      MTTA    MTTM     MTTR',
        'api          2  37.5 min  90 min  150 min',
        'db           1    10 min  40 min   90 min',
        'web          1    30 min  60 min   60 min',
        '',
      ].join('\n'));
    });

    it('usage errors', async () => {
      assert.equal((await cli('report', '--since', 'lately')).code, 2);
      assert.equal((await cli('check', '--due', 'soon')).code, 2);
      assert.equal((await cli('report', '--due', '2d')).code, 2);
    });
  });
});
