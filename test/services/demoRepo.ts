// The demo workspace's own git repository, with the history npm start's demo host deploys from:
// checkout-api (busybox httpd serving /health with its version) released as v1.0.0 and v1.1.0,
// then v1.2.0, which dropped /health (the payments pool too small: the open "Checkout returns 502s"
// incident), each deploy a line in the ledger (refs/notes/deploys), and a bare origin in the
// sandbox that the host's work dir fetches from. Every time is the fixture's, moved by the same
// shift scripts/demo-workspace.mjs gave the incidents, so the ledger lines up with them and the clock.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendLedger, readLedger } from '../../src/services/git/deployLedger';
import { openRepository } from '../../src/services/git/gitRepository';

/** The compose service, the incident's service and the ledger's: one name. */
export const DEMO_SERVICE = 'checkout-api';
/** The host name of the ledger lines and the `incidentDesk.hosts` profile. */
export const DEMO_HOST_NAME = 'demo-host';
/** The compose file, relative to the repository (and so to the host's work dir). */
export const DEMO_COMPOSE_FILE = 'app/compose.yaml';

/** The fixture's declaration of the checkout incident; the workspace's copy is moved from it. */
const FIXTURE_DECLARED = Date.parse('2026-11-20T09:14:03.120Z');

export interface DemoRepository {
  readonly workspace: string;
  readonly origin: string;
  /** Tag → commit: v1.0.0 and v1.1.0 (healthy), v1.2.0 (no /health: the faulty deploy). */
  readonly releases: Readonly<Record<'v1.0.0' | 'v1.1.0' | 'v1.2.0', string>>;
  /** The branch's head (the incident records, committed after the bad deploy; never deployed). */
  readonly head: string;
}

const APP_README = `
## The demo app (\`app/\`) and its host

\`app/\` is **${DEMO_SERVICE}**, a small shop served by busybox httpd (\`app/compose.yaml\`,
\`app/www/\`). Its releases are tagged in this repository's history: v1.0.0 and v1.1.0 serve
\`/health\`; v1.2.0 made the payments connection pool tiny and dropped \`/health\`, and the open
incident **Checkout returns 502s** was declared soon after it was deployed. Each deploy is a line in
the deploy ledger (\`git notes --ref deploys list\`), which \`incident-desk stable --incident
incidents/<id>\` and the rollback read.

When \`npm start\` could start its demo host, the **Hosts** view lists **${DEMO_HOST_NAME}**: a loopback
sshd whose work dir is a clone of this repository's origin (\`.sandbox/demo-origin.git\`), running the
release the ledger says is live with docker compose on a private Docker engine. Follow its logs, run
a runbook step on it, and roll it back.
`;

interface Release {
  readonly tag: 'v1.0.0' | 'v1.1.0' | 'v1.2.0';
  readonly committed: string;
  readonly deployed: string;
  readonly message: string;
  readonly healthy: boolean;
  readonly extraLog: string[];
}

const RELEASES: readonly Release[] = [
  { tag: 'v1.0.0', committed: '2026-11-17T14:02:00.000Z', deployed: '2026-11-17T14:30:00.000Z', message: 'checkout-api 1.0.0: serve the shop and /health', healthy: true, extraLog: [] },
  { tag: 'v1.1.0', committed: '2026-11-19T10:48:00.000Z', deployed: '2026-11-19T11:20:00.000Z', message: 'checkout-api 1.1.0: an order status page', healthy: true, extraLog: ['payments: connection pool size 50'] },
  {
    tag: 'v1.2.0',
    committed: '2026-11-20T08:51:00.000Z',
    deployed: '2026-11-20T09:00:00.000Z',
    message: 'checkout-api 1.2.0: payments pool sized from PAYMENTS_POOL\n\nThe health page moves into the new status page (not in this release yet).',
    healthy: false,
    extraLog: ['payments: connection pool size 2 (PAYMENTS_POOL unset)'],
  },
];

/**
 * Makes `workspace` (made by scripts/demo-workspace.mjs, not yet a repository) a repository with
 * the demo history, and `origin` a bare repository holding its branch, tags and ledger.
 */
export async function createDemoRepository(workspace: string, origin: string): Promise<DemoRepository> {
  if (fs.existsSync(path.join(workspace, '.git'))) throw new Error(`${workspace} is a repository already`);
  const shift = shiftOf(workspace);
  const at = (iso: string): string => new Date(Date.parse(iso) + shift).toISOString();
  const git = (args: string[], date?: string): string => gitIn(workspace, args, date && at(date));
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Incident Desk demo']);
  git(['config', 'user.email', 'demo@incident-desk.invalid']);

  // The runbooks and the resolved incident came before the app's history; the active incidents after the bad deploy.
  const active = activeIncidentFolders(workspace);
  git(['add', '-A', '--', '.', ...active.map((d) => `:(exclude)incidents/${d}`)]);
  git(['commit', '-q', '-m', 'Runbooks, and the record of the EU search incident'], '2026-11-16T10:00:00.000Z');

  const releases: Record<string, string> = {};
  for (const release of RELEASES) {
    writeApp(workspace, release);
    git(['add', '-A', '--', 'app']);
    git(['commit', '-q', '-m', release.message], release.committed);
    git(['tag', release.tag], release.committed);
    releases[release.tag] = git(['rev-parse', 'HEAD']);
  }
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'Incidents: checkout 502s, logins time out'], '2026-11-20T09:46:00.000Z');
  fs.appendFileSync(path.join(workspace, 'README.md'), APP_README);
  git(['commit', '-q', '-am', 'README: the demo app and its host'], '2026-11-20T09:47:00.000Z');
  const head = git(['rev-parse', 'HEAD']);

  // What CI's deploy job records (`incident-desk deploy record`), through the same ledger code.
  const repo = await openRepository(workspace);
  for (const release of RELEASES) {
    await appendLedger(repo, { sha: releases[release.tag]!, host: DEMO_HOST_NAME, service: DEMO_SERVICE, env: 'production', status: 'succeeded', at: at(release.deployed), by: 'ci', kind: 'deploy' });
  }

  fs.rmSync(origin, { recursive: true, force: true });
  gitIn(path.dirname(origin), ['init', '-q', '--bare', '-b', 'main', origin]);
  git(['remote', 'add', 'origin', origin]);
  git(['push', '-q', 'origin', 'main', '--tags', 'refs/notes/deploys']);
  git(['branch', '-q', '--set-upstream-to', 'origin/main']);
  return { workspace, origin, releases: releases as DemoRepository['releases'], head };
}

/**
 * What the host runs: the newest succeeded ledger line for the demo host (so a rollback made in an
 * earlier session stays rolled back), else v1.2.0.
 */
export async function demoLiveCommit(workspace: string): Promise<string> {
  const repo = await openRepository(workspace);
  const lines = (await readLedger(repo)).entries.filter((e) => e.host === DEMO_HOST_NAME && e.status === 'succeeded').sort((a, b) => a.at.localeCompare(b.at));
  return lines.at(-1)?.sha ?? gitIn(workspace, ['rev-parse', '--verify', 'v1.2.0^{commit}']);
}

/** True when `workspace` holds the demo app (a workspace made before the demo host existed does not). */
export function hasDemoApp(workspace: string): boolean {
  return fs.existsSync(path.join(workspace, '.git')) && fs.existsSync(path.join(workspace, DEMO_COMPOSE_FILE));
}

function writeApp(workspace: string, release: Release): void {
  const app = path.join(workspace, 'app');
  const version = release.tag.slice(1);
  fs.mkdirSync(path.join(app, 'www'), { recursive: true });
  // The port comes from app/.env, written on the host (ignored here): compose reads it from the project folder.
  fs.writeFileSync(path.join(app, '.gitignore'), '.env\n');
  fs.writeFileSync(
    path.join(app, 'compose.yaml'),
    [
      '# checkout-api: busybox httpd on the host\'s loopback (npm start\'s demo host runs it).',
      'version: "3"',
      'services:',
      `  ${DEMO_SERVICE}:`,
      '    image: local/busybox:1',
      '    network_mode: host',
      '    command: ["/bin/sh", "/app/run.sh"]',
      '    environment:',
      `      APP_VERSION: "${version}"`,
      '      PORT: "${APP_PORT:-8090}"',
      '    volumes:',
      '      - ./run.sh:/app/run.sh:ro',
      '      - ./www:/www:ro',
      '    healthcheck:',
      '      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:${APP_PORT:-8090}/health"]',
      '      interval: 3s',
      '      timeout: 3s',
      '      retries: 2',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(app, 'run.sh'),
    [
      '#!/bin/sh',
      '# The app: static pages and /health from www/, each request logged.',
      'echo "checkout-api $APP_VERSION starting on 127.0.0.1:$PORT"',
      ...release.extraLog.map((line) => `echo "${line}"`),
      ...(release.healthy
        ? []
        : ['# The pool is too small: card payments wait for a connection until the proxy gives up.', 'while sleep 7; do echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) ERROR payments: no free connection in the pool (size 2) after 30 s; answering 502"; done &']),
      'exec /bin/busybox httpd -f -vv -p "127.0.0.1:$PORT" -h /www',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(app, 'www', 'index.html'), `<!doctype html><title>checkout-api</title><h1>checkout-api ${version}</h1>\n`);
  fs.writeFileSync(path.join(app, 'www', 'version'), `${version}\n`);
  const health = path.join(app, 'www', 'health');
  if (release.healthy) fs.writeFileSync(health, `ok ${version}\n`);
  else fs.rmSync(health, { force: true });
  if (version !== '1.0.0') fs.writeFileSync(path.join(app, 'www', 'orders.html'), '<!doctype html><title>Orders</title><h1>Your orders</h1>\n');
}

/** How far demo-workspace.mjs moved the fixture's times: read back from the checkout incident it wrote. */
function shiftOf(workspace: string): number {
  const dir = path.join(workspace, 'incidents');
  for (const id of fs.readdirSync(dir)) {
    const file = path.join(dir, id, 'incident.yaml');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (!new RegExp(`^service: ${DEMO_SERVICE}$`, 'm').test(text)) continue;
    const declared = /^declaredAt: (\S+)$/m.exec(text)?.[1];
    if (declared) return Date.parse(declared) - FIXTURE_DECLARED;
  }
  throw new Error(`${workspace}: no ${DEMO_SERVICE} incident to line the history up with`);
}

function activeIncidentFolders(workspace: string): string[] {
  const dir = path.join(workspace, 'incidents');
  return fs.readdirSync(dir).filter((id) => {
    const file = path.join(dir, id, 'incident.yaml');
    return fs.existsSync(file) && !/^status: resolved$/m.test(fs.readFileSync(file, 'utf8'));
  });
}

function gitIn(cwd: string, args: string[], date?: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  if (date) Object.assign(env, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
