// Runs the integration suites (out/test/integration/**/*.test.js) inside a real VS Code extension
// host: code-server on loopback, opened by headless Chromium with the workbench `payload` query that
// loads this repository as a development extension and out/test/integration/index.js as the tests
// module (what @vscode/test-electron does with VS Code desktop).
//
//   node out/test/runner/runIntegration.js
//
// Env: INCIDENT_DESK_IT_TIMEOUT_MS (default 300000), INCIDENT_DESK_TEST_GREP (mocha grep),
// INCIDENT_DESK_RESULT_JSON (copy the PhaseResult there), INCIDENT_DESK_EXTENSION_PATH (load another
// extension folder instead of the repo root), INCIDENT_DESK_KEEP_TEMP=1 (keep temp dirs),
// INCIDENT_DESK_WORKSPACE_TRUST=1 (workspace trust on: the folder opens untrusted, no prompt).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, launchChromium, removeOnExit, startCodeServer } from './codeServer';
import type { CodeServer } from './codeServer';
import { crashedPhase, readPhaseResult, writePhaseResult } from './results';
import type { PhaseResult } from './results';

const TIMEOUT_MS = Number(process.env.INCIDENT_DESK_IT_TIMEOUT_MS ?? 300_000);
const HOST_EXITED = /Extension Host Process exited with code: (\S+)/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Prints what the host's reporter appends to `file`, as it appears. */
class LogTail {
  private offset = 0;
  constructor(private readonly file: string) {}
  flush(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      process.stdout.write(buf);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function preflight(extensionPath: string, testsIndex: string): void {
  const main = path.join(extensionPath, 'dist', 'extension.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  if (!fs.existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: run \`npm run compile-tests\` first`);
}

async function runInHost(server: CodeServer, browser: Browser, extensionPath: string, testsIndex: string, results: string): Promise<PhaseResult> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const browserErrors: string[] = [];
  page.on('pageerror', (err) => browserErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') browserErrors.push(msg.text());
  });
  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
    ['extensionTestsPath', server.remoteUri(testsIndex)],
  ] as const;
  await page.goto(server.workbenchUrl({ payload }));

  const tail = new LogTail(results.replace(/\.json$/, '') + '.log');
  const deadline = Date.now() + TIMEOUT_MS;
  let hostExitedAt: number | undefined;
  for (;;) {
    tail.flush();
    const result = readPhaseResult(results);
    if (result) {
      tail.flush();
      return result;
    }
    if (hostExitedAt === undefined) {
      const exited = HOST_EXITED.exec(fs.readFileSync(server.logFile, 'utf8'));
      if (exited) hostExitedAt = Date.now();
    }
    // The host writes results before it exits; give the file a moment, then call it a crash.
    if (hostExitedAt !== undefined && Date.now() - hostExitedAt > 5000) {
      return crashedPhase('the extension host exited without writing results', diagnostics(server, browserErrors));
    }
    if (Date.now() > deadline) {
      return crashedPhase(`timed out after ${TIMEOUT_MS} ms waiting for results`, diagnostics(server, browserErrors));
    }
    await sleep(250);
  }
}

function diagnostics(server: CodeServer, browserErrors: readonly string[]): string {
  const serverLog = fs.readFileSync(server.logFile, 'utf8').split('\n').slice(-30).join('\n');
  return `--- code-server log (last lines) ---\n${serverLog}\n--- browser errors ---\n${browserErrors.slice(-20).join('\n')}`;
}

async function main(): Promise<number> {
  const started = Date.now();
  const extensionPath = path.resolve(process.env.INCIDENT_DESK_EXTENSION_PATH ?? REPO_ROOT);
  const testsIndex = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-it-'));
  const keepTemp = process.env.INCIDENT_DESK_KEEP_TEMP === '1';
  if (!keepTemp) removeOnExit(tmp);
  const workspace = path.join(tmp, 'workspace');
  // Next to the workspace: also where index.ts looks if the env var does not reach the host.
  const results = path.join(tmp, 'integration-results.json');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let result: PhaseResult;
  try {
    preflight(extensionPath, testsIndex);
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    const env: Record<string, string> = { INCIDENT_DESK_TEST_RESULTS: results };
    if (process.env.INCIDENT_DESK_TEST_GREP) env.INCIDENT_DESK_TEST_GREP = process.env.INCIDENT_DESK_TEST_GREP;
    // Trust on = the folder opens in Restricted Mode (untrusted), for the limited-mode suites.
    server = await startCodeServer({ workspace, env, workspaceTrust: process.env.INCIDENT_DESK_WORKSPACE_TRUST === '1' });
    console.log(`[integration] code-server ${server.baseUrl} (pid ${server.pid}), workspace ${workspace}`);
    browser = await launchChromium();
    result = await runInHost(server, browser, extensionPath, testsIndex, results);
  } catch (err) {
    result = crashedPhase(err instanceof Error ? err.message : String(err));
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (!keepTemp) fs.rmSync(tmp, { recursive: true, force: true });
  }

  for (const f of result.failed) {
    if (f.title === 'test launcher') console.error(`[integration] ${f.error}\n${result.output}`);
  }
  const out = process.env.INCIDENT_DESK_RESULT_JSON;
  if (out) {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    writePhaseResult(out, result);
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[integration] ${result.passes} passed, ${result.failures} failed, ${result.pending} pending (${secs}s)`);
  return result.failures > 0 || result.tests === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
