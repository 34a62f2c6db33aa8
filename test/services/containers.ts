// Containers in the test daemon, started with the docker CLI the way a user would: never on a
// network (none exists), optionally labelled as a compose service so the compose grouping can be
// tested without docker compose.
import { BUSYBOX_TAG } from './busyboxImage';
import { dockerCli } from './dockerd';
import type { Dockerd } from './dockerd';

export type RestartPolicy = 'no' | 'always' | 'unless-stopped' | 'on-failure' | `on-failure:${number}`;

export interface RunContainerOptions {
  name: string;
  cmd: string[];
  labels?: Record<string, string>;
  /** Allocate a TTY (`-t`): the log stream is then raw, not multiplexed. */
  tty?: boolean;
  restart?: RestartPolicy;
  /** Defaults to the busybox image (ensureBusyboxImage). */
  image?: string;
  /** Seconds `docker stop`/`restart` and a daemon shutdown wait before SIGKILL; 1 by default, since busybox `sh` as pid 1 ignores SIGTERM. */
  stopTimeoutSeconds?: number;
}

/** `docker run -d --network none ...`; resolves the full container id. */
export async function runContainer(dockerd: Dockerd, opts: RunContainerOptions): Promise<string> {
  const args = ['run', '-d', '--network', 'none', '--name', opts.name, '--stop-timeout', String(opts.stopTimeoutSeconds ?? 1)];
  for (const [key, value] of Object.entries(opts.labels ?? {})) args.push('--label', `${key}=${value}`);
  if (opts.tty) args.push('-t');
  if (opts.restart) args.push('--restart', opts.restart);
  args.push(opts.image ?? BUSYBOX_TAG, ...opts.cmd);
  return (await dockerCli(dockerd, args)).trim();
}

/** The labels docker compose puts on a service's containers, which the extension groups and matches by. */
export function composeLabels(project: string, service: string): Record<string, string> {
  return { 'com.docker.compose.project': project, 'com.docker.compose.service': service };
}

/** ~80 bytes a line, like an access log; line n starts with n zero-padded to 7 digits. */
export function burstPrinter(lines: number): string {
  return `seq 1 ${lines} | busybox awk '{ printf "%07d INFO [http] GET /api/orders/%d 200 %dms user=%d trace=%06x%06x\\n", $1, $1, $1 % 900, $1 % 977, $1 * 7919 % 16777216, $1 }'`;
}

/**
 * A container command that stays quiet until it gets SIGUSR1, then prints `lines` lines as fast as
 * it can and idles: the follow is attached before the burst starts, as when an app starts spewing.
 */
export function burstContainerCmd(lines: number): string[] {
  return ['sh', '-c', `trap 'go=1' USR1; while [ -z "$go" ]; do sleep 0.1; done; ${burstPrinter(lines)}; echo burst-done; while true; do sleep 3600; done`];
}
