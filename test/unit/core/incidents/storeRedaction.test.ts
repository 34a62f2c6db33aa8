// Every write path of the store (the one the extension and the CLI share) redacts before writing.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { addNote, resolve } from '../../../../src/core/incidents/actions';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import { FilePendingPersistence } from '../../../../src/core/incidents/pendingEvents';
import { RedactionError } from '../../../../src/core/redaction/redact';
import { logsPinned } from '../../../../src/core/remote/remoteEvents';
import { stepFinished } from '../../../../src/core/runbooks/runbookEvents';
import { MIN, T0, iso } from '../../support/fixtures';
import { TempDirs, makeUnwritable, makeWritable } from '../../support/tempDirs';
import { secretCorpus } from '../../../fixtures/secrets/corpus';

const corpus = secretCorpus();
const sample = (name: string) => corpus.find((s) => s.name === name)!;
const ghp = sample('GitHub classic token').secrets[0]!.value;
const pgText = sample('PostgreSQL connection string').text;
const pgPw = sample('PostgreSQL connection string').secrets[0]!.value;
const allSecrets = corpus.flatMap((s) => s.secrets.map((x) => x.value));

describe('IncidentStore: nothing secret lands in files', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  const logs: string[] = [];
  after(() => temp.cleanup());

  async function open(root: string, patterns: readonly unknown[] = [], pendingFile?: string) {
    const store = new IncidentStore({
      root, now: () => T0, log: (level, m) => logs.push(`${level}: ${m}`), redaction: () => ({ patterns }),
      ...(pendingFile ? { pending: new FilePendingPersistence(pendingFile, root) } : {}),
    });
    await store.loadAll();
    return store;
  }

  const filesUnder = async (dir: string): Promise<string> => {
    const out: string[] = [];
    for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
      if (e.isFile()) out.push(`${e.name}\n${await fsp.readFile(path.join(e.parentPath, e.name), 'utf8')}`);
      out.push(e.name);
    }
    return out.join('\n');
  };

  it('a declared title, service and summary: the folder name, incident.yaml and the declared event are redacted', async () => {
    const root = await temp.make();
    const store = await open(root);
    const inc = await store.declare({ title: `Leaked ${ghp} in CI`, severity: 'P1', service: 'ci', summary: `pg: ${pgText}` }, 'Dana');
    assert.equal(inc.title, 'Leaked [redacted: github-token] in CI');
    assert.ok(!inc.id.toLowerCase().includes(ghp.slice(4, 12).toLowerCase()), inc.id);
    const all = await filesUnder(path.join(root, 'incidents'));
    assert.ok(!all.includes(ghp) && !all.includes(pgPw), all);
    assert.match(all, /title: "Leaked \[redacted: github-token\] in CI"/);
    const line = (await fsp.readFile(path.join(root, 'incidents', inc.id, 'timeline.jsonl'), 'utf8')).trim();
    const ev = JSON.parse(line) as { text: string; data: { redacted: string[]; summary: string } };
    assert.deepEqual(ev.data.redacted, ['github-token', 'url-password']);
    assert.ok(ev.data.summary.includes('postgres://app:[redacted: url-password]@db.internal'), ev.data.summary);
  });

  it('a note, pinned log lines, a step output and a resolution note: the timeline holds labels, never a corpus secret', async () => {
    const root = await temp.make();
    const store = await open(root);
    const { id } = await store.declare({ title: 'Checkout 502', severity: 'P2', service: 'checkout' }, 'Dana');
    const inc = () => store.get(id)!.incident;
    await store.record(id, addNote(inc(), `token in the env: ${ghp}`, 'Lee', iso(T0 + MIN)));
    await store.record(id, logsPinned('web-1', 'api', corpus.map((s) => s.text), 'Lee', iso(T0 + 2 * MIN)));
    const ref = { runbook: 'runbooks/x.md', runbookTitle: 'X', section: 'S', step: 'dump env', line: 3 };
    await store.record(id, stepFinished(ref, { command: `curl -u admin:${pgPw} https://x`, target: 'local', runId: 'r1' }, 0, 'Lee', iso(T0 + 3 * MIN)));
    await store.record(id, resolve(inc(), 'Lee', iso(T0 + 4 * MIN), `rotated ${ghp}`));
    const text = await fsp.readFile(path.join(root, 'incidents', id, 'timeline.jsonl'), 'utf8');
    for (const s of allSecrets) assert.ok(!text.includes(s), `on the timeline: ${s.slice(0, 10)}…`);
    const events = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text: string; data?: { redacted?: string[] } });
    assert.equal(events[1]!.text, 'token in the env: [redacted: github-token]');
    assert.deepEqual(events[1]!.data, { redacted: ['github-token'] });
    assert.ok(events[2]!.data!.redacted!.includes('private-key') && events[2]!.data!.redacted!.includes('jwt'), JSON.stringify(events[2]!.data!.redacted));
    assert.equal(events[4]!.type, 'resolved');
    assert.equal(store.get(id)!.incident.status, 'resolved', 'the record still follows the redacted event');
    assert.ok(!logs.join('\n').includes(ghp));
  });

  it("the team's patterns apply; an invalid one refuses the write and writes nothing", async () => {
    const root = await temp.make();
    const good = await open(root, ['ACME-[0-9]{6}']);
    const { id } = await good.declare({ title: 'Pager', severity: 'P3', service: 'pager' }, 'Dana');
    await good.record(id, addNote(good.get(id)!.incident, 'internal key ACME-123456 used', 'Lee', iso(T0 + MIN)));
    const file = path.join(root, 'incidents', id, 'timeline.jsonl');
    assert.match(await fsp.readFile(file, 'utf8'), /internal key \[redacted: pattern\] used/);
    const before = await fsp.readFile(file, 'utf8');
    const bad = await open(root, ['ACME-[0-9']);
    await assert.rejects(bad.record(id, addNote(bad.get(id)!.incident, 'ACME-654321', 'Lee', iso(T0 + 2 * MIN))),
      (e: unknown) => RedactionError.is(e, 'invalidPattern') && e.message.includes('"ACME-[0-9"'));
    assert.equal(await fsp.readFile(file, 'utf8'), before, 'nothing written');
    assert.deepEqual(bad.pendingFor(id), [], 'nothing queued');
  });

  it("a change the disk refuses is kept redacted in the extension's storage; one kept unredacted by an earlier version is redacted before it is written", async () => {
    const root = await temp.make();
    const storage = await temp.make('incident-desk-storage-');
    const kept = path.join(storage, 'pending.json');
    const store = await open(root, [], kept);
    const { id } = await store.declare({ title: 'Disk', severity: 'P2', service: 'db' }, 'Dana');
    const dir = path.join(root, 'incidents', id);
    assert.ok(makeUnwritable(dir, true), 'this machine cannot make a folder unwritable');
    try {
      await assert.rejects(store.record(id, addNote(store.get(id)!.incident, `pw ${pgText}`, 'Lee', iso(T0 + MIN))));
      const saved = await fsp.readFile(kept, 'utf8');
      assert.ok(!saved.includes(pgPw) && saved.includes('[redacted: url-password]'), saved);
    } finally {
      makeWritable(dir);
    }
    store.dispose();
    // An earlier version kept a secret as it was typed.
    const raw = JSON.parse(await fsp.readFile(kept, 'utf8')) as { incidents: Record<string, Array<{ event: { text: string } }>> };
    raw.incidents[id]![0]!.event.text = `pw ${pgText} and ${ghp}`;
    await fsp.writeFile(kept, JSON.stringify(raw));
    const next = await open(root, [], kept);
    assert.equal(await next.restorePending(), 0);
    const text = await fsp.readFile(path.join(dir, 'timeline.jsonl'), 'utf8');
    assert.ok(!text.includes(pgPw) && !text.includes(ghp), text);
    assert.ok(!logs.join('\n').includes(pgPw));
  });
});
