// What the log-burst probe (runs in the extension host, imports vscode) and its launcher (plain
// node) share: the env var carrying the request and the shape of the result.
import type { BurstResult } from '../../test/integration/logBurst';

/** Env var with the JSON request; the server's environment reaches the extension host. */
export const BURST_ENV = 'INCIDENT_DESK_BENCH_BURST';

export interface BurstProbeRequest {
  readonly container: string;
  readonly lines: number;
  /** `unix://…` of the private dockerd (also the host's DOCKER_HOST). */
  readonly dockerHost: string;
  readonly timeoutMs: number;
}

export type BurstProbeResult = ({ readonly ok: true } & Omit<BurstResult, 'output'>) | { readonly ok: false; readonly error: string };
