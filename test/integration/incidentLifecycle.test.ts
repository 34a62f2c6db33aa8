import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IncidentNode } from '../../src/views/incidentsTree';
import { api, incidentDir, recordOf, timelineOf, waitFor } from './helpers';

/** The tree's top-level rows as the view shows them (label + description). */
async function rows(): Promise<Array<{ node: IncidentNode; label: string; description: string; contextValue?: string }>> {
  const tree = (await api()).container.views.incidentsTree;
  return tree.getChildren().map((node) => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    return { node, label, description: String(item.description ?? ''), contextValue: item.contextValue };
  });
}

describe('incident lifecycle through the commands, in the real extension host', () => {
  let id: string;

  before(async () => {
    await api();
  });

  it('declares an incident: folder, record, declared event, tree row, status bar', async () => {
    id = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Checkout returns 502', severity: 'P1', service: 'web' }))!;
    assert.match(id, /^\d{4}-\d{2}-\d{2}-checkout-returns-502$/);
    const events = timelineOf(id);
    assert.equal(events.length >= 1, true);
    assert.equal(events[0].type, 'declared');
    assert.equal(events[0].data?.severity, 'P1');
    assert.match(recordOf(id), /status: investigating/);
    assert.match(fs.readFileSync(path.join(incidentDir(id), '..', '.gitattributes'), 'utf8'), /timeline\.jsonl merge=union/);
    const row = (await rows()).find((r) => r.label === 'Checkout returns 502');
    assert.ok(row, 'no tree row for the declared incident');
    assert.match(row.description, /^P1 · Investigating · \d+s · ack in 1[45]m/);
    assert.equal(row.contextValue, 'incident:active:unacknowledged');
    const bar = (await api()).container.views.statusBar.state;
    assert.ok(bar, 'status bar item hidden');
    assert.match(bar.text, /P1 \d+s · ack in 1[45]m/);
  });

  it('records the 0-minute escalation step once, however often the clock checks', async () => {
    const watch = (await api()).container.views.slaWatch;
    await watch.checkEscalations();
    await watch.checkEscalations();
    const escalations = timelineOf(id).filter((e) => e.type === 'escalation');
    assert.equal(escalations.length, 1);
    assert.equal(escalations[0].data?.notify, 'On-call engineer');
    assert.match(recordOf(id), /escalationsReached:\s*\n\s*- 0/);
  });

  it('acknowledges: event, record, tree context changes', async () => {
    await vscode.commands.executeCommand('incidentDesk.incident.acknowledge', id);
    assert.equal(timelineOf(id).filter((e) => e.type === 'acknowledged').length, 1);
    assert.match(recordOf(id), /acknowledgedAt: "?\d{4}-/);
    const row = (await rows()).find((r) => r.label === 'Checkout returns 502')!;
    assert.equal(row.contextValue, 'incident:active:acknowledged');
    assert.match(row.description, /update in/);
  });

  it('moves through the statuses, severity, roles and notes, each on the timeline', async () => {
    await vscode.commands.executeCommand('incidentDesk.incident.setStatus', id, 'identified', 'bad deploy of web');
    await vscode.commands.executeCommand('incidentDesk.incident.changeSeverity', id, 'P2', 'only EU users affected');
    await vscode.commands.executeCommand('incidentDesk.incident.assignRole', id, 'commander', 'Dana');
    await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'Rolled back to the previous image');
    await vscode.commands.executeCommand('incidentDesk.incident.setStatus', id, 'monitoring', '');
    const types = timelineOf(id).map((e) => e.type);
    assert.deepEqual(types.slice(-5), ['status_changed', 'severity_changed', 'role_assigned', 'note', 'status_changed']);
    const record = recordOf(id);
    assert.match(record, /severity: P2/);
    assert.match(record, /commander: Dana/);
    assert.match(record, /status: monitoring/);
    assert.match(record, /mitigatedAt: "?\d{4}-/);
  });

  it('copies a status update to the clipboard and records it', async () => {
    const message = await vscode.commands.executeCommand<string>('incidentDesk.incident.copyStatusUpdate', id, 'update');
    assert.ok(message);
    assert.match(message, /^\[P2 High\] Monitoring: Checkout returns 502/);
    assert.match(message, /Incident Commander: Dana/);
    const last = timelineOf(id).at(-1)!;
    assert.equal(last.type, 'status_update');
    assert.equal(last.data?.message, message);
    assert.equal(await vscode.env.clipboard.readText(), message);
  });

  it('resolves into the collapsed Resolved group, and reopens', async () => {
    await vscode.commands.executeCommand('incidentDesk.incident.resolve', id, 'fixed by rollback');
    assert.match(recordOf(id), /status: resolved/);
    const group = (await rows()).find((r) => r.node.kind === 'resolvedGroup');
    assert.ok(group, 'no Resolved group');
    const tree = (await api()).container.views.incidentsTree;
    assert.equal(tree.getTreeItem(group.node).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.ok(tree.getChildren(group.node).some((n) => n.kind === 'incident' && n.incidentId === id));
    assert.equal((await rows()).some((r) => r.label === 'Checkout returns 502'), false, 'resolved incident still among the active rows');
    await vscode.commands.executeCommand('incidentDesk.incident.reopen', id, 'errors are back');
    assert.match(recordOf(id), /status: investigating/);
    assert.equal(timelineOf(id).at(-1)!.type, 'reopened');
  });

  it('refuses a title that would escape incidents/ by slugging it, and rejects a bidi override', async () => {
    const evil = (await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: '../../.vscode/settings', severity: 'P3', service: '' }))!;
    assert.match(evil, /^\d{4}-\d{2}-\d{2}-vscode-settings$/);
    assert.ok(fs.existsSync(path.join(incidentDir(evil), 'incident.yaml')));
    const before = fs.readdirSync(path.dirname(incidentDir(evil))).length;
    const refused = await vscode.commands.executeCommand<string | undefined>('incidentDesk.incident.declare', { title: 'abc\u202Eexe.txt', severity: 'P3', service: '' });
    assert.equal(refused, undefined);
    assert.equal(fs.readdirSync(path.dirname(incidentDir(evil))).length, before, 'a folder was created for a refused title');
    await vscode.commands.executeCommand('incidentDesk.incident.resolve', evil, '');
  });

  it('picks up an external edit of incident.yaml (git pull, another window) and keeps it on the next write', async () => {
    const file = path.join(incidentDir(id), 'incident.yaml');
    const edited = recordOf(id).replace(/^title: .*$/m, 'title: Checkout returns 502 for EU cards') + '# kept by hand\nticket: OPS-42\n';
    fs.writeFileSync(file, edited);
    const incidents = (await api()).container.incidents;
    await waitFor(() => incidents.store?.get(id)?.incident.title === 'Checkout returns 502 for EU cards', 'the watcher to reload the edited record');
    await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'after the external edit');
    const record = recordOf(id);
    assert.match(record, /title: Checkout returns 502 for EU cards/);
    assert.match(record, /# kept by hand/);
    assert.match(record, /ticket: OPS-42/);
  });

  it('applies a state change that reached the timeline but not incident.yaml (a crash between the two, a git merge), keeping hand edits', async () => {
    const incidents = (await api()).container.incidents;
    const before = incidents.store!.get(id)!.incident;
    const to = before.severity === 'P3' ? 'P2' : 'P3';
    const event = { ts: new Date().toISOString(), type: 'severity_changed', actor: 'Bo', text: `Severity: ${before.severity} → ${to}`, data: { from: before.severity, to } };
    fs.appendFileSync(path.join(incidentDir(id), 'timeline.jsonl'), JSON.stringify(event) + '\n');
    await waitFor(() => incidents.store?.get(id)?.incident.severity === to, 'the store to apply the event the record missed');
    assert.match(recordOf(id), new RegExp(`^severity: ${before.severity}$`, 'm'), 'precondition: incident.yaml is behind');
    const row = (await rows()).find((r) => r.node.kind === 'incident' && r.node.incidentId === id)!;
    assert.match(row.description, new RegExp(`^${to}\\b`));
    assert.equal(incidents.store!.get(id)!.incident.title, 'Checkout returns 502 for EU cards', 'the hand edit');
    // The next state change writes the caught-up record.
    await vscode.commands.executeCommand('incidentDesk.incident.assignRole', id, 'scribe', 'Lee Merge');
    assert.match(recordOf(id), new RegExp(`^severity: ${to}$`, 'm'));
    assert.match(recordOf(id), /ticket: OPS-42/);
  });

  it('shows a hand-broken record as an error row with file, line and column; the others still load', async () => {
    const dir = path.join(path.dirname(incidentDir(id)), '2026-01-02-broken-one');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'incident.yaml'), 'version: 1\nid: 2026-01-02-broken-one\ntitle: Broken\nseverity: P2\nstatus: on-fire\ndeclaredAt: 2026-01-02T10:00:00.000Z\n');
    await waitFor(async () => (await rows()).some((r) => r.node.kind === 'broken'), 'the broken row');
    const broken = (await rows()).find((r) => r.node.kind === 'broken')!;
    assert.equal(broken.label, '2026-01-02-broken-one');
    assert.match(broken.description, /^incident\.yaml:5:9 status: must be one of/);
    assert.ok((await rows()).some((r) => r.label === 'Checkout returns 502 for EU cards'), 'the good incident disappeared');
    fs.rmSync(dir, { recursive: true });
  });

  it('shows a 10,000-deep, a 50 MB and an alias-bomb incident.yaml as error rows with a clear message; the host and the others carry on', async () => {
    const base = path.dirname(incidentDir(id));
    const head = (folder: string) => `version: 1\nid: ${folder}\ntitle: Hostile\nseverity: P2\nstatus: investigating\ndeclaredAt: 2026-01-02T10:00:00.000Z\n`;
    const files: Record<string, (folder: string) => string> = {
      '2026-01-02-deep': (f) => `${head(f)}extra: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      '2026-01-02-laughs': (f) => {
        const rows = ['l0: &l0 "lol"'];
        for (let i = 1; i < 10; i++) rows.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
        return `${head(f)}${rows.join('\n')}\n`;
      },
      '2026-01-02-huge': (f) => head(f),
    };
    for (const [folder, text] of Object.entries(files)) {
      fs.mkdirSync(path.join(base, folder), { recursive: true });
      fs.writeFileSync(path.join(base, folder, 'incident.yaml'), text(folder));
    }
    fs.truncateSync(path.join(base, '2026-01-02-huge', 'incident.yaml'), 50 * 1024 * 1024);
    const expected: Record<string, RegExp> = {
      '2026-01-02-deep': /^incident\.yaml:7:\d+ nested more than 64 levels deep; the file is refused/,
      '2026-01-02-laughs': /^incident\.yaml:8:\d+ aliases cannot be resolved within 100 expansions \(an alias bomb\?\)/,
      '2026-01-02-huge': /incident\.yaml is 51200 KiB, over the 256 KiB limit/,
    };
    const described = async () => Object.fromEntries((await rows()).filter((r) => r.node.kind === 'broken').map((r) => [r.label, r.description]));
    // Each folder's own row with its own message: a count of three error rows was once met while one
    // of these folders had none (a clean-clone run; e.g. 'huge' read as its valid head before the
    // truncation, beside some other error row), and the assert then read undefined.
    await waitFor(async () => {
      const now = await described();
      return Object.entries(expected).every(([folder, re]) => re.test(now[folder] ?? ''));
    }, 'the three error rows with their messages').catch(() => undefined); // the asserts below say which is missing
    const now = await described();
    for (const [folder, re] of Object.entries(expected)) assert.match(now[folder] ?? `(no error row for ${folder}; rows: ${JSON.stringify(now)})`, re);
    assert.ok((await rows()).some((r) => r.label === 'Checkout returns 502 for EU cards'), 'the good incident disappeared');
    for (const folder of Object.keys(files)) fs.rmSync(path.join(base, folder), { recursive: true });
  });

  it('reports a torn timeline line, keeps it aside, and appends after it on a fresh line', async () => {
    const timeline = path.join(incidentDir(id), 'timeline.jsonl');
    fs.appendFileSync(timeline, '{"ts":"2026-11-22T10:00:00.000Z","type":"no');
    const incidents = (await api()).container.incidents;
    await waitFor(() => (incidents.store?.get(id)?.problems.length ?? 0) > 0, 'the torn line to be reported');
    const problem = incidents.store!.get(id)!.problems[0];
    assert.equal(problem.torn, true);
    const aside = fs.readFileSync(path.join(incidentDir(id), 'timeline.damaged.jsonl'), 'utf8');
    assert.match(aside, /"raw":"\{\\"ts\\":\\"2026-11-22T10:00:00.000Z\\",\\"type\\":\\"no"/);
    await vscode.commands.executeCommand('incidentDesk.incident.addNote', id, 'written after the torn line');
    assert.equal(timelineOf2(timeline).at(-1), 'written after the torn line');
  });
});

/** Last readable event's text, skipping the torn line the previous test left (it stays: append-only). */
function timelineOf2(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [(JSON.parse(l) as { text: string }).text];
    } catch {
      return [];
    }
  });
}
