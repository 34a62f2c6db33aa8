// Views of a parsed runbook that tests compare against: its outline, and a section found by title.
import type { Runbook, RunbookSection } from '../../../src/core/runbooks/model';

/** Sections depth-first, as `level title {severity} <part>` lines. */
export function outline(sections: RunbookSection[]): string[] {
  const out: string[] = [];
  const todo = [...sections].reverse();
  while (todo.length) {
    const s = todo.pop() as RunbookSection;
    out.push(`${s.level} ${s.title}${s.severity ? ` {${s.severity}}` : ''}${s.part ? ` <${s.part}>` : ''}`);
    for (let i = s.sections.length - 1; i >= 0; i--) todo.push(s.sections[i]);
  }
  return out;
}

/** The section titled `title` (under the section titled `under`, when given). */
export function find(rb: Runbook, title: string, under?: string): RunbookSection {
  const todo = [...rb.sections];
  let scope: RunbookSection[] = todo;
  if (under) scope = [find(rb, under)];
  const stack = [...scope];
  while (stack.length) {
    const s = stack.pop() as RunbookSection;
    if (s.title === title) return s;
    stack.push(...s.sections);
  }
  throw new Error(`no section ${title}`);
}
