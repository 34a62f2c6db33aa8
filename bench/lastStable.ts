// Issue 12: the last stable commit on a 100,000-commit repository (made with `git fast-import`)
// with 2,000 tags and 5,000 ledger lines in refs/notes/deploys: ≤ 1 s, and ≤ 1.5× the raw git
// commands that read the same facts (`git log --first-parent --format=…` and `git for-each-ref
// refs/tags`). Ours is what `incident-desk stable` and the rollback wizard run: open the repository,
// read the ledger and the tags, decide, and read the range's risks (log of the range, status, branch).
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_MIGRATION_GLOBS, DEFAULT_TAG_PATTERNS } from '../src/core/rollback/deploySettings';
import type { IncidentFact } from '../src/core/rollback/stable';
import { openRepository } from '../src/services/git/gitRepository';
import { lastStableReport } from '../src/services/git/lastStable';
import { absoluteFigure, comparedFigure, type FigureGroup } from './figures';
import { withScratchDir } from './scratch';
import { compareRounds, interleave, perRound, spreadOf } from './stats';
import { LAST_STABLE_TARGET_MS, LAST_STABLE_TARGET_RATIO } from './targets';

const run = promisify(execFile);

export interface StableBenchOptions {
  readonly commits: number;
  readonly tags: number;
  readonly ledgerLines: number;
  readonly rounds: number;
  readonly perRound: number;
  readonly warmup: number;
}

const T0 = Date.parse('2024-01-01T00:00:00Z') / 1000;
const STEP_S = 600;
const ENV: NodeJS.ProcessEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))), GIT_CONFIG_NOSYSTEM: '1' };

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/**
 * The history: a linear main with a merge of a side commit every 500 commits, a migration every
 * 1,000; tags on deployed commits (the ledger knows them, as when CI records each tagged release),
 * from the oldest on.
 */
function historyStream(o: StableBenchOptions): string {
  const parts: string[] = [];
  const tagEvery = Math.floor(o.commits / (o.ledgerLines / 2));
  let side = o.commits + 1;
  for (let i = 1; i <= o.commits; i++) {
    const ts = T0 + i * STEP_S;
    const who = `Bench <bench@example.invalid> ${ts} +0000`;
    let merge = '';
    if (i % 500 === 0) {
      parts.push(`commit refs/heads/side\nmark :${side}\ncommitter ${who}\n${data(`side ${i}`)}from :${i - 1}\nM 644 inline side/s${i}.txt\n${data(`side ${i}`)}\n`);
      merge = `merge :${side}\n`;
      side++;
    }
    const files = [`M 644 inline app.txt\n${data(`version ${i}`)}`];
    if (i % 1000 === 0) files.push(`M 644 inline db/migrate/${i}.sql\n${data(`alter table t add c${i} int;`)}`);
    parts.push(`commit refs/heads/main\nmark :${i}\ncommitter ${who}\n${data(`change ${i}`)}${i > 1 ? `from :${i - 1}\n` : ''}${merge}${files.join('')}\n`);
    if (i % tagEvery === 0 && i / tagEvery <= o.tags) {
      const k = i / tagEvery;
      if (k % 2) parts.push(`reset refs/tags/release-${k}\nfrom :${i}\n\n`);
      else parts.push(`tag v1.${k}\nfrom :${i}\ntagger Bench <bench@example.invalid> ${ts + 60} +0000\n${data(`v1.${k}`)}`);
    }
  }
  return parts.join('');
}

/** Two ledger lines (two hosts) on every deployed commit, spread over the history, in one notes commit. */
function notesStream(shas: ReadonlyMap<number, string>, o: StableBenchOptions): string {
  const deployed = o.ledgerLines / 2;
  const every = Math.floor(o.commits / deployed);
  const parts = [`commit refs/notes/deploys\ncommitter Bench <bench@example.invalid> ${T0} +0000\n${data('deploys')}`];
  for (let i = every; i <= o.commits; i += every) {
    const sha = shas.get(i)!;
    const at = (s: number) => new Date((T0 + i * STEP_S + s) * 1000).toISOString();
    const line = (host: string, s: number) => JSON.stringify({ sha, host, service: 'web', env: 'production', status: 'succeeded', at: at(s), by: 'ci', kind: 'deploy' });
    parts.push(`N inline ${sha}\n${data(`${line('web-1', 300)}\n\n${line('web-2', 360)}`)}`);
  }
  return `${parts.join('')}\n`;
}

export async function benchLastStable(o: StableBenchOptions): Promise<FigureGroup> {
  return withScratchDir('stable', async (dir) => {
    const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: dir, env: ENV, input, maxBuffer: 1 << 30, encoding: 'utf8' });
    const t0 = Date.now();
    git(['init', '-q', '-b', 'main']);
    const marks = path.join(dir, '.git', 'bench-marks');
    git(['fast-import', '--quiet', `--export-marks=${marks}`], historyStream(o));
    const shas = new Map<number, string>();
    for (const l of fs.readFileSync(marks, 'utf8').split('\n')) {
      const m = /^:(\d+) ([0-9a-f]{40})$/.exec(l);
      if (m) shas.set(Number(m[1]), m[2]!);
    }
    git(['fast-import', '--quiet'], notesStream(shas, o));
    git(['read-tree', '--reset', '-u', 'HEAD']);
    const built = Date.now() - t0;

    // The incident near the end; each of the last 60 deploys was live when an earlier incident began,
    // so the stable commit is ~2,400 commits back and the range holds merges and migrations.
    const end = (T0 + o.commits * STEP_S) * 1000;
    const every = Math.floor(o.commits / (o.ledgerLines / 2));
    const lastDeployed = Math.floor(o.commits / every) * every;
    const incidents: IncidentFact[] = Array.from({ length: 60 }, (_, k) => ({ id: `inc-${k}`, service: 'web', declaredAt: (T0 + (lastDeployed - k * every) * STEP_S + 900) * 1000 }));
    const before = incidents[0]!.declaredAt;
    let answer = '';
    const ours = async () => {
      const t = performance.now();
      const repo = await openRepository(dir);
      const r = await lastStableReport(repo, {
        incidents, service: 'web', env: 'production', before, beforeLabel: 'the incident', liveAt: end,
        tagPatterns: DEFAULT_TAG_PATTERNS, stableMinutes: 30, migrationGlobs: DEFAULT_MIGRATION_GLOBS, fetch: false,
      });
      const ms = performance.now() - t;
      if (!r.stable || r.ledger.entries !== o.ledgerLines) throw new Error(`unexpected answer: stable ${r.stable?.sha}, ${r.ledger.entries} ledger lines`);
      answer = `live ${r.live?.sha.slice(0, 12)}, stable ${r.stable.sha.slice(0, 12)} (${r.rejected.length} passed over), risks: ${r.risks.map((x) => x.kind).join(', ') || 'none'}`;
      return ms;
    };
    const plain = async () => {
      const t = performance.now();
      const [log, refs] = await Promise.all([
        run('git', ['log', '--first-parent', '--format=%H%x1f%P%x1f%ct%x1f%s', 'main'], { cwd: dir, env: ENV, maxBuffer: 1 << 30 }),
        run('git', ['for-each-ref', '--format=%(refname:strip=2)%1f%(objectname)%1f%(*objectname)%1f%(creatordate:unix)', 'refs/tags/'], { cwd: dir, env: ENV, maxBuffer: 1 << 30 }),
      ]);
      if (!log.stdout || !refs.stdout) throw new Error('git read nothing');
      return performance.now() - t;
    };
    const rounds = await interleave({ ours, plain }, { rounds: o.rounds, perRound: o.perRound, warmup: o.warmup });
    const oursPer = perRound(rounds.ours);
    const plainPer = perRound(rounds.plain);
    return {
      title: `last stable commit (${o.commits.toLocaleString('en-US')} commits, ${o.tags.toLocaleString('en-US')} tags, ${o.ledgerLines.toLocaleString('en-US')} ledger lines)`,
      figures: [
        absoluteFigure('last stable commit: open, ledger, tags, decide, range risks (wall)', 'ms', spreadOf(oursPer), LAST_STABLE_TARGET_MS),
        comparedFigure('last stable commit vs raw git log --first-parent + for-each-ref refs/tags (wall)', 'ms', compareRounds(oursPer, plainPer), LAST_STABLE_TARGET_RATIO),
      ],
      notes: [
        `repository made with git fast-import in ${(built / 1000).toFixed(1)} s: a merge every 500 commits, a migration every 1,000; tags on deployed commits, half annotated; the ledger as one notes commit (2 lines per deployed commit)`,
        `answer: ${answer}`,
        `${o.rounds} rounds × ${o.perRound} of each (+${o.warmup} warm-up), interleaved; wall time (the work is in git child processes, not this process's CPU)`,
      ],
    };
  });
}
