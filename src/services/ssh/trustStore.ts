import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../core/util/fsSafe';
import { type KnownHostEntry, type ParsedKnownHosts, entryMatchesHost, formatKnownHostsLine, keyTypeOfBlob, knownHostsName, parseKnownHosts, readKnownHostsFiles } from './knownHosts';
import { knownHostsFiles } from './knownHostsFiles';

const HEADER = [
  '# Host keys trusted from Incident Desk ("Trust always"), in OpenSSH known_hosts format.',
  '# Incident Desk reads ~/.ssh/known_hosts but never writes it; remove a line here to forget a key.',
  '',
].join('\n');

/** Attempts at a compare-and-swap write before giving up (another window kept writing meanwhile). */
const WRITE_ATTEMPTS = 8;

export interface TrustStoreOptions {
  /**
   * Files this store must never be, checked when it is created (default: the user's and the
   * system's known_hosts files). A store pointed at ~/.ssh/known_hosts by mistake throws instead.
   */
  protectedFiles?: readonly string[];
  /** Clock for the "added" comment (tests). */
  now?: () => Date;
}

/**
 * The extension's own host-key trust: a known_hosts-format file in the extension's global storage
 * folder ("trust always", shared by every window) and an in-memory list ("trust once", gone when
 * the extension stops). Same format as OpenSSH so the same parser and lookup apply, and a user can
 * read or copy the file. Host names are written in clear: the file is the extension's, and a
 * reader should be able to see which host a key is for.
 */
export class TrustStore {
  private readonly session: KnownHostEntry[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(readonly file: string, options: TrustStoreOptions = {}) {
    const resolved = path.resolve(file);
    const protectedFiles = options.protectedFiles ?? knownHostsFiles();
    if (protectedFiles.some((p) => path.resolve(p) === resolved)) {
      throw new RangeError(`The trust store cannot be ${file}: Incident Desk never writes the user's known_hosts files`);
    }
    this.now = options.now ?? (() => new Date());
  }

  /** The persisted entries, read fresh (another window may have added some). Missing file: none. */
  async readPersisted(): Promise<ParsedKnownHosts> {
    return readKnownHostsFiles([this.file]);
  }

  /** Keys trusted once in this session (in memory only). */
  sessionEntries(): readonly KnownHostEntry[] {
    return this.session;
  }

  /** Trusts the key for this host and port until the extension stops; nothing is written. */
  trustOnce(host: string, port: number, keyType: string, keyBlob: Buffer): void {
    checkArgs(host, port, keyType, keyBlob);
    if (this.session.some((e) => entryMatchesHost(e, host, port) && e.keyBlob.equals(keyBlob))) return;
    this.session.push({
      line: 0,
      names: { kind: 'patterns', patterns: [{ pattern: knownHostsName(host, port), negated: false }] },
      keyType,
      keyBlob: Buffer.from(keyBlob),
      comment: 'trusted once in this session',
    });
  }

  /**
   * Adds the key to the store file (idempotent), atomically: temp file, fsync, rename. The
   * replacement only happens if the file is still what was read, so two windows trusting two hosts
   * at once both end up in the file.
   */
  async trustAlways(host: string, port: number, keyType: string, keyBlob: Buffer): Promise<void> {
    checkArgs(host, port, keyType, keyBlob);
    const line = formatKnownHostsLine(host, port, keyType, keyBlob, `added by Incident Desk ${this.now().toISOString()}`);
    return this.serialized(() =>
      this.update((current) => {
        const { entries } = parseKnownHosts(current);
        if (entries.some((e) => e.marker === undefined && entryMatchesHost(e, host, port) && e.keyBlob.equals(keyBlob))) return undefined;
        const base = current === '' ? HEADER : current.endsWith('\n') ? current : `${current}\n`;
        return `${base}${line}\n`;
      }),
    );
  }

  /**
   * Removes every key stored for exactly this host and port (file and session), e.g. after the
   * user confirmed a host's new key out of band. Returns how many lines were removed from the file.
   */
  async forget(host: string, port: number): Promise<number> {
    const name = knownHostsName(host, port);
    const isFor = (e: KnownHostEntry) => e.names.kind === 'patterns' && e.names.patterns.length === 1 && e.names.patterns[0]!.pattern === name && !e.names.patterns[0]!.negated;
    for (let i = this.session.length - 1; i >= 0; i--) if (isFor(this.session[i]!)) this.session.splice(i, 1);
    let removed = 0;
    return this.serialized(async () => {
      await this.update((current) => {
        const drop = new Set(parseKnownHosts(current).entries.filter((e) => e.marker === undefined && isFor(e)).map((e) => e.line));
        if (drop.size === 0) return undefined;
        // update() calls this again after writing (then nothing is left): keep the count that was removed.
        removed = Math.max(removed, drop.size);
        return current
          .split('\n')
          .filter((_, i) => !drop.has(i + 1))
          .join('\n');
      });
      return removed;
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Compare-and-swap on the whole file until `change` finds nothing left to do (it returns
   * undefined then). Re-checking after a successful write also repairs the rare case where
   * another writer's rename landed between our check and our rename and dropped our line.
   */
  private async update(change: (current: string) => string | undefined): Promise<void> {
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const current = await readOrEmpty(this.file);
      const next = change(current);
      if (next === undefined) return;
      await writeFileAtomic(this.file, next, async () => (await readOrEmpty(this.file)) === current);
    }
    throw new Error(`${this.file} kept changing while Incident Desk tried to update it; try again`);
  }
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** A host that would read as a pattern or a list (`*`, `?`, `!`, `,`) would trust more than one host. */
function checkArgs(host: string, port: number, keyType: string, keyBlob: Buffer): void {
  if (!/^[^\s,*?!|#[\]]+$/.test(host)) throw new RangeError(`Not a host name to trust: ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`Not a port: ${port}`);
  if (keyTypeOfBlob(keyBlob) !== keyType) throw new RangeError(`The key is not of type ${keyType}`);
}
