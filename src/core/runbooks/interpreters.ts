/**
 * The one table saying which program runs a step written in a given fence language. A step runs
 * in this interpreter explicitly, locally and on a host, whatever the user's default or login shell
 * is: the placeholder quoting is written for it, so nothing else may parse the filled command.
 */

export type InterpreterName = 'bash' | 'sh' | 'zsh' | 'dash' | 'ksh';

export interface Interpreter {
  readonly name: InterpreterName;
  /** The program, looked up on PATH (locally and on the host). */
  readonly program: string;
  /** Understands `$'…'` (ANSI-C quoting): control characters in values are written as `$'\ooo'`. */
  readonly ansiC: boolean;
  /**
   * `$'…'` means the same everywhere this program name runs. False for `sh`: dash reads `$'x'` as
   * `$` and a quoted `x`, bash in POSIX mode as ANSI-C quoting; a placeholder inside one is refused.
   */
  readonly ansiCCertain: boolean;
  /**
   * Typed into a terminal, a line editor (readline, zle) reads control characters as key bindings
   * (a tab completes): they cannot be typed into a heredoc body, where no quoting applies.
   */
  readonly lineEditor: boolean;
  /** VS Code's shell integration knows this shell: a command typed into it reports its exit status. */
  readonly shellIntegration: boolean;
}

const BASH: Interpreter = { name: 'bash', program: 'bash', ansiC: true, ansiCCertain: true, lineEditor: true, shellIntegration: true };
const ZSH: Interpreter = { name: 'zsh', program: 'zsh', ansiC: true, ansiCCertain: true, lineEditor: true, shellIntegration: true };
// `sh` may be dash (Debian), bash in POSIX mode (macOS) or busybox ash: only what all of them share.
const SH: Interpreter = { name: 'sh', program: 'sh', ansiC: false, ansiCCertain: false, lineEditor: true, shellIntegration: false };
const DASH: Interpreter = { name: 'dash', program: 'dash', ansiC: false, ansiCCertain: true, lineEditor: false, shellIntegration: false };
// ksh93 and mksh both read `$'…'`; both have line editing modes.
const KSH: Interpreter = { name: 'ksh', program: 'ksh', ansiC: true, ansiCCertain: true, lineEditor: true, shellIntegration: false };

/** Fence language (lowercased; `''` for an unlabelled block) → interpreter. */
const BY_LANGUAGE: ReadonlyMap<string, Interpreter> = new Map([
  ['', BASH],
  ['bash', BASH],
  ['shell', BASH],
  ['console', BASH],
  ['shell-session', BASH],
  ['shellsession', BASH],
  ['terminal', BASH],
  ['sh', SH],
  ['zsh', ZSH],
  ['dash', DASH],
  ['ksh', KSH],
]);

/** Labelled languages whose blocks hold runnable commands (an unlabelled block counts when it reads like shell). */
export const RUNNABLE_LANGUAGES: ReadonlySet<string> = new Set([...BY_LANGUAGE.keys()].filter((l) => l !== ''));

/** The interpreter for a fence language; undefined when steps in it are shown, never run. */
export function interpreterFor(language: string): Interpreter | undefined {
  return BY_LANGUAGE.get(language.toLowerCase());
}
