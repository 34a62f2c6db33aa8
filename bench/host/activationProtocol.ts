// What the activation probe (runs in the extension host, imports vscode) and its launcher (plain
// node, must not import vscode) share: ids, the env var and the shape of one result line.

/** Env var naming the results file (JSON lines); the server's environment reaches the host. */
export const BENCH_RESULTS_ENV = 'INCIDENT_DESK_BENCH_RESULTS';
/** Env var naming a folder: when set, the probe writes a CPU profile of Incident Desk's load + activate per launch. */
export const BENCH_PROFILE_ENV = 'INCIDENT_DESK_BENCH_PROFILE';
export const REAL_ID = 'incident-desk.incident-desk';
/** bench/fixtures/empty-extension: the baseline. */
export const EMPTY_ID = 'incident-desk-bench.empty-extension';

export interface ExtensionTiming {
  readonly id: string;
  /** Already active before the probe asked (activated by an event): load and call not measured. */
  readonly wasActive: boolean;
  /** Our require() of the extension's main file, before the host loads it (it then hits the cache). */
  readonly moduleLoadMs: number | null;
  /** Wall time of `await ext.activate()`: host bookkeeping, RPCs to the workbench, activate() itself. */
  readonly activateCallMs: number | null;
  /** What activate() reports about itself (exports.activationMs). */
  readonly activationMs: number | null;
  /**
   * Files from the extension's folder that entered the require cache during our require + activate()
   * (relative paths): what activation loads. Undefined when not measured (already active).
   */
  readonly loaded?: readonly string[];
  readonly error?: string;
}

/** One launch of the extension host: one line of the results file. */
export interface LaunchResult {
  /** 0-based launch number: the count of lines already in the file. */
  readonly launch: number;
  /** Activation order in this launch (alternates between launches). */
  readonly order: readonly string[];
  readonly timings: readonly ExtensionTiming[];
}
