/**
 * Commands that destroy something no later step can bring back: a force push, a recursive delete,
 * killed processes, a reboot, pruned volumes, dropped or emptied tables, a flushed cache, a restore
 * over a database (`pg_restore --clean`, `mongorestore --drop`, a file or pipe fed into psql/mysql:
 * what it drops is in the dump, unseen; a script named restore, `restore_db.sh`). Pure and deliberately cautious: a match inside quotes or an argument (`psql -c "DROP TABLE x"`) counts, so
 * a false alarm costs one flag (`--allow-dangerous`), while a miss could cost the data.
 */

import type { Runbook, RunbookCommand, RunbookSection } from './model';

/** Why a command is dangerous, in a few words (`destructive: "rm -rf deletes files recursively"`). */
export interface Danger {
  readonly destructive: string;
}

/**
 * Words that run the next word as the command (`sudo rm`, `env X=1 rm`, `nohup reboot`), with
 * their options that take a separate value (`sudo -u deploy`, `timeout -s KILL 5`, `xargs -n 1`).
 */
const PREFIXES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    sudo: ['-u', '-g', '-h', '-C', '-D', '-p', '-r', '-t', '-U'],
    doas: ['-u', '-C'],
    env: ['-u', '-C', '-S'],
    nohup: [],
    time: ['-f', '-o'],
    exec: ['-a'],
    command: [],
    builtin: [],
    nice: ['-n'],
    ionice: ['-c', '-n', '-p'],
    stdbuf: [],
    timeout: ['-s', '-k'],
    xargs: ['-n', '-I', '-L', '-d', '-a', '-E', '-P', '-s'],
  }).map(([k, v]) => [k, new Set(v)]),
);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** SQL and Redis statements, found anywhere in the text (they usually sit inside a client's argument). */
const ANYWHERE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bDROP\s+(?:TABLE|DATABASE|SCHEMA|VIEW|MATERIALIZED\s+VIEW|INDEX|SEQUENCE|FUNCTION|PROCEDURE|TRIGGER|USER|ROLE|TABLESPACE|EXTENSION|TYPE|OWNED|COLLECTION|KEYSPACE)\b/i, 'DROP removes a database object and its data'],
  [/\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?[A-Za-z_"`[]/i, 'TRUNCATE empties a table'],
  [/\bFLUSH(?:ALL|DB)\b/i, 'FLUSHALL/FLUSHDB deletes every key'],
  [/\bpg_terminate_backend\b/i, 'pg_terminate_backend kills database sessions'],
];

const DELETE_FROM = /\bDELETE\s+FROM\b/i;
const WHERE = /\bWHERE\b/i;

/** The first reason `command` is dangerous, or undefined. */
export function dangerIn(command: string): Danger | undefined {
  for (const [pattern, why] of ANYWHERE) if (pattern.test(command)) return { destructive: why };
  // DELETE without WHERE, per SQL statement (a WHERE in another statement does not count).
  for (const statement of command.split(';')) {
    const at = statement.search(DELETE_FROM);
    if (at >= 0 && !WHERE.test(statement.slice(at))) return { destructive: 'DELETE without WHERE deletes every row' };
  }
  for (const { words, fed } of simpleCommands(command)) {
    const why = shellDanger(words) ?? (fed ? restoreDanger(words) : undefined);
    if (why) return { destructive: why };
  }
  return undefined;
}

/** Clients that run whatever SQL they read: fed a file or a pipe, that is usually a dump restored over the database. */
const SQL_CLIENTS = new Set(['psql', 'mysql', 'mariadb']);

/** A file or pipe fed into a SQL client, run directly or through `docker compose exec db psql`, `kubectl exec`. */
function restoreDanger(words: readonly string[]): string | undefined {
  const client = words.map((w) => w.replace(/^.*\//, '')).find((w) => SQL_CLIENTS.has(w));
  return client ? `${client} fed from a file or a pipe restores a dump over the database it connects to` : undefined;
}

/** A team's own restore script (`restore_db.sh`, `restore-mongodb.sh`, `db-restore`): it replaces live data with a backup. */
const RESTORE_SCRIPT = /(?:^|[-_.])restore(?:[-_.]|$)/i;

/**
 * Marks every command of a parsed runbook that dangerIn flags (`destructive` on the command), runnable
 * or only shown (someone may paste it), and lists each as a warning, "dangerous: <reason>", at its
 * line: lint, the Problems panel and `runbook --json` then say the same. One pass for both formats.
 */
export function markDangers(runbook: Runbook): Runbook {
  const visit = (section: RunbookSection): void => {
    for (const step of section.steps) {
      for (const command of step.commands) {
        // Text lines (labels, list items, URLs in a shell fence) are prose, never pasted as commands.
        if (command.text) continue;
        const d = dangerIn(command.run);
        if (!d) continue;
        command.destructive = d.destructive;
        runbook.diagnostics.push({ severity: 'warning', message: `dangerous: ${d.destructive}`, line: command.line, column: 1 });
      }
    }
    section.sections.forEach(visit);
  };
  runbook.sections.forEach(visit);
  return runbook;
}

/**
 * Why running these commands is dangerous, one reason per dangerous runnable command: the text as it
 * will be sent (`filled`, placeholders in: a value can make a command dangerous) or else the
 * runbook's own marking. What the editor's Run and the CLI's `run` both ask about.
 */
export function runDangers(commands: readonly RunbookCommand[], filled: readonly string[]): string[] {
  return commands.flatMap((c, i) => {
    const why = dangerIn(filled[i] ?? c.run)?.destructive ?? c.destructive;
    return why ? [why] : [];
  });
}

function shellDanger(words: string[]): string | undefined {
  const [name, ...args] = words;
  const flags = args.filter((a) => a.startsWith('-'));
  /** A short option letter, alone or in a cluster (`-rf`), or one of the long forms. */
  const has = (letter: string, ...long: string[]) => flags.some((f) => (f.startsWith('--') ? long.some((l) => f === l || f.startsWith(`${l}=`)) : f.slice(1).includes(letter)));
  switch (name) {
    case 'git': {
      const push = args.indexOf('push');
      if (push < 0) return undefined;
      const after = args.slice(push + 1);
      const forced = after.some((f) => f === '--force' || f.startsWith('--force-with-lease') || f === '--force-if-includes' || (/^-[A-Za-z]+$/.test(f) && f.includes('f')));
      // A `+` refspec forces that one branch: `git push origin +main`.
      const positional = pushPositionals(after);
      if (!forced && !positional.slice(1).some((r) => r.startsWith('+'))) return undefined;
      return `git push --force rewrites ${rewritten(positional)}`;
    }
    case 'rm':
      return has('r', '--recursive') || has('R', '--recursive') ? (has('f', '--force') ? 'rm -rf deletes files recursively without asking' : undefined) : undefined;
    case 'pkill':
    case 'killall':
      return `${name} kills processes by name`;
    case 'kill': {
      const signal = args.findIndex((a) => a === '-s' || a === '--signal' || a === '-n');
      const named = signal >= 0 ? args[signal + 1] : undefined;
      if (args.some((a) => /^-(?:9|KILL|SIGKILL)$/i.test(a)) || (named !== undefined && /^(?:9|KILL|SIGKILL)$/i.test(named))) return 'kill -9 kills processes without letting them clean up';
      return undefined;
    }
    case 'shutdown':
      // `shutdown -c` cancels a scheduled one
      return args.includes('-c') ? undefined : 'shutdown takes the machine down';
    case 'reboot':
    case 'poweroff':
    case 'halt':
      return `${name} takes the machine down`;
    case 'systemctl':
      return args.some((a) => /^(?:reboot|poweroff|halt|kexec)$/.test(a)) ? 'systemctl reboot/poweroff takes the machine down' : undefined;
    case 'docker':
    case 'docker-compose': {
      const plain = args.filter((a) => !a.startsWith('-'));
      if (name === 'docker' && plain[0] === 'system' && plain[1] === 'prune') return 'docker system prune deletes stopped containers, images and networks';
      if (name === 'docker' && plain[0] === 'volume' && plain[1] === 'prune') return 'docker volume prune deletes unused volumes and their data';
      if (name === 'docker' && plain[0] !== 'compose') return undefined;
      const down = args.indexOf('down');
      if (down < 0) return undefined;
      const downFlags = args.slice(down + 1).filter((a) => a.startsWith('-'));
      return downFlags.some((f) => f === '--volumes' || /^-[A-Za-z]*v[A-Za-z]*$/.test(f)) ? 'docker compose down -v deletes the volumes and their data' : undefined;
    }
    case 'pg_restore':
      return has('c', '--clean') ? 'pg_restore --clean drops the database objects before restoring over them' : undefined;
    case 'mongorestore':
      return args.includes('--drop') ? 'mongorestore --drop drops each collection before restoring over it' : undefined;
    case 'dropdb':
      return 'dropdb deletes a database';
    case 'chmod':
    case 'chown':
      return has('R', '--recursive') && args.some((a) => a === '/' || a === '/*') ? `${name} -R on / changes every file of the system` : undefined;
    default:
      return RESTORE_SCRIPT.test(name!) ? `${name} restores a backup over the live data` : undefined;
  }
}

/** A simple command's words, command name first, and whether its stdin is a file (`<`) or a pipe. */
interface SimpleCommand {
  readonly words: string[];
  readonly fed: boolean;
}

/**
 * The simple commands of a shell text: split at newlines, `;`, `&`, `|`, `(`, `)`, `{`, `}`, `` ` ``
 * and `$(`; quotes removed; leading assignments and prefixes such as `sudo -u x` skipped. Rough on
 * purpose: it only has to find command names, and whether something is fed into them.
 */
function simpleCommands(text: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  // Separators kept (odd indexes): a segment right after a lone `|` reads a pipe.
  const parts = text.replace(/\\\n/g, ' ').replace(/\|\|/g, ';').replace(/\|&/g, '|').split(/([\n;&|(){}`]|\$\()/);
  for (let k = 0; k < parts.length; k += 2) {
    const segment = parts[k]!;
    // `<` outside quotes, not a heredoc (`<<`), here-string, `<(…)` or `<&`.
    const fed = parts[k - 1] === '|' || /(?<!<)<(?![<(&])/.test(segment.replace(/"[^"]*"|'[^']*'/g, '""'));
    const words = segment.split(/\s+/).map((w) => w.replace(/["']/g, '')).filter((w) => w !== '');
    let i = 0;
    for (;;) {
      const w = words[i];
      if (w === undefined) break;
      if (ASSIGNMENT.test(w)) i++;
      else if (PREFIXES.has(w.replace(/^.*\//, ''))) {
        const withValue = PREFIXES.get(w.replace(/^.*\//, ''))!;
        i++;
        // the prefix's own options, and the values of those that take one
        while (words[i]?.startsWith('-')) i += withValue.has(words[i]!) ? 2 : 1;
        // `timeout 5 cmd`, `nice 10 cmd`: a bare number before the command
        if (/^\d+[smhd]?$/.test(words[i] ?? '')) i++;
      } else break;
    }
    if (i < words.length) out.push({ words: [words[i]!.replace(/^.*\//, ''), ...words.slice(i + 1)], fed });
  }
  return out;
}

/** git push's remote and refspecs: its words that are not options (nor an option's value). */
function pushPositionals(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '--push-option' || a === '--repo' || a === '--receive-pack' || a === '--exec') i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
}

/** What a force push rewrites, as the command names it: `origin/main on the remote`, else `the remote branch`. */
function rewritten(positional: readonly string[]): string {
  const [remote, ...refspecs] = positional;
  // `+src:dst` pushes to dst; `main` to main; `HEAD` (no dst) to the branch of the same name, not said here.
  const branches = refspecs.map((r) => r.replace(/^\+/, '').split(':').at(-1)!).filter((b) => b !== '' && b !== 'HEAD');
  if (!remote || branches.length === 0) return 'the remote branch';
  return `${branches.map((b) => `${remote}/${b.replace(/^refs\/heads\//, '')}`).join(', ')} on the remote`;
}
