// `npm run bench` (scripts/bench.sh compiles, then runs this): measures, prints a table and writes
// bench-results.json at the repository root. A measurement, not a test: it exits 0 when a target is
// missed, and says so. Pick figures by name: `npm run bench -- append load runbooks size logs logs-host ssh activation`.
//
// Env: BENCH_QUICK=1 (fewer samples, one host launch), BENCH_ACTIVATION_LAUNCHES (default 3),
// BENCH_PROFILE=1 (CPU profiles of activation in out/bench/profiles; skews the activation timings),
// BENCH_EXTENSION_PATH (activate another build of the extension instead of the repository's dist/),
// BENCH_ACTIVATION_BUDGET_S (default 75: no further host launch once launches took this long).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchActivation } from './activation';
import { benchDockerLogs } from './dockerLogs';
import { benchHostLogs } from './hostLogs';
import { benchSshPrompt } from './sshPrompt';
import { renderTable, rounded } from './figures';
import type { FigureGroup } from './figures';
import { benchIncidentLoad } from './incidentLoad';
import { benchPackageSize } from './packageSize';
import { benchRunbookIndex } from './runbookIndex';
import { REPO_ROOT } from './scratch';
import { benchTimelineAppend } from './timelineAppend';

const quick = process.env.BENCH_QUICK === '1';

const BENCHES: Record<string, () => Promise<FigureGroup>> = {
  append: () => benchTimelineAppend(quick ? { rounds: 4, perRound: 100, warmup: 20 } : { rounds: 10, perRound: 200, warmup: 100 }),
  load: () => benchIncidentLoad(quick ? { events: 10_000, iterations: 8, warmup: 3 } : { events: 10_000, iterations: 30, warmup: 5 }),
  runbooks: () => benchRunbookIndex(quick ? { runbooks: 1000, iterations: 3, warmup: 1 } : { runbooks: 1000, iterations: 10, warmup: 2 }),
  size: () => benchPackageSize(),
  // Real daemons, started and stopped by the bench (test/services): ~2.5 min for the log figure.
  logs: () => benchDockerLogs(quick ? { lines: 200_000, iterations: 2, warmup: 1 } : { lines: 1_000_000, iterations: 5, warmup: 1 }),
  // The same burst followed into a log view in the real extension host (code-server), its memory measured there.
  'logs-host': () => benchHostLogs({ lines: quick ? 200_000 : 1_000_000, timeoutMs: 300_000 }),
  ssh: () => benchSshPrompt(quick ? { iterations: 5, warmup: 1 } : { iterations: 20 }),
  activation: () => benchActivation({
    extensionPath: path.resolve(process.env.BENCH_EXTENSION_PATH ?? REPO_ROOT),
    launches: Number(process.env.BENCH_ACTIVATION_LAUNCHES ?? (quick ? 1 : 3)),
    launchTimeoutMs: 90_000,
    budgetMs: Number(process.env.BENCH_ACTIVATION_BUDGET_S ?? 75) * 1000,
    profileDir: process.env.BENCH_PROFILE === '1' ? path.join(REPO_ROOT, 'out', 'bench', 'profiles') : undefined,
  }),
};

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = os.loadavg()[0];
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(a in BENCHES));
  if (unknown.length) throw new Error(`unknown figure(s) ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
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
  console.log('target: "ratio ≤ x" = our value / the plain tool\'s (same work, same run, interleaved); "≤ x unit" = absolute; "info" = no target.');
  const missed = figures.filter((f) => f.ok === false);
  const unmeasured = figures.filter((f) => f.value === null);
  const failedGroups = groups.filter((g) => g.figures.length === 0);
  if (missed.length) console.log(`MISSED ${missed.length} target(s): ${missed.map((f) => f.name).join('; ')}`);
  if (unmeasured.length || failedGroups.length) {
    console.log(`NOT MEASURED: ${[...unmeasured.map((f) => f.name), ...failedGroups.map((g) => g.title)].join('; ')} (see notes above)`);
  }
  if (!missed.length && !unmeasured.length && !failedGroups.length) console.log('All targets met.');
  console.log(`wrote ${path.relative(process.cwd(), out) || out} (${figures.length} figures) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
