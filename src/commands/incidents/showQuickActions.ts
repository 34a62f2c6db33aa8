import * as vscode from 'vscode';
import { Cancelled, type CommandDefinition } from '../commandRunner';

/** Actions for the focused incident (the status-bar item opens this). */
export const showQuickActions: CommandDefinition = {
  id: 'incidentDesk.incident.quickActions',
  async run({ incidents }) {
    const entry = incidents.focused();
    if (!entry) {
      await vscode.commands.executeCommand('incidentDesk.incident.declare');
      return;
    }
    const i = entry.incident;
    const actions = [
      ...(i.acknowledgedAt ? [] : [{ label: '$(check) Acknowledge', command: 'incidentDesk.incident.acknowledge' }]),
      { label: '$(milestone) Set Status…', command: 'incidentDesk.incident.setStatus' },
      { label: '$(note) Add Note…', command: 'incidentDesk.incident.addNote' },
      { label: '$(copy) Copy Status Update…', command: 'incidentDesk.incident.copyStatusUpdate' },
      { label: '$(person-add) Assign Role…', command: 'incidentDesk.incident.assignRole' },
      { label: '$(flame) Change Severity…', command: 'incidentDesk.incident.changeSeverity' },
      { label: '$(pass) Resolve', command: 'incidentDesk.incident.resolve' },
      { label: '$(history) Open Timeline', command: 'incidentDesk.incident.openTimeline' },
      { label: '$(go-to-file) Open Incident Record', command: 'incidentDesk.incident.openRecord' },
      ...(incidents.active().length > 1 ? [{ label: '$(eye) Follow Another Incident…', command: 'incidentDesk.incident.focus', noTarget: true }] : []),
    ];
    const pick = await vscode.window.showQuickPick(actions, { title: `${i.severity} ${i.title}`, placeHolder: 'Action' });
    if (!pick) throw new Cancelled();
    await vscode.commands.executeCommand(pick.command, 'noTarget' in pick ? undefined : entry.id);
  },
};
