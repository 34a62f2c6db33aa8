// Runs the built CLI (dist/cli.js, what `npm install -g` puts on PATH) in a real child process,
// and @xterm/headless (the emulator VS Code's terminals use, through test/unit/support/terminalOracle) as the oracle for what output can do.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerminalOracle } from '../support/terminalOracle';

export const REPO = path.resolve(__dirname, '../../../..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const FIXTURE = path.join(REPO, 'test', 'fixtures', 'runbooks', 'cli', 'steps.md');

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Fails loudly when dist/cli.js is missing or older than the CLI's sources (run `npm run build`). */
export function requireFreshBuild(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const built = fs.statSync(CLI).mtimeMs;
  const dir = path.join(REPO, 'src', 'cli');
  const stale = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).mtimeMs > built);
  if (stale.length) throw new Error(`dist/cli.js is older than src/cli/${stale[0]}: run npm run build first`);
}

/** `node dist/cli.js …` with stdin a pipe (not a terminal) holding `input`. */
export function runCli(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  return collect(spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] }), opts.input);
}

/**
 * The CLI with a real terminal as stdin (util-linux `script` allocates a pty and types `input`
 * into it); what the terminal showed comes back as stdout.
 */
export function runCliOnTerminal(args: readonly string[], opts: { cwd: string; input: string }): Promise<CliResult> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return collect(spawn('script', ['-qec', command, '/dev/null'], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] }), opts.input);
}

function collect(child: ReturnType<typeof spawn>, input: string | undefined): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    if (input !== undefined) child.stdin!.write(input);
    child.stdin!.end();
  });
}

/** What a real xterm (the shared oracle: a handler on every OSC and DCS) does with `bytes`: what fired, and the text shown. */
export async function xtermFired(bytes: Buffer): Promise<{ fired: string[]; text: string }> {
  const oracle = new TerminalOracle();
  try {
    await oracle.write(bytes.toString('utf8'));
    return { fired: [...oracle.fired], text: oracle.text().trimEnd() };
  } finally {
    oracle.dispose();
  }
}
