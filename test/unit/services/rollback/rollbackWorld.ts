// What the rollback tests share: a small app repository (busybox httpd serving /health with its
// version; some commits without /health: broken), cloned on the real sshd host by its login user,
// the host's deploy commands that build and run it with plain docker (the compose labels set by
// hand: Debian's archive has no compose v2 and the test machines no docker-compose), and a
// recorder of the orchestrator's events and output.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RollbackEvent, RollbackPorts } from '../../../../src/services/rollback/runRollback';
import type { SshConnection } from '../../../../src/services/ssh/sshConnection';
import type { Sshd } from '../../../services/sshd';
import type { TempDirs } from '../../support/tempDirs';
import { type HostWorld, git } from '../ssh/hostWorld';

export interface ShopRepo {
  readonly repo: string;
  /** Serves /health ("v1"). */
  readonly good: string;
  /** No /health (404): the live, faulty commit. */
  readonly bad: string;
  /** Also no /health: a target that is broken too. */
  readonly alsoBad: string;
  /** Serves /health ("v4"), the newest. */
  readonly good2: string;
}

/** The app at `port`: a Dockerfile labelled with its revision, www/ with or without health. */
export async function shopRepo(dir: string, port: number): Promise<ShopRepo> {
  const repo = path.join(dir, 'shop');
  await fsp.mkdir(path.join(repo, 'www'), { recursive: true });
  git(repo, ['init', '-q', '-b', 'main']);
  await fsp.writeFile(
    path.join(repo, 'Dockerfile'),
    `FROM local/busybox:1\nARG REV=unknown\nLABEL org.opencontainers.image.revision=$REV\nCOPY www /www\nCMD ["/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:${port}", "-h", "/www"]\n`,
  );
  await fsp.writeFile(path.join(repo, 'www', 'index.html'), 'shop\n');
  // For the default redeploy where the host has compose (the project is the folder's name: shop).
  await fsp.writeFile(path.join(repo, 'docker-compose.yml'), 'version: "3"\nservices:\n  web:\n    build: .\n    network_mode: host\n');
  const commit = async (message: string, health: string | undefined, date: string) => {
    const file = path.join(repo, 'www', 'health');
    if (health === undefined) await fsp.rm(file, { force: true });
    else await fsp.writeFile(file, `${health}\n`);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '--allow-empty', '-m', message], date);
    return git(repo, ['rev-parse', 'HEAD']);
  };
  const good = await commit('v1: health', 'v1', '2026-01-10T10:00:00Z');
  const bad = await commit('v2: health removed', undefined, '2026-01-11T10:00:00Z');
  const alsoBad = await commit('v3: still no health', undefined, '2026-01-12T10:00:00Z');
  await fsp.writeFile(path.join(repo, 'www', 'index.html'), 'shop v4\n');
  const good2 = await commit('v4: health back', 'v4', '2026-01-13T10:00:00Z');
  return { repo, good, bad, alsoBad, good2 };
}

/** Clones the repository on the host as `name` (in the login user's home), by that user. */
export async function cloneOnHost(sshd: Sshd, world: HostWorld, conn: SshConnection, temp: TempDirs, repo: string, name: string): Promise<void> {
  const shared = await temp.make('ids-rb-bundle-');
  const bundle = path.join(shared, 'shop.bundle');
  git(repo, ['bundle', 'create', '-q', bundle, '--all']);
  sshd.giveToUser(shared);
  await world.sh(conn, `git clone -q ${bundle} ${name} && git -C ${name} checkout -q main`);
}

/** What both orchestration suites start from: a connection to the host, and the shop repository (at `port`) cloned there as `shop`. */
export async function shopOnHost(host: { readonly sshd: Sshd; readonly world: HostWorld; connect(): Promise<SshConnection> }, temp: TempDirs, prefix: string, port = 1): Promise<{ conn: SshConnection; shop: ShopRepo }> {
  const conn = await host.connect();
  const shop = await shopRepo(await temp.make(prefix), port);
  await cloneOnHost(host.sshd, host.world, conn, temp, shop.repo, 'shop');
  return { conn, shop };
}

/** The host's own deploy list: check out, build labelled with the commit, replace the container. */
export function dockerDeploy(container: string, project = 'shop', service = 'web'): string[] {
  return [
    'git checkout --quiet --detach ${sha}',
    `DOCKER_BUILDKIT=0 docker build -q --build-arg REV=\${sha} -t ${container}:\${short_sha} . >/dev/null`,
    `docker rm -f ${container} >/dev/null 2>&1; docker run -d --name ${container} --network host --label com.docker.compose.project=${project} --label com.docker.compose.service=${service} ${container}:\${short_sha} >/dev/null && echo "running \${short_sha}"`,
  ];
}

/** Collects events and output; `waitForEvent` resolves when one of a type arrived. */
export function recorder(): { events: RollbackEvent[]; output: string; emit: RollbackPorts['emit']; onOutput: RollbackPorts['onOutput']; types(): string[]; waitForEvent(type: string, timeoutMs?: number): Promise<RollbackEvent> } {
  const r = {
    events: [] as RollbackEvent[],
    output: '',
    emit: (e: RollbackEvent) => {
      // Plain data, as the timeline stores it.
      assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
      r.events.push(e);
    },
    onOutput: (_i: number, _s: 'stdout' | 'stderr', chunk: Buffer) => {
      r.output += chunk.toString('utf8');
    },
    types: () => r.events.map((e) => e.type),
    waitForEvent: (type: string, timeoutMs = 20_000) =>
      new Promise<RollbackEvent>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const tick = () => {
          const found = r.events.find((e) => e.type === type);
          if (found) resolve(found);
          else if (Date.now() > deadline) reject(new Error(`no ${type} event within ${timeoutMs} ms: ${r.types().join(', ')}`));
          else setTimeout(tick, 20);
        };
        tick();
      }),
  };
  return r;
}
