// What a host runs now, asked over the verified SSH connection, from the first source that knows:
// the git commit checked out in its work dir, else the `org.opencontainers.image.revision` label of
// its compose service's running containers, else a `REVISION` file in the work dir. The answer
// names its source and what the other sources said; a host that cannot be asked is `unreachable`,
// one that cannot tell is `unknown`: never a guess.
import { shellWord } from '../../core/runbooks/placeholderFill';
import { SCRIPT_END, isCommitSha, runHostScript, scriptLines } from './hostScript';
import type { RemoteExecutor } from './remoteExec';
import { SshError } from './sshError';

export type LiveCommitSource = 'git' | 'imageLabel' | 'revisionFile';

export interface LiveContainer {
  /** Full container id. */
  readonly id: string;
  /** The label's value as found ('' when the container has none). */
  readonly revision: string;
}

export type LiveCommit =
  | {
      readonly kind: 'found';
      readonly source: LiveCommitSource;
      /** Lowercase hex; full length from git and labels, possibly abbreviated from a REVISION file. */
      readonly sha: string;
      /** From git: tracked files differ from the commit (untracked files do not count). */
      readonly dirty?: boolean;
      /** From git: the branch checked out; undefined when HEAD is detached. */
      readonly branch?: string;
      /** From the label: the service's running containers, when they were asked. */
      readonly containers?: readonly LiveContainer[];
      /** From the label: the running containers do not all carry the same revision. */
      readonly containersDisagree?: boolean;
      /** Why the earlier sources did not answer, and what the others said. */
      readonly notes: readonly string[];
    }
  | { readonly kind: 'unknown'; readonly notes: readonly string[] }
  | { readonly kind: 'unreachable'; readonly error: SshError; readonly notes: readonly string[] };

export type LiveCommitFound = Extract<LiveCommit, { kind: 'found' }>;

export interface LiveCommitQuery {
  /** The host's work dir (a remote path, used as given). */
  readonly workDir?: string;
  /** The compose service whose containers' image label is read. */
  readonly service?: string;
  /** Narrows the containers to this compose project. */
  readonly project?: string;
  /** How long the host may take to answer (default 30 s); longer is `unknown`, saying so. */
  readonly timeoutMs?: number;
}

/** The script printing what each source knows, one `key<TAB>value` line each; user values only as quoted words. */
export function liveCommitScript(q: LiveCommitQuery): string {
  return [
    `wd=${shellWord(q.workDir ?? '')}`,
    `svc=${shellWord(q.service ?? '')}`,
    `proj=${shellWord(q.project ?? '')}`,
    // One line per value: tabs and newlines in what a host prints become spaces.
    `flat() { tr '\\t\\n\\r' '   ' | head -c 300; echo; }`,
    'if [ -n "$wd" ]; then',
    '  if [ ! -d "$wd" ]; then echo "workdir	missing";',
    '  elif ! command -v git >/dev/null 2>&1; then echo "git.error	git is not installed";',
    // Answers from stdout alone (git and docker warn on stderr: an fsmonitor, a config file); the error, when they fail, from a second try.
    '  elif head=$(git -C "$wd" rev-parse --verify "HEAD^{commit}" 2>/dev/null); then',
    '    printf "git.head\\t"; printf %s "$head" | flat',
    '    if st=$(git -C "$wd" status --porcelain --untracked-files=no 2>/dev/null); then',
    '      if [ -z "$st" ]; then echo "git.dirty	no"; else echo "git.dirty	yes"; fi',
    '    else printf "git.statusError\\t"; git -C "$wd" status --porcelain --untracked-files=no 2>&1 >/dev/null | flat; fi',
    '    if br=$(git -C "$wd" symbolic-ref -q --short HEAD 2>/dev/null); then printf "git.branch\\t"; printf %s "$br" | flat; fi',
    '  else printf "git.error\\t"; git -C "$wd" rev-parse --verify "HEAD^{commit}" 2>&1 >/dev/null | flat; fi',
    '  if [ -f "$wd/REVISION" ]; then printf "revision.file\\t"; head -c 200 "$wd/REVISION" | head -n 1 | flat; fi',
    'fi',
    'if [ -n "$svc" ]; then',
    '  if ! command -v docker >/dev/null 2>&1; then echo "docker.error	docker is not installed";',
    '  else',
    '    set -- ps -q --no-trunc --filter "label=com.docker.compose.service=$svc"',
    '    if [ -n "$proj" ]; then set -- "$@" --filter "label=com.docker.compose.project=$proj"; fi',
    '    if ids=$(docker "$@" 2>/dev/null); then',
    '      echo "docker.listed	yes"',
    '      for id in $ids; do',
    '        case $id in *[!0-9a-f]*) continue ;; esac',
    `        rev=$(docker inspect --format '{{index .Config.Labels "org.opencontainers.image.revision"}}' "$id" 2>/dev/null) || rev="?"`,
    '        printf "docker.container\\t%s\\t" "$id"; printf %s "$rev" | flat',
    '      done',
    '    else printf "docker.error\\t"; docker "$@" 2>&1 >/dev/null | flat; fi',
    '  fi',
    'fi',
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

/** The answer from the script's output (pure: unit-tested with made-up output). */
export function parseLiveCommit(stdout: string, q: LiveCommitQuery, stderr = ''): LiveCommit {
  const lines = scriptLines(stdout);
  const notes: string[] = [];
  if (!lines.some((l) => l.key === SCRIPT_END)) {
    // No end line: cut short, or sh never ran (a login shell like nologin, a missing sh); its words say which.
    const said = stderr.trim().replace(/\s+/g, ' ').slice(0, 300);
    return { kind: 'unknown', notes: [`the host did not finish saying what it runs${said ? `: ${said}` : ''}`] };
  }
  const get = (key: string) => lines.find((l) => l.key === key)?.value.trim();

  // 1. git in the work dir.
  let git: LiveCommitFound | undefined;
  if (q.workDir === undefined) notes.push('git: no work dir configured for this host');
  else if (get('workdir') === 'missing') notes.push(`git: the work dir ${q.workDir} does not exist on the host`);
  else if (get('git.head') !== undefined) {
    const head = get('git.head')!.toLowerCase();
    if (!isCommitSha(head)) notes.push(`git: HEAD is not a commit name: ${JSON.stringify(head)}`);
    else {
      const dirtyValue = get('git.dirty');
      if (dirtyValue === undefined) notes.push(`git: cannot tell whether the work dir has uncommitted changes: ${get('git.statusError') ?? 'no answer'}`);
      git = { kind: 'found', source: 'git', sha: head, dirty: dirtyValue === undefined ? undefined : dirtyValue === 'yes', branch: get('git.branch') || undefined, notes };
    }
  } else notes.push(`git: ${get('git.error') ?? 'no answer'}`);

  // 2. the compose service's containers.
  const containers: LiveContainer[] = lines
    .filter((l) => l.key === 'docker.container')
    .map((l) => {
      const tab = l.value.indexOf('\t');
      return { id: l.value.slice(0, tab < 0 ? undefined : tab), revision: tab < 0 ? '' : l.value.slice(tab + 1).trim() };
    });
  let label: LiveCommitFound | undefined;
  if (q.service === undefined) notes.push('image label: no compose service configured for this host');
  else if (get('docker.error') !== undefined) notes.push(`image label: ${get('docker.error')}`);
  else if (containers.length === 0) notes.push(`image label: no running container of service ${q.service}${q.project ? ` in project ${q.project}` : ''}`);
  else {
    const shas = containers.map((c) => c.revision.toLowerCase()).filter((r) => isCommitSha(r));
    const distinct = [...new Set(shas)];
    const without = containers.length - shas.length;
    if (distinct.length === 0) notes.push(`image label: ${containers.length} running container(s) of ${q.service}, none with a commit in org.opencontainers.image.revision`);
    else {
      const disagree = distinct.length > 1 || without > 0;
      if (disagree) notes.push(`image label: the containers of ${q.service} disagree: ${containers.map((c) => `${c.id.slice(0, 12)}=${c.revision || '(none)'}`).join(', ')}`);
      // The revision most containers carry; ties: the first listed.
      const count = (s: string) => shas.filter((x) => x === s).length;
      const sha = distinct.reduce((a, b) => (count(b) > count(a) ? b : a));
      label = { kind: 'found', source: 'imageLabel', sha, containers, containersDisagree: disagree, notes };
    }
  }

  // 3. a REVISION file.
  let file: LiveCommitFound | undefined;
  const revision = get('revision.file');
  if (q.workDir !== undefined && get('workdir') !== 'missing') {
    if (revision === undefined) notes.push('REVISION: no REVISION file in the work dir');
    else if (!isCommitSha(revision.toLowerCase(), true)) notes.push(`REVISION: the file does not hold a commit name: ${JSON.stringify(revision.slice(0, 80))}`);
    else file = { kind: 'found', source: 'revisionFile', sha: revision.toLowerCase(), notes };
  }

  const found = git ?? label ?? file;
  if (!found) return { kind: 'unknown', notes };
  // What the later sources said beside it, when they disagree with the answer.
  for (const other of [label, file]) {
    if (other && other !== found && !other.sha.startsWith(found.sha) && !found.sha.startsWith(other.sha)) {
      notes.push(`${other.source === 'imageLabel' ? 'image label' : 'REVISION'} says ${other.sha}, not ${found.sha}`);
    }
  }
  return found;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Asks the host; a connection that cannot run the script makes the answer `unreachable`. */
export async function readLiveCommit(target: RemoteExecutor, q: LiveCommitQuery): Promise<LiveCommit> {
  try {
    const timeoutMs = q.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { stdout, stderr, timedOut } = await runHostScript(target, liveCommitScript(q), { timeoutMs });
    if (timedOut) return { kind: 'unknown', notes: [`the host did not say what it runs within ${Math.round(timeoutMs / 1000)} s (a hung git or docker?); stopped asking`] };
    return parseLiveCommit(stdout, q, stderr);
  } catch (e) {
    const error = SshError.is(e) ? e : new SshError('channelFailed', `Cannot ask the host what it runs: ${(e as Error)?.message ?? String(e)}`, undefined, { cause: e });
    return { kind: 'unreachable', error, notes: [error.message] };
  }
}
