// npm start's demo host (test/services/demoHost.ts and demoRepo.ts, bundled here with esbuild so
// npm start needs no test compile):
//   node scripts/demo-host.mjs repo <workspace> <origin>
//       makes the demo workspace (from scripts/demo-workspace.mjs) a repository with the demo
//       app's history and ledger, and <origin> its bare origin
//   node scripts/demo-host.mjs run <workspace> <origin> <stateDir>
//       starts the demo host, writes <stateDir>/started.json (pids, ports, the agent socket, the
//       settings profile) and stays up; on SIGINT/SIGTERM, or when the process that started it is
//       gone, removes the app's containers and stops the agent, sshd and dockerd by pid. Exits 3,
//       having said why in one line, when this machine cannot run it.
//   node scripts/demo-host.mjs settings <settings.json> <stateDir>
//       puts the demo host's profile and known_hosts file into the user settings, or takes them
//       out when there is no demo host this time
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`[demo-host] ${line}`);
const shown = (p) => (path.relative(ROOT, p).startsWith('..') ? p : path.relative(ROOT, p));

async function load() {
  const outfile = path.join(ROOT, 'out', 'demo-host', 'demoHost.cjs');
  await esbuild.build({
    stdin: {
      contents: "export * from './test/services/demoHost'; export * from './test/services/demoRepo'; export * from './test/services/packages'; export * from './test/services/dockerd'; export * from './test/services/processes';",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

/** Why this machine cannot run the demo host, or undefined when it can. */
function whyNot(m) {
  if (process.platform !== 'linux') return 'the demo host runs on Linux only';
  if (process.getuid?.() !== 0) return 'it needs root (a private dockerd and a login user of its own); run npm start as root to get it';
  if (m.findServiceTools().tools) return undefined;
  try {
    m.ensureServiceTools();
    return undefined;
  } catch (e) {
    return `its packages are missing and could not be installed: ${String(e.message).split('\n')[0]}`;
  }
}

async function run(workspace, origin, stateDir) {
  const m = await load();
  const reason = whyNot(m);
  if (reason) return notStarted(reason);
  if (!m.hasDemoApp(workspace)) return notStarted(`${shown(workspace)} predates the demo app (no ${m.DEMO_COMPOSE_FILE}); delete it to get a new one`);
  const started = path.join(stateDir, 'started.json');
  fs.rmSync(started, { force: true });
  const t0 = Date.now();
  const host = await m.startDemoHost({ workspace, origin, stateDir, log: (l) => say(l) });
  const pids = { sshd: host.sshd.pid, dockerd: host.dockerd.pid, containerd: host.dockerd.containerdPid, sshAgent: host.agentPid, gitDaemon: host.gitDaemonPid };
  const state = { pid: process.pid, pids, agentSocket: host.agentSocket, knownHostsFile: host.knownHostsFile, profile: host.profile, appUrl: host.appUrl, liveCommit: host.liveCommit };
  fs.writeFileSync(started, `${JSON.stringify(state, null, 2)}\n`);
  say(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: sshd pid ${pids.sshd} on 127.0.0.1:${host.profile.port} (user ${host.profile.user}), dockerd pid ${pids.dockerd} (containerd ${pids.containerd}), ssh-agent pid ${pids.sshAgent}, git daemon pid ${pids.gitDaemon} (${host.originUrl})`);
  say(`checkout-api ${host.liveCommit.slice(0, 12)} at ${host.appUrl} (health: ${host.profile.healthUrl})`);

  let stopping = false;
  const stop = (why) => {
    if (stopping) return;
    stopping = true;
    say(`stopping (${why}): containers, git daemon ${pids.gitDaemon}, ssh-agent ${pids.sshAgent}, sshd ${pids.sshd}, dockerd ${pids.dockerd}, containerd ${pids.containerd}`);
    fs.rmSync(started, { force: true });
    try {
      const env = m.dockerEnv(host.dockerd);
      const docker = m.findServiceTools().tools?.docker ?? 'docker';
      const ids = execFileSync(docker, ['ps', '-aq'], { env, encoding: 'utf8' }).split('\n').filter(Boolean);
      if (ids.length > 0) execFileSync(docker, ['rm', '-f', ...ids], { env, stdio: 'ignore' });
    } catch {
      // dockerd stops what is left when it is stopped
    }
    // The exit hook of the process registry stops the daemons (newest first, by pid) and removes
    // the login user and the folders; this process exits before the registry's own signal handler runs.
    process.on('exit', () => say('stopped'));
    process.exit(0);
  };
  // First in line: the registry's handler would stop the daemons without removing the containers first.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.prependListener(sig, () => stop(sig));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('npm start is gone');
  }, 1000);
}

function notStarted(reason) {
  say(`not started: ${reason}`);
  process.exitCode = 3;
}

/** The user settings with the demo host in them (or out of them). */
function settings(file, stateDir) {
  let json;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    say(`${file} is not plain JSON (${e.message}): add the demo host to incidentDesk.hosts yourself`);
    return;
  }
  const startedFile = path.join(stateDir, 'started.json');
  const state = fs.existsSync(startedFile) ? JSON.parse(fs.readFileSync(startedFile, 'utf8')) : undefined;
  const hosts = (Array.isArray(json['incidentDesk.hosts']) ? json['incidentDesk.hosts'] : []).filter((h) => h?.name !== 'demo-host');
  const knownHosts = (Array.isArray(json['incidentDesk.ssh.knownHostsFiles']) ? json['incidentDesk.ssh.knownHostsFiles'] : []).filter((f) => f !== path.join(stateDir, 'known_hosts'));
  if (state) {
    hosts.push(state.profile);
    knownHosts.push(state.knownHostsFile);
  }
  const put = (key, list) => {
    if (list.length > 0) json[key] = list;
    else delete json[key];
  };
  put('incidentDesk.hosts', hosts);
  put('incidentDesk.ssh.knownHostsFiles', knownHosts);
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'repo' && args.length === 2) {
  const m = await load();
  const repo = await m.createDemoRepository(path.resolve(args[0]), path.resolve(args[1]));
  say(`demo repository: ${Object.entries(repo.releases).map(([tag, sha]) => `${tag} ${sha.slice(0, 7)}`).join(', ')}; origin ${shown(repo.origin)}`);
} else if (command === 'run' && args.length === 3) {
  await run(...args.map((a) => path.resolve(a)));
} else if (command === 'settings' && args.length === 2) {
  settings(path.resolve(args[0]), path.resolve(args[1]));
} else {
  console.error('usage: node scripts/demo-host.mjs repo <workspace> <origin> | run <workspace> <origin> <stateDir> | settings <settings.json> <stateDir>');
  process.exit(2);
}
