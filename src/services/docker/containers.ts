// Containers as the pickers show them, grouped by compose project, and a compose service resolved
// to its containers the way `docker compose logs -f backend` does: by the labels compose puts on
// every container it creates, so it works without the compose file or the compose CLI.
import type { DockerCallOptions, DockerClient } from './dockerClient';
import { DockerError } from './dockerError';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
/** `docker compose run` containers: compose leaves them out of `logs` unless asked. */
export const COMPOSE_ONEOFF_LABEL = 'com.docker.compose.oneoff';

export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** `running`, `exited`, `restarting`, `paused`, `created`, `dead`. */
  readonly state: string;
  /** `Up 3 minutes`, `Exited (0) 2 hours ago`. */
  readonly status: string;
  readonly project?: string;
  readonly service?: string;
  /** Raw log stream (TTY) rather than multiplexed frames. */
  readonly tty: boolean;
}

export interface ProjectGroup {
  /** Undefined for the containers that belong to no compose project. */
  readonly project?: string;
  readonly containers: readonly ContainerSummary[];
}

/** One container of a compose service, with the prefix its lines get (`backend-1 | `). */
export interface ServiceMember {
  readonly container: ContainerSummary;
  readonly prefix: string;
}

// Inspecting one container per request: enough in flight to hide the latency of a remote engine,
// few enough not to open dozens of SSH channels at once.
const INSPECT_CONCURRENCY = 8;

/**
 * All containers, running and stopped. The list endpoint does not say whether a container has a
 * TTY, so each is inspected too; one removed in between is left out.
 */
export async function listContainers(client: DockerClient, opts?: DockerCallOptions & { readonly labels?: readonly string[] }): Promise<ContainerSummary[]> {
  const listed = await client.listContainers({ all: true, labels: opts?.labels }, opts);
  const tty = await mapLimit(listed, INSPECT_CONCURRENCY, async (c) => {
    try {
      return (await client.inspectContainer(c.id, opts)).tty;
    } catch (e) {
      if (DockerError.is(e, 'notFound')) return undefined;
      throw e;
    }
  });
  const out: ContainerSummary[] = [];
  listed.forEach((c, i) => {
    const hasTty = tty[i];
    if (hasTty === undefined) return;
    const project = nonEmpty(c.labels[COMPOSE_PROJECT_LABEL]);
    const service = nonEmpty(c.labels[COMPOSE_SERVICE_LABEL]);
    out.push({ id: c.id, name: c.name, image: c.image, state: c.state, status: c.status, tty: hasTty, ...(project ? { project } : {}), ...(service ? { service } : {}) });
  });
  return out;
}

/** Projects in name order, then the containers of no project; inside, by service then name. */
export function groupByProject(containers: readonly ContainerSummary[]): ProjectGroup[] {
  const byProject = new Map<string | undefined, ContainerSummary[]>();
  for (const c of containers) {
    const list = byProject.get(c.project) ?? [];
    list.push(c);
    byProject.set(c.project, list);
  }
  const order = (a: ContainerSummary, b: ContainerSummary): number => compare(a.service ?? '', b.service ?? '') || compareNames(a.name, b.name);
  const projects = [...byProject.keys()].filter((p): p is string => p !== undefined).sort(compare);
  const groups: ProjectGroup[] = projects.map((project) => ({ project, containers: (byProject.get(project) ?? []).sort(order) }));
  const loose = byProject.get(undefined);
  if (loose) groups.push({ containers: loose.sort(order) });
  return groups;
}

/**
 * The containers of compose service `service` in `project` (replicas included, stopped ones too,
 * one-off `compose run` containers left out), each with the prefix compose prints before its
 * lines: the name without the project (`backend-1`), padded to the longest, then ` | `.
 */
export async function resolveComposeService(client: DockerClient, project: string, service: string, opts?: DockerCallOptions): Promise<ServiceMember[]> {
  const containers = (await listContainers(client, { ...opts, labels: [`${COMPOSE_PROJECT_LABEL}=${project}`, `${COMPOSE_SERVICE_LABEL}=${service}`] }))
    // The daemon matched the labels already; checked again so a fake or an older daemon cannot widen it.
    .filter((c) => c.project === project && c.service === service);
  const oneoff = new Set(
    (await client.listContainers({ all: true, labels: [`${COMPOSE_PROJECT_LABEL}=${project}`, `${COMPOSE_ONEOFF_LABEL}=True`] }, opts)).map((c) => c.id),
  );
  const members = containers.filter((c) => !oneoff.has(c.id)).sort((a, b) => compareNames(a.name, b.name));
  return withPrefixes(members, project);
}

/** Prefixes for containers shown together: compose's style, padded to the longest name. */
export function withPrefixes(containers: readonly ContainerSummary[], project: string | undefined): ServiceMember[] {
  const names = containers.map((c) => displayName(c.name, project));
  const width = Math.max(0, ...names.map((n) => n.length));
  return containers.map((container, i) => ({ container, prefix: `${names[i].padEnd(width)} | ` }));
}

/** `shop-backend-1` → `backend-1` (compose v2), `shop_backend_1` → `backend_1` (v1); other names as they are. */
export function displayName(name: string, project: string | undefined): string {
  if (project) {
    for (const sep of ['-', '_']) {
      const head = `${project}${sep}`;
      if (name.startsWith(head) && name.length > head.length) return name.slice(head.length);
    }
  }
  return name;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `backend-2` before `backend-10`. */
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
