import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Line, SSHConfig, glob as hostPatternMatch } from 'ssh-config';
import { expandHome } from './knownHostsFiles';

/** Who is asking: the values OpenSSH takes from the local account (`~`, `%d`, `%u`, default User). */
export interface SshConfigEnv {
  readonly homeDir: string;
  readonly localUser: string;
}

export function defaultSshConfigEnv(): SshConfigEnv {
  let localUser = process.env.USER ?? '';
  try {
    localUser = os.userInfo().username || localUser;
  } catch {
    // no passwd entry (some containers): keep $USER
  }
  return { homeDir: os.homedir(), localUser };
}

/** `~/.ssh/config`, the file `ssh` reads for the user. */
export function userSshConfigFile(homeDir: string): string {
  return path.join(homeDir, '.ssh', 'config');
}

export const SYSTEM_SSH_CONFIG_FILE = '/etc/ssh/ssh_config';

export interface SshConfigProblem {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** A config with its Includes inlined, ready for parseSshConfig. */
export interface SshConfigText {
  readonly text: string;
  /** Every file read, the main one first. */
  readonly files: readonly string[];
  readonly problems: readonly SshConfigProblem[];
}

export interface ReadSshConfigOptions {
  readonly homeDir: string;
  /** A system config (/etc/ssh/ssh_config): relative Include paths are then under /etc/ssh, not ~/.ssh. */
  readonly system?: boolean;
  /** OpenSSH's READCONF_MAX_DEPTH. */
  readonly maxDepth?: number;
}

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 16;

/** The block a line belongs to while inlining: the names it is known to match, or "cannot say". */
type Block = { readonly header: string; readonly names: readonly string[] | 'opaque' } | undefined;

/**
 * Reads an ssh config and inlines its `Include`s, because the ssh-config package parses Include
 * but does not follow it. Done the way OpenSSH's readconf.c does: several paths per line, `~`
 * expanded, relative paths under ~/.ssh (or /etc/ssh for the system file), globs expanded in
 * sorted order, no match is no error, nesting limited to 16 (a loop is reported, not followed).
 *
 * Inlining text changes two things that OpenSSH keeps apart, and both are restored:
 * - after an included file, the block in effect at the Include line is in effect again, so its
 *   header (or `Host *` at top level) is repeated after the included text;
 * - `Host` lines in a file included from inside `Host a b` only apply when that block matches too;
 *   with literal names that is rewritten as `Host <those of a b the new line matches>`. Under a
 *   wildcard block or a Match block that cannot be expressed, and a problem says so.
 * A missing main file is an empty config.
 */
export async function readSshConfig(file: string, options: ReadSshConfigOptions): Promise<SshConfigText> {
  const problems: SshConfigProblem[] = [];
  const files: string[] = [];
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const includeBase = options.system ? path.dirname(SYSTEM_SSH_CONFIG_FILE) : path.join(options.homeDir, '.ssh');

  const inline = async (current: string, depth: number, enclosing: Block, chain: readonly string[]): Promise<string[]> => {
    const text = await readConfigFile(current);
    if (text === undefined) return [];
    files.push(current);
    const out: string[] = [];
    let block: Block = enclosing;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const directive = splitDirective(raw);
      if (!directive) {
        out.push(raw);
        continue;
      }
      const keyword = directive.keyword.toLowerCase();
      if (keyword === 'host' || keyword === 'match') {
        block = nestedBlock(keyword, directive.args, enclosing, raw, (message) => problems.push({ file: current, line: i + 1, message }));
        out.push(block.header);
        continue;
      }
      if (keyword !== 'include') {
        out.push(raw);
        continue;
      }
      out.push(`# ${raw.trim()}`);
      let sawSection = false;
      for (const arg of splitArgs(directive.args)) {
        const expanded = expandHome(arg, options.homeDir);
        const pattern = path.isAbsolute(expanded) ? expanded : path.join(includeBase, expanded);
        for (const included of await expandGlob(pattern)) {
          if (depth + 1 > maxDepth || chain.includes(included)) {
            problems.push({ file: current, line: i + 1, message: `Include of ${included} nested too deeply (an Include loop?); not followed` });
            continue;
          }
          const inner = await inline(included, depth + 1, block, [...chain, included]);
          if (inner.some((l) => /^\s*(host|match)\b/i.test(l))) sawSection = true;
          out.push(...inner);
        }
      }
      // The block in effect at the Include line is in effect again after it.
      if (sawSection) out.push(block ? block.header : 'Host *');
    }
    return out;
  };

  const lines = await inline(path.resolve(file), 0, undefined, [path.resolve(file)]);
  return { text: lines.join('\n'), files, problems };
}

/** A Host/Match line as it must read once inlined where `enclosing` is in effect, with the names it matches. */
function nestedBlock(keyword: string, args: string, enclosing: Block, raw: string, problem: (message: string) => void): NonNullable<Block> {
  const patterns = splitArgs(args);
  const own = keyword === 'host' && patterns.every((p) => !/[*?!]/.test(p)) ? patterns : 'opaque';
  if (!enclosing) return { header: raw, names: own };
  if (keyword === 'host' && enclosing.names !== 'opaque') {
    const kept = enclosing.names.filter((name) => hostPatternMatch(patterns, name));
    // A Host line of negations only matches nothing: what OpenSSH does for a block that cannot apply.
    return { header: `Host ${kept.length > 0 ? kept.join(' ') : '!*'}`, names: kept };
  }
  problem(`"${raw.trim()}" is in a file included from inside "${enclosing.header.trim()}": applied as if that block matched, which OpenSSH would check too`);
  return { header: raw, names: own };
}

async function readConfigFile(file: string): Promise<string | undefined> {
  try {
    const st = await fsp.stat(file);
    if (!st.isFile() || st.size > MAX_CONFIG_BYTES) return undefined;
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return undefined;
    throw e;
  }
}

/** `Keyword args` or `Keyword=args`; undefined for blank lines and comments. */
function splitDirective(line: string): { keyword: string; args: string } | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(line);
  if (!m || line.trim().startsWith('#')) return undefined;
  return { keyword: m[1]!, args: m[2]!.trim() };
}

/** Whitespace-separated arguments with "double" or 'single' quotes, as OpenSSH's argv_split. */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(args)) !== null) {
    if (m[3]?.startsWith('#')) break;
    out.push(m[1] ?? m[2] ?? m[3]!);
  }
  return out;
}

/** glob(3) for `*`, `?` and `[...]` in any path segment; sorted; files only; dot files need a literal dot. */
async function expandGlob(pattern: string): Promise<string[]> {
  const segments = pattern.split(path.sep);
  let bases = [segments[0] === '' ? path.sep : segments[0]!];
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg === '') continue;
    const next: string[] = [];
    if (!/[*?[]/.test(seg)) {
      for (const b of bases) next.push(path.join(b, seg));
    } else {
      const re = segmentRegExp(seg);
      for (const b of bases) {
        let names: string[];
        try {
          names = await fsp.readdir(b);
        } catch {
          continue;
        }
        for (const n of names.sort()) if (re.test(n) && (seg.startsWith('.') || !n.startsWith('.'))) next.push(path.join(b, n));
      }
    }
    bases = next;
  }
  const files: string[] = [];
  for (const f of bases) {
    try {
      if ((await fsp.stat(f)).isFile()) files.push(f);
    } catch {
      // no such file: a glob that matches nothing is not an error, as in OpenSSH
    }
  }
  return files;
}

function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = seg.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Parses config text(s) with the ssh-config package. Several texts are read in order, first value
 * wins, as ssh reads ~/.ssh/config before /etc/ssh/ssh_config (a `Host *` between them keeps the
 * second file's top-level lines from falling into the first file's last block).
 *
 * `CanonicalizeHostName` is dropped: the package would run `nslookup` synchronously for it, which
 * must not happen just to list hosts. `Match exec` is never run either (see resolveSshHost).
 */
export function parseSshConfig(texts: string | readonly string[]): SSHConfig {
  const list = typeof texts === 'string' ? [texts] : texts;
  const config = SSHConfig.parse(list.join('\nHost *\n'));
  const strip = (lines: Line[]) => {
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (line.type !== SSHConfig.DIRECTIVE) continue;
      if (/^canonicalizehostname$/i.test(line.param)) lines.splice(i, 1);
      else if ('config' in line) strip(line.config);
    }
  };
  strip(config);
  return config;
}

/** What the ssh config says about one host alias. Fields are set only when the config sets them. */
export interface ResolvedSshHost {
  readonly alias: string;
  readonly hostName?: string;
  readonly port?: number;
  readonly user?: string;
  /** `~` and `%d %u %h %r %p %n %%` expanded, in the order ssh tries them. */
  readonly identityFiles: readonly string[];
  readonly identitiesOnly: boolean;
  /** `UserKnownHostsFile` / `GlobalKnownHostsFile` as written (expand with knownHostsFiles()). */
  readonly userKnownHostsFiles?: readonly string[];
  readonly globalKnownHostsFiles?: readonly string[];
  /** The name host keys are filed under instead of the HostName. */
  readonly hostKeyAlias?: string;
  /**
   * Recorded only: jumping through another host is not supported yet. A connection must refuse
   * such a host rather than go direct (it may be unreachable, or another machine at that address).
   */
  readonly proxyJump?: string;
  /** `ServerAliveInterval` in seconds, when the config sets a positive one. */
  readonly serverAliveInterval?: number;
  /** `ServerAliveCountMax`, when the config sets a positive one. */
  readonly serverAliveCountMax?: number;
  readonly problems: readonly string[];
}

/**
 * Resolves one alias like `ssh -G` does for the options Incident Desk uses: Host patterns with
 * wildcards and negation, Match host/user/all/final, first value wins, IdentityFile accumulates.
 * `Match exec` is never run (matchExec: false): listing hosts must not run commands from a config.
 */
export function resolveSshHost(config: SSHConfig, alias: string, env: SshConfigEnv): ResolvedSshHost {
  const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
  const problems: string[] = [];
  const str = (key: string): string | undefined => {
    const v = computed[key];
    const s = Array.isArray(v) ? v.join(' ') : v;
    return s === undefined || s === '' ? undefined : s;
  };
  const list = (key: string): string[] | undefined => {
    const v = computed[key];
    if (v === undefined) return undefined;
    return (Array.isArray(v) ? v : [v]).filter((s) => s !== '');
  };

  const rawHostName = str('hostname');
  const hostName = rawHostName === undefined ? undefined : rawHostName.replace(/%%|%h/g, (t) => (t === '%%' ? '%' : alias));
  let port: number | undefined;
  const rawPort = str('port');
  if (rawPort !== undefined) {
    if (/^\d+$/.test(rawPort) && Number(rawPort) >= 1 && Number(rawPort) <= 65535) port = Number(rawPort);
    else problems.push(`Port ${JSON.stringify(rawPort)} for ${alias} is not a port number (1 to 65535)`);
  }
  const user = str('user');
  const positive = (key: string, name: string): number | undefined => {
    const raw = str(key);
    if (raw === undefined) return undefined;
    if (/^\d+$/.test(raw)) return Number(raw) > 0 ? Number(raw) : undefined;
    problems.push(`${name} ${JSON.stringify(raw)} for ${alias} is not a whole number; ignored`);
    return undefined;
  };
  const tokens: Record<string, string> = {
    '%': '%',
    d: env.homeDir,
    u: env.localUser,
    h: hostName ?? alias,
    n: alias,
    r: user ?? env.localUser,
    p: String(port ?? 22),
  };
  const expand = (p: string) =>
    expandHome(
      p.replace(/%(.)/g, (whole, t: string) => {
        const v = tokens[t];
        if (v === undefined) problems.push(`${whole} in ${JSON.stringify(p)} is not supported; left as written`);
        return v ?? whole;
      }),
      env.homeDir,
    );

  return {
    alias,
    hostName,
    port,
    user,
    identityFiles: (list('identityfile') ?? []).filter((f) => f.toLowerCase() !== 'none').map(expand),
    identitiesOnly: str('identitiesonly')?.toLowerCase() === 'yes',
    userKnownHostsFiles: list('userknownhostsfile')?.map(expand),
    globalKnownHostsFiles: list('globalknownhostsfile')?.map(expand),
    hostKeyAlias: str('hostkeyalias'),
    proxyJump: str('proxyjump')?.toLowerCase() === 'none' ? undefined : str('proxyjump'),
    serverAliveInterval: positive('serveraliveinterval', 'ServerAliveInterval'),
    serverAliveCountMax: positive('serveralivecountmax', 'ServerAliveCountMax'),
    problems,
  };
}

/** Names from `Host` lines without wildcards or negation, in file order: hosts a user can pick. */
export function concreteHostAliases(config: SSHConfig): string[] {
  const out: string[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || !/^host$/i.test(line.param)) continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : splitArgs(line.value);
    for (const v of values) if (!/[*?!]/.test(v) && !out.includes(v)) out.push(v);
  }
  return out;
}
