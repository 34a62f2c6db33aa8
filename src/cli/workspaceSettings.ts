// The workspace's `.vscode/settings.json` as VS Code reads it (JSON with comments and trailing
// commas), for the `incidentDesk.*` settings the CLI uses (hosts, known_hosts files, severities, post-mortem due hours).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { resolveSettingFile } from '../services/ssh/knownHostsFiles';

export interface WorkspaceHostSettings {
  /** As written (validated by mergeHostProfiles); undefined when not set. */
  readonly hosts: unknown;
  /** Absolute; `~` expanded, relative paths under the workspace folder. */
  readonly knownHostsFiles: readonly string[];
}

export class SettingsFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SettingsFileError';
  }
}

/** Reads `incidentDesk.*` from the workspace's settings: `get('hosts')` for `incidentDesk.hosts`. A missing file is no settings, a malformed one throws SettingsFileError. */
export async function readWorkspaceSettings(workspace: string): Promise<(key: string) => unknown> {
  const file = path.join(workspace, '.vscode', 'settings.json');
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return () => undefined;
    throw new SettingsFileError(file, (e as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(stripJsonc(text));
  } catch (e) {
    throw new SettingsFileError(file, `not valid JSON with comments: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SettingsFileError(file, 'expected an object');
  return (key: string): unknown => {
    const flat = (parsed as Record<string, unknown>)[`incidentDesk.${key}`];
    if (flat !== undefined) return flat;
    // `"incidentDesk": { "hosts": … }` is read too.
    const section = (parsed as Record<string, unknown>).incidentDesk;
    return typeof section === 'object' && section !== null ? (section as Record<string, unknown>)[key] : undefined;
  };
}

/** Reads the host settings; a missing file is no settings, a malformed one throws SettingsFileError. */
export async function readWorkspaceHostSettings(workspace: string, homeDir: string): Promise<WorkspaceHostSettings> {
  const get = await readWorkspaceSettings(workspace);
  const files = get('ssh.knownHostsFiles');
  return {
    hosts: get('hosts'),
    knownHostsFiles: Array.isArray(files)
      ? files.filter((f): f is string => typeof f === 'string' && f.trim() !== '')// The extension's own rule for this setting: ~ under home, absolute as is, relative to the workspace.
        .map((f) => resolveSettingFile(f.trim(), homeDir, workspace) as string)
      : [],
  };
}

/** JSONC to JSON: `//` and `/* *\/` comments and commas before `]` or `}` removed, strings untouched. */
export function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  /** Where a comma was copied, until something other than blanks or comments follows it. */
  let pendingComma = -1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      pendingComma = -1;
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else if (c === ',') {
      pendingComma = out.length;
      out += c;
      i++;
    } else if (c === ']' || c === '}') {
      if (pendingComma >= 0) out = `${out.slice(0, pendingComma)} ${out.slice(pendingComma + 1)}`;
      pendingComma = -1;
      out += c;
      i++;
    } else {
      if (!/\s/.test(c)) pendingComma = -1;
      out += c;
      i++;
    }
  }
  return out;
}
