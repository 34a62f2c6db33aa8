import * as vscode from 'vscode';
import type { SeverityLevel, SeverityPolicy } from '../../core/severity/policy';
import { formatDuration } from '../../core/util/time';
import { Cancelled, InvalidInput } from '../commandRunner';

export function levelItem(level: SeverityLevel): vscode.QuickPickItem & { level: SeverityLevel } {
  return {
    label: `${level.id} · ${level.label}`,
    description: level.description,
    detail: `Acknowledge within ${formatDuration(level.responseMinutes * 60_000)} · update every ${formatDuration(level.updateMinutes * 60_000)}`,
    level,
  };
}

/** Asks for a severity from the policy (keyboard: type the id, Enter), or checks a given id. */
export async function pickSeverity(policy: SeverityPolicy, given: unknown, options: { title: string; current?: string }): Promise<SeverityLevel> {
  if (given !== undefined) {
    const level = policy.levels.find((l) => l.id === given);
    if (!level) throw new InvalidInput(`Unknown severity ${JSON.stringify(given)}; the policy has ${policy.levels.map((l) => l.id).join(', ')}.`);
    return level;
  }
  const items = policy.levels.map((l) => ({ ...levelItem(l), picked: l.id === options.current }));
  const pick = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: 'Severity (type P1, P2… then Enter)', ignoreFocusOut: true, matchOnDescription: true });
  if (!pick) throw new Cancelled();
  return pick.level;
}
