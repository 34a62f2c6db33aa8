// The rollback wizard benchmark's workspace: a 1,000-commit repository made with `git fast-import`
// (fixed dates; a merge every 100 commits, a migration every 250; tags every 50, half annotated),
// deploy ledger lines in refs/notes/deploys (two hosts on every 10th commit, as CI records them), and
// one active incident on the same service declared 15 minutes after the last deploy. The repository
// is `app/` one level below the workspace folder, as a team checks its app out beside incidents/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Incident } from '../src/core/incidents/model';
import { RECORD_FILE, stringifyRecord } from '../src/core/incidents/record';
import { TIMELINE_FILE, serializeEvent } from '../src/core/timeline/timelineFile';

export const WIZARD_INCIDENT_ID = '2024-01-08-web-errors-after-deploy';
const SERVICE = 'web';
const T0 = Date.parse('2024-01-01T00:00:00Z') / 1000;
const STEP_S = 600;
const DEPLOY_EVERY = 10;
const ENV: NodeJS.ProcessEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))), GIT_CONFIG_NOSYSTEM: '1' };

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function historyStream(commits: number): string {
  const parts: string[] = [];
  let side = commits + 1;
  for (let i = 1; i <= commits; i++) {
    const ts = T0 + i * STEP_S;
    const who = `Bench <bench@example.invalid> ${ts} +0000`;
    let merge = '';
    if (i % 100 === 0) {
      parts.push(`commit refs/heads/side\nmark :${side}\ncommitter ${who}\n${data(`side ${i}`)}from :${i - 1}\nM 644 inline side/s${i}.txt\n${data(`side ${i}`)}\n`);
      merge = `merge :${side}\n`;
      side++;
    }
    const files = [`M 644 inline app.txt\n${data(`version ${i}`)}`];
    if (i % 250 === 0) files.push(`M 644 inline db/migrate/${i}.sql\n${data(`alter table t add c${i} int;`)}`);
    parts.push(`commit refs/heads/main\nmark :${i}\ncommitter ${who}\n${data(`Change ${i} to the web app`)}${i > 1 ? `from :${i - 1}\n` : ''}${merge}${files.join('')}\n`);
    if (i % 50 === 0) {
      const k = i / 50;
      if (k % 2) parts.push(`reset refs/tags/release-${k}\nfrom :${i}\n\n`);
      else parts.push(`tag v1.${k}\nfrom :${i}\ntagger Bench <bench@example.invalid> ${ts + 60} +0000\n${data(`v1.${k}`)}`);
    }
  }
  return parts.join('');
}

function notesStream(shas: ReadonlyMap<number, string>, commits: number): { stream: string; lines: number; lastDeployAt: number } {
  const parts = [`commit refs/notes/deploys\ncommitter Bench <bench@example.invalid> ${T0} +0000\n${data('deploys')}`];
  let lines = 0;
  let lastDeployAt = 0;
  for (let i = DEPLOY_EVERY; i <= commits; i += DEPLOY_EVERY) {
    const sha = shas.get(i)!;
    const at = (s: number) => new Date((T0 + i * STEP_S + s) * 1000).toISOString();
    const line = (host: string, s: number) => JSON.stringify({ sha, host, service: SERVICE, env: 'production', status: 'succeeded', at: at(s), by: 'ci', kind: 'deploy' });
    parts.push(`N inline ${sha}\n${data(`${line('web-1', 300)}\n${line('web-2', 360)}`)}`);
    lines += 2;
    lastDeployAt = (T0 + i * STEP_S + 360) * 1000;
  }
  return { stream: `${parts.join('')}\n`, lines, lastDeployAt };
}

export interface WizardWorkspace {
  readonly commits: number;
  readonly tags: number;
  readonly ledgerLines: number;
  readonly buildMs: number;
}

/** Writes `workspace/app` (the repository) and `workspace/incidents/<id>/` (the incident). */
export function writeWizardWorkspace(workspace: string, commits: number): WizardWorkspace {
  const t = Date.now();
  const repo = path.join(workspace, 'app');
  fs.mkdirSync(repo, { recursive: true });
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo, env: ENV, input, maxBuffer: 1 << 28, encoding: 'utf8' });
  git(['init', '-q', '-b', 'main']);
  const marks = path.join(repo, '.git', 'bench-marks');
  git(['fast-import', '--quiet', `--export-marks=${marks}`], historyStream(commits));
  const shas = new Map<number, string>();
  for (const l of fs.readFileSync(marks, 'utf8').split('\n')) {
    const m = /^:(\d+) ([0-9a-f]{40})$/.exec(l);
    if (m) shas.set(Number(m[1]), m[2]!);
  }
  const notes = notesStream(shas, commits);
  git(['fast-import', '--quiet'], notes.stream);
  git(['read-tree', '--reset', '-u', 'HEAD']);

  const declaredAt = new Date(notes.lastDeployAt + 15 * 60_000).toISOString();
  const title = 'Web errors after deploy';
  const incident: Incident = {
    version: 1, id: WIZARD_INCIDENT_ID, title, severity: 'P2', status: 'investigating', service: SERVICE, summary: '', roles: {},
    declaredAt, acknowledgedAt: null, mitigatedAt: null, resolvedAt: null, declaredBy: 'Dana Okafor', lastUpdateAt: declaredAt, escalationsReached: [],
  };
  const dir = path.join(workspace, 'incidents', WIZARD_INCIDENT_ID);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, RECORD_FILE), stringifyRecord(incident));
  fs.writeFileSync(path.join(dir, TIMELINE_FILE), `${serializeEvent({ ts: declaredAt, type: 'declared', actor: 'Dana Okafor', text: `Declared P2 incident on ${SERVICE}: ${title}`, data: { title, severity: 'P2', service: SERVICE } })}\n`);
  return { commits, tags: Math.floor(commits / 50), ledgerLines: notes.lines, buildMs: Date.now() - t };
}
