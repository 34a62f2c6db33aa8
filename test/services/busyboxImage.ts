// The one container image the tests use, built here because no registry is reachable: a root file
// system holding Debian's static busybox and links for the commands the tests run, packed with tar
// and loaded with `docker import` into the test daemon.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerCliError, dockerCli } from './dockerd';
import type { Dockerd } from './dockerd';
import { ensureServiceTools } from './packages';

export const BUSYBOX_TAG = 'local/busybox:1';

/** The commands linked to busybox in the image. */
export const BUSYBOX_COMMANDS = [
  'sh', 'echo', 'sleep', 'seq', 'date', 'cat', 'yes', 'head', 'printf', 'true', 'false', 'kill', 'ls',
] as const;

/** Imports the busybox image into `dockerd` under `tag` unless it is already there. Resolves the tag. */
export async function ensureBusyboxImage(dockerd: Dockerd, tag = BUSYBOX_TAG): Promise<string> {
  if (await imageExists(dockerd, tag)) return tag;
  const busybox = ensureServiceTools().busybox;
  assertStatic(busybox);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'idd-rootfs-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    for (const dir of ['tmp', 'proc', 'sys', 'dev', 'etc']) fs.mkdirSync(path.join(rootfs, dir));
    fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
    fs.copyFileSync(busybox, path.join(rootfs, 'bin', 'busybox'));
    fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const cmd of BUSYBOX_COMMANDS) fs.symlinkSync('busybox', path.join(rootfs, 'bin', cmd));
    const tarball = path.join(work, 'rootfs.tar');
    // Numeric root ownership: the image must not depend on who built it.
    execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', tarball, '.'], { stdio: 'pipe' });
    await dockerCli(dockerd, ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', tarball, tag]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return tag;
}

/** The image id of `tag` in `dockerd`, or undefined when it has none. */
export async function imageId(dockerd: Dockerd, tag: string): Promise<string | undefined> {
  try {
    return (await dockerCli(dockerd, ['image', 'inspect', '--format', '{{.Id}}', tag])).trim();
  } catch (e) {
    if (e instanceof DockerCliError && /no such image/i.test(e.stderr)) return undefined;
    throw e;
  }
}

async function imageExists(dockerd: Dockerd, tag: string): Promise<boolean> {
  return (await imageId(dockerd, tag)) !== undefined;
}

/** A dynamic busybox would not run in an image without libc: fail here with the reason, not later with "no such file". */
function assertStatic(file: string): void {
  const head = Buffer.alloc(4096);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  // An ELF with a PT_INTERP program header needs a dynamic loader.
  const is64 = head[4] === 2;
  const phoff = Number(is64 ? head.readBigUInt64LE(32) : BigInt(head.readUInt32LE(28)));
  const phentsize = head.readUInt16LE(is64 ? 54 : 42);
  const phnum = head.readUInt16LE(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > head.length) break;
    if (head.readUInt32LE(off) === 3) {
      throw new Error(`${file} is dynamically linked: install busybox-static (scripts/ensure-remote-services.sh)`);
    }
  }
}
