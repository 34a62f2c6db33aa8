import * as vscode from 'vscode';
import { answerAccepts, type RunQuestion } from '../../core/runbooks/runQuestion';

/** Answers Run's question in place of the dialog (tests; a UI that asked itself); undefined is Escape. */
export type RunAnswer = (question: RunQuestion) => Thenable<string | undefined>;

/**
 * Asks Run's question: a modal with one Run button, or for a dangerous step an input box where the
 * name must be typed (no default button to press by habit; Escape cancels). True when it may run.
 */
export async function confirmRun(question: RunQuestion, answer?: RunAnswer): Promise<boolean> {
  if (answer) return answerAccepts(question, await answer(question));
  if (question.kind === 'button') {
    return answerAccepts(question, await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.button));
  }
  const typed = await vscode.window.showInputBox({
    title: question.message,
    prompt: question.detail,
    ignoreFocusOut: true,
    validateInput: (value) => (answerAccepts(question, value) ? undefined : `Type ${question.name} exactly to run it; Escape cancels.`),
  });
  return answerAccepts(question, typed);
}
