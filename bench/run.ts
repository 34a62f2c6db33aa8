// `npm run bench` (scripts/bench.sh compiles, then runs this): measures, prints a table and writes
// bench-results.json at the repository root. A measurement, not a test: it exits 0 when a target is
// missed, and says so; with --strict it exits 2 then. Pick figures by name:
// `npm run bench -- append load postmortem runbooks size stable pipeline logs logs-host timeline ssh hostcmd wizard activation`.
//
// Every figure is taken in rounds, ours interleaved with the plain tool (bench/stats.ts), and shows
// the median over rounds with its min–max.
//
// Env: BENCH_QUICK=1 (3 rounds, fewer samples, one host launch), BENCH_ROUNDS=n (rounds for every
// figure), BENCH_ACTIVATION_LAUNCHES (default 5), BENCH_HOST_LOGS_ROUNDS (default 3), BENCH_TIMELINE_ROUNDS (default 3), BENCH_WIZARD_ROUNDS (default 3),
// BENCH_PROFILE=1 (CPU profiles of activation in out/bench/profiles; skews the activation timings),
// BENCH_EXTENSION_PATH (activate another build of the extension instead of the repository's dist/),
// BENCH_ACTIVATION_BUDGET_S (default 120: no further host launch once launches took this long).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchActivation } from './activation';
import { benchDockerLogs } from './dockerLogs';
import { benchHostCommand } from './hostCommand';
import { benchHostLogs } from './hostLogs';
import { benchSshPrompt } from './sshPrompt';
import { renderTable, rounded } from './figures';
import { benchLogPipelineGroup } from './logPipelineMicro';
import type { FigureGroup } from './figures';
import { benchIncidentLoad } from './incidentLoad';
import { benchLastStable } from './lastStable';
import { benchPackageSize } from './packageSize';
import { benchPostmortemDraft } from './postmortemDraft';
import { benchRunbookIndex } from './runbookIndex';
import { REPO_ROOT } from './scratch';
import { benchTimelineAppend } from './timelineAppend';
import { benchTimelineHost } from './timelineHost';
import { benchWizardHost } from './wizardHost';

const quick = process.env.BENCH_QUICK === '1';
/** Rounds for every figure that repeats (BENCH_ROUNDS overrides; 3 when quick, else 7, or 5 for the slow ones). */
const roundsOverride = process.env.BENCH_ROUNDS === undefined ? undefined : Number(process.env.BENCH_ROUNDS);
const rounds = (full: number): number => roundsOverride ?? (quick ? 3 : full);

const BENCHES: Record<string, () => Promise<FigureGroup>> = {
  // 1,000 calls a round: a round's p99 is then its 10th-slowest call, not one stall of the disk.
  append: () => benchTimelineAppend({ rounds: rounds(5), perRound: quick ? 100 : 1000, warmup: quick ? 20 : 100 }),
  load: () => benchIncidentLoad({ events: 10_000, rounds: rounds(7), perRound: quick ? 3 : 10, warmup: quick ? 3 : 5 }),
  postmortem: () => benchPostmortemDraft({ events: 10_000, rounds: rounds(7), perRound: quick ? 3 : 10, warmup: quick ? 2 : 5 }),
  runbooks: () => benchRunbookIndex({ runbooks: 1000, rounds: rounds(5), perRound: quick ? 1 : 2, warmup: quick ? 1 : 2 }),
  size: () => benchPackageSize(),
  // A 100,000-commit repository made with git fast-import (~1 min to build on a shared machine).
  stable: () => benchLastStable({ commits: quick ? 20_000 : 100_000, tags: quick ? 400 : 2000, ledgerLines: quick ? 1000 : 5000, rounds: rounds(5), perRound: quick ? 1 : 2, warmup: 1 }),
  // The pipeline alone on synthetic lines in memory (no daemon): time and what it retains.
  pipeline: () => benchLogPipelineGroup(quick ? 200_000 : 1_000_000, rounds(3)),
  // Real daemons, started and stopped by the bench (test/services): ~2 min for the log figure.
  logs: () => benchDockerLogs({ lines: quick ? 200_000 : 1_000_000, rounds: rounds(5), warmup: 1 }),
  // The same burst followed into a log view in the real extension host (code-server), its memory measured there.
  'logs-host': () => benchHostLogs({ lines: quick ? 200_000 : 1_000_000, rounds: Number(process.env.BENCH_HOST_LOGS_ROUNDS ?? roundsOverride ?? (quick ? 1 : 3)), timeoutMs: 300_000 }),
  // The timeline webview of a 10,000-event incident in the real extension host: first paint, rows, appends on screen, heap.
  timeline: () => benchTimelineHost({ events: 10_000, appends: quick ? 10 : 20, rounds: Number(process.env.BENCH_TIMELINE_ROUNDS ?? roundsOverride ?? (quick ? 1 : 3)) }),
  // Host commands over a real loopback sshd: our exec / the rollback's detached run against the ssh client.
  hostcmd: () => benchHostCommand({ rounds: rounds(5), perRound: quick ? 6 : 15, freshPerRound: quick ? 2 : 5, warmup: 2 }),
  // Incident: Roll Back… on a 1,000-commit repository in the real extension host, to the Target step's candidates painted.
  wizard: () => benchWizardHost({ commits: 1000, rounds: Number(process.env.BENCH_WIZARD_ROUNDS ?? roundsOverride ?? (quick ? 1 : 3)) }),
  ssh: () => benchSshPrompt({ rounds: rounds(7), perRound: quick ? 1 : 3, warmup: quick ? 1 : 2 }),
  activation: () => benchActivation({
    extensionPath: path.resolve(process.env.BENCH_EXTENSION_PATH ?? REPO_ROOT),
    launches: Number(process.env.BENCH_ACTIVATION_LAUNCHES ?? roundsOverride ?? (quick ? 1 : 5)),
    launchTimeoutMs: 90_000,
    budgetMs: Number(process.env.BENCH_ACTIVATION_BUDGET_S ?? 120) * 1000,
    profileDir: process.env.BENCH_PROFILE === '1' ? path.join(REPO_ROOT, 'out', 'bench', 'profiles') : undefined,
  }),
};

async function main(): Promise<number> {
  const started = performance.now();
  const loadAtStart = os.loadavg()[0];
  const args = process.argv.slice(2);
  const strict = args.includes('--strict');
  const asked = args.filter((a) => a !== '--strict');
  const unknown = asked.filter((a) => !(a in BENCHES));
  if (unknown.length) throw new Error(`unknown figure(s) ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')} (and --strict)`);
  if (roundsOverride !== undefined && !(Number.isInteger(roundsOverride) && roundsOverride > 0)) throw new Error(`BENCH_ROUNDS must be a positive integer, not ${process.env.BENCH_ROUNDS}`);
  const names = asked.length ? asked : Object.keys(BENCHES);

  const groups: FigureGroup[] = [];
  for (const name of names) {
    const t = performance.now();
    process.stdout.write(`[bench] ${name} … `);
    let group: FigureGroup;
    try {
      group = await BENCHES[name]();
    } catch (e) {
      group = { title: name, figures: [], notes: [`FAILED: ${e instanceof Error ? e.stack ?? e.message : String(e)}`] };
    }
    groups.push(group);
    process.stdout.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }

  const figures = groups.flatMap((g) => g.figures).map(rounded);
  const out = path.join(REPO_ROOT, 'bench-results.json');
  fs.writeFileSync(out, JSON.stringify(figures, null, 2) + '\n');

  console.log('');
  console.log(renderTable(groups));
  console.log('');
  // Timings are only as quiet as the machine: say how busy it was.
  console.log(`machine: ${os.cpus().length} CPU(s), load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end (above ~${os.cpus().length}, expect noisy timings); node ${process.version}`);
  console.log('each figure: median over rounds (min–max); ratio = ours / the plain tool within each round (same work, interleaved), then the median of those.');
  console.log('target: "≤ x×" bounds the ratio ("or +y unit": also met within y of the plain tool); "≤ x unit" = absolute; "info" = no target.');
  const missed = figures.filter((f) => f.ok === false);
  const unmeasured = figures.filter((f) => f.value === null);
  const failedGroups = groups.filter((g) => g.figures.length === 0);
  if (missed.length) console.log(`MISSED ${missed.length} target(s): ${missed.map((f) => f.name).join('; ')}`);
  if (unmeasured.length || failedGroups.length) {
    console.log(`NOT MEASURED: ${[...unmeasured.map((f) => f.name), ...failedGroups.map((g) => g.title)].join('; ')} (see notes above)`);
  }
  const allMet = !missed.length && !unmeasured.length && !failedGroups.length;
  if (allMet) console.log('All targets met.');
  console.log(`wrote ${path.relative(process.cwd(), out) || out} (${figures.length} figures) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  // A measurement, not a test: a miss fails the run only when asked.
  if (strict && !allMet) {
    console.log('--strict: exiting 2 (a target missed or a figure not measured)');
    return 2;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
