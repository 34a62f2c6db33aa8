/**
 * Splits the text of a shell code block into the commands a user would run one at a time. A command
 * is one logical line: backslash continuations, lines ending in `|`, `&&` or `||`, quotes left open
 * across lines and heredoc bodies are all kept in it, exactly as written. `#` comment lines right
 * above a command are its label; a blank line (or console output) separates commands.
 */
import { RUNNABLE_LANGUAGES } from './interpreters';

export interface ShellCommand {
  /** The command exactly as written (prompt removed in console blocks), lines joined with `\n`. */
  run: string;
  /** Index of its first line in the block's lines. */
  index: number;
  /** The comment lines right above it, without `#`, joined with `\n`. */
  label?: string;
  /**
   * True for lines that are input to an interactive client rather than to the shell: SQL typed into
   * `psql`, `db.…()` into `mongosh`. Shown, never run.
   */
  clientInput?: boolean;
  /** Something left open at the end of the block (a heredoc or a quote), for a diagnostic. */
  unterminated?: string;
  /**
   * Text, not a command (textLine): consecutive `Label: value` lines, list items or bare URLs, as
   * written. Shown, never run.
   */
  text?: true;
  /**
   * `#` comment lines that no command follows (`run` is their text without `#`). `step`: it stands
   * on its own (after a blank line, at the top, or numbered: "# 2. Key user flows work"), a step
   * done by hand; `note`: written right under a command, a remark on that command's step.
   */
  comment?: 'step' | 'note';
}

/**
 * Languages whose blocks are split into runnable commands: those with an interpreter in the one
 * table (interpreters.ts). PowerShell is not: it runs only on Windows.
 */
export const SHELL_FENCES: ReadonlySet<string> = RUNNABLE_LANGUAGES;

const KNOWN_COMMANDS = new Set([
  'apt', 'apt-get', 'aws', 'az', 'brew', 'cat', 'cd', 'chmod', 'chown', 'cp', 'crontab', 'curl', 'df', 'dig', 'docker',
  'docker-compose', 'du', 'echo', 'export', 'find', 'free', 'gcloud', 'git', 'grep', 'gunzip', 'gzip', 'head', 'helm',
  'htop', 'journalctl', 'kill', 'kubectl', 'less', 'ln', 'ls', 'make', 'mkdir', 'mongosh', 'mongo', 'mv', 'mysql',
  'nc', 'netstat', 'nginx', 'node', 'npm', 'npx', 'nslookup', 'openssl', 'pg_dump', 'pg_restore', 'ping', 'pip',
  'pm2', 'ps', 'psql', 'python', 'python3', 'redis-cli', 'reboot', 'rm', 'rsync', 'scp', 'sed', 'service', 'ss',
  'ssh', 'sudo', 'systemctl', 'tail', 'tar', 'top', 'touch', 'traceroute', 'uptime', 'vi', 'vim', 'wget', 'yarn',
  'pnpm', 'terraform', 'ansible', 'certbot', 'dmesg', 'lsof', 'iostat', 'vmstat', 'watch', 'xargs', 'awk', 'sort',
  'uniq', 'wc', 'tee', 'env', 'source', 'bash', 'sh', 'zsh', 'mysqldump', 'mongodump', 'mongorestore', 'sqlite3',
]);

/** For a block without a language: does it read like commands (first real line starts with a command)? */
export function looksLikeShell(lines: readonly string[]): boolean {
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('$ ')) return true;
    const word = /^(?:sudo\s+)?([^\s=;|&<>()]+)/.exec(line)?.[1] ?? '';
    if (word.startsWith('./') || word.startsWith('/') || word.startsWith('~/')) return true;
    if (/^[A-Z_][A-Z0-9_]*=\S/.test(line)) return true;
    return KNOWN_COMMANDS.has(word);
  }
  return false;
}

/** `1.` / `2)` at the start of a comment: a numbered item, which starts a step of its own. */
const NUMBERED = /^\d{1,3}[.)](?:\s|$)/;

/**
 * A line that is text written into a shell block, not a command (a command never starts like one):
 * - a label: one to six words and a colon before a blank or the end (`Email: ops@example.com`,
 *   `Status page:`, `Information to provide:`). A word is letters, digits and `-'’/&().+`; the
 *   first starts with a letter. Several words count only when the first is capitalised, since a
 *   lowercase first word is the command (`echo foo:`, `ssh host:`); a single word counts unless it
 *   is a command we know. `https://x` is no label: its colon is followed by `/`.
 * - a list item: `- `, `* `, `+ `, `• `, or `1. ` / `1) ` (no command is named `-` or `1.`).
 * - a URL: `scheme://…`, `www.…` or `mailto:…` at the start of the line.
 */
export function textLine(line: string): boolean {
  const t = line.trim();
  if (/^(?:[-*+•]|\d{1,3}[.)])(?:[ \t]|$)/.test(t)) return true;
  if (/^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|www\.[A-Za-z0-9-]|mailto:)\S/.test(t)) return true;
  const m = /^(\p{L}[\p{L}\p{N}'’/&().+-]*)((?:[ \t]+[\p{L}\p{N}'’/&().+-]+){0,5}):(?:[ \t]|$)/u.exec(t);
  if (!m) return false;
  const first = m[1];
  if (m[2]) return /^\p{Lu}/u.test(first);
  return !KNOWN_COMMANDS.has(first);
}

const CLIENT_INPUT = /^(?:(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|EXPLAIN|VACUUM|ANALYZE|BEGIN|COMMIT|ROLLBACK|WITH|SHOW)\b[^]*;\s*$|db\.[A-Za-z_]\w*|use [A-Za-z_][\w-]*;?\s*$|\\[a-z]{1,3}\b)/;

interface Heredoc {
  delim: string;
  strip: boolean;
}

interface LineState {
  quote: 'none' | 'single' | 'double';
  /** The line ends with `\`, `|`, `&&` or `||` outside quotes and comments. */
  continues: boolean;
  heredocs: Heredoc[];
}

/** Printable ASCII that is neither a quote, backslash, `#`, `<` nor one of `;&|(` (which start a word). */
const PLAIN = (() => {
  const t = new Uint8Array(128);
  for (let c = 33; c < 127; c++) t[c] = 1;
  for (const ch of '\'"\\#<;&|(') t[ch.charCodeAt(0)] = 0;
  return t;
})();

const HEREDOC = /^<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|\\?([A-Za-z0-9_.-]+))/;

/** Reads one line of shell from `quote` state: where quotes stand at its end, heredocs it opens, whether it continues. */
function scanLine(line: string, quote: LineState['quote'], heredocs: Heredoc[]): LineState {
  let q = quote;
  let lastSignificant = -1;
  let wordStart = true;
  let endsWithBackslash = false;
  const n = line.length;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    endsWithBackslash = false;
    if (q === 'single') {
      if (c === 39) q = 'none';
      continue;
    }
    if (c === 92) { // backslash
      if (i === n - 1) endsWithBackslash = true;
      i++;
      lastSignificant = i;
      wordStart = false;
      continue;
    }
    if (q === 'double') {
      if (c === 34) q = 'none';
      continue;
    }
    if (c < 128 && PLAIN[c] === 1) {
      // A run of characters that change nothing but where the line's last significant one is.
      while (i + 1 < n && line.charCodeAt(i + 1) < 128 && PLAIN[line.charCodeAt(i + 1)] === 1) i++;
      lastSignificant = i;
      wordStart = false;
      continue;
    }
    if (c === 39) { q = 'single'; lastSignificant = i; wordStart = false; continue; }
    if (c === 34) { q = 'double'; lastSignificant = i; wordStart = false; continue; }
    if (c === 35 && wordStart) break; // comment
    if (c === 60 && line.charCodeAt(i + 1) === 60 && line.charCodeAt(i + 2) !== 60) {
      const m = HEREDOC.exec(line.slice(i, i + 80));
      if (m) {
        heredocs.push({ delim: m[2] ?? m[3] ?? m[4], strip: m[1] === '-' });
        i += m[0].length - 1;
        lastSignificant = i;
        wordStart = false;
        continue;
      }
    }
    const space = c === 32 || c === 9;
    if (!space) lastSignificant = i;
    wordStart = space || c === 59 || c === 38 || c === 124 || c === 40;
  }
  let continues = endsWithBackslash;
  if (!continues && q === 'none' && lastSignificant >= 0) {
    const last = line.charCodeAt(lastSignificant);
    // `|`, `||` and `&&` at the end continue on the next line; a lone `&` (background) does not.
    continues = last === 124 || (last === 38 && line.charCodeAt(lastSignificant - 1) === 38);
  }
  return { quote: q, continues, heredocs };
}

/**
 * Commands in a block's lines. In `console` blocks only `$ `-prompted lines (and their
 * continuations) are commands; the rest is output. Elsewhere, text lines (textLine) come out as
 * `text` items and `#` comment groups no command follows as `comment` items, in block order.
 */
export function splitShellCommands(lines: readonly string[], isConsole: boolean): ShellCommand[] {
  const out: ShellCommand[] = [];
  const hasPrompts = isConsole && lines.some((l) => /^\s*\$(?: |$)/.test(l));
  let labels: string[] = [];
  /** Where the pending comment lines start, and whether they sit right under a command or text. */
  let labelsAt = 0;
  let labelsUnderItem = false;
  /** The last line of the last command or text item; the text item still open to more lines. */
  let lastEnd = -2;
  let text: ShellCommand | undefined;
  let cmd: string[] | undefined;
  let start = 0;
  let label: string | undefined;
  let quote: LineState['quote'] = 'none';
  let continues = false;
  let heredocs: Heredoc[] = [];
  let continuesAfterHeredoc = false;
  let i = 0;

  const finish = (unterminated?: string) => {
    if (!cmd) return;
    const run = cmd.join('\n');
    const command: ShellCommand = { run, index: start };
    if (label !== undefined) command.label = label;
    if (CLIENT_INPUT.test(run)) command.clientInput = true;
    if (unterminated) command.unterminated = unterminated;
    out.push(command);
    lastEnd = i;
    cmd = undefined;
    label = undefined;
    quote = 'none';
    continues = false;
    heredocs = [];
    continuesAfterHeredoc = false;
  };

  /** The pending comment lines as the label of what follows them, if any has text. */
  const takeLabel = (): string | undefined => {
    const nonEmpty = labels.filter((l) => l.length > 0);
    labels = [];
    return nonEmpty.length ? nonEmpty.join('\n') : undefined;
  };

  /** Pending comment lines that nothing follows: a comment item. */
  const flushComments = () => {
    let first = 0;
    let last = labels.length;
    while (first < last && !labels[first]) first++;
    while (last > first && !labels[last - 1]) last--;
    if (first < last) {
      const note = labelsUnderItem && first === 0 && !NUMBERED.test(labels[first]);
      out.push({ run: labels.slice(first, last).join('\n'), index: labelsAt + first, comment: note ? 'note' : 'step' });
    }
    labels = [];
  };

  for (; i < lines.length; i++) {
    let line = lines[i];
    if (cmd && heredocs.length) {
      cmd.push(line);
      const h = heredocs[0];
      if ((h.strip ? line.replace(/^\t+/, '') : line).trim() === h.delim) {
        heredocs.shift();
        if (!heredocs.length && !continuesAfterHeredoc) finish();
      }
      continue;
    }
    if (cmd) {
      if (hasPrompts && quote === 'none') line = line.replace(/^\s*> ?/, '');
      cmd.push(line);
    } else {
      const trimmed = line.trim();
      if (!trimmed) {
        if (!hasPrompts) flushComments();
        labels = [];
        text = undefined;
        continue;
      }
      if (hasPrompts) {
        const m = /^\s*\$(?: |$)/.exec(line);
        if (!m) {
          if (trimmed.startsWith('#') && !trimmed.startsWith('#!')) labels.push(trimmed.replace(/^#+\s?/, ''));
          else labels = [];
          continue;
        }
        line = line.slice(m[0].length);
        if (!line.trim()) continue;
      } else if (trimmed.startsWith('#')) {
        if (!trimmed.startsWith('#!')) {
          const comment = trimmed.replace(/^#+\s?/, '').trim();
          // "# 3. …" under "# 2. …": the numbered line starts an item of its own.
          if (NUMBERED.test(comment) && labels.some((l) => l.length > 0)) flushComments();
          if (!labels.length) {
            labelsAt = i;
            labelsUnderItem = lastEnd === i - 1;
          }
          labels.push(comment);
        }
        text = undefined;
        continue;
      } else if (textLine(line)) {
        if (text && !labels.length && lastEnd === i - 1) {
          text.run += `\n${line}`;
        } else {
          text = { run: line, index: i, text: true };
          const textLabel = takeLabel();
          if (textLabel !== undefined) text.label = textLabel;
          out.push(text);
        }
        lastEnd = i;
        continue;
      }
      text = undefined;
      cmd = [line];
      start = i;
      label = takeLabel();
    }
    const state = scanLine(line, quote, heredocs);
    quote = state.quote;
    continues = state.continues;
    if (heredocs.length) {
      continuesAfterHeredoc = continues;
      continue;
    }
    if (quote === 'none' && !continues) finish();
  }
  if (cmd) {
    const open = heredocs.length ? `the heredoc <<${heredocs[0].delim} is never closed` : quote !== 'none' ? `a ${quote === 'single' ? "'" : '"'} quote is never closed` : undefined;
    finish(open);
  }
  if (!hasPrompts) flushComments();
  return out;
}
