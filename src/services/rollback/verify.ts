// Step 5 of a rollback: is the host healthy on the target? Three checks, each named with why it
// passed or failed: the health URL polled from the host itself over SSH (apps often answer only on
// the host's loopback) until N consecutive successes within a window; the compose service's
// containers running (and healthy where they have a health check); the host's live commit equal to
// the target. Nothing here counts as verified unless a check passed and none failed.
import { shellWord } from '../../core/runbooks/placeholderFill';
import { SCRIPT_END, runHostScript, scriptLines, scriptValue } from '../ssh/hostScript';
import { readLiveCommit } from '../ssh/liveCommit';
import type { RemoteExecutor } from '../ssh/remoteExec';

export type HttpClient = 'curl' | 'wget' | 'busybox wget';

export type CheckName = 'health' | 'containers' | 'liveCommit';

export interface VerifyCheck {
  readonly name: CheckName;
  /**
   * `skipped`: nothing configured to check (said in `detail`); it neither passes nor fails the
   * verification. `unknown`: the host could not be asked, so the check says nothing about it.
   */
  readonly status: 'passed' | 'failed' | 'skipped' | 'unknown';
  readonly detail: string;
}

export interface VerifyResult {
  /** Every check passed or was skipped, and at least one passed (an `unknown` check is never verified). */
  readonly verified: boolean;
  readonly checks: readonly VerifyCheck[];
}

export interface VerifySpec {
  /** The commit the host should now run (full hex). */
  readonly target: string;
  readonly healthUrl?: string;
  /** Consecutive successes needed (default 3). */
  readonly consecutive?: number;
  /** Within this long from the first probe (default 5 minutes). */
  readonly windowMs?: number;
  /** Between probes (default 5 s). */
  readonly intervalMs?: number;
  /** One probe's limit, in seconds (default 5). */
  readonly requestTimeoutSeconds?: number;
  /** The compose service whose containers are checked (and whose image label tells the live commit). */
  readonly service?: string;
  readonly project?: string;
  /** The host's work dir (its git HEAD tells the live commit). */
  readonly workDir?: string;
}

export interface VerifyPorts {
  readonly connection: RemoteExecutor;
  /** Milliseconds (a test's clock may run fast). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Each probe's outcome, for the wizard's live view. */
  readonly onProbe?: (probe: { readonly ok: boolean; readonly detail: string; readonly streak: number }) => void;
  /**
   * Polls the health URL from here instead of from the host (the wizard gives it for a public URL,
   * core/rollback/healthPolicy.ts isPublicUrl); one probe's answer, never a rejection.
   */
  readonly probeFromHere?: (url: string, timeoutSeconds: number) => Promise<{ readonly ok: boolean; readonly detail: string }>;
}

export const HTTP_CLIENT_SCRIPT = [
  'if command -v curl >/dev/null 2>&1; then echo "has	curl"; fi',
  'if command -v wget >/dev/null 2>&1; then echo "has	wget"; fi',
  'if command -v busybox >/dev/null 2>&1 && busybox --list 2>/dev/null | grep -qx wget; then echo "has	busybox wget"; fi',
  `echo ${SCRIPT_END}`,
].join('\n');

/** The client to poll with (curl, else wget, else busybox's wget) and the ones missing, in words (pure). */
export function pickHttpClient(stdout: string): { readonly client?: HttpClient; readonly missing: readonly HttpClient[]; readonly finished: boolean } {
  const lines = scriptLines(stdout);
  const has = new Set(lines.filter((l) => l.key === 'has').map((l) => l.value));
  const all: HttpClient[] = ['curl', 'wget', 'busybox wget'];
  return { client: all.find((c) => has.has(c)), missing: all.filter((c) => !has.has(c)), finished: lines.some((l) => l.key === SCRIPT_END) };
}

/** One probe as sh text: prints `probe<TAB>ok` or `probe<TAB>fail<TAB><why>`. The URL is one quoted word. */
export function probeScript(client: HttpClient, url: string, timeoutSeconds: number): string {
  const u = shellWord(url);
  const t = Math.max(1, Math.round(timeoutSeconds));
  // An HTTP error is a failure for each (curl -f; wget's exit status); its words say which status.
  // busybox's wget (Debian's static 1.35) crashes with -T or -O /dev/null: its limit comes from `timeout`, its body goes to stdout, dropped.
  const run =
    client === 'curl'
      ? `out=$(curl -fsS -o /dev/null --max-time ${t} ${u} 2>&1); rc=$?`
      : client === 'wget'
        ? `out=$(wget -nv -T ${t} -O /dev/null ${u} 2>&1); rc=$?`
        : `if command -v timeout >/dev/null 2>&1; then set -- timeout ${t}; else set --; fi; out=$("$@" busybox wget -q -O - ${u} 2>&1 >/dev/null); rc=$?`;
  return [
    'ok=0',
    run,
    '[ $rc = 0 ] && ok=1',
    `if [ $ok = 1 ]; then echo "probe	ok"; else printf 'probe\\tfail\\t'; printf 'exit %s: %s' "$rc" "$out" | tr '\\t\\n\\r' '   ' | head -c 300; echo; fi`,
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

function parseProbe(stdout: string): { ok: boolean; detail: string } {
  const lines = scriptLines(stdout);
  const v = scriptValue(lines, 'probe');
  if (v === undefined || !lines.some((l) => l.key === SCRIPT_END)) return { ok: false, detail: 'the host did not finish the probe' };
  if (v === 'ok') return { ok: true, detail: 'answered' };
  return { ok: false, detail: v.replace(/^fail\t?/, '').trim() || 'failed' };
}

async function checkHealth(spec: VerifySpec, ports: VerifyPorts): Promise<VerifyCheck> {
  if (!spec.healthUrl) return { name: 'health', status: 'skipped', detail: 'no health URL configured for this host' };
  // Never an option to curl or wget: only an http(s) URL is polled.
  if (!/^https?:\/\/[^\s]+$/i.test(spec.healthUrl)) return { name: 'health', status: 'failed', detail: `not an http:// or https:// URL: ${JSON.stringify(spec.healthUrl)}` };
  const url = spec.healthUrl;
  const timeout = spec.requestTimeoutSeconds ?? 5;
  const fromHere = ports.probeFromHere;
  if (fromHere) {
    return pollStreak(spec, ports, { url, from: 'here', using: '' },
      () => fromHere(url, timeout).catch((e: unknown) => ({ ok: false, detail: (e as Error)?.message ?? String(e) })));
  }
  let detection;
  try {
    detection = pickHttpClient((await runHostScript(ports.connection, HTTP_CLIENT_SCRIPT, { timeoutMs: 30_000 })).stdout);
  } catch (e) {
    return { name: 'health', status: 'unknown', detail: `cannot ask the host: ${(e as Error)?.message ?? String(e)}` };
  }
  if (!detection.client) {
    return { name: 'health', status: 'failed', detail: detection.finished ? `the host has no HTTP client to poll ${spec.healthUrl} with: ${detection.missing.join(', ')} all missing` : 'the host did not answer which HTTP client it has' };
  }
  const client = detection.client;
  const before = (['curl', 'wget', 'busybox wget'] as const).slice(0, ['curl', 'wget', 'busybox wget'].indexOf(client));
  const using = `${client}${before.length ? `, as ${before.join(' and ')} ${before.length > 1 ? 'are' : 'is'} missing` : ''}`;
  return pollStreak(spec, ports, { url, from: 'the host', using: `${using}; ` }, async () => {
    try {
      return parseProbe((await runHostScript(ports.connection, probeScript(client, url, timeout), { timeoutMs: (timeout + 10) * 1000 })).stdout);
    } catch (e) {
      return { ok: false, detail: `the host could not be asked: ${(e as Error)?.message ?? String(e)}` };
    }
  });
}

/** The verify window's clock and pace (a test's clock may run fast). */
function pacing(spec: VerifySpec, ports: VerifyPorts) {
  return {
    now: ports.now ?? Date.now,
    sleep: ports.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    windowMs: spec.windowMs ?? 5 * 60_000,
    interval: spec.intervalMs ?? 5000,
  };
}

/** Probes the health URL (from the host or from here) until `consecutive` answers in a row, or the window ends. */
async function pollStreak(spec: VerifySpec, ports: VerifyPorts, o: { url: string; from: string; using: string }, probeOnce: () => Promise<{ ok: boolean; detail: string }>): Promise<VerifyCheck> {
  const { now, sleep, windowMs, interval } = pacing(spec, ports);
  const need = spec.consecutive ?? 3;
  const start = now();
  let streak = 0;
  let probes = 0;
  let last = '';
  for (;;) {
    const probe = await probeOnce();
    probes++;
    streak = probe.ok ? streak + 1 : 0;
    if (!probe.ok) last = probe.detail;
    ports.onProbe?.({ ...probe, streak });
    if (streak >= need) return { name: 'health', status: 'passed', detail: `${o.url} answered ${need} times in a row from ${o.from} (${o.using}${probes} probes)` };
    if (now() - start + interval > windowMs) {
      return { name: 'health', status: 'failed', detail: `${o.url} did not answer ${need} times in a row within ${Math.round(windowMs / 1000)} s from ${o.from} (${o.using}${probes} probes, ${streak} in a row at the end; last failure: ${last || 'none'})` };
    }
    await sleep(interval);
  }
}

/** The service's containers as `id<TAB>state<TAB>status` lines, all of them (stopped ones too). */
export function containersScript(service: string, project?: string): string {
  return [
    `set -- ps -a --no-trunc --filter ${shellWord(`label=com.docker.compose.service=${service}`)}`,
    ...(project ? [`set -- "$@" --filter ${shellWord(`label=com.docker.compose.project=${project}`)}`] : []),
    `if out=$(docker "$@" --format '{{.ID}}\t{{.State}}\t{{.Status}}' 2>&1); then printf '%s\\n' "$out" | while IFS= read -r l; do [ -n "$l" ] && printf 'c\\t%s\\n' "$l"; done; echo "listed	yes"`,
    `else printf 'error\\t'; printf %s "$out" | tr '\\t\\n\\r' '   ' | head -c 300; echo; fi`,
    `echo ${SCRIPT_END}`,
  ].join('\n');
}

/** Judges the listing (pure): at least one container, all running, none unhealthy or still starting. */
export function judgeContainers(stdout: string, service: string): VerifyCheck {
  const lines = scriptLines(stdout);
  const error = scriptValue(lines, 'error');
  if (error !== undefined) return { name: 'containers', status: 'failed', detail: `docker could not list the containers of ${service}: ${error.trim()}` };
  if (!lines.some((l) => l.key === 'listed')) return { name: 'containers', status: 'failed', detail: 'the host did not finish listing the containers' };
  const rows = lines.filter((l) => l.key === 'c').map((l) => {
    const [id = '', state = '', status = ''] = l.value.split('\t');
    return { id: id.slice(0, 12), state, status };
  });
  if (rows.length === 0) return { name: 'containers', status: 'failed', detail: `no container of service ${service}` };
  const bad = rows.filter((r) => r.state !== 'running' || /\((unhealthy|health: starting)\)/.test(r.status));
  const shown = (rs: typeof rows) => rs.map((r) => `${r.id} ${r.status || r.state}`).join('; ');
  if (bad.length) return { name: 'containers', status: 'failed', detail: `${bad.length} of ${rows.length} container(s) of ${service} not running or not healthy: ${shown(bad)}` };
  const healthy = rows.filter((r) => /\(healthy\)/.test(r.status)).length;
  return { name: 'containers', status: 'passed', detail: `${rows.length} container(s) of ${service} running${healthy ? `, ${healthy} healthy by their health check` : ' (no health check)'}: ${shown(rows)}` };
}

/**
 * Reads the containers until they pass or the verify window (from `windowStart`) ends: a container
 * just recreated by `compose up` is "health: starting" until its first health check ran, which
 * may be seconds after the health URL already answered. A host that cannot be asked ends it at once.
 */
async function checkContainers(spec: VerifySpec, ports: VerifyPorts, windowStart: number): Promise<VerifyCheck> {
  if (!spec.service) return { name: 'containers', status: 'skipped', detail: 'no compose service named for this host' };
  const { now, sleep, windowMs, interval } = pacing(spec, ports);
  for (let reads = 1; ; reads++) {
    let check: VerifyCheck;
    try {
      check = judgeContainers((await runHostScript(ports.connection, containersScript(spec.service, spec.project), { timeoutMs: 30_000 })).stdout, spec.service);
    } catch (e) {
      return { name: 'containers', status: 'unknown', detail: `cannot ask the host: ${(e as Error)?.message ?? String(e)}` };
    }
    if (check.status === 'passed') return { ...check, detail: `${check.detail}${reads > 1 ? ` (after ${reads} reads)` : ''}` };
    if (now() - windowStart + interval > windowMs) return { ...check, detail: `${check.detail}${reads > 1 ? ` (after ${reads} reads within ${Math.round(windowMs / 1000)} s)` : ''}` };
    await sleep(interval);
  }
}

async function checkLiveCommit(spec: VerifySpec, ports: VerifyPorts): Promise<VerifyCheck> {
  if (!spec.workDir && !spec.service) return { name: 'liveCommit', status: 'skipped', detail: 'neither a work dir nor a service to tell the live commit' };
  const live = await readLiveCommit(ports.connection, { workDir: spec.workDir, service: spec.service, project: spec.project });
  if (live.kind === 'unreachable') return { name: 'liveCommit', status: 'unknown', detail: `cannot ask the host: ${live.error.message}` };
  if (live.kind !== 'found') return { name: 'liveCommit', status: 'failed', detail: `the host's live commit is ${live.kind}: ${live.notes.join('; ')}` };
  const from = live.source === 'git' ? 'the work dir' : live.source === 'imageLabel' ? 'the image label' : 'REVISION';
  if (live.sha !== spec.target && !(live.source === 'revisionFile' && spec.target.startsWith(live.sha))) {
    return { name: 'liveCommit', status: 'failed', detail: `the host runs ${live.sha.slice(0, 12)} (from ${from}), not the target ${spec.target.slice(0, 12)}` };
  }
  const warn = [live.dirty ? 'with uncommitted changes in the work dir' : '', live.containersDisagree ? 'but its containers disagree' : ''].filter(Boolean).join(', ');
  if (live.dirty) return { name: 'liveCommit', status: 'failed', detail: `the host runs ${spec.target.slice(0, 12)} (from ${from}) ${warn}` };
  return { name: 'liveCommit', status: 'passed', detail: `the host runs ${spec.target.slice(0, 12)} (from ${from})${warn ? ` ${warn}` : ''}` };
}

/** Runs the three checks in order (health first: the others are read once it settled), the first two within one window. */
export async function verifyRollback(spec: VerifySpec, ports: VerifyPorts): Promise<VerifyResult> {
  const windowStart = (ports.now ?? Date.now)();
  const checks = [await checkHealth(spec, ports), await checkContainers(spec, ports, windowStart), await checkLiveCommit(spec, ports)];
  return { verified: checks.every((c) => c.status === 'passed' || c.status === 'skipped') && checks.some((c) => c.status === 'passed'), checks };
}
