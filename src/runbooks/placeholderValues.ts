import * as vscode from 'vscode';
import type { Placeholder } from '../core/runbooks/model';
import { SOURCE_WORDS, placeholdersToType } from '../core/runbooks/placeholderSource';
import { validateText } from '../core/incidents/validate';

const KEY = 'incidentDesk.placeholderValues';

/**
 * Values typed for placeholders, remembered per incident in workspace state (never in files: a
 * value may be a hostname or a path someone would rather not commit). Environment-style
 * placeholders ($DATABASE_URL) are never asked for: the shell expands them, so secrets stay in the
 * environment or ssh-agent.
 */
export class PlaceholderValues {
  constructor(private readonly state: vscode.Memento) {}

  get(incidentId: string): Record<string, string> {
    return { ...(this.state.get<Record<string, Record<string, string>>>(KEY)?.[incidentId] ?? {}) };
  }

  async remember(incidentId: string, values: Record<string, string>): Promise<void> {
    const all = { ...(this.state.get<Record<string, Record<string, string>>>(KEY) ?? {}) };
    all[incidentId] = { ...(all[incidentId] ?? {}), ...values };
    await this.state.update(KEY, all);
  }

  /** Asks for each placeholder not yet known; undefined when the user cancels (nothing runs then). */
  async ask(placeholders: readonly Placeholder[], known: Record<string, string>, stepTitle: string): Promise<Record<string, string> | undefined> {
    const values: Record<string, string> = {};
    const todo = placeholdersToType(placeholders, known);
    for (const [i, p] of todo.entries()) {
      const value = await vscode.window.showInputBox({
        title: `${stepTitle}: value ${i + 1} of ${todo.length}`,
        prompt: `Value for ${p.token}: ${SOURCE_WORDS.typed}, remembered for this incident`,
        ignoreFocusOut: true,
        validateInput: (v) => validateText(v, 'value', { multiline: false, max: 500 }),
      });
      if (value === undefined) return undefined;
      values[p.name] = value.trim();
    }
    return values;
  }
}
