// Which compose a host has: the v2 plugin (`docker compose`) or the standalone v1 `docker-compose`.
// Redeploying runs the one found; a host with neither is said so before anything runs.
import { SCRIPT_END, runHostScript, scriptLines, scriptValue } from './hostScript';
import type { RemoteExecutor } from './remoteExec';

export type ComposeCommand =
  | { readonly kind: 'plugin'; readonly command: 'docker compose'; readonly version: string }
  | { readonly kind: 'standalone'; readonly command: 'docker-compose'; readonly version: string }
  | { readonly kind: 'none'; readonly message: string };

export const COMPOSE_DETECT_SCRIPT = [
  // The first line: docker-compose 1.x goes on with its docker-py, CPython and OpenSSL versions.
  'flat() { head -n 1 | tr "\\t\\r" "  " | head -c 200; echo; }',
  'if v=$(docker compose version 2>/dev/null); then printf "plugin\\t"; printf %s "$v" | flat',
  'elif command -v docker-compose >/dev/null 2>&1 && v=$(docker-compose version 2>/dev/null); then printf "standalone\\t"; printf %s "$v" | flat',
  'elif command -v docker >/dev/null 2>&1; then echo "none	docker is installed without compose (neither the docker compose plugin nor docker-compose)"',
  'else echo "none	docker is not installed"; fi',
  `echo ${SCRIPT_END}`,
].join('\n');

/** Parses the detection's output (pure). */
export function parseComposeCommand(stdout: string): ComposeCommand {
  const lines = scriptLines(stdout);
  if (!lines.some((l) => l.key === SCRIPT_END)) return { kind: 'none', message: 'the host stopped answering while compose was looked for' };
  const plugin = scriptValue(lines, 'plugin');
  if (plugin !== undefined) return { kind: 'plugin', command: 'docker compose', version: plugin.trim() };
  const standalone = scriptValue(lines, 'standalone');
  if (standalone !== undefined) return { kind: 'standalone', command: 'docker-compose', version: standalone.trim() };
  return { kind: 'none', message: scriptValue(lines, 'none') ?? 'no compose found' };
}

/** `docker compose version` first, then `docker-compose`. Rejects (SshError) when the host cannot be asked. */
export async function detectComposeCommand(target: RemoteExecutor): Promise<ComposeCommand> {
  return parseComposeCommand((await runHostScript(target, COMPOSE_DETECT_SCRIPT)).stdout);
}
