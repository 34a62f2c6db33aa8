import * as vscode from 'vscode';
import type { HostKeyAnswer, HostKeyQuestion } from '../services/ssh/hostKeyVerifier';

interface AnswerItem extends vscode.QuickPickItem {
  readonly answer: HostKeyAnswer;
}

/**
 * The unknown-host-key question, as OpenSSH asks it: the key type and SHA256 fingerprint to compare,
 * and nothing trusted unless chosen. A quick pick rather than a modal: a modal's first button is its
 * default, so Enter would trust. Here the first (active) item is Refuse, so Enter alone refuses, as
 * does Escape or closing the pick.
 */
export async function askHostKey(q: HostKeyQuestion, name: string): Promise<HostKeyAnswer> {
  const items: AnswerItem[] = [
    { label: 'Refuse (default)', description: 'cancel the connection; nothing has been sent', answer: 'reject' },
    { label: 'Trust once', description: 'until this window closes', answer: 'once' },
    { label: 'Trust always', description: "kept in Incident Desk's trust store (never written to ~/.ssh/known_hosts)", answer: 'always' },
  ];
  for (const item of items) {
    item.detail = `${q.keyType} ${q.fingerprint}`;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: `Unknown host key for ${name} (${q.host}:${q.port}): ${q.keyType} ${q.fingerprint}`,
    placeHolder: `Compare ${q.fingerprint} with the server's (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on it) before trusting it`,
    // Time to compare the fingerprint elsewhere; the question stays until answered.
    ignoreFocusOut: true,
  });
  return pick?.answer ?? 'reject';
}
