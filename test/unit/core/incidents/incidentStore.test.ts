import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  ActionError, acknowledge, addNote, assignRole, changeSeverity, escalate, reopen, resolve, setStatus, statusUpdatePosted,
} from '../../../../src/core/incidents/actions';
import { IncidentStore, type DamageReport } from '../../../../src/core/incidents/incidentStore';
import type { Incident } from '../../../../src/core/incidents/model';
import { parseRecord } from '../../../../src/core/incidents/record';
import { StoreError } from '../../../../src/core/incidents/storeErrors';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { isEventId } from '../../../../src/core/timeline/eventRef';
import { parseTimeline } from '../../../../src/core/timeline/timelineFile';
import { MIN, T0, iso, recordText } from '../../support/fixtures';
import { TempDirs, makeUnwritable, makeWritable } from '../../support/tempDirs';

const DATE = '2026-11-22';

async function readIncident(dir: string, id: string): Promise<Incident> {
  return parseRecord(await fsp.readFile(path.join(dir, id, 'incident.yaml'), 'utf8'), id).incident;
}

async function readEvents(dir: string, id: string): Promise<TimelineEvent[]> {
  const { events, problems } = parseTimeline(await fsp.readFile(path.join(dir, id, 'timeline.jsonl')));
  assert.deepEqual(problems, [], 'the timeline has no bad line');
  return events;
}

async function bytes(file: string): Promise<string> {
  return (await fsp.readFile(file)).toString('base64');
}

function isStoreError(reason: StoreError['reason']) {
  return (e: unknown) => {
    assert.ok(StoreError.is(e), `expected a StoreError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    assert.doesNotMatch(e.message, /undefined|null/, e.message);
    return true;
  };
}

/** The refusal tests need the OS to refuse a write for real; a machine where nothing can is a failure, not a skip. */
const CANNOT_BLOCK = 'this machine cannot make a folder unwritable (chattr +i as root, chmod otherwise)';

describe('IncidentStore', function () {
  this.timeout(20_000);
  const temp = new TempDirs();
  let clock = T0;
  const logs: string[] = [];
  const newStore = (root: string) => new IncidentStore({ root, now: () => clock, log: (level, message) => logs.push(`${level}: ${message}`) });
  const input = { title: 'Checkout returns 502', severity: 'P1', service: 'checkout', summary: 'Customers cannot pay' };

  beforeEach(() => {
    clock = T0;
    logs.length = 0;
  });
  after(() => temp.cleanup());

  describe('declare', () => {
    it('creates incidents/<date>-<slug>/ with incident.yaml, a declared event and .gitattributes (merge=union)', async () => {
      const root = await temp.make();
      const store = newStore(root);
      let changes = 0;
      store.onDidChange(() => changes++);
      await store.loadAll();
      assert.deepEqual(store.list(), []);
      assert.equal(store.problem, undefined);
      assert.equal(store.loaded, true);

      const inc = await store.declare(input, 'Dana');
      const id = `${DATE}-checkout-returns-502`;
      assert.equal(inc.id, id);
      const dir = store.incidentsDir;
      assert.equal(dir, path.join(root, 'incidents'));
      assert.deepEqual((await fsp.readdir(path.join(dir, id))).sort(), ['incident.yaml', 'timeline.jsonl']);
      assert.deepEqual(await readIncident(dir, id), inc);
      assert.equal(inc.declaredAt, iso(T0));
      assert.equal(inc.declaredBy, 'Dana');
      assert.equal(inc.status, 'investigating');
      const [declared] = await readEvents(dir, id);
      assert.ok(isEventId(declared.id), `the declared event has an id: ${declared.id}`);
      assert.deepEqual(await readEvents(dir, id), [{ id: declared.id, ts: iso(T0), type: 'declared', actor: 'Dana', text: 'Declared P1 incident on checkout: Checkout returns 502',
        data: { title: 'Checkout returns 502', severity: 'P1', service: 'checkout', summary: 'Customers cannot pay' } }]);
      const attrs = await fsp.readFile(path.join(dir, '.gitattributes'), 'utf8');
      assert.match(attrs, /^\*\/timeline\.jsonl merge=union$/m);
      assert.match(attrs, /^\*\/timeline\.damaged\.jsonl merge=union$/m);
      assert.deepEqual(store.get(id)?.incident, inc);
      assert.equal(store.get(id)?.events.length, 1);
      assert.deepEqual(store.pendingFor(), []);
      assert.ok(changes >= 2, 'listeners hear about the load and the declaration');
    });

    it('gives colliding titles -2, -3, also against folders another window created', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await store.declare(input, 'Dana')).id);
      assert.deepEqual(ids, [`${DATE}-checkout-returns-502`, `${DATE}-checkout-returns-502-2`, `${DATE}-checkout-returns-502-3`]);
      const other = newStore(root); // never loaded: only the disk tells it the ids are taken
      assert.equal((await other.declare(input, 'Lee')).id, `${DATE}-checkout-returns-502-4`);
      const fresh = newStore(root);
      await fresh.loadAll();
      assert.deepEqual(fresh.list().map((e) => e.id), [...ids, `${DATE}-checkout-returns-502-4`]);
      assert.ok(fresh.list().every((e) => e.kind === 'incident'));
    });

    it('makes a safe folder name from a hostile title', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const inc = await store.declare({ ...input, title: '../../.vscode/settings' }, 'Dana');
      assert.equal(inc.id, `${DATE}-vscode-settings`);
      assert.equal(inc.title, '../../.vscode/settings', 'the title itself is kept as typed');
      assert.deepEqual(await fsp.readdir(root), ['incidents']);
      const con = await store.declare({ ...input, title: 'CON' }, 'Dana');
      assert.equal(con.id, `${DATE}-con-incident`);
    });
  });

  describe('recording actions', () => {
    it('each action appends its event and updates incident.yaml', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const dir = store.incidentsDir;
      const recordFile = path.join(dir, id, 'incident.yaml');
      const current = () => store.get(id)!.incident;
      const at = (m: number) => { clock = T0 + m * MIN; return iso(clock); };

      const acked = await store.record(id, acknowledge(current(), 'Lee', at(5)));
      assert.equal(acked?.acknowledgedAt, iso(T0 + 5 * MIN));
      assert.equal((await readIncident(dir, id)).acknowledgedAt, iso(T0 + 5 * MIN));

      await store.record(id, assignRole(current(), 'commander', 'Dana', 'Lee', at(6)));
      assert.deepEqual((await readIncident(dir, id)).roles, { commander: 'Dana' });

      await store.record(id, changeSeverity(current(), 'P2', 'Dana', at(7), 'workaround'));
      assert.equal((await readIncident(dir, id)).severity, 'P2');

      const beforeNote = await bytes(recordFile);
      await store.record(id, addNote(current(), 'restarted the pods', 'Lee', at(8)));
      assert.equal(await bytes(recordFile), beforeNote, 'a note does not rewrite the record');

      const step = { afterMinutes: 0, notify: 'On-call engineer' };
      await store.record(id, escalate(current(), 0, step, at(9)));
      assert.deepEqual((await readIncident(dir, id)).escalationsReached, [0]);
      const afterEscalation = await readIncident(dir, id);
      await store.record(id, escalate(current(), 0, step, at(9)));
      assert.deepEqual((await readIncident(dir, id)).escalationsReached, [0], 'a step is reached once');
      // Only the marker of applied events moves on (see replay.ts).
      assert.deepEqual(await readIncident(dir, id), afterEscalation);

      await store.record(id, setStatus(current(), 'identified', 'Dana', at(10)));
      assert.equal((await readIncident(dir, id)).mitigatedAt, null);
      await store.record(id, setStatus(current(), 'monitoring', 'Dana', at(20), 'rolled back'));
      let disk = await readIncident(dir, id);
      assert.equal(disk.status, 'monitoring');
      assert.equal(disk.mitigatedAt, iso(T0 + 20 * MIN));
      assert.equal(disk.lastUpdateAt, iso(T0 + 20 * MIN));

      await store.record(id, statusUpdatePosted(current(), 'update', 'We rolled back', 'Lee', at(25)));
      assert.equal((await readIncident(dir, id)).lastUpdateAt, iso(T0 + 25 * MIN));

      await store.record(id, resolve(current(), 'Dana', at(30), 'fixed'));
      disk = await readIncident(dir, id);
      assert.equal(disk.status, 'resolved');
      assert.equal(disk.resolvedAt, iso(T0 + 30 * MIN));
      assert.equal(disk.mitigatedAt, iso(T0 + 20 * MIN), 'first mitigation kept');

      await store.record(id, reopen(current(), 'Lee', at(40), 'errors are back'));
      disk = await readIncident(dir, id);
      assert.equal(disk.status, 'investigating');
      assert.equal(disk.resolvedAt, null);
      assert.equal(disk.mitigatedAt, null);
      assert.equal(disk.acknowledgedAt, iso(T0 + 5 * MIN));

      const events = await readEvents(dir, id);
      assert.deepEqual(events.map((e) => e.type), ['declared', 'acknowledged', 'role_assigned', 'severity_changed', 'note', 'escalation', 'escalation',
        'status_changed', 'status_changed', 'status_update', 'resolved', 'reopened']);
      assert.deepEqual(events.map((e) => (Date.parse(e.ts) - T0) / MIN), [0, 5, 6, 7, 8, 9, 9, 10, 20, 25, 30, 40]);
      assert.deepEqual(store.get(id)?.events, events, 'the store shows what is on disk');
      assert.deepEqual(current(), disk);

      const fresh = newStore(root);
      await fresh.loadAll();
      assert.deepEqual(fresh.get(id)?.incident, disk);
    });

    it('refuses actions that do not apply (ack twice, resolve twice, reopen active) without writing', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const current = () => store.get(id)!.incident;
      const files = [path.join(store.incidentsDir, id, 'incident.yaml'), path.join(store.incidentsDir, id, 'timeline.jsonl')];

      assert.throws(() => reopen(current(), 'Lee', iso(T0)), (e: unknown) => ActionError.is(e, 'notResolved'));
      await store.record(id, acknowledge(current(), 'Lee', iso(T0 + MIN)));
      let snapshot = await Promise.all(files.map(bytes));
      assert.throws(() => acknowledge(current(), 'Lee', iso(T0 + 2 * MIN)), (e: unknown) => ActionError.is(e, 'alreadyAcknowledged'));
      assert.deepEqual(await Promise.all(files.map(bytes)), snapshot);

      await store.record(id, resolve(current(), 'Lee', iso(T0 + 3 * MIN)));
      snapshot = await Promise.all(files.map(bytes));
      assert.throws(() => resolve(current(), 'Lee', iso(T0 + 4 * MIN)), (e: unknown) => ActionError.is(e, 'alreadyResolved'));
      assert.throws(() => setStatus(current(), 'monitoring', 'Lee', iso(T0 + 4 * MIN)), (e: unknown) => ActionError.is(e, 'alreadyResolved'));
      assert.throws(() => acknowledge(current(), 'Lee', iso(T0 + 4 * MIN)), (e: unknown) => ActionError.is(e, 'alreadyResolved'));
      assert.deepEqual(await Promise.all(files.map(bytes)), snapshot);
    });

    it('refuses an unknown incident', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const inc = store.get(id)!.incident;
      await assert.rejects(store.record(`${DATE}-nope`, addNote(inc, 'x', 'Lee', iso(T0))), isStoreError('notFound'));
      assert.deepEqual(await fsp.readdir(store.incidentsDir), ['.gitattributes', '.gitignore', id]);
    });

    it("keeps a person's comment and extra field when they edited incident.yaml by hand", async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const stale = store.get(id)!.incident; // the store has not seen the edit below
      const recordFile = path.join(store.incidentsDir, id, 'incident.yaml');
      const edited = (await fsp.readFile(recordFile, 'utf8'))
        .replace('summary: Customers cannot pay', 'summary: Customers in the EU cannot pay # per support')
        .concat('# Dana: paged the payments team at 14:10\ncustomer_tickets: 42\n');
      await fsp.writeFile(recordFile, edited);

      clock = T0 + 5 * MIN;
      const after = await store.record(id, acknowledge(stale, 'Lee', iso(clock)));
      const text = await fsp.readFile(recordFile, 'utf8');
      assert.ok(text.includes('# Dana: paged the payments team at 14:10'), text);
      assert.ok(text.includes('customer_tickets: 42'), text);
      assert.ok(text.includes('summary: Customers in the EU cannot pay # per support'), text);
      const disk = await readIncident(store.incidentsDir, id);
      assert.equal(disk.acknowledgedAt, iso(T0 + 5 * MIN), 'the change applied');
      assert.equal(disk.summary, 'Customers in the EU cannot pay', 'the edit was not overwritten by the stale copy');
      assert.deepEqual(after, disk);
      assert.equal(parseRecord(text, id).doc.get('customer_tickets'), 42);
    });
  });

  describe('broken and unsafe folders', () => {
    it('a hand-broken incident.yaml is a broken entry with file, line and column; the others still load', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const good = await store.declare(input, 'Dana');
      const brokenId = `${DATE}-checkout`;
      const brokenDir = path.join(store.incidentsDir, brokenId);
      await fsp.mkdir(brokenDir);
      await fsp.writeFile(path.join(brokenDir, 'incident.yaml'), recordText(brokenId).replace('status: investigating', 'status: bogus'));
      await fsp.writeFile(path.join(brokenDir, 'timeline.jsonl'), '{"ts":"2026-11-22T14:05:00.000Z","type":"declared","actor":"Dana","text":"Declared"}\n');

      const fresh = newStore(root);
      await fresh.loadAll();
      const entries = Object.fromEntries(fresh.list().map((e) => [e.id, e]));
      assert.equal(entries[good.id]?.kind, 'incident');
      const broken = entries[brokenId];
      assert.ok(broken && broken.kind === 'broken');
      assert.deepEqual({ file: broken.file, line: broken.line, column: broken.column }, { file: path.join(brokenDir, 'incident.yaml'), line: 5, column: 9 });
      assert.match(broken.message, /status: must be one of/);
      assert.equal(fresh.get(brokenId), undefined, 'get() only returns readable incidents');

      // Nothing can be recorded on it, and nothing is written: not the record, not the timeline.
      const files = ['incident.yaml', 'timeline.jsonl'].map((f) => path.join(brokenDir, f));
      const snapshot = await Promise.all(files.map(bytes));
      const anyIncident = fresh.get(good.id)!.incident;
      await assert.rejects(fresh.record(brokenId, addNote(anyIncident, 'note', 'Lee', iso(T0))), (e: unknown) => {
        isStoreError('recordInvalid')(e);
        assert.deepEqual((e as StoreError).location, { file: path.join(brokenDir, 'incident.yaml'), line: 5, column: 9 });
        return true;
      });
      assert.deepEqual(await Promise.all(files.map(bytes)), snapshot);
      assert.deepEqual(fresh.pendingFor(brokenId), []);
      // the good one is still fine to record on
      await fresh.record(good.id, addNote(anyIncident, 'still works', 'Lee', iso(T0 + MIN)));
      assert.equal((await readEvents(fresh.incidentsDir, good.id)).at(-1)?.text, 'still works');
    });

    it('a record broken after loading keeps the event, leaves the file alone and applies once fixed', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const recordFile = path.join(store.incidentsDir, id, 'incident.yaml');
      const good = await fsp.readFile(recordFile, 'utf8');
      const brokenText = good.replace('status: investigating', 'status: [oops');
      await fsp.writeFile(recordFile, brokenText);

      clock = T0 + 5 * MIN;
      await assert.rejects(store.record(id, acknowledge(store.get(id)!.incident, 'Lee', iso(clock))), (e: unknown) => {
        isStoreError('recordInvalid')(e);
        assert.equal((e as StoreError).location?.file, recordFile);
        assert.ok(((e as StoreError).location?.line ?? 0) > 1, 'points at the line');
        return true;
      });
      assert.equal(await fsp.readFile(recordFile, 'utf8'), brokenText, 'the broken file is not overwritten');
      assert.deepEqual((await readEvents(store.incidentsDir, id)).map((e) => e.type), ['declared', 'acknowledged'], 'the event is kept');
      assert.equal(store.pendingFor(id).length, 1);
      assert.equal(store.list().find((e) => e.id === id)?.kind, 'broken');

      await fsp.writeFile(recordFile, good); // the person fixes it
      assert.equal(await store.retryPending(), 0);
      assert.equal((await readIncident(store.incidentsDir, id)).acknowledgedAt, iso(T0 + 5 * MIN));
      assert.deepEqual((await readEvents(store.incidentsDir, id)).map((e) => e.type), ['declared', 'acknowledged'], 'not appended twice');
      assert.equal(store.get(id)?.incident.acknowledgedAt, iso(T0 + 5 * MIN));
    });

    it('incidents/ as a symbolic link: problem reported, declare refuses, nothing written through the link', async () => {
      const root = await temp.make();
      const elsewhere = path.join(root, 'elsewhere');
      await fsp.mkdir(elsewhere);
      await fsp.symlink(elsewhere, path.join(root, 'incidents'));
      const store = newStore(root);
      await store.loadAll();
      assert.match(store.problem ?? '', /symbolic link/);
      assert.deepEqual(store.list(), []);

      await assert.rejects(store.declare(input, 'Dana'), isStoreError('unsafePath'));
      assert.deepEqual(await fsp.readdir(elsewhere), [], 'nothing written through the link');
      assert.equal(store.pendingFor().length, 1, 'the declaration is kept in memory');
      assert.deepEqual(store.unsavedDeclarations().map((i) => i.title), ['Checkout returns 502']);
      assert.equal(await store.retryPending(), 1);
      assert.deepEqual(await fsp.readdir(elsewhere), []);

      // Fixed by the person: the problem clears on the next load and the declaration is saved.
      await fsp.unlink(path.join(root, 'incidents'));
      await fsp.writeFile(path.join(root, 'incidents'), 'a file, not a folder');
      await store.loadAll();
      assert.match(store.problem ?? '', /not a folder/);
      await fsp.unlink(path.join(root, 'incidents'));
      await fsp.mkdir(path.join(root, 'incidents'));
      await store.loadAll();
      assert.equal(store.problem, undefined, 'a fixed folder clears the problem');
      assert.equal(await store.retryPending(), 0);
      const id = `${DATE}-checkout-returns-502`;
      assert.equal(store.get(id)?.incident.title, 'Checkout returns 502');
      assert.deepEqual((await readEvents(store.incidentsDir, id)).map((e) => e.type), ['declared']);
      assert.deepEqual(store.unsavedDeclarations(), []);
      assert.deepEqual(await fsp.readdir(elsewhere), []);
    });

    it('an incident folder that is a symbolic link is a broken entry and is never written through', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const real = await store.declare(input, 'Dana');
      const outside = path.join(root, 'outside-incident');
      const linkedId = `${DATE}-linked`;
      await fsp.mkdir(outside);
      await fsp.writeFile(path.join(outside, 'incident.yaml'), recordText(linkedId));
      await fsp.writeFile(path.join(outside, 'timeline.jsonl'), '');
      await fsp.symlink(outside, path.join(store.incidentsDir, linkedId));

      await store.loadAll();
      const linked = store.list().find((e) => e.id === linkedId);
      assert.ok(linked && linked.kind === 'broken', 'broken entry');
      assert.match(linked.message, /symbolic link/);
      assert.equal(linked.file, path.join(store.incidentsDir, linkedId));
      assert.equal(store.list().find((e) => e.id === real.id)?.kind, 'incident');

      const before = await Promise.all(['incident.yaml', 'timeline.jsonl'].map((f) => bytes(path.join(outside, f))));
      await assert.rejects(store.record(linkedId, addNote(real, 'x', 'Lee', iso(T0))), isStoreError('recordInvalid'));
      assert.deepEqual(await Promise.all(['incident.yaml', 'timeline.jsonl'].map((f) => bytes(path.join(outside, f)))), before);
    });

    it('reports damaged timeline lines once and keeps them aside once', async () => {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const timeline = path.join(store.incidentsDir, id, 'timeline.jsonl');
      await fsp.appendFile(timeline, 'garbage line\n{"ts":"2026-11-22T14:09:00.000Z","type":"note","actor":"x","text":"ok"}\n{"torn');
      const reports: DamageReport[] = [];
      const fresh = newStore(root);
      fresh.onDidFindDamage((r) => reports.push(r));
      await fresh.loadAll();
      await fresh.loadAll();
      await fresh.reload(id);
      assert.equal(reports.length, 1, 'reported once');
      assert.deepEqual(reports[0].problems.map((p) => [p.line, p.torn]), [[2, false], [4, true]]);
      assert.equal(fresh.get(id)?.events.length, 2);
      const damaged = (await fsp.readFile(path.join(store.incidentsDir, id, 'timeline.damaged.jsonl'), 'utf8')).trim().split('\n');
      assert.equal(damaged.length, 2, 'kept aside once');
      assert.ok(logs.some((l) => l.startsWith('warn: ') && l.includes('timeline.jsonl:2:')), logs.join('\n'));
      // an append after the torn line is readable, and the torn line is not kept twice
      await fresh.record(id, addNote(fresh.get(id)!.incident, 'after the tear', 'Lee', iso(T0 + 10 * MIN)));
      assert.equal(fresh.get(id)?.events.at(-1)?.text, 'after the tear');
      assert.equal((await fsp.readFile(path.join(store.incidentsDir, id, 'timeline.damaged.jsonl'), 'utf8')).trim().split('\n').length, 2);
    });
  });

  describe('when the disk refuses writes', () => {
    it('declare into a read-only incidents/: writeFailed, kept in memory, written on retry', async function () {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const first = await store.declare(input, 'Dana');
      const listing = (await fsp.readdir(store.incidentsDir)).sort();
      assert.ok(makeUnwritable(store.incidentsDir, false), CANNOT_BLOCK);
      try {
        clock = T0 + MIN;
        await assert.rejects(store.declare({ ...input, title: 'Search is slow', severity: 'P3' }, 'Lee'), (e: unknown) => {
          isStoreError('writeFailed')(e);
          assert.match((e as Error).message, /EPERM|EACCES/);
          return true;
        });
        const pending = store.pendingFor();
        assert.equal(pending.length, 1);
        assert.equal(pending[0].create, true);
        assert.equal(pending[0].id, `${DATE}-search-is-slow`);
        assert.deepEqual(store.unsavedDeclarations().map((i) => i.title), ['Search is slow']);
        assert.equal(await store.retryPending(), 1, 'still refused');
        assert.deepEqual((await fsp.readdir(store.incidentsDir)).sort(), listing, 'nothing new on disk');
        assert.deepEqual(await readEvents(store.incidentsDir, first.id), [store.get(first.id)!.events[0]], 'nothing truncated');
      } finally {
        makeWritable(store.incidentsDir);
      }
      assert.equal(await store.retryPending(), 0);
      const inc = await readIncident(store.incidentsDir, `${DATE}-search-is-slow`);
      assert.equal(inc.title, 'Search is slow');
      assert.equal(inc.declaredAt, iso(T0 + MIN));
      assert.deepEqual((await readEvents(store.incidentsDir, inc.id)).map((e) => e.type), ['declared']);
      assert.deepEqual(store.unsavedDeclarations(), []);
      assert.equal(store.get(inc.id)?.incident.title, 'Search is slow');
    });

    it('record into a read-only incident: writeFailed for each, queued in order, nothing truncated, written in order on retry', async function () {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const files = ['incident.yaml', 'timeline.jsonl'].map((f) => path.join(store.incidentsDir, id, f));
      const snapshot = await Promise.all(files.map(bytes));
      const inc = store.get(id)!.incident;
      assert.ok(makeUnwritable(store.incidentsDir, true), CANNOT_BLOCK);
      try {
        const attempts = [
          acknowledge(inc, 'Lee', iso(T0 + 5 * MIN)),
          addNote(inc, 'looking at the load balancer', 'Lee', iso(T0 + 6 * MIN)),
          setStatus(inc, 'identified', 'Dana', iso(T0 + 7 * MIN)),
        ];
        for (const change of attempts) {
          await assert.rejects(store.record(id, change), (e: unknown) => {
            isStoreError('writeFailed')(e);
            assert.match((e as Error).message, /EPERM|EACCES/, 'names the refusal, also for changes queued behind the first');
            return true;
          });
        }
        assert.deepEqual(store.pendingFor(id).map((p) => [p.change.event.type, p.eventWritten]), [['acknowledged', false], ['note', false], ['status_changed', false]]);
        assert.deepEqual(store.pendingFor().map((p) => p.change.event.type), ['acknowledged', 'note', 'status_changed']);
        assert.ok(store.pendingFor(id)[0].lastError, 'the failure is kept for display');
        assert.equal(await store.retryPending(), 3);
        assert.deepEqual(await Promise.all(files.map(bytes)), snapshot, 'nothing on disk changed or truncated');
        assert.deepEqual(await fsp.readdir(path.join(store.incidentsDir, id)), ['incident.yaml', 'timeline.jsonl'], 'no stray temp file');
      } finally {
        makeWritable(store.incidentsDir);
      }
      assert.equal(await store.retryPending(), 0);
      assert.deepEqual(store.pendingFor(), []);
      const events = await readEvents(store.incidentsDir, id);
      assert.deepEqual(events.map((e) => e.type), ['declared', 'acknowledged', 'note', 'status_changed']);
      const disk = await readIncident(store.incidentsDir, id);
      assert.equal(disk.acknowledgedAt, iso(T0 + 5 * MIN));
      assert.equal(disk.status, 'identified');
      assert.deepEqual(store.get(id)?.incident, disk);
    });

    it('event written but record refused: the retry rewrites the record without appending the event again', async function () {
      const root = await temp.make();
      const store = newStore(root);
      await store.loadAll();
      const { id } = await store.declare(input, 'Dana');
      const dir = path.join(store.incidentsDir, id);
      const recordBefore = await bytes(path.join(dir, 'incident.yaml'));
      // The folder refuses new entries (the temp file of the atomic rewrite); the timeline file itself stays writable.
      assert.ok(makeUnwritable(dir, false), CANNOT_BLOCK);
      try {
        await assert.rejects(store.record(id, acknowledge(store.get(id)!.incident, 'Lee', iso(T0 + 5 * MIN))), isStoreError('writeFailed'));
        assert.deepEqual(store.pendingFor(id).map((p) => p.eventWritten), [true]);
        assert.deepEqual((await readEvents(store.incidentsDir, id)).map((e) => e.type), ['declared', 'acknowledged']);
        assert.equal(await bytes(path.join(dir, 'incident.yaml')), recordBefore);
      } finally {
        makeWritable(dir);
      }
      assert.equal(await store.retryPending(), 0);
      assert.deepEqual((await readEvents(store.incidentsDir, id)).map((e) => e.type), ['declared', 'acknowledged'], 'appended once');
      assert.equal((await readIncident(store.incidentsDir, id)).acknowledgedAt, iso(T0 + 5 * MIN));
    });
  });

  describe('checkForChanges (the safety net behind the file watcher)', () => {
    it("picks up another window's change and new incident, and fires nothing when nothing changed", async () => {
      const root = await temp.make();
      const a = newStore(root);
      await a.loadAll();
      const first = await a.declare(input, 'Dana');
      const b = newStore(root);
      await b.loadAll();
      let changes = 0;
      b.onDidChange(() => changes++);

      await b.checkForChanges();
      assert.equal(changes, 0, 'nothing changed on disk: no reload');

      await a.record(first.id, acknowledge(a.get(first.id)!.incident, 'A', iso(T0 + MIN)));
      assert.equal(b.get(first.id)?.incident.acknowledgedAt, null, 'b has not looked yet');
      await b.checkForChanges();
      assert.equal(b.get(first.id)?.incident.acknowledgedAt, iso(T0 + MIN));
      assert.equal(b.get(first.id)?.events.length, 2);

      clock = T0 + 2 * MIN;
      const second = await a.declare({ ...input, title: 'Search is slow' }, 'Dana');
      await b.checkForChanges();
      assert.deepEqual(b.list().map((e) => e.id).sort(), [first.id, second.id].sort());

      // a hand edit that keeps the size still shows (the modification time differs)
      const recordFile = path.join(b.incidentsDir, second.id, 'incident.yaml');
      const text = await fsp.readFile(recordFile, 'utf8');
      const { mtime } = await fsp.stat(recordFile);
      await fsp.writeFile(recordFile, text.replace('summary: Customers cannot pay', 'summary: Customers cannot buy'));
      // The modification time differs as after any later edit, set rather than waited for.
      await fsp.utimes(recordFile, mtime, new Date(mtime.getTime() + 5000));
      await b.checkForChanges();
      assert.equal(b.get(second.id)?.incident.summary, 'Customers cannot buy');

      changes = 0;
      await b.checkForChanges();
      assert.equal(changes, 0);
    });
  });

  describe('two windows on the same folder', () => {
    /** Two stores on one folder, as two VS Code windows on one workspace, and one declared incident. */
    async function twoWindows() {
      const root = await temp.make();
      const a = newStore(root);
      await a.loadAll();
      const { id } = await a.declare(input, 'Dana');
      const b = newStore(root);
      await b.loadAll();
      return { a, b, id, root };
    }

    it('notes recorded concurrently from two stores are all kept, as whole lines', async () => {
      const { a, b, id } = await twoWindows();
      const inc = b.get(id)!.incident;
      const N = 60;
      await Promise.all(Array.from({ length: N }, (_, i) => [
        a.record(id, addNote(inc, `from A #${i} ünïcødé`, 'A', iso(T0 + i * 1000))),
        b.record(id, addNote(inc, `from B #${i}\nsecond line`, 'B', iso(T0 + i * 1000 + 500))),
      ]).flat());
      const text = await fsp.readFile(path.join(a.incidentsDir, id, 'timeline.jsonl'), 'utf8');
      assert.ok(text.endsWith('\n'));
      assert.equal(text.split('\n').filter((l) => l !== '').length, 2 * N + 1);
      const events = await readEvents(a.incidentsDir, id);
      const notes = events.filter((e) => e.type === 'note').map((e) => e.text).sort();
      const expected = Array.from({ length: N }, (_, i) => [`from A #${i} ünïcødé`, `from B #${i}\nsecond line`]).flat().sort();
      assert.deepEqual(notes, expected);
      assert.deepEqual(a.pendingFor(), []);
      assert.deepEqual(b.pendingFor(), []);
      // each window sees the other's lines once it re-reads (the file watcher's job in the extension)
      await Promise.all([a.reload(id), b.reload(id)]);
      assert.equal(a.get(id)?.events.length, 2 * N + 1);
      assert.equal(b.get(id)?.events.length, 2 * N + 1);
    });

    it('changes to different fields from two stores, one after the other, both land', async () => {
      const { a, b, id } = await twoWindows();
      await a.record(id, acknowledge(a.get(id)!.incident, 'A', iso(T0 + MIN)));
      // b's copy is stale (not acknowledged); its change applies to what is on disk now
      await b.record(id, changeSeverity(b.get(id)!.incident, 'P2', 'B', iso(T0 + 2 * MIN)));
      const disk = await readIncident(a.incidentsDir, id);
      assert.equal(disk.acknowledgedAt, iso(T0 + MIN));
      assert.equal(disk.severity, 'P2');
    });
  });
});
