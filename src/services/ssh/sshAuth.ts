// Logging in: the order of authentication methods (as OpenSSH tries them), passphrase and password
// prompts, and the ready timeout that does not count the time a user spends answering them.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnyAuthMethod, NextAuthHandler, ParsedKey } from 'ssh2';
import type { HostProfile } from './hostProfiles';
import { expandHome } from './knownHostsFiles';
import type { ConnectSshDeps, SshLogLevel } from './sshTypes';
import { SshError } from './sshError';

const PASSPHRASE_ATTEMPTS = 3;
const DEFAULT_IDENTITY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export type ParseKey = (data: Buffer | string, passphrase?: Buffer | string) => ParsedKey | Error;

interface AuthStep {
  /** Shown in logs and in the authFailed message; never a secret. */
  readonly label: string;
  /** The server's method name this step needs offered. */
  readonly needs: 'publickey' | 'password';
  prepare(): Promise<AnyAuthMethod | undefined>;
}

/**
 * The login order, driven through ssh2's authHandler so each method is tried once and only while
 * the server still offers it: 'none' first (as OpenSSH does, to learn the methods without
 * sending anything), then the agent, the identity files, the password.
 */
export class AuthSequence {
  /** Methods sent to the server, in order. */
  readonly tried: string[] = [];
  exhausted = false;
  started = false;
  succeededWith: string | undefined;
  private cancelledPrompts = 0;
  private serverMethods: readonly string[] | undefined;
  private sentNone = false;
  private next = 0;
  private readonly steps: AuthStep[];
  private readonly target: string;

  constructor(
    private readonly profile: HostProfile,
    private readonly deps: ConnectSshDeps,
    private readonly timer: ReadyTimer,
    private readonly log: (level: SshLogLevel, message: string) => void,
    private readonly parseKey: ParseKey,
  ) {
    this.target = `${profile.user}@${profile.host}:${profile.port}`;
    this.steps = this.plan();
  }

  readonly handler = (methodsLeft: readonly string[] | null, _partialSuccess: boolean | null, next: NextAuthHandler): void => {
    if (methodsLeft) this.serverMethods = methodsLeft;
    if (this.tried.length > 0) this.log('debug', `${this.target}: ${this.tried[this.tried.length - 1]} refused; the server offers ${methodsLeft?.join(', ') || 'nothing more'}`);
    this.pick(methodsLeft).then(
      (method) => {
        if (method) {
          this.started = true;
          this.succeededWith = this.tried[this.tried.length - 1];
          next(method);
        } else {
          this.exhausted = true;
          // ssh2 takes `false` as "no more methods" (it then ends with a client-authentication error).
          next(false as unknown as AnyAuthMethod);
        }
      },
      (e: unknown) => {
        this.log('error', `${this.target}: choosing a login method failed: ${(e as Error)?.message ?? String(e)}`);
        this.exhausted = true;
        next(false as unknown as AnyAuthMethod);
      },
    );
  };

  /** The error for a login that ended without success, undefined if login never started. */
  failure(serverSaid?: string): SshError | undefined {
    if (!this.exhausted && !this.started) return undefined;
    const tried = this.tried.filter((t) => t !== 'none');
    const offered = this.serverMethods?.length ? ` The server accepts: ${this.serverMethods.join(', ')}.` : '';
    const said = serverSaid ? ` The server said: ${serverSaid}.` : '';
    if (tried.length === 0 && this.cancelledPrompts > 0) {
      return new SshError('authCancelled', `Login to ${this.target} was cancelled.${offered}`);
    }
    const what = tried.length > 0 ? `the server refused ${tried.join(', ')}` : 'there was no usable key, agent or password to try';
    const cancelled = this.cancelledPrompts > 0 ? ' (a prompt was cancelled)' : '';
    return new SshError('authFailed', `Could not log in to ${this.target}: ${what}${cancelled}.${offered}${said}`);
  }

  private async pick(methodsLeft: readonly string[] | null): Promise<AnyAuthMethod | undefined> {
    const username = this.profile.user;
    if (methodsLeft === null && !this.sentNone) {
      this.sentNone = true;
      this.tried.push('none');
      return { type: 'none', username };
    }
    while (this.next < this.steps.length) {
      const step = this.steps[this.next++]!;
      if (methodsLeft && !methodsLeft.includes(step.needs)) continue;
      const method = await step.prepare();
      if (method) {
        this.log('debug', `${this.target}: trying ${step.label}`);
        this.tried.push(step.label);
        return method;
      }
    }
    return undefined;
  }

  private plan(): AuthStep[] {
    const { profile, deps } = this;
    const username = profile.user;
    const home = deps.homeDir ?? os.homedir();
    const steps: AuthStep[] = [];
    const explicit = [...new Set([profile.identityFile, ...(profile.ssh?.identityFiles ?? [])].filter((f): f is string => !!f).map((f) => expandHome(f, home)))];
    const agentSocket = deps.agentSocket === undefined ? process.env.SSH_AUTH_SOCK : deps.agentSocket;
    // IdentitiesOnly: only the configured identity files, not whatever else the agent holds.
    const useAgent = !!agentSocket && !(profile.ssh?.identitiesOnly === true && explicit.length > 0);
    if (useAgent) {
      steps.push({
        label: 'publickey (ssh-agent)',
        needs: 'publickey',
        prepare: async () => {
          try {
            await fsp.stat(agentSocket as string);
          } catch {
            this.log('debug', `${this.target}: no ssh-agent at ${agentSocket}`);
            return undefined;
          }
          return { type: 'agent', username, agent: agentSocket as string };
        },
      });
    }
    const files = explicit.length > 0 ? explicit.map((file) => ({ file, isDefault: false })) : DEFAULT_IDENTITY_FILES.map((name) => ({ file: path.join(home, '.ssh', name), isDefault: true }));
    for (const { file, isDefault } of files) {
      steps.push({ label: `publickey (${file})`, needs: 'publickey', prepare: () => this.loadKey(file, isDefault) });
    }
    steps.push({
      label: 'password',
      needs: 'password',
      prepare: async () => {
        if (!deps.askPassword) return undefined;
        const password = await this.timer.pausedWhile(() => deps.askPassword!(username, profile.host));
        if (password === undefined) {
          this.cancelledPrompts++;
          return undefined;
        }
        return { type: 'password', username, password };
      },
    });
    return steps;
  }

  private async loadKey(file: string, isDefault: boolean): Promise<AnyAuthMethod | undefined> {
    const username = this.profile.user;
    let data: Buffer;
    try {
      data = await (this.deps.readKey ?? ((p: string) => fsp.readFile(p)))(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // The defaults are only candidates; a configured file that is missing is worth saying.
      if (!(isDefault && code === 'ENOENT')) this.log('warn', `${this.target}: cannot read identity file ${file}: ${code ?? (e as Error).message}`);
      return undefined;
    }
    if (!isEncryptedPrivateKey(data)) {
      const key = this.parseKey(data);
      if (key instanceof Error || !key.isPrivateKey()) {
        this.log('warn', `${this.target}: ${file} is not a private key ssh2 can use${key instanceof Error ? `: ${key.message}` : ''}`);
        return undefined;
      }
      return { type: 'publickey', username, key };
    }
    if (!this.deps.askPassphrase) {
      this.log('info', `${this.target}: ${file} is encrypted and there is no way to ask for its passphrase; skipped`);
      return undefined;
    }
    for (let attempt = 1; attempt <= PASSPHRASE_ATTEMPTS; attempt++) {
      const passphrase = await this.timer.pausedWhile(() => this.deps.askPassphrase!(file, attempt));
      if (passphrase === undefined) {
        this.cancelledPrompts++;
        return undefined;
      }
      const key = this.parseKey(data, passphrase);
      if (!(key instanceof Error)) return { type: 'publickey', username, key };
      this.log('info', `${this.target}: wrong passphrase for ${file} (attempt ${attempt} of ${PASSPHRASE_ATTEMPTS})`);
    }
    return undefined;
  }
}

/**
 * Whether a private key file is passphrase-protected, read from its structure (the OpenSSH
 * format's cipher name, PEM's Proc-Type header, PKCS#8's ENCRYPTED label, PuTTY's Encryption line)
 * rather than from a parser's error message.
 */
export function isEncryptedPrivateKey(data: Buffer): boolean {
  const text = data.toString('latin1');
  const openssh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (openssh) {
    const raw = Buffer.from(openssh[1]!.replace(/\s+/g, ''), 'base64');
    const magic = Buffer.from('openssh-key-v1\0', 'latin1');
    if (raw.length < magic.length + 4 || !raw.subarray(0, magic.length).equals(magic)) return false;
    const len = raw.readUInt32BE(magic.length);
    const cipher = raw.subarray(magic.length + 4, magic.length + 4 + len).toString('latin1');
    return cipher !== 'none';
  }
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) return true;
  if (/^Proc-Type:\s*4,ENCRYPTED/m.test(text)) return true;
  if (/^PuTTY-User-Key-File-\d+:/m.test(text)) {
    const enc = /^Encryption:\s*(\S+)/m.exec(text);
    return enc !== null && enc[1] !== 'none';
  }
  return false;
}

/** The ready timeout, paused while the user is being asked something. */
export class ReadyTimer {
  private remaining: number;
  private since = 0;
  private handle: NodeJS.Timeout | undefined;
  private pauses = 0;
  private done = false;
  private onFire: (() => void) | undefined;

  constructor(readonly limitMs: number) {
    this.remaining = limitMs;
  }

  start(onFire: () => void): void {
    if (this.limitMs <= 0) return;
    this.onFire = onFire;
    this.arm();
  }

  async pausedWhile<T>(fn: () => PromiseLike<T>): Promise<T> {
    this.pause();
    try {
      return await fn();
    } finally {
      this.resume();
    }
  }

  stop(): void {
    this.done = true;
    clearTimeout(this.handle);
  }

  private pause(): void {
    if (this.pauses++ === 0 && this.handle !== undefined) {
      clearTimeout(this.handle);
      this.handle = undefined;
      this.remaining -= Date.now() - this.since;
    }
  }

  private resume(): void {
    if (--this.pauses === 0) this.arm();
  }

  private arm(): void {
    if (this.done || this.onFire === undefined || this.pauses > 0) return;
    this.since = Date.now();
    this.handle = setTimeout(() => {
      this.done = true;
      this.onFire?.();
    }, Math.max(0, this.remaining));
  }
}
