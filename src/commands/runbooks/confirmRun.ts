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
  return typedConfirmation(question);
}

/**
 * The input box of a dangerous run. Built by hand rather than with showInputBox: a validation
 * message takes the prompt's place, so it is shown only once what is typed cannot become the name
 * (or Enter was pressed on it); until then the prompt (reason, target, incident, commands) stays in
 * view. Enter on anything but the name keeps the box open.
 */
function typedConfirmation(question: Extract<RunQuestion, { kind: 'typed' }>): Promise<boolean> {
  const box = vscode.window.createInputBox();
  box.title = question.message;
  box.prompt = question.detail;
  box.placeholder = `Type ${question.name} to run it`;
  box.ignoreFocusOut = true;
  const mismatch = `Type ${question.name} exactly to run it; Escape cancels.`;
  return new Promise<boolean>((resolve) => {
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      subscriptions.dispose();
      box.dispose();
      resolve(ok);
    };
    const subscriptions = vscode.Disposable.from(
      box.onDidChangeValue((value) => {
        box.validationMessage = question.name.startsWith(value.trimStart()) || answerAccepts(question, value) ? undefined : mismatch;
      }),
      box.onDidAccept(() => {
        if (answerAccepts(question, box.value)) settle(true);
        else box.validationMessage = mismatch;
      }),
      box.onDidHide(() => settle(false)),
    );
    box.show();
  });
}
