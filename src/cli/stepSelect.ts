// Which step of a runbook `incident-desk run <runbook> <step>` means: by title, by a unique suffix
// of its heading path, or by line number.
import type { Runbook, RunbookSection, RunbookStep } from '../core/runbooks/model';

/** A step with the sections around it, outermost first. */
export interface LocatedStep {
  readonly step: RunbookStep;
  /** The section the step is in (its nearest heading). */
  readonly section: RunbookSection;
  /** Section titles from the outermost to the step's own, then the step's title. */
  readonly path: readonly string[];
}

export type StepSelection =
  | { readonly kind: 'found'; readonly step: LocatedStep }
  | { readonly kind: 'unknown' | 'ambiguous'; readonly candidates: readonly LocatedStep[] };

/** Every step in reading order. */
export function allSteps(runbook: Runbook): LocatedStep[] {
  const out: LocatedStep[] = [];
  const walk = (section: RunbookSection, above: readonly string[]): void => {
    const here = [...above, section.title];
    for (const step of section.steps) out.push({ step, section, path: [...here, step.title] });
    for (const child of section.sections) walk(child, here);
  };
  for (const s of runbook.sections) walk(s, []);
  return out;
}

/** A heading path as it is typed: headings joined by `/`, a `/` or `\` inside a heading escaped with `\`. */
export function formatStepPath(path: readonly string[]): string {
  return path.map((p) => p.replace(/[\\/]/g, '\\$&')).join('/');
}

/** `a/b\/c` → ['a', 'b/c']; `\\` is a backslash. */
export function splitStepPath(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '/' || text[i + 1] === '\\')) {
      current += text[++i];
    } else if (c === '/') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

/**
 * The step `selector` names. A number is a line: the step's own line, or a line of one of its
 * commands. Otherwise the selector is a heading path (or a title alone) that must match the end of
 * exactly one step's path, heading by heading; matched exactly first, then ignoring case.
 */
export function selectStep(runbook: Runbook, selector: string): StepSelection {
  const steps = allSteps(runbook);
  if (/^\d+$/.test(selector.trim())) {
    const line = Number(selector.trim());
    const at = steps.filter((s) => s.step.line === line || s.step.commands.some((c) => line >= c.line && line < c.line + c.run.split('\n').length));
    return decide(at, steps);
  }
  const wanted = splitStepPath(selector);
  const endsWith = (s: LocatedStep, same: (a: string, b: string) => boolean) =>
    wanted.length <= s.path.length && wanted.every((w, i) => same(s.path[s.path.length - wanted.length + i]!, w));
  const exact = steps.filter((s) => endsWith(s, (a, b) => a.trim() === b));
  if (exact.length > 0) return decide(exact, steps);
  return decide(steps.filter((s) => endsWith(s, (a, b) => a.trim().toLowerCase() === b.toLowerCase())), steps);
}

function decide(matches: LocatedStep[], all: LocatedStep[]): StepSelection {
  if (matches.length === 1) return { kind: 'found', step: matches[0]! };
  return matches.length === 0 ? { kind: 'unknown', candidates: all } : { kind: 'ambiguous', candidates: matches };
}

/** How a candidate is listed: the shortest unique path suffix, and the line. */
export function describeCandidate(s: LocatedStep, all: readonly LocatedStep[]): string {
  for (let n = 1; n <= s.path.length; n++) {
    const tail = s.path.slice(-n);
    const same = all.filter((o) => o.path.length >= n && o.path.slice(-n).every((p, i) => p === tail[i]));
    if (same.length === 1 || n === s.path.length) return `  ${formatStepPath(tail)}  (line ${s.step.line})`;
  }
  return `  ${formatStepPath(s.path)}  (line ${s.step.line})`;
}
