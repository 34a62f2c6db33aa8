// Figure: indexing runbooks. 1,000 generated seed-sized runbooks (900 markdown guides of ~12 KB with a
// few dozen sections and fenced bash blocks, 100 YAML runbooks), indexed cold by a fresh
// RunbookIndex against the plain tool: fs.promises.readFile of the same files, same concurrency.
// Indexing is what the Runbooks view waits for: catalog() (walk, read, title of each runbook). The
// full parse of every runbook (sections, steps, diagnostics) then runs in the background in slices,
// or for one runbook when it is opened; its cost is reported beside, as is indexAll() (both).
// Then the re-index after one file changes: RunbookIndex.update(file) on a warm index (what the
// extension's file watcher calls), and for information a whole warm indexAll().
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunbookIndex, findRunbookFiles } from '../src/core/runbooks/runbookIndex';
import { absoluteFigure, comparedFigure } from './figures';
import type { FigureGroup } from './figures';
import { compareRounds, interleave, perRound, spreadOf } from './stats';
import { withScratchDir } from './scratch';
import { RUNBOOK_CATALOG_TARGET_MS, RUNBOOK_CATALOG_TARGET_RATIO, RUNBOOK_UPDATE_TARGET_MS } from './targets';

export interface RunbookIndexOptions {
  readonly runbooks: number;
  readonly rounds: number;
  /** Cold indexes of each side per round. */
  readonly perRound: number;
  readonly warmup: number;
}

const CONCURRENCY = 16;
const SERVICES = ['api', 'checkout', 'postgres', 'redis', 'nginx', 'worker', 'mailer', 'payments'];
const SEVERITIES = ['P1 - Critical', 'P2 - High', '(P3)', 'SEV2'];

/** A markdown guide shaped like the seeds: emoji headings, severities, numbered steps, fences, tables, checklists. */
export function markdownRunbook(i: number): string {
  const svc = SERVICES[i % SERVICES.length];
  const out = [`# 🚨 ${svc} incident guide ${i}`, '', `Owner: team-${i % 7}. Read the whole section before acting.`, ''];
  for (let s = 0; s < 8; s++) {
    out.push(`## ${['⚡', '🌐', '💾', '🔥'][s % 4]} ${svc} problem ${s} (${SEVERITIES[(i + s) % SEVERITIES.length]})`, '');
    out.push(`**Severity:** ${SEVERITIES[(i + s) % SEVERITIES.length]}`, '', '### Symptoms', `- ${svc} returns 502 for ${s * 7 + 3} % of requests`, '- "Connection refused" in the logs', '');
    out.push('### Immediate Actions');
    for (let k = 1; k <= 3; k++) {
      out.push(`${k}. **Check ${svc} step ${k}:**`, '   ```bash', `   # Look at the ${svc} containers`, `   docker compose -f [compose-file] ps ${svc}`, `   docker logs --tail 200 ${svc}-${k} | grep -i error`, '   ```');
    }
    out.push('', '### Resolution Steps', '```bash', '# Restart it', `cd \${workdir} && docker compose restart ${svc}`, `curl -fsS https://<domain>/health || echo "still down"`, '```', '');
    out.push('```sql', 'SELECT pid, state, query FROM pg_stat_activity WHERE state <> \'idle\';', '```', '');
    out.push('| Check | Expected |', '| --- | --- |', `| ${svc} health | 200 OK |`, '| error rate | < 1 % |', '');
    out.push('### Prevention', '- [ ] Alert on error rate above 5 %', '- [x] Runbook reviewed this quarter', `- Keep ${svc} replicas at 3 or more; the autoscaler floor is set in the chart.`, '');
  }
  return out.join('\n');
}

export function yamlRunbook(i: number): string {
  const svc = SERVICES[i % SERVICES.length];
  const out = [`title: ${svc} failure ${i}`, 'severity: P2', `services: [${svc}]`, 'symptoms:', '  - connection refused', '  - timeouts', 'steps:'];
  for (let k = 0; k < 25; k++) {
    out.push(`  - title: Step ${k} for ${svc}`, '    run: |', `      docker compose -f \${compose_file} logs --tail 100 ${svc} | grep -i error`, `      curl -fsS https://[domain]/health`, `    confirm: ${k % 3 === 0}`);
  }
  return out.join('\n') + '\n';
}

async function readAll(files: readonly string[]): Promise<number> {
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) bytes += (await fs.promises.readFile(files[next++])).length;
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return bytes;
}

export async function benchRunbookIndex(opts: RunbookIndexOptions): Promise<FigureGroup> {
  return withScratchDir('runbooks', async (root) => {
    const yamlEvery = 10;
    let bytes = 0;
    for (let i = 0; i < opts.runbooks; i++) {
      const dir = path.join(root, `team-${i % 10}`);
      fs.mkdirSync(dir, { recursive: true });
      const yaml = i % yamlEvery === 0;
      const text = yaml ? yamlRunbook(i) : markdownRunbook(i);
      bytes += Buffer.byteLength(text);
      fs.writeFileSync(path.join(dir, `runbook-${i}.${yaml ? 'yaml' : 'md'}`), text);
    }
    const files = await findRunbookFiles([root]);
    if (files.length !== opts.runbooks) throw new Error(`generated ${opts.runbooks} runbooks, found ${files.length}`);

    const parseAll: number[] = [];
    const runners = {
      index: async (): Promise<number> => {
        const index = new RunbookIndex({ concurrency: CONCURRENCY });
        let t = performance.now();
        const all = await index.catalog([root]);
        const ms = performance.now() - t;
        if (all.length !== opts.runbooks) throw new Error(`indexed ${all.length}`);
        // The rest, as the extension does it after listing (not part of the figure: the view is up).
        t = performance.now();
        const parsed = await index.parseRemaining({ sliceMs: 8 });
        parseAll.push(performance.now() - t);
        if (parsed !== all.filter((r) => r.partial).length || index.hasPartial()) throw new Error(`parsed ${parsed} of ${all.length}`);
        return ms;
      },
      read: async (): Promise<number> => {
        const t = performance.now();
        await readAll(files);
        return performance.now() - t;
      },
    };
    const first = { index: await runners.index(), read: await runners.read() };
    for (let i = 1; i < opts.warmup; i++) for (const run of [runners.index, runners.read]) await run();
    parseAll.length = 0; // only the measured rounds' parses
    const rounds = await interleave(runners, { rounds: opts.rounds, perRound: opts.perRound, warmup: 0 });
    const catalog = compareRounds(perRound(rounds.index), perRound(rounds.read));

    // Re-index after one change, on a warm index.
    const index = new RunbookIndex({ concurrency: CONCURRENCY });
    await index.indexAll([root]);
    const changed = files.find((f) => f.endsWith('.md')) as string;
    const original = fs.readFileSync(changed, 'utf8');
    const update: number[] = [];
    const rescan: number[] = [];
    for (let i = 0; i < Math.max(opts.rounds * opts.perRound, 5); i++) {
      fs.writeFileSync(changed, original + `\n## Added ${i}\n\n\`\`\`bash\necho ${'x'.repeat(i + 1)}\n\`\`\`\n`);
      let t = performance.now();
      const rb = await index.update(changed);
      update.push(performance.now() - t);
      if (!rb?.sections.length) throw new Error('update() returned no runbook');
      fs.writeFileSync(changed, original + `\n## Again ${i}\n`.repeat(2 + (i % 3)));
      t = performance.now();
      await index.indexAll([root]);
      rescan.push(performance.now() - t);
    }
    const ms = (n: number): string => `${n.toFixed(1)} ms`;
    return {
      title: `runbook index (${opts.runbooks.toLocaleString('en-US')} runbooks)`,
      figures: [
        comparedFigure('index 1,000 runbooks cold: catalog() (view ready)', 'ms', catalog, RUNBOOK_CATALOG_TARGET_RATIO),
        absoluteFigure('index 1,000 runbooks cold (absolute)', 'ms', catalog.value, RUNBOOK_CATALOG_TARGET_MS),
        absoluteFigure('then full parse of all 1,000 (background)', 'ms', spreadOf(parseAll), null),
        absoluteFigure('re-index after one change: update()', 'ms', spreadOf(update), RUNBOOK_UPDATE_TARGET_MS),
        absoluteFigure('re-scan after one change: indexAll() warm', 'ms', spreadOf(rescan), null),
      ],
      notes: [
        `${opts.runbooks - Math.ceil(opts.runbooks / yamlEvery)} markdown (~${(Buffer.byteLength(markdownRunbook(1)) / 1024).toFixed(1)} KiB, 8 top sections, 32 bash fences) + ${Math.ceil(opts.runbooks / yamlEvery)} YAML (~${(Buffer.byteLength(yamlRunbook(0)) / 1024).toFixed(1)} KiB, 25 steps); ${(bytes / 1024 / 1024).toFixed(1)} MiB in 10 folders`,
        `cold = a fresh RunbookIndex: catalog() = walk + open/fstat/read + title from the first lines, concurrency ${CONCURRENCY}; baseline = fs.promises.readFile of the same files (list given), same concurrency; page cache warm; ${opts.rounds} rounds × ${opts.perRound} of each (+${opts.warmup} warm-up), alternating; a round's median per side, then the median over rounds`,
        `full parse after the catalog: parseRemaining({ sliceMs: 8 }) as the extension runs it (yielding every 8 ms), over every catalog() run; a runbook opened before that is parsed on its own (~1 ms)`,
        `first call (cold JIT): catalog ${ms(first.index)}, readFile ${ms(first.read)}; re-index and re-scan: ${update.length} changes each (spread over changes, not rounds)`,
      ],
    };
  });
}
