// Shared by the rollback's host tests: a real sshd, connections to it trusting its key through a
// temp known_hosts (never the real ~/.ssh), and a helper that runs a command as the login user.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { HostProfile } from '../../../../src/services/ssh/hostProfiles';
import { type SshConnection, connectSsh } from '../../../../src/services/ssh/sshConnection';
import { TrustStore } from '../../../../src/services/ssh/trustStore';
import type { Sshd } from '../../../services/sshd';
import type { TempDirs } from '../../support/tempDirs';

export interface HostWorld {
  /** Logs in as the server's user; `port`: the same profile on another port (nothing listening there: unreachable). */
  connect(port?: number): Promise<SshConnection>;
  /** Runs `command` through the login user's shell; stdout, or a failure with stderr. */
  sh(conn: SshConnection, command: string): Promise<string>;
}

export async function hostWorld(sshd: Sshd, temp: TempDirs): Promise<HostWorld> {
  const dir = await temp.make('ids-host-');
  const knownHosts = path.join(dir, 'known_hosts');
  await fsp.writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const trustStore = new TrustStore(path.join(dir, 'store', 'known_hosts'), { protectedFiles: [knownHosts] });
  const profile: HostProfile = { name: 'rollback-host', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, source: 'settings' };
  return {
    connect: (port?: number) =>
      connectSsh(port === undefined ? profile : { ...profile, port }, {
        hostKey: { knownHostsFiles: [knownHosts], trustStore, ask: async () => 'reject' },
        agentSocket: false,
        homeDir: dir,
        readyTimeoutMs: 15_000,
      }),
    async sh(conn, command) {
      let stdout = '';
      let stderr = '';
      const result = await conn.exec(command, { onData: (s, c) => (s === 'stdout' ? (stdout += c.toString()) : (stderr += c.toString())) }).done;
      // An unknown outcome (the exit status lost under load) is accepted when nothing went to stderr.
      assert.ok(result.outcome === 'exited' ? result.exitCode === 0 : result.outcome === 'unknown' && stderr === '', `${command}: ${JSON.stringify(result)} ${stderr}`);
      return stdout;
    },
  };
}

export function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}
