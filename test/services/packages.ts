// Where the binaries behind the real test services are, and installing them when missing: the
// Debian packages come from scripts/ensure-remote-services.sh (idempotent, starts nothing), so a
// fresh machine (CI, a new session) gets them from the project's own files, not by hand.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ServiceTools {
  sshd: string;
  sshKeygen: string;
  dockerd: string;
  containerd: string;
  /** The docker CLI first on PATH (a newer static CLI may sit before Debian's; both talk to our daemon). */
  docker: string;
  /** A statically linked busybox: it runs alone inside the test image. */
  busybox: string;
  /** The shells runbook steps are run in, for the placeholder quoting proofs (bash is always there). */
  zsh: string;
  dash: string;
  /** Compose v1 (Debian's archive has no v2 plugin): the rollback redeploys with it on the test hosts. */
  dockerCompose: string;
}

// Found by walking up: this file runs compiled (out/test/services) and may run from source too.
const SCRIPT = findScript(__dirname);

/** The tools, or the names of the missing ones. */
export function findServiceTools(): { tools?: ServiceTools; missing: string[] } {
  const found = {
    sshd: firstExisting(['/usr/sbin/sshd']),
    sshKeygen: onPath('ssh-keygen'),
    dockerd: onPath('dockerd') ?? firstExisting(['/usr/sbin/dockerd', '/usr/bin/dockerd']),
    containerd: onPath('containerd') ?? firstExisting(['/usr/bin/containerd']),
    docker: onPath('docker'),
    // busybox-static installs here; the dynamic busybox package would too, but replaces it.
    busybox: firstExisting(['/bin/busybox', '/usr/bin/busybox']),
    zsh: onPath('zsh'),
    dash: onPath('dash'),
    dockerCompose: onPath('docker-compose'),
  };
  const missing = Object.entries(found)
    .filter(([, where]) => where === undefined)
    .map(([name]) => name);
  return missing.length > 0 ? { missing } : { tools: found as ServiceTools, missing };
}

/**
 * The tools, running scripts/ensure-remote-services.sh first when any is missing (needs root and
 * Debian's apt archive; takes a minute once, nothing afterwards).
 */
export function ensureServiceTools(): ServiceTools {
  const first = findServiceTools();
  if (first.tools) return first.tools;
  try {
    execFileSync('bash', [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
  } catch (e) {
    const out = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `missing ${first.missing.join(', ')} and ${SCRIPT} could not install them:\n` +
        `${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? ''}`,
    );
  }
  const second = findServiceTools();
  if (!second.tools) throw new Error(`still missing after ${SCRIPT}: ${second.missing.join(', ')}`);
  return second.tools;
}

function findScript(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'scripts', 'ensure-remote-services.sh');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.resolve('scripts', 'ensure-remote-services.sh');
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  // root's PATH usually holds the sbin folders, a normal user's may not
  return firstExisting([`/usr/sbin/${name}`, `/sbin/${name}`]);
}

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
