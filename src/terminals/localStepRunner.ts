import * as vscode from 'vscode';
import { MAX_EXPECT_OUTPUT } from '../core/runbooks/expectation';
import type { Interpreter, InterpreterName } from '../core/runbooks/interpreters';

/** How long a new terminal may take to report shell integration before we fall back to sendText. */
const SHELL_INTEGRATION_WAIT_MS = 5_000;

export interface CommandResult {
  /** The exit code the shell reported; undefined when it cannot be known. */
  exitCode: number | undefined;
  /** The end of what the command printed (raw terminal text); undefined without shell integration. */
  output: string | undefined;
}

export interface StartedCommand {
  readonly finished: Promise<CommandResult>;
}

/**
 * Runs runbook commands in a local terminal per interpreter ("Incident Desk: runbook (bash)"),
 * opened with that interpreter as its shell, whatever the user's default shell is: the quoting of
 * placeholder values is written for it (core/runbooks/interpreters.ts). Commands are typed, so the
 * terminal shows them, they land in its history, and one command's `cd` or variables hold for the
 * next, as when the user types them; the typed quoting is safe from history expansion. With VS
 * Code's shell integration (bash, zsh) the exit code of each command is known; without it (sh,
 * dash, ksh, or integration off) the command is sent as typed text and the outcome is recorded as
 * unknown, never guessed.
 */
export class LocalStepRunner implements vscode.Disposable {
  private readonly terminals = new Map<InterpreterName, vscode.Terminal>();
  private readonly subscription = vscode.window.onDidCloseTerminal((t) => {
    for (const [name, terminal] of this.terminals) if (terminal === t) this.terminals.delete(name);
  });

  private terminalFor(cwd: string | undefined, interpreter: Interpreter): vscode.Terminal {
    let terminal = this.terminals.get(interpreter.name);
    if (!terminal) {
      // shellPath is looked up on PATH; no arguments, so VS Code can inject its shell integration.
      terminal = vscode.window.createTerminal({ name: `Incident Desk: runbook (${interpreter.program})`, shellPath: interpreter.program, cwd, iconPath: new vscode.ThemeIcon('book') });
      this.terminals.set(interpreter.name, terminal);
    }
    terminal.show(true);
    return terminal;
  }

  /** Terminals that did not report shell integration in time: later commands do not wait for it again. */
  private readonly withoutIntegration = new WeakSet<vscode.Terminal>();

  private waitForShellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
    if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
    if (this.withoutIntegration.has(terminal)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.withoutIntegration.add(terminal);
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

  /** Types `command` exactly as given into `interpreter`'s terminal; resolves once it has started. */
  async start(command: string, cwd: string | undefined, interpreter: Interpreter): Promise<StartedCommand> {
    const terminal = this.terminalFor(cwd, interpreter);
    const integration = interpreter.shellIntegration ? await this.waitForShellIntegration(terminal) : undefined;
    if (!integration) {
      terminal.sendText(command, true);
      return { finished: Promise.resolve({ exitCode: undefined, output: undefined }) };
    }
    const execution = integration.executeCommand(command);
    // Read the output as it comes (kept bounded), for the step's `expect`.
    let output = '';
    const reading = (async () => {
      for await (const chunk of execution.read()) {
        output += chunk;
        if (output.length > MAX_EXPECT_OUTPUT * 2) output = output.slice(-MAX_EXPECT_OUTPUT);
      }
    })().catch(() => undefined);
    const finished = new Promise<CommandResult>((resolve) => {
      const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.execution !== execution) return;
        sub.dispose();
        closed.dispose();
        // The output stream ends with the execution; a second at most, so a stuck stream cannot hold the result.
        void Promise.race([reading, new Promise((r) => setTimeout(r, 1000))]).then(() => resolve({ exitCode: e.exitCode, output: output.slice(-MAX_EXPECT_OUTPUT) }));
      });
      const closed = vscode.window.onDidCloseTerminal((t) => {
        if (t !== terminal) return;
        sub.dispose();
        closed.dispose();
        resolve({ exitCode: undefined, output: undefined });
      });
    });
    return { finished };
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
