// What Run asks before sending a step's commands: a plain question with one button, or, for a step
// with a dangerous command, the target's name typed out. Both say where it runs and which incident
// the result lands on. Pure: the editor shows it, tests read it.

/** The incident a run is recorded on, as the question names it. */
export interface RecordingIncident {
  readonly id: string;
  readonly title: string;
}

export interface RunQuestionInput {
  /** The step's title. */
  readonly step: string;
  /** Where it runs, in words (`web-1 (deploy@10.0.0.5:22) over SSH, in /srv/app`). */
  readonly where: string;
  /** The host profile's name when it runs on a host; undefined locally. */
  readonly host?: string;
  /** The recording incident's service, if it has one: what a local dangerous run asks to type. */
  readonly service?: string;
  readonly incident?: RecordingIncident;
  /** The commands as they will be sent. */
  readonly script: readonly string[];
  /** Why it is dangerous, one reason per dangerous command; empty for a plain step. */
  readonly dangers: readonly string[];
  /** Where placeholder values come from (filled automatically, the shell's environment), one line each. */
  readonly sources?: readonly string[];
  /** The runbook marks the step `confirm`. */
  readonly confirmStep?: boolean;
  readonly expect?: string;
}

export type RunQuestion =
  | { readonly kind: 'button'; readonly message: string; readonly detail: string; readonly button: 'Run' }
  | {
      readonly kind: 'typed';
      readonly message: string;
      readonly detail: string;
      /** What must be typed: the host's name, else the incident's service, else `local`. */
      readonly name: string;
    };

/** "recorded on <id> (<title>)", or that it is recorded nowhere. */
export function recordedOn(incident: RecordingIncident | undefined): string {
  return incident ? `recorded on ${incident.id} (${incident.title})` : 'not recorded on any incident';
}

/**
 * The name a dangerous run asks for: the host it runs on; locally the service of the incident it
 * is recorded on (what a guide's commands usually act on), else the word `local`.
 */
export function typedName(host: string | undefined, service: string | undefined): string {
  return host ?? (service?.trim() || 'local');
}

export function runQuestion(q: RunQuestionInput): RunQuestion {
  const runsOn = `Runs on: ${q.where}; ${recordedOn(q.incident)}.`;
  const env = (q.sources ?? []).map((l) => `\n${l}`).join('');
  const expect = q.expect ? `\nThe output should show: ${q.expect}` : '';
  if (q.dangers.length > 0) {
    const name = typedName(q.host, q.service);
    return {
      kind: 'typed',
      message: `Dangerous: run "${q.step}"? Type ${name} to run it`,
      detail: `${[...new Set(q.dangers)].map((d) => `Dangerous: ${d}.`).join(' ')} ${runsOn}${env}\n${q.script.length === 1 ? 'Command' : 'Commands'}: ${q.script.join('\n')}${expect}`,
      name,
    };
  }
  const caution = q.confirmStep ? 'The runbook marks this step "confirm": check the target and the command before running it.\n' : '';
  return { kind: 'button', message: `Run "${q.step}"?`, detail: `${caution}${runsOn}${env}\n\n${q.script.join('\n')}${expect}`, button: 'Run' };
}

/** Whether an answer to the question lets the run go ahead: the exact name (spaces around ignored), or the button. */
export function answerAccepts(question: RunQuestion, answer: string | undefined): boolean {
  if (answer === undefined) return false;
  return question.kind === 'typed' ? answer.trim() === question.name : answer === question.button;
}
