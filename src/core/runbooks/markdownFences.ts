import type { RunbookCommand, RunbookDiagnostic, RunbookStep } from './model';
import { assignedNames, findPlaceholders, placeholdersIn } from './placeholders';
import { describePlaceholders } from './placeholderSource';
import { SHELL_FENCES, looksLikeShell, splitShellCommands } from './shellCommands';

// Fenced code blocks of a markdown runbook: which become commands, and what they need.

/** A fenced code block being read, and the list item it sits under. */
export interface OpenFence<Owner = unknown> {
  char: string;
  length: number;
  indent: number;
  language: string;
  line: number;
  column: number;
  body: string[];
  /** The list item the fence is nested under (owned by the markdown reader). */
  owner?: Owner;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * The line (0-based) and column of the first line of `run` that contains `token` (a token never
 * spans lines), or col -1 when none does.
 */
function firstOccurrence(run: string, token: string): { row: number; col: number } {
  let from = 0;
  for (;;) {
    const at = run.indexOf(token, from);
    if (at < 0) return { row: -1, col: -1 };
    const nl = run.indexOf('\n', at);
    if (nl < 0 || at + token.length <= nl) {
      const lineStart = at === 0 ? 0 : run.lastIndexOf('\n', at - 1) + 1;
      let row = 0;
      for (let k = run.indexOf('\n'); k >= 0 && k < lineStart; k = run.indexOf('\n', k + 1)) row++;
      return { row, col: at - lineStart };
    }
    from = nl + 1; // this match runs past its line; a later one may not
  }
}

/** What a fence holds: its commands in order, text among them, and comment groups no command follows. */
interface FenceItem {
  command: RunbookCommand;
  /** Made of `#` comment lines (ShellCommand.comment); `command` is their text, shown. */
  comment?: 'step' | 'note';
}

/**
 * The commands of a closed (or unterminated) fence, with their placeholders, and their diagnostics.
 * Text lines and comments no command follows are commands with `text: true`, shown, never run.
 */
export function fenceCommands(f: OpenFence, diagnostics: RunbookDiagnostic[]): RunbookCommand[] {
  return fenceItems(f, diagnostics).map((item) => item.command);
}

/**
 * A free-standing fence (under no list item) as steps: a `#` comment above a command starts one
 * ("# 2. Check memory"), so a block written as numbered comment groups reads as those steps, and a
 * comment group no command follows is a step too, done by hand (`manual`): its first line is the
 * title, the rest its text. Commands right under it, after a blank line, join it.
 */
export function fenceSteps(f: OpenFence, diagnostics: RunbookDiagnostic[]): RunbookStep[] {
  const steps: RunbookStep[] = [];
  let step: RunbookStep | undefined;
  for (const { command: c, comment } of fenceItems(f, diagnostics)) {
    if (comment === 'step') {
      const [title, ...rest] = c.run.split('\n');
      const manual: RunbookStep = { title: firstLineOf(title), line: c.line, commands: [], manual: true };
      let skip = 0;
      while (skip < rest.length && !rest[skip]) skip++;
      if (skip < rest.length) manual.commands.push({ ...c, run: rest.slice(skip).join('\n'), line: c.line + 1 + skip });
      steps.push((step = manual));
      continue;
    }
    if (!step || (c.label && !comment)) {
      // A text item's list marker is no part of its title ("- Account ID" is titled "Account ID").
      const title = c.label ?? (c.text ? c.run.replace(/^\s*[-*+•][ \t]+/, '') : c.run);
      step = { title: firstLineOf(title), line: c.line, commands: [] };
      steps.push(step);
    }
    step.commands.push(c);
    if (step.manual && c.runnable) delete step.manual;
  }
  return steps;
}

/** The first non-blank line of `text`, cut to 80 characters: a step's title. */
export function firstLineOf(text: string): string {
  let t = '';
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    t = text.slice(start, end).trim();
    if (t) break;
    start = end + 1;
  }
  return t.length > 80 ? `${t.slice(0, 79)}…` : t;
}

function fenceItems(f: OpenFence, diagnostics: RunbookDiagnostic[]): FenceItem[] {
  const body = f.body;
  let first = 0;
  let last = body.length;
  while (first < last && !body[first].trim()) first++;
  while (last > first && !body[last - 1].trim()) last--;
  if (first === last) return [];
  const lang = f.language;
  const firstContentLine = f.line + 1;
  const shell = SHELL_FENCES.has(lang) || (lang === '' && looksLikeShell(body));
  if (!shell) {
    const run = body.slice(first, last).join('\n');
    return [{ command: { language: lang, run, runnable: false, placeholders: findPlaceholders(run, lang), line: firstContentLine + first } }];
  }
  const out: FenceItem[] = [];
  const assigned = new Set<string>();
  for (const sc of splitShellCommands(body, lang === 'console' || lang === 'shell-session' || lang === 'shellsession')) {
    const line = firstContentLine + sc.index;
    if (sc.text || sc.comment) {
      // Shown as written, never run: nothing to fill in, nothing assigned.
      const command: RunbookCommand = { language: lang, run: sc.run, runnable: false, text: true, placeholders: [], line };
      if (sc.label !== undefined) command.label = sc.label;
      if (sc.comment) out.push({ command, comment: sc.comment });
      else {
        out.push({ command });
        diagnostics.push({ severity: 'info', message: 'not a command: shown as text', line, column: f.indent + 1 + indentOf(sc.run) });
      }
      continue;
    }
    const runnable = !sc.clientInput;
    const names = assignedNames(sc.run);
    const command: RunbookCommand = { language: lang, run: sc.run, runnable, placeholders: placeholdersIn(sc.run, lang === '' ? 'sh' : lang, assigned, names), line };
    if (sc.label !== undefined) command.label = sc.label;
    for (const name of names) assigned.add(name);
    out.push({ command });
    if (sc.unterminated) {
      diagnostics.push({ severity: 'warning', message: `${sc.unterminated}; the rest of the block is part of this command`, line, column: f.indent + 1 });
    }
    if (sc.clientInput) {
      diagnostics.push({ severity: 'info', message: 'looks like input to an interactive client (SQL, mongosh), not a shell command; shown, not run', line, column: f.indent + 1 });
    } else if (command.placeholders.length) {
      const { row, col } = firstOccurrence(sc.run, command.placeholders[0].token);
      const firstRunLine = sc.run.indexOf('\n');
      const prefix = f.indent + (row === 0 ? body[sc.index].length - (firstRunLine < 0 ? sc.run.length : firstRunLine) : 0);
      diagnostics.push({
        severity: 'info',
        message: describePlaceholders(command.placeholders) as string,
        line: line + (col >= 0 ? row : 0),
        column: (col >= 0 ? col : 0) + 1 + prefix,
      });
    }
  }
  return out;
}
