// Lint: the diagnostics of runbook files and folders, as the CLI prints them and CI reads them.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RunbookDiagnostic } from './model';
import { readRunbookFile, runbookFormat, unreadableRunbook } from './runbookFile';
import type { ReadRunbookOptions } from './runbookFile';
import { findRunbookFiles } from './runbookIndex';

export type LintOptions = ReadRunbookOptions;

export interface LintProblem {
  /** As given, or the given folder joined with the file's path under it. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: RunbookDiagnostic['severity'];
  readonly message: string;
}

export interface LintResult {
  readonly problems: LintProblem[];
  /** Runbook files read (a folder counts its files). */
  readonly files: number;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Lints files and folders (folders recursively, as the index walks them). A path that does not
 * exist, or a named file that is not a runbook, is itself an error problem at 1:1.
 */
export async function lintPaths(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const problems: LintProblem[] = [];
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await fsp.stat(p);
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      // A folder named that does not exist (yet) holds no runbooks: the usual `lint runbooks
      // docs/runbooks` in a repository with only one of them is fine. A named file that does not
      // exist is a mistake. Without a file to look at, the name decides: an extension or not.
      if (missing && namesFolder(p)) problems.push(problem(p, 'warning', 'no such folder: no runbooks there'));
      else problems.push(problem(p, 'error', `cannot read: ${missing ? 'no such file' : String((e as NodeJS.ErrnoException).code ?? e)}`));
      continue;
    }
    if (st.isDirectory()) {
      // findRunbookFiles skips links inside; a folder named on the command line is taken as given.
      const resolved = path.resolve(p);
      for (const f of await findRunbookFiles([resolved])) files.push(path.join(p, path.relative(resolved, f)));
    } else if (!runbookFormat(p)) {
      problems.push(problem(p, 'error', 'not a runbook file: expected .md, .markdown, .yaml or .yml'));
    } else {
      files.push(p);
    }
  }
  const unique = [...new Set(files)];
  for (const file of unique) {
    let diagnostics: RunbookDiagnostic[];
    try {
      diagnostics = (await readRunbookFile(file, options)).diagnostics;
    } catch (e) {
      diagnostics = unreadableRunbook(file, e).diagnostics;
    }
    for (const d of diagnostics) problems.push({ file, line: d.line, column: d.column, severity: d.severity, message: d.message });
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return { problems, files: unique.length };
}

/** A path that does not exist names a folder unless its last part has an extension (`x.md`, `notes.txt`), or it ends in `/`. */
function namesFolder(p: string): boolean {
  return /[/\\]$/.test(p) || path.extname(p) === '';
}

/** lintPaths, just the problems. */
export async function lintFiles(paths: readonly string[], options: LintOptions = {}): Promise<LintProblem[]> {
  return (await lintPaths(paths, options)).problems;
}

/** `file:line:col: severity: message`, the shape editors and CI annotators recognise. */
export function formatProblem(p: LintProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}

function problem(file: string, severity: LintProblem['severity'], message: string): LintProblem {
  return { file, line: 1, column: 1, severity, message };
}
