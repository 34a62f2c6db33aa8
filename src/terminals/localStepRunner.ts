import * as vscode from 'vscode';
import { MAX_EXPECT_OUTPUT } from '../core/runbooks/expectation';
import type { Interpreter, InterpreterName } from '../core/runbooks/interpreters';

/**
 * How long a new terminal may take to report shell integration before we fall back to sendText.
 * bash and zsh report it within a second on an idle machine; a loaded one (a CI runner with two
 * cores, a laptop compiling) took over 5 s, and the step then lost its exit code and output tail.
 * The wait only happens when integration is on (VS Code's setting), and only until it arrives.
 */
const SHELL_INTEGRATION_WAIT_MS = 15_000;

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
    // The user turned VS Code's shell integration off: it will not come, so do not wait for it.
    if (vscode.workspace.getConfiguration('terminal.integrated').get<boolean>('shellIntegration.enabled') === false) return Promise.resolve(undefined);
    const waiting = new Promise<vscode.TerminalShellIntegration | undefined>((resolve) => {
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
    vscode.window.setStatusBarMessage(`$(sync~spin) Incident Desk: waiting for ${terminal.name} to start…`, waiting);
    return waiting;
  }

  /** Types `command` exactly as given into `interpreter`'s terminal; resolves once it has started. */
  async start(command: string, cwd: string | undefined, interpreter: Interpreter): Promise<StartedCommand> {
    const terminal = this.terminalFor(cwd, interpreter);
    const integration = interpreter.shellIntegration ? await this.waitForShellIntegration(terminal) : undefined;
    if (!integration) {
      terminal.sendText(command, true);
      return { finished: Promise.resolve({ exitCode: undefined, output: undefined }) };
    }
    // VS Code pairs the execution it returns with the one the shell reports by the command line;
    // when they do not match (seen with zsh under load, a value with quotes, `!!` and backticks),
    // the one returned never ends and the shell's own execution carries the end and exit code.
    // The terminal is ours and runs one command at a time, so the first execution to start in it
    // from now on is this command, whichever object VS Code gives it.
    let started: vscode.TerminalShellExecution | undefined;
    // Read the output as it comes (kept bounded), for the step's `expect`: from the execution that
    // carries it (the shell's own, when VS Code's did not pair with it).
    let output = '';
    const readFrom = (exec: vscode.TerminalShellExecution) => (async () => {
      for await (const chunk of exec.read()) {
        output += chunk;
        if (output.length > MAX_EXPECT_OUTPUT * 2) output = output.slice(-MAX_EXPECT_OUTPUT);
      }
    })().catch(() => undefined);
    let reading: Promise<void> | undefined;
    const onStart = vscode.window.onDidStartTerminalShellExecution((e) => {
      if (e.terminal !== terminal || started) return;
      started = e.execution;
      onStart.dispose();
      if (started !== execution) reading = readFrom(started);
    });
    // Events come on a later turn: `execution` is set before the listener above can run.
    const execution = integration.executeCommand(command);
    if (started !== execution) reading ??= readFrom(execution);
    const finished = new Promise<CommandResult>((resolve) => {
      const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.execution !== execution && e.execution !== started) return;
        sub.dispose();
        closed.dispose();
        onStart.dispose();
        // The output stream ends with the execution; a second at most, so a stuck stream cannot hold the result.
        void Promise.race([reading ?? Promise.resolve(), new Promise((r) => setTimeout(r, 1000))]).then(() => resolve({ exitCode: e.exitCode, output: output.slice(-MAX_EXPECT_OUTPUT) }));
      });
      const closed = vscode.window.onDidCloseTerminal((t) => {
        if (t !== terminal) return;
        sub.dispose();
        closed.dispose();
        onStart.dispose();
        resolve({ exitCode: undefined, output: undefined });
      });
    });
    return { finished };
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
