// What the timeline writes, through the commands a user (or the timeline view) runs, in the real
// extension host: event ids, notes that tell of an earlier moment, stars, a step's output tail.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IncidentStore } from '../../src/core/incidents/incidentStore';
import { starredRefs } from '../../src/core/incidents/keyMoments';
import { lineRef } from '../../src/core/timeline/eventRef';
import { parseTimelineWithRefs } from '../../src/core/timeline/timelineFile';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { api, incidentDir, timelineOf, waitFor, workspaceRoot } from './helpers';

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const MIN = 60_000;

/** Replaces a window function for the length of `fn` (the extension shares this `vscode` object). */
async function stubbed<K extends 'showInputBox' | 'showQuickPick' | 'showErrorMessage'>(name: K, impl: (...args: unknown[]) => unknown, fn: () => Promise<void>): Promise<void> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = w[name];
  w[name] = impl;
  try {
    await fn();
  } finally {
    w[name] = original;
  }
}

const lines = (id: string) => fs.readFileSync(path.join(incidentDir(id), 'timeline.jsonl'), 'utf8');
const refsOf = (id: string) => parseTimelineWithRefs(fs.readFileSync(path.join(incidentDir(id), 'timeline.jsonl')));

describe('timeline writes: ids, backdated notes, stars, step output (commands in the real extension host)', function () {
  this.timeout(60_000);
  let id: string;
  let declaredMs: number;

  before(async () => {
    await api();
    // Declared 40 minutes ago by the same writer the extension uses (as another window or the CLI would).
    declaredMs = Date.now() - 40 * MIN;
    const other = new IncidentStore({ root: workspaceRoot(), now: () => declaredMs });
    await other.loadAll();
    id = (await other.declare({ title: 'Queue backs up', severity: 'P2', service: 'queue' }, 'Dana')).id;
    const store = (await api()).container.incidents;
    await vscode.commands.executeCommand('incidentDesk.incidents.refresh');
    await waitFor(() => store.store?.get(id) !== undefined, 'the extension to read the incident');
  });

  it('Add Note from the palette asks when it happened: the time is checked as typed, ts stays now, data.occurredAt holds it', async () => {
    const asked: string[] = [];
    const problems: Array<string | undefined> = [];
    let written: unknown;
    await stubbed('showInputBox', async (...args: unknown[]) => {
      const options = args[0] as vscode.InputBoxOptions;
      asked.push(options.prompt ?? '');
      if (asked.length === 1) return 'checked the load balancer: healthy';
      const validate = options.validateInput as (v: string) => string | undefined;
      problems.push(validate('-2h'), validate('23:61'), validate(new Date(Date.now() + 10 * MIN).toISOString()), validate('-10m'), validate(''));
      return '-10m';
    }, async () => {
      written = await vscode.commands.executeCommand('incidentDesk.incident.addNote', id);
    });
    assert.equal(asked.length, 2);
    assert.match(asked[1], /When did it happen\? Leave empty for now/);
    assert.match(problems[0] ?? '', /is before the incident was declared/);
    assert.match(problems[1] ?? '', /is not a time of day/);
    assert.match(problems[2] ?? '', /is in the future/);
    assert.deepEqual(problems.slice(3), [undefined, undefined]);
    const note = timelineOf(id).at(-1)! as { id?: string; ts: string; type: string; text: string; data?: { occurredAt?: string } };
    assert.equal(note.type, 'note');
    assert.equal(note.text, 'checked the load balancer: healthy');
    assert.match(note.id ?? '', ULID);
    assert.equal(written, note.id, 'the command resolves to the new event\'s id');
    assert.ok(Math.abs(Date.parse(note.ts) - Date.now()) < 10_000, `ts is the time of writing: ${note.ts}`);
    assert.ok(Math.abs(Date.parse(note.data!.occurredAt!) - (Date.now() - 10 * MIN)) < 10_000, `occurredAt 10 minutes ago: ${note.data?.occurredAt}`);
  });

  it('Add Note with { incidentId, text, occurredAt } writes without a prompt; a time out of range is refused and nothing written', async () => {
    const thirtyAgo = new Date(declaredMs + 10 * MIN).toISOString();
    const errors: string[] = [];
    await stubbed('showInputBox', () => assert.fail('no prompt when the text is given'), async () => {
      await stubbed('showErrorMessage', (...args: unknown[]) => { errors.push(String(args[0])); return Promise.resolve(undefined); }, async () => {
        await vscode.commands.executeCommand('incidentDesk.incident.addNote', { incidentId: id, text: 'queue depth started climbing', occurredAt: thirtyAgo });
        const before = lines(id);
        assert.equal(await vscode.commands.executeCommand('incidentDesk.incident.addNote', { incidentId: id, text: 'too early', occurredAt: new Date(declaredMs - 5 * MIN).toISOString() }), undefined);
        assert.equal(await vscode.commands.executeCommand('incidentDesk.incident.addNote', { incidentId: id, text: 'not yet', occurredAt: new Date(Date.now() + 5 * MIN).toISOString() }), undefined);
        assert.equal(lines(id), before, 'a refused note writes nothing');
      });
    });
    assert.equal(errors.length, 2, JSON.stringify(errors));
    assert.match(errors[0], /before the incident was declared/);
    assert.match(errors[1], /is in the future/);
    const note = timelineOf(id).at(-1)!;
    assert.equal(note.text, 'queue depth started climbing');
    assert.equal(note.data?.occurredAt, thirtyAgo);
  });

  it('stars and unstars events (by id, and an old event without one by the hash of its line): new events only, unknown refs refused', async () => {
    // A line as a version before ids wrote it, e.g. merged in from a colleague's branch.
    const oldLine = JSON.stringify({ ts: new Date(declaredMs + 5 * MIN).toISOString(), type: 'note', actor: 'Lee', text: 'consumers stopped acking' });
    fs.appendFileSync(path.join(incidentDir(id), 'timeline.jsonl'), `${oldLine}\n`);
    const noteId = timelineOf(id).find((e) => e.text === 'checked the load balancer: healthy')!.id as string;
    const before = lines(id);

    const starId = await vscode.commands.executeCommand<string>('incidentDesk.incident.starEvent', { incidentId: id, ref: noteId });
    await vscode.commands.executeCommand('incidentDesk.incident.starEvent', { incidentId: id, ref: lineRef(oldLine) });
    let events = timelineOf(id);
    assert.deepEqual(events.slice(-2).map((e) => [e.type, e.data?.ref]), [['starred', noteId], ['starred', lineRef(oldLine)]]);
    assert.equal(events.at(-2)!.id, starId);
    assert.match(starId, ULID);
    assert.match(events.at(-1)!.text, /key moment: consumers stopped acking/);

    const errors: string[] = [];
    const count = events.length;
    await stubbed('showErrorMessage', (...args: unknown[]) => { errors.push(String(args[0])); return Promise.resolve(undefined); }, async () => {
      assert.equal(await vscode.commands.executeCommand('incidentDesk.incident.starEvent', { incidentId: id, ref: 'h:0123456789abcdef' }), undefined);
      assert.equal(await vscode.commands.executeCommand('incidentDesk.incident.unstarEvent', { incidentId: id, ref: '01ARYZ6S41TSV4RRFFQ69G5FAV' }), undefined);
    });
    assert.equal(timelineOf(id).length, count, 'nothing written for an unknown ref');
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^No event "h:0123456789abcdef" on the timeline of "Queue backs up"/);

    await vscode.commands.executeCommand('incidentDesk.incident.unstarEvent', { incidentId: id, ref: noteId });
    assert.deepEqual([...starredRefs(refsOf(id).events)], [lineRef(oldLine)]);

    // From the palette: Unstar offers the starred events in a pick list.
    let offered: string[] = [];
    await stubbed('showQuickPick', async (...args: unknown[]) => {
      const items = args[0] as Array<vscode.QuickPickItem & { ref: string }>;
      offered = items.map((i) => i.label);
      return items[0];
    }, async () => {
      await vscode.commands.executeCommand('incidentDesk.incident.unstarEvent', id);
    });
    assert.deepEqual(offered, ['$(star-full) consumers stopped acking']);
    events = timelineOf(id);
    assert.deepEqual([events.at(-1)!.type, events.at(-1)!.data?.ref], ['unstarred', lineRef(oldLine)]);
    assert.deepEqual([...starredRefs(refsOf(id).events)], []);
    assert.ok(lines(id).startsWith(before), 'the timeline is only appended to');
    for (const e of events) if (e.text !== 'consumers stopped acking') assert.match(String(e.id), ULID, `${e.type} has an id`);
  });

  it('keeps the tail of a real local step\'s output (bash) on its finished event: bounded, plain text', async () => {
    const desk = await api();
    await desk.container.views.runbooks.ready();
    await vscode.commands.executeCommand('incidentDesk.incident.focus', id);
    const tree = desk.container.views.runbooksTree;
    const title = (n: RunbookNode) => { const l = tree.getTreeItem(n).label; return typeof l === 'string' ? l : l?.label ?? ''; };
    let runbook: RunbookNode | undefined;
    await waitFor(async () => (runbook = (await tree.getChildren()).find((n) => title(n) === 'Output tail')) !== undefined, 'the Output tail runbook');
    const [step] = await tree.getChildren(runbook);
    const codes = await vscode.commands.executeCommand<Array<number | undefined>>('incidentDesk.runbooks.runStep', step, { confirmed: true });
    assert.deepEqual(codes, [0], lines(id).split('\n').slice(-3).join('\n'));
    const raw = lines(id).trim().split('\n').at(-1)!;
    const finished = JSON.parse(raw) as { type: string; id?: string; data?: { output?: { text: string; truncated: boolean } } };
    assert.equal(finished.type, 'runbook_step_finished');
    assert.match(finished.id ?? '', ULID);
    const expected = [...Array.from({ length: 39 }, (_, i) => `line ${String(i + 22).padStart(2, '0')}`), 'progress 100%'];
    assert.deepEqual(finished.data?.output, { text: expected.join('\n'), truncated: true });
    assert.ok(!raw.includes('\\u001b'), `no escape sequence on the timeline: ${raw}`);
  });
});
