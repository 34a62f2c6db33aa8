// Where the value of each placeholder comes from when a step runs: the one rule that lint, the
// Problems panel, Run's prompts and its confirmation (editor and CLI) all state, in the same words.
import type { Placeholder } from './model';
import { type ProfileFields, profileValues } from './profileValues';

/**
 * - `automatic`: filled without asking, from the host profile or the local run (`from` says which);
 * - `environment`: an env-style `$NAME` / `${NAME}`, left in the command for the shell to expand
 *   (never asked for: secrets stay in the environment);
 * - `typed`: asked for before the step runs (and remembered for the incident).
 */
export type PlaceholderSource =
  | { readonly kind: 'automatic'; readonly from: string }
  | { readonly kind: 'environment' }
  | { readonly kind: 'typed' };

/**
 * Where a step runs, as far as filling goes: on a host (its profile), locally in a folder (the
 * workspace folder in the editor, the current folder in the CLI), or not known yet (lint).
 */
export type FillTarget = { readonly host: ProfileFields } | { readonly local: string | undefined } | undefined;

/** The words, shared by every place that states the rule. */
export const SOURCE_WORDS = {
  automatic: 'filled automatically',
  environment: "from the shell's environment",
  typed: 'asked for before it runs',
} as const;

/** What each profile field fills, by placeholder name (profileValues' names). */
const FROM_HOST: Readonly<Record<string, string>> = {
  host: "the host's address",
  workdir: "the host's work dir",
  compose_file: "the host's compose file",
  'compose-file': "the host's compose file",
  health_url: "the host's health URL",
  'health-url': "the host's health URL",
};
const FROM_LOCAL: Readonly<Record<string, string>> = { workdir: 'the folder it runs in' };

/** Before the target is known (lint): what each name is filled from, wherever the step runs. */
const FROM_ANY: Readonly<Record<string, string>> = {
  workdir: "the host's work dir, or locally the folder it runs in",
  host: "the host's address when run on a host, else asked for",
  compose_file: "the host's compose file, else asked for",
  'compose-file': "the host's compose file, else asked for",
  health_url: "the host's health URL, else asked for",
  'health-url': "the host's health URL, else asked for",
};

/** The values `target` fills without asking, by placeholder name. */
export function targetValues(target: FillTarget): Record<string, string> {
  if (!target) return {};
  if ('host' in target) return profileValues(target.host);
  return target.local ? { workdir: target.local } : {};
}

/** Where the value of `p` comes from on `target` (undefined: any target, as lint sees it). */
export function placeholderSource(p: Placeholder, target?: FillTarget): PlaceholderSource {
  if (p.kind === 'env') return { kind: 'environment' };
  if (!target) return p.name in FROM_ANY ? { kind: 'automatic', from: FROM_ANY[p.name] } : { kind: 'typed' };
  if (!targetValues(target)[p.name]) return { kind: 'typed' };
  return { kind: 'automatic', from: ('host' in target ? FROM_HOST : FROM_LOCAL)[p.name] ?? 'the run' };
}

/** The placeholders to ask for: neither left to the shell's environment nor in `known` (filled automatically, remembered or given). */
export function placeholdersToType(placeholders: readonly Placeholder[], known: Readonly<Record<string, string>>): Placeholder[] {
  const seen = new Set<string>();
  return placeholders.filter((p) => {
    if (placeholderSource(p).kind === 'environment' || known[p.name] || seen.has(p.name)) return false;
    seen.add(p.name);
    return true;
  });
}

function tokens(list: readonly Placeholder[]): string {
  return [...new Set(list.map((p) => p.token))].join(', ');
}

/**
 * For lint and the Problems panel: where each placeholder of a command gets its value, as Run
 * does it: `[file] is asked for before it runs; $DATABASE_URL comes from the shell's environment;
 * ${workdir} is filled automatically (…)`. Undefined without placeholders.
 */
export function describePlaceholders(placeholders: readonly Placeholder[], target?: FillTarget): string | undefined {
  const typed: Placeholder[] = [];
  const env: Placeholder[] = [];
  const automatic: string[] = [];
  for (const p of placeholders) {
    const s = placeholderSource(p, target);
    if (s.kind === 'typed') typed.push(p);
    else if (s.kind === 'environment') env.push(p);
    else automatic.push(`${p.token} (${s.from})`);
  }
  const parts: string[] = [];
  const many = (n: number, one: string, more: string) => (n === 1 ? one : more);
  if (typed.length) parts.push(`${tokens(typed)} ${many(typed.length, 'is', 'are')} ${SOURCE_WORDS.typed}`);
  if (env.length) parts.push(`${tokens(env)} ${many(env.length, 'comes', 'come')} ${SOURCE_WORDS.environment}`);
  if (automatic.length) parts.push(`${automatic.join(', ')} ${many(automatic.length, 'is', 'are')} ${SOURCE_WORDS.automatic}`);
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * For Run's confirmation (editor and CLI): the values `target` filled (unless given otherwise) and
 * the variables left to the shell, one line each (none when there are none).
 */
export function runSourceLines(placeholders: readonly Placeholder[], target: FillTarget, values: Readonly<Record<string, string>>, fromEnvironment: readonly string[]): string[] {
  const filled = targetValues(target);
  const lines: string[] = [];
  const automatic = [...new Map(placeholders.map((p) => [p.token, p])).values()].flatMap((p) => {
    const s = placeholderSource(p, target);
    return s.kind === 'automatic' && values[p.name] === filled[p.name] ? [`${p.token} = ${filled[p.name]} (${s.from})`] : [];
  });
  if (automatic.length) lines.push(`${capitalise(SOURCE_WORDS.automatic)}: ${automatic.join(', ')}`);
  if (fromEnvironment.length) lines.push(`${capitalise(SOURCE_WORDS.environment)}: ${[...new Set(fromEnvironment)].join(', ')}`);
  return lines;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
