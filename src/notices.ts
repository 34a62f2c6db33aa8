import * as vscode from 'vscode';

/** One message shown to the user, as the integration tests read it back. */
export interface Notice {
  kind: 'info' | 'warning' | 'error' | 'status';
  text: string;
}

/** How many recent notices are kept for reading back; older ones are dropped. */
const KEPT = 50;

/**
 * The messages Incident Desk shows (toasts and status bar messages), in one place: the integration
 * tests, which cannot read the workbench's notifications from the extension host, read `recent`
 * to check what a user was told and, as much, what they were not.
 */
export class Notices {
  private readonly kept: Notice[] = [];

  /** The last notices shown, oldest first. */
  get recent(): readonly Notice[] {
    return this.kept;
  }

  info<T extends string>(text: string, ...actions: T[]): Thenable<T | undefined> {
    this.keep('info', text);
    return vscode.window.showInformationMessage(text, ...actions);
  }

  warn<T extends string>(text: string, ...actions: T[]): Thenable<T | undefined> {
    this.keep('warning', text);
    return vscode.window.showWarningMessage(text, ...actions);
  }

  error<T extends string>(text: string, ...actions: T[]): Thenable<T | undefined> {
    this.keep('error', text);
    return vscode.window.showErrorMessage(text, ...actions);
  }

  /** A brief confirmation in the status bar, gone after `ms`. */
  status(text: string, ms = 4000): void {
    this.keep('status', text);
    vscode.window.setStatusBarMessage(text, ms);
  }

  private keep(kind: Notice['kind'], text: string): void {
    this.kept.push({ kind, text });
    if (this.kept.length > KEPT) this.kept.splice(0, this.kept.length - KEPT);
  }
}
