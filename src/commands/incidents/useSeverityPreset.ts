import * as vscode from 'vscode';
import { PRESETS, type SeverityScale } from '../../core/severity/policy';
import { SETTINGS } from '../../config/settings';
import { Cancelled, type CommandDefinition } from '../commandRunner';

/** Use Severity Scale Preset: switch between P1–P4 and P0–P3 for this workspace. */
export const useSeverityPreset: CommandDefinition = {
  id: 'incidentDesk.severity.usePreset',
  async run() {
    const items = (Object.keys(PRESETS) as SeverityScale[]).map((scale) => ({
      label: scale,
      detail: PRESETS[scale].map((l) => `${l.id} ${l.label}`).join(' · '),
      scale,
    }));
    const pick = await vscode.window.showQuickPick(items, { title: 'Severity scale for this workspace' });
    if (!pick) throw new Cancelled();
    const cfg = vscode.workspace.getConfiguration(SETTINGS.section);
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update(SETTINGS.severityScale, pick.scale, target);
    if ((cfg.get<unknown[]>(SETTINGS.severities) ?? []).length > 0) {
      void vscode.window.showWarningMessage('incidentDesk.severities is set and overrides the preset; clear it to use the preset.');
    }
  },
};
