// The shell words placeholder detection (placeholders.ts) stands on: which languages are shell,
// the names a command assigns itself, the variables every environment has, and the character
// classes of its one-pass scanner.
import { SHELL_FENCES } from './shellCommands';

/** Variables every shell or login environment already has: never something to ask the user for. */
export const WELL_KNOWN = new Set([
  'HOME', 'PATH', 'USER', 'PWD', 'OLDPWD', 'SHELL', 'HOSTNAME', 'HOST', 'UID', 'EUID', 'PPID', 'RANDOM', 'LINENO',
  'SECONDS', 'IFS', 'TERM', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TMP', 'TEMP', 'EDITOR', 'VISUAL',
  'PAGER', 'LOGNAME', 'DISPLAY', 'SHLVL', 'PS1', 'PS2', 'PS4', 'REPLY', 'OPTARG', 'OPTIND', 'OSTYPE', 'HOSTTYPE',
  'MACHTYPE', 'COLUMNS', 'LINES', 'BASH', 'BASH_SOURCE', 'BASH_VERSION', 'BASHPID', 'FUNCNAME', 'PIPESTATUS',
  'GROUPS', 'HISTFILE', 'HISTSIZE', 'MAIL', 'SSH_AUTH_SOCK', 'SSH_CLIENT', 'SSH_CONNECTION', 'SSH_TTY', 'TZ',
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR', 'ZSH_VERSION', 'CDPATH', 'EPOCHSECONDS',
]);

export function isShellLanguage(language: string): boolean {
  // The same languages that make a block runnable (shellCommands), plus an unlabelled block.
  return language === '' || SHELL_FENCES.has(language);
}

const ASSIGNMENT = /(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare|typeset)\s+(?:-[A-Za-z]+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]\n]*\])?\+?=/g;
const FOR_OR_READ = /(?:^|[\s;&|(])(?:for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b|read\s+((?:-[A-Za-z]+\s+(?:\S+\s+)?)*)([A-Za-z_][A-Za-z0-9_ ]*))/g;

/** Names a command assigns (`FOO=1`, `export FOO=…`, `for f in`, `read -r A B`): later `$FOO` are not placeholders. */
export function assignedNames(run: string): string[] {
  const names: string[] = [];
  if (!run.includes('=') && !run.includes('for') && !run.includes('read')) return names;
  for (const m of run.matchAll(ASSIGNMENT)) names.push(m[1]);
  for (const m of run.matchAll(FOR_OR_READ)) {
    if (m[1]) names.push(m[1]);
    else if (m[3]) for (const n of m[3].trim().split(/\s+/)) names.push(n);
  }
  return names;
}

/**
 * Characters that neither start a placeholder (`[`, `<`, `$`) nor change the shell state (quotes,
 * backslash, `#`, newline, blanks, `;&|(`): letters, digits and `_-./:=,@%+*!?^~]>)}{`.
 */
const PLAIN_CHARS = (() => {
  const t = new Uint8Array(128);
  for (let c = 33; c < 127; c++) t[c] = 1;
  for (const ch of '[<$\'"\\#;&|(`') t[ch.charCodeAt(0)] = 0;
  return t;
})();

export function isPlainChar(c: number): boolean {
  return c < 128 && PLAIN_CHARS[c] === 1;
}

export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

export function isNameChar(c: number): boolean {
  return isWordChar(c) || c === 45; // letters, digits, _ and -
}

export function isUpperName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]+$/.test(name);
}

/** `[a-z]`, `[0-9A-F]`: character classes, not names to fill in. */
export function isCharClass(name: string): boolean {
  return /^(?:[A-Za-z0-9]-[A-Za-z0-9])+$/.test(name);
}
