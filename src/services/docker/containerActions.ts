// Actions from the runbooks' steps: restart a container, and a `docker stats --no-stream` snapshot.
import type { DockerCallOptions, DockerClient, DockerCpuSample, DockerStatsSample } from './dockerClient';
import { DockerError } from './dockerError';

export interface RestartOptions extends DockerCallOptions {
  /** Seconds the daemon waits for the container to stop before it kills it. */
  readonly timeoutSeconds: number;
}

/** Restarts container `id` (stop with the timeout, then start), like `docker restart -t`. */
export async function restartContainer(client: DockerClient, id: string, opts: RestartOptions): Promise<void> {
  await client.restartContainer(id, opts.timeoutSeconds, opts);
}

export interface ContainerStats {
  readonly id: string;
  readonly name: string;
  /** Percent of one CPU, as `docker stats` shows it (200 = two CPUs busy). */
  readonly cpuPercent: number;
  /** Bytes in use, page cache that could be dropped not counted (as `docker stats`). */
  readonly memUsage: number;
  /** Bytes the container may use: its limit, or the host's memory. */
  readonly memLimit: number;
  readonly memPercent: number;
}

// Stats take about a second per container (the daemon samples twice): in parallel, a few at a time.
const STATS_CONCURRENCY = 8;

/**
 * CPU and memory of every running container, computed as `docker stats --no-stream` does
 * (cli/command/container/stats_helpers.go). A container that stops or goes away meanwhile is left out.
 */
export async function statsSnapshot(client: DockerClient, opts?: DockerCallOptions): Promise<ContainerStats[]> {
  const running = await client.listContainers({ all: false }, opts);
  const results: (ContainerStats | undefined)[] = new Array(running.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < running.length) {
      const i = next++;
      const c = running[i];
      try {
        const sample = await client.containerStats(c.id, opts);
        results[i] = { id: c.id, ...computeStats(sample), name: c.name };
      } catch (e) {
        if (DockerError.is(e, 'notFound')) continue;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATS_CONCURRENCY, running.length) }, worker));
  return results.filter((r): r is ContainerStats => r !== undefined);
}

/** The figures `docker stats` prints, from one sample with its previous one. */
export function computeStats(sample: DockerStatsSample): Omit<ContainerStats, 'id'> {
  const memUsage = memoryUsage(sample.memory);
  const memLimit = sample.memory.limit;
  return {
    name: sample.name,
    cpuPercent: cpuPercent(sample.cpu, sample.precpu),
    memUsage,
    memLimit,
    memPercent: memLimit > 0 ? (memUsage / memLimit) * 100 : 0,
  };
}

/** Share of the host's CPU time used by the container between the two samples, times the CPUs: 100 per busy CPU. */
export function cpuPercent(cpu: DockerCpuSample, precpu: DockerCpuSample): number {
  const cpuDelta = cpu.totalUsage - precpu.totalUsage;
  const systemDelta = cpu.systemUsage - precpu.systemUsage;
  const cpus = cpu.onlineCpus > 0 ? cpu.onlineCpus : cpu.perCpuCount;
  if (systemDelta <= 0 || cpuDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * cpus * 100;
}

/** Usage without the inactive page cache (cgroup v1 `total_inactive_file`, v2 `inactive_file`), as the CLI shows it. */
export function memoryUsage(memory: DockerStatsSample['memory']): number {
  const v1 = memory.stats.total_inactive_file;
  if (v1 !== undefined && v1 < memory.usage) return memory.usage - v1;
  const v2 = memory.stats.inactive_file;
  if (v2 !== undefined && v2 < memory.usage) return memory.usage - v2;
  return memory.usage;
}
