// What the webview probes (timelineProbe, wizardProbe) share: waiting for a condition in the
// extension host, and writing their one JSON result for the launcher (the host's console goes to
// the browser), measuring a bare webview instead when the launcher's flag file says so.
import * as fs from 'node:fs';
import { BENCH_RESULTS_ENV } from './activationProtocol';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Reads the request from `requestEnv`, runs `measureBare` (the flag file exists) or `measure`, writes the result. */
export async function runProbe<Req extends { readonly bareFlag: string }, Result>(
  requestEnv: string,
  measureBare: () => Promise<Result>,
  measure: (req: Req) => Promise<Result>,
): Promise<void> {
  const file = process.env[BENCH_RESULTS_ENV];
  const raw = process.env[requestEnv];
  if (!file || !raw) throw new Error(`${BENCH_RESULTS_ENV} and ${requestEnv} must be set`);
  let result: Result | { ok: false; error: string };
  try {
    const req = JSON.parse(raw) as Req;
    result = fs.existsSync(req.bareFlag) ? await measureBare() : await measure(req);
  } catch (e) {
    result = { ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  fs.writeFileSync(file, JSON.stringify(result));
}
