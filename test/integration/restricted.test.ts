import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunbookNode } from '../../src/views/runbooksTree';
import { api, timelineOf, workspaceRoot } from './helpers';

// Runs in its own pass, in a window opened untrusted (scripts/test.sh: INCIDENT_DESK_WORKSPACE_TRUST=1).
describe('@restricted: an untrusted workspace (Restricted Mode)', () => {
  it('opens untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still records incidents: declaring only writes files under incidents/', async () => {
    const id = await vscode.commands.executeCommand<string>('incidentDesk.incident.declare', { title: 'Seen from an untrusted clone', severity: 'P3', service: '' });
    assert.ok(id);
    assert.equal(timelineOf(id)[0].type, 'declared');
  });

  it('refuses to run a runbook step, runs nothing and records nothing', async () => {
    const desk = await api();
    await desk.container.views.runbooks.ready();
    const tree = desk.container.views.runbooksTree;
    const find = async (parent: RunbookNode | undefined, text: string) => {
      for (const n of await tree.getChildren(parent)) {
        const l = tree.getTreeItem(n).label;
        if ((typeof l === 'string' ? l : l?.label) === text) return n;
      }
      throw new Error(`no ${text}`);
    };
    const step = await find(await find(await find(undefined, 'Integration check'), 'Immediate actions'), 'Write the marker');
    const id = desk.container.incidents.active()[0].id;
    const before = timelineOf(id).length;
    const result = await vscode.commands.executeCommand('incidentDesk.runbooks.runStep', step, { confirmed: true });
    assert.equal(result, undefined);
    await new Promise((r) => setTimeout(r, 1500)); // a terminal, had one started, would have written by now
    assert.equal(fs.existsSync(path.join(workspaceRoot(), 'runbook-ran.txt')), false, 'the step ran in Restricted Mode');
    assert.equal(timelineOf(id).length, before);
  });
});
