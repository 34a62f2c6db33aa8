import * as vscode from 'vscode';

/** How long a new terminal may take to report shell integration before we fall back to sendText. */
const SHELL_INTEGRATION_WAIT_MS = 5_000;

export interface StartedCommand {
  /** Resolves with the exit code when the shell reports it, undefined when it cannot be known. */
  readonly finished: Promise<number | undefined>;
}

/**
 * Runs runbook commands in one local terminal ("Incident Desk"). With VS Code's shell integration
 * the exit code of each command is known; without it the command is sent as typed text and the
 * outcome is recorded as unknown, never guessed.
 */
export class LocalStepRunner implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private readonly subscription = vscode.window.onDidCloseTerminal((t) => {
    if (t === this.terminal) this.terminal = undefined;
  });

  private async terminalFor(cwd: string | undefined): Promise<vscode.Terminal> {
    if (!this.terminal) this.terminal = vscode.window.createTerminal({ name: 'Incident Desk: runbook', cwd, iconPath: new vscode.ThemeIcon('book') });
    this.terminal.show(true);
    return this.terminal;
  }

  private waitForShellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
    if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(undefined);
      }, SHELL_INTEGRATION_WAIT_MS);
      const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal !== terminal) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e.shellIntegration);
      });
    });
  }

  /** Sends `command` exactly as given; resolves once it has started. */
  async start(command: string, cwd: string | undefined): Promise<StartedCommand> {
    const terminal = await this.terminalFor(cwd);
    const integration = await this.waitForShellIntegration(terminal);
    if (!integration) {
      terminal.sendText(command, true);
      return { finished: Promise.resolve(undefined) };
    }
    const execution = integration.executeCommand(command);
    const finished = new Promise<number | undefined>((resolve) => {
      const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.execution !== execution) return;
        sub.dispose();
        closed.dispose();
        resolve(e.exitCode);
      });
      const closed = vscode.window.onDidCloseTerminal((t) => {
        if (t !== terminal) return;
        sub.dispose();
        closed.dispose();
        resolve(undefined);
      });
    });
    return { finished };
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
