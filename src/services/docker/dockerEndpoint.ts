// Which Docker engine "the local engine" means, decided the way the docker CLI decides it
// (cli/command/cli.go resolveContextName and the default context's endpoint): DOCKER_HOST wins,
// then DOCKER_CONTEXT, then `currentContext` in the CLI's config.json, else the default socket.
// The answer is a typed endpoint, or a DockerError 'refused' that says what to do: an endpoint is
// never guessed and never silently replaced by the default socket. Nothing here opens a
// connection; createDockerClient does that.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SSHConfig } from 'ssh-config';
import { type HostProfile, mergeHostProfiles } from '../ssh/hostProfiles';
import type { SshConfigEnv } from '../ssh/sshConfig';
import { DockerError } from './dockerError';

/** Where the endpoint came from, for messages and the Hosts view. */
export type DockerEndpointSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'env' }
  | { readonly kind: 'context'; readonly name: string; readonly metaFile: string; readonly chosenBy: string };

/** Client certificate material for a TLS endpoint; the server's certificate is always verified. */
export interface DockerTlsFiles {
  /** ca.pem; undefined: verified against the system's CAs (as the docker CLI does without ca.pem). */
  readonly ca?: Buffer;
  /** cert.pem and key.pem, both or neither. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** The folder they were read from, for messages. */
  readonly dir: string;
}

export type DockerEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly source: DockerEndpointSource }
  | { readonly kind: 'npipe'; readonly pipePath: string; readonly source: DockerEndpointSource }
  /** Reached through the verified SSH path (`docker system dial-stdio` on the host), never docker-modem's ssh. */
  | { readonly kind: 'ssh'; readonly url: string; readonly host: string; readonly user?: string; readonly port?: number; readonly source: DockerEndpointSource }
  | { readonly kind: 'tls'; readonly host: string; readonly port: number; readonly tls: DockerTlsFiles; readonly source: DockerEndpointSource }
  /** Plain-text, unauthenticated: only returned when the caller allowed it. */
  | { readonly kind: 'insecureTcp'; readonly host: string; readonly port: number; readonly source: DockerEndpointSource };

/** The environment variables the docker CLI reads for this decision. */
export interface DockerEndpointEnv {
  readonly DOCKER_HOST?: string;
  readonly DOCKER_CONTEXT?: string;
  readonly DOCKER_TLS_VERIFY?: string;
  readonly DOCKER_CERT_PATH?: string;
  readonly DOCKER_CONFIG?: string;
}

export interface ResolveDockerEndpointOptions {
  /** Default: process.env. */
  readonly env?: DockerEndpointEnv;
  /** Where `~/.docker` is; default os.homedir(). */
  readonly homeDir?: string;
  /** The restricted setting that lets a plain tcp:// endpoint through. */
  readonly allowInsecureTcp?: boolean;
  /** Named in refusals as the way to allow plain tcp://. */
  readonly insecureTcpSetting?: string;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';
const DEFAULT_PIPE = '//./pipe/docker_engine';
const PLAIN_PORT = 2375;
const TLS_PORT = 2376;
/** config.json, meta.json and PEM files are small; a bigger one is not what we think it is. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Resolves the local engine's endpoint; rejects with DockerError 'refused' saying why and what to do. */
export async function resolveDockerEndpoint(opts: ResolveDockerEndpointOptions = {}): Promise<DockerEndpoint> {
  const env = opts.env ?? process.env;
  const homeDir = opts.homeDir ?? os.homedir();
  const configDir = nonEmpty(env.DOCKER_CONFIG) ?? path.join(homeDir, '.docker');
  const dockerHost = nonEmpty(env.DOCKER_HOST);
  if (dockerHost !== undefined) {
    return fromHost(dockerHost, { kind: 'env' }, opts, () => envTls(env, configDir), `DOCKER_HOST=${dockerHost}`);
  }
  const fromEnv = nonEmpty(env.DOCKER_CONTEXT);
  const configFile = path.join(configDir, 'config.json');
  const name = fromEnv ?? (await currentContext(configFile));
  if (name !== undefined && name !== 'default') {
    return fromContext(name, fromEnv !== undefined ? 'DOCKER_CONTEXT' : `currentContext in ${configFile}`, configDir, opts);
  }
  return { kind: 'unix', socketPath: await defaultSocket(homeDir), source: { kind: 'default' } };
}

/** `unix:///var/run/docker.sock`, `ssh://ops@vps`, `tcp://10.0.0.5:2376 (TLS)`: what the endpoint is, in one line. */
export function describeDockerEndpoint(e: DockerEndpoint): string {
  const via = e.source.kind === 'context' ? ` (context ${e.source.name})` : '';
  switch (e.kind) {
    case 'unix':
      return `unix://${e.socketPath}${via}`;
    case 'npipe':
      return `npipe://${e.pipePath}${via}`;
    case 'ssh':
      return `${e.url}${via}`;
    case 'tls':
      return `tcp://${hostPort(e.host, e.port)} (TLS)${via}`;
    case 'insecureTcp':
      return `tcp://${hostPort(e.host, e.port)} (plain text, unauthenticated)${via}`;
  }
}

export type SshDockerEndpoint = Extract<DockerEndpoint, { kind: 'ssh' }>;

/**
 * The host profile `ssh [-l user] [-p port] host` would connect to for an ssh:// endpoint: the
 * host resolved through the ssh config (an alias's HostName, Port, User, IdentityFile,
 * UserKnownHostsFile, HostKeyAlias…), the URL's user and port winning over the config's as on
 * ssh's command line. The profile then goes through the same verified connection as any host.
 */
export function sshEndpointProfile(endpoint: SshDockerEndpoint, sshConfig: string | readonly string[] | SSHConfig | undefined, env: SshConfigEnv): HostProfile {
  const entry = { name: endpoint.url, host: endpoint.host, ...(endpoint.user !== undefined ? { user: endpoint.user } : {}), ...(endpoint.port !== undefined ? { port: endpoint.port } : {}) };
  const merged = mergeHostProfiles([entry], sshConfig, env);
  const profile = merged.profiles.find((p) => p.name === endpoint.url && p.source !== 'ssh-config');
  if (!profile) {
    const why = merged.problems.filter((p) => p.index === 0).map((p) => p.message.replace(/^incidentDesk\.hosts\[0\]: /, '')).join('; ');
    throw new DockerError('refused', `Docker endpoint ${describeDockerEndpoint(endpoint)} cannot be used: ${why || 'the host could not be resolved'}`);
  }
  return profile;
}

/** The TLS the default context takes from the environment (the CLI's DOCKER_TLS_VERIFY and DOCKER_CERT_PATH). */
async function envTls(env: DockerEndpointEnv, configDir: string): Promise<DockerTlsFiles | undefined> {
  // The docker CLI turns verification on for any non-empty value.
  if (nonEmpty(env.DOCKER_TLS_VERIFY) === undefined) return undefined;
  const dir = nonEmpty(env.DOCKER_CERT_PATH) ?? configDir;
  return readTlsDir(dir, 'DOCKER_CERT_PATH');
}

async function fromContext(name: string, chosenBy: string, configDir: string, opts: ResolveDockerEndpointOptions): Promise<DockerEndpoint> {
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
  const source: DockerEndpointSource = { kind: 'context', name, metaFile, chosenBy };
  const what = `Docker context ${JSON.stringify(name)} (from ${chosenBy})`;
  const text = await readSmall(metaFile);
  if (text === undefined) {
    throw new DockerError('refused', `${what} does not exist: ${metaFile} is missing. Run \`docker context ls\` to see the contexts, then \`docker context use <name>\` (or \`docker context use default\`), or unset DOCKER_CONTEXT.`);
  }
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (e) {
    throw new DockerError('refused', `${what} cannot be read: ${metaFile} is not JSON (${(e as Error).message}). Recreate the context with \`docker context create\`.`);
  }
  const endpoint = field(field(field(meta, 'Endpoints'), 'docker'), 'Host');
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new DockerError('refused', `${what} has no Docker endpoint (Endpoints.docker.Host in ${metaFile}). Check it with \`docker context inspect ${name}\`.`);
  }
  const skipVerify = field(field(field(meta, 'Endpoints'), 'docker'), 'SkipTLSVerify') === true;
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  // `docker context create` stores TLS files only for an endpoint that has them.
  const tls = async (): Promise<DockerTlsFiles | undefined> => ((await exists(tlsDir)) ? readTlsDir(tlsDir, `the TLS files of ${what}`) : undefined);
  if (skipVerify && isTcpLike(endpoint.trim())) {
    throw new DockerError('refused', `${what} turns off the check of the daemon's certificate (SkipTLSVerify): Incident Desk does not talk to a daemon it cannot verify. Recreate the context with its CA (\`docker context create … --docker "host=…,ca=…,cert=…,key=…"\`).`);
  }
  return fromHost(endpoint.trim(), source, opts, tls, `${what}, endpoint ${endpoint.trim()}`);
}

/** `tls` is read only for a tcp:// endpoint: TLS settings do not apply to a socket or to ssh://, and must not break them. */
async function fromHost(raw: string, source: DockerEndpointSource, opts: ResolveDockerEndpointOptions, readTls: () => Promise<DockerTlsFiles | undefined>, what: string): Promise<DockerEndpoint> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const socketPath = raw.slice('unix://'.length);
    // Empty: the default socket, as docker-modem chose it before.
    return { kind: 'unix', socketPath: socketPath || (await defaultSocket(opts.homeDir ?? os.homedir())), source };
  }
  if (scheme === 'npipe') {
    const pipePath = raw.slice('npipe://'.length);
    return { kind: 'npipe', pipePath: pipePath || DEFAULT_PIPE, source };
  }
  if (scheme === 'ssh') return sshEndpoint(raw, source, what);
  // The CLI reads `host:port` without a scheme as tcp.
  if (scheme === undefined || scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const url = parseUrl(scheme === undefined ? `tcp://${raw}` : raw, what);
    if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw new DockerError('refused', `${what}: only a host and a port are understood after tcp://, not ${JSON.stringify(raw)}`);
    }
    const host = unbracket(url.hostname);
    if (host === '') throw new DockerError('refused', `${what}: no host in ${JSON.stringify(raw)}`);
    const tls = await readTls();
    if (tls) return { kind: 'tls', host, port: url.port ? Number(url.port) : TLS_PORT, tls, source };
    const port = url.port ? Number(url.port) : PLAIN_PORT;
    if (!opts.allowInsecureTcp) {
      const allow = opts.insecureTcpSetting ? `, or allow plain text with the ${opts.insecureTcpSetting} setting (anyone on the network path can then run anything on that daemon)` : '';
      const tlsHow = source.kind === 'context' ? 'a context with TLS (`docker context create … --docker "host=tcp://…,ca=…,cert=…,key=…"`)' : 'TLS (DOCKER_TLS_VERIFY=1 with ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH)';
      throw new DockerError('refused', `${what} is a plain-text, unauthenticated Docker API, refused. Use ${tlsHow}, or ssh://${allow}.`);
    }
    return { kind: 'insecureTcp', host, port, source };
  }
  throw new DockerError('refused', `${what}: ${scheme}:// is not supported; use unix://, npipe://, ssh:// or tcp:// with TLS.`);
}

function sshEndpoint(raw: string, source: DockerEndpointSource, what: string): DockerEndpoint {
  const url = parseUrl(raw, what);
  // As the docker CLI's connhelper/ssh: no password in the URL, nothing after the host.
  if (url.password !== '') throw new DockerError('refused', `${what}: a password in an ssh:// URL is not supported; use a key or ssh-agent.`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new DockerError('refused', `${what}: nothing may follow the host in an ssh:// URL (found ${JSON.stringify(url.pathname + url.search + url.hash)}).`);
  }
  const host = unbracket(url.hostname);
  if (host === '') throw new DockerError('refused', `${what}: no host in ${JSON.stringify(raw)}`);
  const user = url.username !== '' ? decodeURIComponent(url.username) : undefined;
  const port = url.port !== '' ? Number(url.port) : undefined;
  return { kind: 'ssh', url: `ssh://${user !== undefined ? `${user}@` : ''}${url.host}`, host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}), source };
}

/** The CLI reads ca.pem, cert.pem and key.pem from the folder, each only if it is there. */
async function readTlsDir(dir: string, named: string): Promise<DockerTlsFiles> {
  const read = async (file: string): Promise<Buffer | undefined> => {
    const full = path.join(dir, file);
    try {
      const st = await fsp.stat(full);
      if (st.size > MAX_FILE_BYTES) throw new DockerError('refused', `${full} (${named}) is ${st.size} bytes: not a PEM file`);
      return await fsp.readFile(full);
    } catch (e) {
      if (DockerError.is(e)) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DockerError('refused', `${full} (${named}) cannot be read: ${(e as Error).message}`, undefined, { cause: e });
    }
  };
  const [ca, cert, key] = await Promise.all([read('ca.pem'), read('cert.pem'), read('key.pem')]);
  if ((cert === undefined) !== (key === undefined)) {
    throw new DockerError('refused', `${named} (${dir}) has ${cert ? 'cert.pem but no key.pem' : 'key.pem but no cert.pem'}: give both, or neither.`);
  }
  return { dir, ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

async function currentContext(configFile: string): Promise<string | undefined> {
  const text = await readSmall(configFile);
  if (text === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    // The CLI only warns and goes on with the default context; a context the user chose must not be skipped silently.
    throw new DockerError('refused', `${configFile} is not JSON (${(e as Error).message}), so the current Docker context is unknown. Fix the file, or set DOCKER_HOST or DOCKER_CONTEXT.`);
  }
  const name = field(config, 'currentContext');
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The Docker Desktop per-user socket when there is one (as docker-modem chose it), else /var/run/docker.sock. */
async function defaultSocket(homeDir: string): Promise<string> {
  const user = path.join(homeDir, '.docker', 'run', 'docker.sock');
  return (await exists(user)) ? user : DEFAULT_SOCKET;
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const st = await fsp.stat(file);
    if (st.size > MAX_FILE_BYTES) throw new DockerError('refused', `${file} is ${st.size} bytes, too big to be a Docker CLI file`);
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    if (DockerError.is(e)) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DockerError('refused', `${file} cannot be read: ${(e as Error).message}`, undefined, { cause: e });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

function parseUrl(raw: string, what: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new DockerError('refused', `${what}: ${JSON.stringify(raw)} is not a valid address`);
  }
}

function isTcpLike(host: string): boolean {
  return !/^(unix|npipe|ssh):\/\//i.test(host);
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
