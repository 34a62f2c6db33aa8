import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, incidentDir, timelineOf, waitFor } from './helpers';

/** Writes an incident by hand, as a teammate's commit would bring it in. */
function writeIncident(id: string, minutesAgo: number, severity: string): void {
  const dir = incidentDir(id);
  fs.mkdirSync(dir, { recursive: true });
  const declaredAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  fs.writeFileSync(path.join(dir, 'incident.yaml'), [
    'version: 1', `id: ${id}`, 'title: Database connections exhausted', `severity: ${severity}`, 'status: investigating',
    'service: db', 'roles: {}', `declaredAt: ${declaredAt}`, 'declaredBy: Robin', 'acknowledgedAt: null', 'mitigatedAt: null',
    'resolvedAt: null', 'lastUpdateAt: null', 'escalationsReached: []', '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'timeline.jsonl'), JSON.stringify({ ts: declaredAt, type: 'declared', actor: 'Robin', text: 'Declared' }) + '\n');
}

describe('SLA clock and escalation, in the real extension host', () => {
  const id = '2026-11-22-db-connections-exhausted';

  after(() => {
    fs.rmSync(incidentDir(id), { recursive: true, force: true });
  });

  it('turns the status bar to warning at 75% of the response target', async () => {
    const desk = await api();
    writeIncident(id, 12, 'P1');
    await waitFor(() => !!desk.container.incidents.store?.get(id), 'the watcher to load the new incident');
    await vscode.commands.executeCommand('incidentDesk.incident.focus', id);
    const state = desk.container.views.statusBar.state;
    assert.ok(state);
    assert.equal(state.background, 'statusBarItem.warningBackground');
    assert.match(state.text, /^\$\(warning\) P1 12m · ack in [23]m/);
    // Let the clock finish recording the 0-minute step before the next test rewrites the record.
    await desk.container.views.slaWatch.checkEscalations();
  });

  it('turns it to error once the target is missed, and records every escalation step reached once', async () => {
    const desk = await api();
    writeIncident(id, 31, 'P1');
    await waitFor(() => (desk.container.incidents.store?.get(id)?.incident.declaredAt ?? '') < new Date(Date.now() - 30 * 60_000).toISOString(), 'the reload');
    await desk.container.views.slaWatch.checkEscalations();
    await desk.container.views.slaWatch.checkEscalations();
    desk.container.views.statusBar.update();
    const state = desk.container.views.statusBar.state!;
    assert.equal(state.background, 'statusBarItem.errorBackground');
    assert.match(state.text, /^\$\(error\) P1 31m · ack overdue 16m/);
    const steps = timelineOf(id).filter((e) => e.type === 'escalation').map((e) => e.data?.notify);
    assert.deepEqual(steps, ['On-call engineer', 'Team lead', 'Engineering manager']);
    assert.match(fs.readFileSync(path.join(incidentDir(id), 'incident.yaml'), 'utf8'), /escalationsReached:\s*\n\s*- 0\n\s*- 1\n\s*- 2\n/);
  });

  it('stops escalating once the incident is mitigated', async () => {
    const desk = await api();
    await vscode.commands.executeCommand('incidentDesk.incident.setStatus', id, 'monitoring', 'pool size raised');
    const before = timelineOf(id).filter((e) => e.type === 'escalation').length;
    await desk.container.views.slaWatch.checkEscalations(Date.now() + 60 * 60_000);
    assert.equal(timelineOf(id).filter((e) => e.type === 'escalation').length, before);
  });
});
