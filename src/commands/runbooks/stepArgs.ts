import type { StepRef } from '../../core/runbooks/runbookEvents';
import type { RunbookNode } from '../../views/runbooksTree';
import { InvalidInput } from '../commandRunner';

export type StepNode = Extract<RunbookNode, { kind: 'step' }>;
export type CheckNode = Extract<RunbookNode, { kind: 'check' }>;

export function asStep(node: unknown): StepNode {
  const n = node as RunbookNode | undefined;
  if (n?.kind !== 'step') throw new InvalidInput('Pick a runbook step in the Runbooks view.');
  return n;
}

export function refOf(node: StepNode | CheckNode): StepRef {
  const title = node.kind === 'step' ? node.step.title : node.item.text;
  const line = node.kind === 'step' ? node.step.line : node.item.line;
  return { runbook: node.source.ref, runbookTitle: node.source.runbook.title, section: node.section.title, step: title, line };
}
