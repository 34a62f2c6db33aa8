/**
 * Commands that destroy something no later step can bring back: a force push, a recursive delete,
 * killed processes, a reboot, pruned volumes, dropped or emptied tables, a flushed cache. Pure and
 * deliberately cautious: a match inside quotes or an argument (`psql -c "DROP TABLE x"`) counts, so
 * a false alarm costs one flag (`--allow-dangerous`), while a miss could cost the data.
 */

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
  for (const words of simpleCommands(command)) {
    const why = shellDanger(words);
    if (why) return { destructive: why };
  }
  return undefined;
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
      const after = args.slice(push + 1).filter((a) => a.startsWith('-'));
      if (after.some((f) => f === '--force' || f.startsWith('--force-with-lease') || f === '--force-if-includes' || (/^-[A-Za-z]+$/.test(f) && f.includes('f')))) {
        return 'git push --force rewrites the remote branch';
      }
      return undefined;
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
    case 'reboot':
    case 'shutdown':
    case 'poweroff':
    case 'halt':
      return `${name} takes the machine down`;
    case 'systemctl':
      return args.some((a) => /^(?:reboot|poweroff|halt|kexec)$/.test(a)) ? 'systemctl reboot/poweroff takes the machine down' : undefined;
    case 'docker':
    case 'docker-compose': {
      const plain = args.filter((a) => !a.startsWith('-'));
      if (name === 'docker' && plain[0] === 'system' && plain[1] === 'prune') return 'docker system prune deletes stopped containers, images and networks';
      if (name === 'docker' && plain[0] !== 'compose') return undefined;
      const down = args.indexOf('down');
      if (down < 0) return undefined;
      const downFlags = args.slice(down + 1).filter((a) => a.startsWith('-'));
      return downFlags.some((f) => f === '--volumes' || /^-[A-Za-z]*v[A-Za-z]*$/.test(f)) ? 'docker compose down -v deletes the volumes and their data' : undefined;
    }
    case 'chmod':
    case 'chown':
      return has('R', '--recursive') && args.some((a) => a === '/' || a === '/*') ? `${name} -R on / changes every file of the system` : undefined;
    default:
      return undefined;
  }
}

/**
 * The simple commands of a shell text, as words with the command name first: split at newlines,
 * `;`, `&`, `|`, `(`, `)`, `{`, `}`, `` ` `` and `$(`; quotes removed; leading assignments and
 * prefixes such as `sudo -u x` skipped. Rough on purpose: it only has to find command names.
 */
function simpleCommands(text: string): string[][] {
  const out: string[][] = [];
  for (const segment of text.replace(/\\\n/g, ' ').split(/[\n;&|(){}`]|\$\(/)) {
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
    if (i < words.length) out.push([words[i]!.replace(/^.*\//, ''), ...words.slice(i + 1)]);
  }
  return out;
}
