// npm start's demo host for real (test/services/demoHost.ts): the demo workspace made as npm start
// makes it, its history and origin, then the host started: logged into with the agent and the
// known host key only (system ssh with StrictHostKeyChecking=yes, and the extension's own client
// with its profile), the faulty release live and failing /health, its logs read over SSH as the
// Hosts view reads them, and after stop() nothing left running.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { stableCommand } from '../../../src/cli/stableCommand';
import { appendLedger, readLedger } from '../../../src/services/git/deployLedger';
import { openRepository } from '../../../src/services/git/gitRepository';
import { planRedeploy } from '../../../src/core/rollback/redeployPlan';
import { runRollback } from '../../../src/services/rollback/runRollback';
import { detectComposeCommand } from '../../../src/services/ssh/composeCommand';
import { readLiveCommit } from '../../../src/services/ssh/liveCommit';
import { type SshConnection, connectSsh } from '../../../src/services/ssh/sshConnection';
import { TrustStore } from '../../../src/services/ssh/trustStore';
import { type DemoHost, startDemoHost } from '../../services/demoHost';
import { DEMO_SERVICE, createDemoRepository } from '../../services/demoRepo';
import { isAlive } from '../../services/processes';
import { TempDirs } from '../support/tempDirs';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'demo-workspace.mjs');

describe('the demo host of npm start (real dockerd, sshd, ssh-agent, docker-compose)', function () {
  this.timeout(180_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('runs v1.2.0 from a clone of the origin, /health failing; reachable only with the agent and the known key; the wizard\'s redeploy to v1.1.0 verified; stop() leaves nothing', async () => {
    // A 0700 folder, as a home folder is: the login user reaches the origin through the git daemon.
    const dir = await temp.make('ids-demo-');
    const workspace = path.join(dir, 'demo-workspace');
    execFileSync(process.execPath, [SCRIPT, workspace]);
    const repo = await createDemoRepository(workspace, path.join(dir, 'origin.git'));
    const bad = repo.releases['v1.2.0'];

    // The history: tags, a ledger line per release (the bad one before the incident's declaration), a clean tree.
    const git = (...args: string[]) => execFileSync('git', ['-C', workspace, ...args], { encoding: 'utf8' }).trim();
    assert.equal(git('status', '--porcelain'), '');
    assert.deepEqual(git('tag', '--list').split('\n'), ['v1.0.0', 'v1.1.0', 'v1.2.0']);
    assert.equal(git('rev-parse', 'origin/main'), repo.head);
    const ledger = (await readLedger(await openRepository(workspace))).entries.sort((a, b) => a.at.localeCompare(b.at));
    assert.deepEqual(ledger.map((e) => [e.sha, e.service, e.status]), [repo.releases['v1.0.0'], repo.releases['v1.1.0'], bad].map((sha) => [sha, DEMO_SERVICE, 'succeeded']));
    const incidentId = fs.readdirSync(path.join(workspace, 'incidents')).find((id) => fs.existsSync(path.join(workspace, 'incidents', id, 'incident.yaml')) && fs.readFileSync(path.join(workspace, 'incidents', id, 'incident.yaml'), 'utf8').includes(`service: ${DEMO_SERVICE}`))!;
    const incident = fs.readFileSync(path.join(workspace, 'incidents', incidentId, 'incident.yaml'), 'utf8');
    const declared = Date.parse(/^declaredAt: (\S+)$/m.exec(incident)![1]!);
    const badAt = Date.parse(ledger[2]!.at);
    assert.ok(badAt < declared && declared - badAt < 30 * 60_000, 'the bad deploy came shortly before the incident');
    assert.ok(badAt - Date.parse(ledger[1]!.at) > 60 * 60_000, 'v1.1.0 stayed live long enough to count as stable');
    assert.ok(Math.abs(Date.now() - declared) < 60 * 60_000, 'the times are moved to now');
    // What the rollback wizard preselects: `incident-desk stable --incident …` names v1.1.0, v1.2.0 live.
    let out = '';
    const status = await stableCommand({ kind: 'stable', incident: `incidents/${incidentId}`, env: 'production', json: true, fetch: false }, { cwd: workspace, now: Date.now(), out: (t) => (out += t), err: () => undefined });
    const stable = JSON.parse(out) as { live: { sha: string }; stable: { sha: string } | null };
    assert.deepEqual([status, stable.live.sha, stable.stable?.sha], [0, bad, repo.releases['v1.1.0']], out);

    let host: DemoHost | undefined;
    try {
      const lines: string[] = [];
      host = await startDemoHost({ workspace, origin: repo.origin, stateDir: path.join(dir, 'state'), log: (l) => lines.push(l) });
      assert.equal(lines.length, 5, lines.join('\n'));
      const { profile } = host;
      assert.equal(host.liveCommit, bad);

      // The system client: the agent and the known_hosts file, strict checking.
      assert.equal((await host.ssh(`git -C '${profile.workDir}' rev-parse HEAD`)).trim(), bad);
      assert.equal((await host.ssh(`git -C '${profile.workDir}' status --porcelain`)).trim(), '', 'the .env is ignored: no uncommitted work');
      const probe = await host.ssh(`curl -s -o /dev/null -w '%{http_code}\\n' '${profile.healthUrl}'; curl -fsS '${profile.healthUrl.replace(/health$/, 'version')}'`);
      assert.equal(probe, '404\n1.2.0\n');
      // Runbook steps as the bundled ones write them (cd ${workdir}; docker compose -f ${compose_file} …).
      const ps = await host.ssh(`cd '${profile.workDir}' && docker compose -f ${profile.composeFile} ps ${DEMO_SERVICE}`);
      assert.match(ps, /app_checkout-api_1 .* Up /);
      // A known_hosts that names another key for the port: refused.
      fs.writeFileSync(host.knownHostsFile, `[127.0.0.1]:${profile.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKgBvGPZx2H7G8f0nAn0q5oB5o2W2bWb8e6U3Sx7yEEm\n`);
      await assert.rejects(host.ssh('true'), /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
      fs.writeFileSync(host.knownHostsFile, `${host.sshd.knownHostsLine}\n`);

      // The extension's own client, as the settings profile and the agent give it: live commit, then the app's logs through dockerode.
      const agentSocket = host.agentSocket;
      const knownHostsFile = host.knownHostsFile;
      const conns: SshConnection[] = [];
      const connect = async () => {
        const c = await connectSsh(
          { name: profile.name, host: profile.host, port: profile.port, user: profile.user, workDir: profile.workDir, source: 'settings' },
          { hostKey: { knownHostsFiles: [knownHostsFile], trustStore: new TrustStore(path.join(dir, 'store', 'known_hosts')), ask: async () => 'reject' }, agentSocket, homeDir: dir },
        );
        conns.push(c);
        return c;
      };
      const conn = await connect();
      try {
        const live = await readLiveCommit(conn, { workDir: profile.workDir, service: DEMO_SERVICE });
        assert.ok(live.kind === 'found' && live.sha === bad && live.source === 'git' && !live.dirty, JSON.stringify(live));
        assert.equal((await detectComposeCommand(conn)).kind, 'plugin', 'the redeploy runs `docker compose`, as on a host with the v2 plugin');
        const { default: Docker } = await import('dockerode');
        const agent = conn.dockerAgent();
        try {
          const docker = new Docker({ protocol: 'http', host: 'docker', port: 80, agent } as Dockerode.DockerOptions);
          const [app] = await docker.listContainers({ filters: { label: [`com.docker.compose.service=${DEMO_SERVICE}`] } });
          assert.ok(app, 'the compose service runs');
          const logs = ((await docker.getContainer(app.Id).logs({ stdout: true, stderr: true })) as unknown as Buffer).toString('utf8');
          assert.match(logs, /checkout-api 1\.2\.0 starting/);
          assert.match(logs, /connection pool size 2/);
        } finally {
          agent.destroy();
        }

        // The wizard's redeploy to what `stable` named, on this host: the default commands with the compose detected, verified healthy.
        // Probes 1 s apart: /health passes 3 times in about 2 s, before the recreated container's first health
        // check (every 3 s) has run; verify reads the containers again until they are healthy, within the window.
        const compose = await detectComposeCommand(conn);
        const target = repo.releases['v1.1.0'];
        const plan = planRedeploy({ strategy: 'redeploy', sha: target, host: { name: profile.name, workDir: profile.workDir, composeFile: profile.composeFile }, ...(compose.kind === 'none' ? {} : { compose: compose.command }) });
        assert.ok(plan.kind === 'plan', JSON.stringify(plan));
        let output = '';
        const wsRepo = await openRepository(workspace);
        const outcome = await runRollback(
          {
            host: profile.name, who: 'demo', incidentId, from: bad, to: target, strategy: plan.strategy, commands: plan.commands, cwd: plan.cwd, service: DEMO_SERVICE,
            verify: { healthUrl: profile.healthUrl, consecutive: 3, intervalMs: 1000, windowMs: 60_000, service: DEMO_SERVICE, workDir: profile.workDir },
          },
          { connection: conn, reconnect: connect, emit: () => undefined, onOutput: (_i, _s, c) => (output += c.toString()), appendLedger: (e) => appendLedger(wsRepo, e) },
        ).done;
        assert.equal(outcome.kind, 'verified', `${JSON.stringify(outcome)}\n${output}`);
        const containers = outcome.kind === 'verified' ? outcome.checks.find((c) => c.name === 'containers') : undefined;
        assert.match(containers?.detail ?? '', /1 container\(s\) of checkout-api running, 1 healthy by their health check/, JSON.stringify(outcome));
        assert.equal((await host.ssh(`curl -fsS '${profile.healthUrl}'`)).trim(), 'ok 1.1.0');
        const rolledBack = (await readLedger(wsRepo)).entries.find((e) => e.kind === 'rollback');
        assert.ok(rolledBack && rolledBack.sha === target && rolledBack.from === bad, JSON.stringify(rolledBack));
      } finally {
        for (const c of conns) c.end();
      }
    } finally {
      const pids = host ? [host.sshd.pid, host.dockerd.pid, host.dockerd.containerdPid, host.agentPid, host.gitDaemonPid] : [];
      const user = host?.profile.user;
      await host?.stop();
      assert.deepEqual(pids.filter(isAlive), [], 'sshd, dockerd, containerd, ssh-agent and git daemon stopped');
      if (user) assert.throws(() => execFileSync('id', [user], { stdio: 'pipe' }), 'the login user is removed');
      if (host) assert.ok(!fs.existsSync(host.agentSocket) && !fs.existsSync(host.dockerd.socketPath));
    }
  });
});
