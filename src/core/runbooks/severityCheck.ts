import type { Runbook, RunbookDiagnostic, RunbookSection } from './model';

/** Severity ids look like P1, SEV2 (a word such as "High" is a label, matched elsewhere). */
const ID = /^(P\d|SEV\d+)$/;

/**
 * Warnings for severity ids a runbook uses that the workspace's policy does not have (e.g. P0
 * headings in a P1–P4 workspace), at the heading that says so. Labels (Critical, High) pass.
 */
export function unknownSeverities(runbook: Runbook, known: readonly string[]): RunbookDiagnostic[] {
  const allowed = new Set(known.map((k) => k.toUpperCase()));
  const out: RunbookDiagnostic[] = [];
  const seen = new Set<string>();
  const report = (severity: string | undefined, line: number) => {
    if (!severity || !ID.test(severity) || allowed.has(severity) || seen.has(`${severity}:${line}`)) return;
    seen.add(`${severity}:${line}`);
    out.push({ severity: 'warning', line, column: 1, message: `severity ${severity} is not in this workspace's policy (${known.join(', ')})` });
  };
  if (runbook.format === 'markdown' && runbook.severity && !runbook.sections.some((s) => s.severity === runbook.severity)) report(runbook.severity, 1);
  const stack: Array<{ section: RunbookSection; inherited?: string }> = runbook.sections.map((section) => ({ section }));
  while (stack.length) {
    const { section, inherited } = stack.pop()!;
    // Only where a severity is written, not where it is inherited.
    if (section.severity !== inherited) report(section.severity, section.line);
    for (const child of section.sections) stack.push({ section: child, inherited: section.severity });
  }
  return out.sort((a, b) => a.line - b.line);
}
