import * as vscode from 'vscode';
import { readUseSystemSsh } from '../../config/settings';
import { sshTerminalClosed, sshTerminalOpened } from '../../core/remote/remoteEvents';
import { SshTerminal } from '../../terminals/sshTerminal';
import { Cancelled, InvalidInput, type CommandDefinition } from '../commandRunner';
import { hostArg, recordOnFocused } from './remoteArgs';
import { requireTrust } from '../commandGuards';

/**
 * Open SSH Terminal: a shell on a host in a VS Code terminal, over the built-in client (host key
 * checked before anything is sent) or, with incidentDesk.ssh.useSystemClient, the system `ssh` in a
 * plain terminal. Opening and closing land on the focused incident's timeline.
 */
export const openSshTerminal: CommandDefinition = {
  id: 'incidentDesk.ssh.openTerminal',
  async run(ctx, arg) {
    requireTrust('Opening an SSH terminal');
    const hosts = ctx.remote.hosts;
    const name = hostArg(arg) ?? (await hosts.pick('Open SSH Terminal'));
    if (!name) throw new Cancelled();
    await hosts.ready();
    const profile = hosts.get(name);
    if (!profile) throw new InvalidInput(`No host named "${name}". Hosts come from the incidentDesk.hosts setting and ~/.ssh/config.`);
    const address = `${profile.user}@${profile.host}:${profile.port}`;
    const iconPath = new vscode.ThemeIcon('remote');
    if (readUseSystemSsh()) {
      const args = await hosts.systemSshArgs(name);
      const terminal = vscode.window.createTerminal({ name: `SSH: ${name}`, shellPath: 'ssh', shellArgs: args, iconPath });
      const closing = vscode.window.onDidCloseTerminal((t) => {
        if (t !== terminal) return;
        closing.dispose();
        const code = t.exitStatus?.code;
        // ssh exits 255 on its own errors (refused, host key, lost connection), else with the shell's status.
        const how = t.exitStatus?.reason === vscode.TerminalExitReason.User || code === undefined ? 'closed' : code === 255 ? 'dropped' : 'exited';
        const detail = how === 'closed' ? undefined : how === 'dropped' ? 'ssh exited with 255' : `exit ${code}`;
        void recordOnFocused(ctx, (actor, ts) => sshTerminalClosed(name, how, detail, actor, ts)).catch((e: unknown) => ctx.log.warn(`recording the SSH terminal: ${String(e)}`));
      });
      terminal.show();
      await recordOnFocused(ctx, (actor, ts) => sshTerminalOpened(name, `${address} (system ssh)`, undefined, actor, ts));
      return name;
    }
    const pty = new SshTerminal(hosts, name, {
      opened: (conn) => void recordOnFocused(ctx, (actor, ts) => sshTerminalOpened(name, address, conn.hostKeyFingerprint, actor, ts)).catch((e: unknown) => ctx.log.warn(`recording the SSH terminal: ${String(e)}`)),
      closed: (how, detail) => void recordOnFocused(ctx, (actor, ts) => sshTerminalClosed(name, how, detail, actor, ts)).catch((e: unknown) => ctx.log.warn(`recording the SSH terminal: ${String(e)}`)),
    });
    const terminal = vscode.window.createTerminal({ name: `SSH: ${name}`, pty, iconPath });
    terminal.show();
    return name;
  },
};
