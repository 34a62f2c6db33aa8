import type * as vscode from 'vscode';
import { Container } from './container';

/** What the extension exports: used by the benchmarks and integration tests, not a public API. */
export interface IncidentDeskApi {
  /** Milliseconds spent inside activate(). */
  activationMs: number;
  container: Container;
}

export function activate(context: vscode.ExtensionContext): IncidentDeskApi {
  const start = performance.now();
  const container = new Container(context);
  context.subscriptions.push(container);
  return { activationMs: performance.now() - start, container };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
