import type { RunbookStep } from './model';

/**
 * Why a step has nothing to run, in the words Run (editor and CLI) refuses it with, after the
 * step's name; undefined when it has a runnable command. One wording for the three kinds: a manual
 * step, text written in a shell block, and code in a language that is shown, not run.
 */
export function nothingToRun(step: RunbookStep): string | undefined {
  if (step.commands.some((c) => c.runnable)) return undefined;
  if (step.manual) return 'is a manual step, done by hand: there is no command to run';
  if (step.commands.length && step.commands.every((c) => c.text)) return 'has no command to run: its lines are text, shown, not run';
  const kinds = [...new Set(step.commands.map((c) => (c.text ? 'text' : c.language || 'text')))];
  return `has no shell command to run (${kinds.join(', ') || 'no code block'} is shown, not run)`;
}
