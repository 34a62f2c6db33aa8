import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { IncidentNode } from '../../src/views/incidentsTree';
import { api, incidentDir, tooltipPlain, waitFor, workspaceRoot } from './helpers';

const HOUR = 3_600_000;

/** A resolved incident written by hand, as a teammate's commit brings it in. */
function writeResolved(id: string, severity: string, resolvedHoursAgo: number): void {
  const dir = incidentDir(id);
  fs.mkdirSync(dir, { recursive: true });
  const resolvedAt = new Date(Date.now() - resolvedHoursAgo * HOUR).toISOString();
  const declaredAt = new Date(Date.now() - (resolvedHoursAgo + 2) * HOUR).toISOString();
  fs.writeFileSync(path.join(dir, 'incident.yaml'), [
    'version: 1', `id: ${id}`, `title: Resolved ${id}`, `severity: ${severity}`, 'status: resolved', 'service: api', 'roles: {}',
    `declaredAt: ${declaredAt}`, 'declaredBy: Robin', `acknowledgedAt: ${declaredAt}`, `mitigatedAt: ${resolvedAt}`, `resolvedAt: ${resolvedAt}`,
    `lastUpdateAt: ${resolvedAt}`, 'escalationsReached: []', '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'timeline.jsonl'), JSON.stringify({ ts: declaredAt, type: 'declared', actor: 'Robin', text: 'Declared' }) + '\n');
}

async function resolvedItem(id: string): Promise<vscode.TreeItem | undefined> {
  const tree = (await api()).container.views.incidentsTree;
  const group = tree.getChildren().find((n) => n.kind === 'resolvedGroup');
  const node = group && tree.getChildren(group).find((n: IncidentNode) => n.kind === 'incident' && n.incidentId === id);
  return node && tree.getTreeItem(node);
}

async function groupDescription(): Promise<string> {
  const tree = (await api()).container.views.incidentsTree;
  const group = tree.getChildren().find((n) => n.kind === 'resolvedGroup');
  return group ? String(tree.getTreeItem(group).description ?? '') : '';
}

describe('Incidents tree: "post-mortem due" for resolved incidents of the two most severe levels', () => {
  // Resolved 42.5 h ago with the default 48 h: due in 5 h (and some minutes).
  const due = '2026-09-01-pm-due-soon';
  const overdue = '2026-09-02-pm-overdue';
  const minor = '2026-09-03-pm-not-owed';
  const ids = [due, overdue, minor];

  before(async () => {
    await api();
    writeResolved(due, 'P1', 42.5);
    writeResolved(overdue, 'P2', 50);
    writeResolved(minor, 'P3', 50);
  });

  after(() => {
    for (const id of ids) {
      fs.rmSync(incidentDir(id), { recursive: true, force: true });
      fs.rmSync(path.join(workspaceRoot(), 'incidents', `${id}.md`), { force: true });
    }
  });

  it('shows "post-mortem due in 5h" and "post-mortem overdue" (description, hover, a theme-coloured icon); nothing below the two most severe levels', async () => {
    await waitFor(async () => !!(await resolvedItem(due)) && !!(await resolvedItem(overdue)) && !!(await resolvedItem(minor)), 'the incidents to load');
    await waitFor(async () => /post-mortem/.test(String((await resolvedItem(due))!.description)), 'the post-mortems to be looked for');
    const soon = (await resolvedItem(due))!;
    assert.match(String(soon.description), /^P1 · Resolved · 2h · post-mortem due in 5h$/);
    assert.match(tooltipPlain(soon), /Post-mortem due \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(48h after resolution\): incidents\/2026-09-01-pm-due-soon\.md is not written yet\./);
    const soonIcon = soon.iconPath as vscode.ThemeIcon;
    assert.equal(soonIcon.id, 'notebook');
    assert.equal((soonIcon.color as vscode.ThemeColor).id, 'list.warningForeground');
    assert.match(soon.accessibilityInformation!.label, /post-mortem due in 5h$/);

    const late = (await resolvedItem(overdue))!;
    assert.match(String(late.description), /^P2 · Resolved · 2h · ⚠ post-mortem overdue$/);
    assert.match(tooltipPlain(late), /Post-mortem overdue by 2h/);
    assert.equal(((late.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'list.errorForeground');

    const notOwed = (await resolvedItem(minor))!;
    assert.doesNotMatch(String(notOwed.description), /post-mortem/);
    assert.equal((notOwed.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.match(await groupDescription(), /· \d+ post-mortems due · \d+ overdue$/);
  });

  it('the mark goes once the post-mortem file appears, without a refresh', async () => {
    fs.writeFileSync(path.join(workspaceRoot(), 'incidents', `${overdue}.md`), '# Post-mortem\n\n## Action items\n');
    await waitFor(async () => !/post-mortem/.test(String((await resolvedItem(overdue))!.description)), 'the overdue mark to go', 15_000);
    const item = (await resolvedItem(overdue))!;
    assert.equal(String(item.description), 'P2 · Resolved · 2h');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.match(String((await resolvedItem(due))!.description), /post-mortem due in 5h$/);
  });
});
