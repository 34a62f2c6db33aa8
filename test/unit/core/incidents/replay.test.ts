import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { acknowledge, addNote, assignRole, changeSeverity, setStatus } from '../../../../src/core/incidents/actions';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import type { Incident } from '../../../../src/core/incidents/model';
import { parseRecord } from '../../../../src/core/incidents/record';
import { applyEvent, catchUp, markerFor } from '../../../../src/core/incidents/replay';
import type { TimelineEvent } from '../../../../src/core/timeline/events';
import { appendEvents } from '../../../../src/core/timeline/timelineFile';
import { MIN, T0, iso } from '../../support/fixtures';
import { TempDirs } from '../../support/tempDirs';

const OUT_SRC = path.resolve(__dirname, '..', '..', '..', '..', 'src');

async function onDisk(root: string, id: string): Promise<Incident> {
  return parseRecord(await fsp.readFile(path.join(root, 'incidents', id, 'incident.yaml'), 'utf8'), id).incident;
}

async function loaded(root: string, id: string): Promise<Incident> {
  const s = new IncidentStore({ root });
  await s.loadAll();
  const e = s.get(id);
  assert.ok(e, `${id} did not load: ${JSON.stringify(s.list())}`);
  return e.incident;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-22T15:00:00Z', GIT_COMMITTER_DATE: '2026-11-22T15:00:00Z' },
  });
}

describe('the record catches up with its timeline (crash between the two writes, git union merge)', function () {
  this.timeout(30_000);
  const temps = new TempDirs();
  after(() => temps.cleanup());

  async function declared(root: string, at = T0): Promise<{ store: IncidentStore; id: string; clock: { now: number } }> {
    const clock = { now: at };
    const store = new IncidentStore({ root, now: () => clock.now });
    await store.loadAll();
    const { id } = await store.declare({ title: 'Checkout returns 502', severity: 'P1', service: 'checkout' }, 'Dana');
    return { store, id, clock };
  }

  it('an event appended whose record write never happened (the disk state a crash leaves) is applied on load, and written with the next change', async () => {
    const root = await temps.make();
    const { store, id } = await declared(root);
    const inc = store.get(id)!.incident;
    // What writeOp does first, and all a crash right after it leaves: the event, fsynced; the record untouched.
    await appendEvents(path.join(root, 'incidents', id, 'timeline.jsonl'), [setStatus(inc, 'monitoring', 'Lee', iso(T0 + 5 * MIN)).event]);
    assert.equal((await onDisk(root, id)).status, 'investigating', 'precondition: the record is behind');

    const after = new IncidentStore({ root });
    await after.loadAll();
    const entry = after.get(id)!;
    assert.equal(entry.incident.status, 'monitoring');
    assert.equal(entry.incident.mitigatedAt, iso(T0 + 5 * MIN));
    assert.equal(entry.recordBehind, 1);

    await after.record(id, changeSeverity(entry.incident, 'P2', 'Lee', iso(T0 + 6 * MIN)));
    const disk = await onDisk(root, id);
    assert.equal(disk.status, 'monitoring', 'the replayed change reached incident.yaml');
    assert.equal(disk.severity, 'P2');
    assert.equal((await loaded(root, id)).status, 'monitoring');
  });

  it('a real process killed between the timeline append and the record write: the next load shows the new state', async () => {
    const root = await temps.make();
    const { id } = await declared(root);
    const child = `
const { IncidentStore } = require(${JSON.stringify(path.join(OUT_SRC, 'core/incidents/incidentStore.js'))});
const A = require(${JSON.stringify(path.join(OUT_SRC, 'core/incidents/actions.js'))});
const [root, id] = process.argv.slice(1);
(async () => {
  const s = new IncidentStore({ root, writeHooks: { afterAppend: async () => { process.kill(process.pid, 'SIGKILL'); await new Promise(() => {}); } } });
  await s.loadAll();
  await s.record(id, A.acknowledge(s.get(id).incident, 'Lee', new Date(${T0 + 2 * MIN}).toISOString()));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;
    const kid = spawn(process.execPath, ['-e', child, root, id], { stdio: ['ignore', 'inherit', 'inherit'] });
    const signal = await new Promise<NodeJS.Signals | null>((r) => kid.on('exit', (_code, sig) => r(sig)));
    assert.equal(signal, 'SIGKILL', 'the process was not killed where the hook is');
    assert.equal((await onDisk(root, id)).acknowledgedAt, null, 'precondition: the record is behind');
    assert.equal((await loaded(root, id)).acknowledgedAt, iso(T0 + 2 * MIN));
  });

  it('a hand edit of the record (title, a comment) is kept while later events are applied', async () => {
    const root = await temps.make();
    const { store, id } = await declared(root);
    const file = path.join(root, 'incidents', id, 'incident.yaml');
    const text = await fsp.readFile(file, 'utf8');
    await fsp.writeFile(file, text.replace('title: Checkout returns 502', 'title: Checkout returns 502 for EU cards # narrowed down'));
    const inc = (await loaded(root, id));
    // One change through the store, one left behind as a crash would.
    await store.loadAll();
    await store.record(id, acknowledge(inc, 'Lee', iso(T0 + 2 * MIN)));
    await appendEvents(path.join(root, 'incidents', id, 'timeline.jsonl'), [assignRole(inc, 'commander', 'Lee', 'Lee', iso(T0 + 3 * MIN)).event]);
    const after = await loaded(root, id);
    assert.equal(after.title, 'Checkout returns 502 for EU cards');
    assert.equal(after.acknowledgedAt, iso(T0 + 2 * MIN));
    assert.deepEqual(after.roles, { commander: 'Lee' });
    assert.match(await fsp.readFile(file, 'utf8'), /# narrowed down/);
  });

  it('notes do not rewrite the record, and do not make it look behind', async () => {
    const root = await temps.make();
    const { store, id } = await declared(root);
    const file = path.join(root, 'incidents', id, 'incident.yaml');
    const before = await fsp.readFile(file, 'utf8');
    await store.record(id, addNote(store.get(id)!.incident, 'looking at the pods', 'Lee', iso(T0 + MIN)));
    assert.equal(await fsp.readFile(file, 'utf8'), before);
    const s = new IncidentStore({ root });
    await s.loadAll();
    assert.equal(s.get(id)!.recordBehind, 0);
  });

  it('a record written before markers existed is taken as it is', async () => {
    const root = await temps.make();
    const { id } = await declared(root);
    const file = path.join(root, 'incidents', id, 'incident.yaml');
    const text = await fsp.readFile(file, 'utf8');
    const old = text.replace(/\napplied:\n( {2}.*\n)+/, '\n').replace('status: investigating', 'status: identified');
    assert.notEqual(old, text);
    await fsp.writeFile(file, old);
    assert.equal((await loaded(root, id)).status, 'identified');
  });

  for (const keep of ['ours', 'theirs'] as const) {
    it(`two branches that changed the incident, union-merged in git (keeping ${keep} incident.yaml): both sides' changes are applied`, async () => {
      const root = await temps.make();
      git(root, 'init', '-q');
      const { id } = await declared(root);
      git(root, 'add', '-A');
      git(root, 'commit', '-qm', 'declare');
      git(root, 'branch', 'b');

      // Branch main (A): acknowledged at +1, identified at +3; and a hand edit of the title.
      const a = new IncidentStore({ root });
      await a.loadAll();
      await a.record(id, acknowledge(a.get(id)!.incident, 'Ann', iso(T0 + 1 * MIN)));
      await a.record(id, setStatus(a.get(id)!.incident, 'identified', 'Ann', iso(T0 + 3 * MIN)));
      const file = path.join(root, 'incidents', id, 'incident.yaml');
      await fsp.writeFile(file, (await fsp.readFile(file, 'utf8')).replace('title: Checkout returns 502', 'title: Checkout 502 (EU)'));
      git(root, 'commit', '-qam', 'A');

      // Branch b (B), in between in time: commander at +2, severity P2 at +4.
      git(root, 'checkout', '-q', 'b');
      const b = new IncidentStore({ root });
      await b.loadAll();
      await b.record(id, assignRole(b.get(id)!.incident, 'commander', 'Bo', 'Bo', iso(T0 + 2 * MIN)));
      await b.record(id, changeSeverity(b.get(id)!.incident, 'P2', 'Bo', iso(T0 + 4 * MIN)));
      git(root, 'commit', '-qam', 'B');
      git(root, 'checkout', '-q', 'main');

      // The timelines merge by union (incidents/.gitattributes); the records conflict, a person keeps one.
      try {
        git(root, 'merge', '-q', 'b');
        assert.fail('the two records were expected to conflict');
      } catch (e) {
        assert.match(String((e as { stdout?: string }).stdout ?? e), /CONFLICT.*incident\.yaml/);
      }
      assert.doesNotMatch(git(root, 'diff', '--name-only', '--diff-filter=U'), /timeline\.jsonl/, 'the timeline merged without conflict');
      git(root, 'checkout', `--${keep}`, '--', `incidents/${id}/incident.yaml`);
      git(root, 'add', '-A');
      git(root, 'commit', '-qm', 'merge');

      const merged = await loaded(root, id);
      assert.equal(merged.acknowledgedAt, iso(T0 + 1 * MIN), "A's acknowledgement");
      assert.equal(merged.status, 'identified', "A's status");
      assert.deepEqual(merged.roles, { commander: 'Bo' }, "B's commander");
      assert.equal(merged.severity, 'P2', "B's severity");
      assert.equal(merged.title, keep === 'ours' ? 'Checkout 502 (EU)' : 'Checkout returns 502', 'the kept record\'s hand edits');

      // The next change writes the merged state to the record, and it stays.
      const s = new IncidentStore({ root });
      await s.loadAll();
      await s.record(id, setStatus(s.get(id)!.incident, 'monitoring', 'Ann', iso(T0 + 5 * MIN)));
      const disk = await onDisk(root, id);
      assert.deepEqual({ sev: disk.severity, roles: disk.roles, ack: disk.acknowledgedAt, status: disk.status }, { sev: 'P2', roles: { commander: 'Bo' }, ack: iso(T0 + 1 * MIN), status: 'monitoring' });
      const again = new IncidentStore({ root });
      await again.loadAll();
      assert.equal(again.get(id)!.recordBehind, 0);
    });
  }
});

describe('catchUp: any two sides of a union merge, either record kept, gives the state of the whole timeline', () => {
  const ID = '2026-11-22-merge';
  const declaredEvent: TimelineEvent = { ts: iso(T0), type: 'declared', actor: 'Dana', text: 'Declared', data: { title: 'Merge', severity: 'P1', service: 'web' } };
  const fold = (events: readonly TimelineEvent[], from?: Incident) => events.reduce<Incident | undefined>((cur, e) => applyEvent(cur, e, ID), from)!;
  const byTime = (events: readonly TimelineEvent[]) => [...events].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));

  const stateEvent = fc.oneof(
    fc.constant({ type: 'acknowledged', data: {} }),
    fc.constantFrom('investigating', 'identified', 'monitoring').map((to) => ({ type: 'status_changed', data: { to } })),
    fc.constant({ type: 'resolved', data: {} }),
    fc.constant({ type: 'reopened', data: {} }),
    fc.constantFrom('P1', 'P2', 'P3').map((to) => ({ type: 'severity_changed', data: { to } })),
    fc.record({ role: fc.constantFrom('commander', 'scribe'), person: fc.constantFrom('Ann', 'Bo', 'Cy') }).map((data) => ({ type: 'role_assigned', data })),
    fc.nat(3).map((step) => ({ type: 'escalation', data: { step } })),
    fc.constant({ type: 'status_update', data: {} }),
    fc.constant({ type: 'note', data: {} }),
  );

  it('holds for 500 random histories (fast-check)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ side: fc.constantFrom('a', 'b', 'base'), e: stateEvent }), { maxLength: 25 }),
      fc.boolean(),
      (steps, keepA) => {
        const events = steps.map(({ side, e }, i) => ({ side, event: { ts: iso(T0 + (i + 1) * MIN), type: e.type, actor: side, text: `${e.type} ${i}`, data: e.data } as TimelineEvent }));
        const base = [declaredEvent, ...events.filter((x) => x.side === 'base').map((x) => x.event)];
        const side = (s: string) => byTime([...base, ...events.filter((x) => x.side === s).map((x) => x.event)]);
        const kept = side(keepA ? 'a' : 'b');
        // The kept side's record as the writer left it, plus a hand edit of its title.
        const record = { ...fold(kept), title: 'edited by hand' };
        const merged = byTime([...base, ...events.filter((x) => x.side !== 'base').map((x) => x.event)]);
        const got = catchUp(record, markerFor(kept), merged).incident;
        assert.deepEqual(got, { ...fold(merged), title: 'edited by hand' });
      },
    ), { numRuns: 500 });
  });
});
