import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Emitter } from '../util/emitter';
import { UnsafePathError } from '../util/fsSafe';
import { isoNow, utcDate } from '../util/time';
import type { TimelineEvent, TimelineProblem } from '../timeline/events';
import { newEventId } from '../timeline/eventRef';
import { isEventType } from '../timeline/eventTypes';
import { changeOf, declare, type Change, type DeclareInput } from './actions';
import { loadIncident, scanIncidentsFolder, type IncidentEntry, type LoadedIncident } from './incidentLoader';
import { folderIsFree, writeOp, type PendingOp, type WriteHooks } from './incidentWriter';
import type { Incident } from './model';
import { NO_PERSISTENCE, PendingEvents, type PendingPersistence } from './pendingEvents';
import { eventKey } from './replay';
import { incidentId } from './slug';
import { RETRYABLE_CODES, StoreError } from './storeErrors';
import { redactTexts, type RedactOptions } from '../redaction/redact';
import { redactChange } from './redactChange';

export const INCIDENTS_FOLDER = 'incidents';

/**
 * Every new event passes here on its way to the disk (extension and CLI alike): it gets its id
 * (in place, so the caller can reference what it wrote), and a type outside the closed list is a bug.
 * Changes restored from an earlier session keep what they had: an id added now would make a line
 * that already reached the timeline look new.
 */
function stampEvent(event: TimelineEvent, now: number): void {
  if (!isEventType(event.type)) throw new Error(`Incident Desk does not write events of type ${JSON.stringify(event.type)} (see EVENT_TYPES)`);
  if (typeof event.id !== 'string') event.id = newEventId(now);
}

export interface StoreOptions {
  /** Workspace folder that holds incidents/. */
  root: string;
  now?: () => number;
  /** Diagnostics sink (the extension passes its log channel). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /**
   * Where changes the disk refused are kept so they survive a window reload or close (the
   * extension's storage); restored and retried by restorePending(). Unset: memory only.
   */
  pending?: PendingPersistence;
  /** Test hooks into each write (e.g. a crash between the timeline append and the record write). */
  writeHooks?: WriteHooks;
  /**
   * The team's own redaction patterns (`incidentDesk.redact.patterns`), read at each change. Every
   * event is redacted before it is queued, whatever this says (see redactChange).
   */
  redaction?: () => RedactOptions;
}

/** Newly found unreadable timeline lines, to report once. */
export interface DamageReport {
  id: string;
  problems: TimelineProblem[];
}

/**
 * The incidents of one workspace folder: read from incidents/, written only through here.
 * Every change is an event appended (fsynced) to the timeline plus an atomic rewrite of the record;
 * a change the disk refuses stays queued, in order, and is retried; it is also kept in the
 * extension's storage (PendingPersistence) so a reload or a closed window does not lose it.
 */
export class IncidentStore {
  readonly incidentsDir: string;
  private readonly now: () => number;
  private readonly log: NonNullable<StoreOptions['log']>;
  private readonly writeHooks: WriteHooks | undefined;
  private readonly redaction: () => RedactOptions;
  /** Redactions finish in the order the changes were made, so the queue keeps that order. */
  private redacting: Promise<unknown> = Promise.resolve();
  private readonly kept: PendingEvents;
  private entries = new Map<string, IncidentEntry>();
  private folderError: string | undefined;
  private readonly pending: PendingOp[] = [];
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly reportedDamage = new Set<string>();
  /**
   * Reads finish out of order. Per incident, the number of the read its entry came from: a result is
   * applied unless a read that started later (and so saw the disk as new or newer) was applied
   * already, so a write's own re-read is in the entry when the write returns.
   */
  private readSeq = 0;
  private readonly appliedRead = new Map<string, number>();
  private latestScan = 0;
  /** What the files of each incident looked like when last read (see checkForChanges). */
  private readonly signatures = new Map<string, string>();
  private checking = false;
  private readonly changed = new Emitter<void>();
  private readonly damaged = new Emitter<DamageReport>();
  readonly onDidChange = this.changed.event;
  readonly onDidFindDamage = this.damaged.event;
  loaded = false;

  constructor(options: StoreOptions) {
    this.incidentsDir = path.join(options.root, INCIDENTS_FOLDER);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.writeHooks = options.writeHooks;
    this.redaction = options.redaction ?? (() => ({}));
    this.kept = new PendingEvents(options.pending ?? NO_PERSISTENCE, (m) => this.log('warn', m));
  }

  /**
   * Brings back the changes an earlier session could not write (kept in the extension's storage),
   * shows them as unsaved, and tries them again; resolves to how many are still waiting.
   */
  async restorePending(): Promise<number> {
    const kept = await this.kept.restore();
    // Kept by an earlier version, perhaps before redaction existed: redacted before it is written.
    const restored = await Promise.all(kept.map(async (r) => ({ ...r, event: (await redactChange(r.id, changeOf(r.id, r.event as Change['event']), this.redaction())).event })));
    const known = new Set(this.pending.map((p) => `${p.id} ${eventKey(p.change.event)}`));
    for (const r of restored) {
      if (known.has(`${r.id} ${eventKey(r.event)}`)) continue;
      // restored: the event may have reached the timeline just before the window closed.
      // It was made by a writer of this product (its type checked then), and is written as it was kept.
      this.pending.push({ id: r.id, change: changeOf(r.id, r.event as Change['event']), eventWritten: r.eventWritten, create: r.create, restored: true, lastError: 'not yet written (kept from an earlier session)' });
    }
    if (restored.length) {
      this.log('info', `${restored.length} change(s) kept from an earlier session are retried`);
      this.changed.fire();
    }
    return this.retryPending();
  }

  /** All entries: loaded incidents, broken records, and declarations not yet on disk. */
  list(): IncidentEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): LoadedIncident | undefined {
    const e = this.entries.get(id);
    return e?.kind === 'incident' ? e : undefined;
  }

  /** incidents/ itself is unusable (e.g. a symbolic link). */
  get problem(): string | undefined {
    return this.folderError;
  }

  /** Changes kept in memory because the disk refused them. */
  pendingFor(id?: string): PendingOp[] {
    return id === undefined ? [...this.pending] : this.pending.filter((p) => p.id === id);
  }

  /**
   * Changes the disk refused: tried and failed (or kept from an earlier session), with the changes
   * of the same incident queued behind them. This is what "unsaved" means to the user; a change
   * whose first write is still under way is queued (pendingFor) but not unsaved.
   */
  unsavedFor(id?: string): PendingOp[] {
    const refused = new Set(this.pending.filter((p) => p.lastError !== undefined).map((p) => p.id));
    return this.pending.filter((p) => refused.has(p.id) && (id === undefined || p.id === id));
  }

  /** Declarations the disk refused, which exist only in memory: shown so the user knows they are not lost. */
  unsavedDeclarations(): Incident[] {
    return this.unsavedFor().filter((p) => p.create && !this.entries.has(p.id)).map((p) => p.change.apply(undefined)!).filter(Boolean);
  }

  async loadAll(): Promise<void> {
    let scan;
    // Each load states the folder's problem afresh: a fixed folder clears it, a failed listing sets it.
    try {
      scan = await scanIncidentsFolder(this.incidentsDir);
      this.folderError = scan.error;
    } catch (e) {
      this.folderError = `incidents/ cannot be read: ${(e as Error).message}`;
      scan = { ids: [] as string[] };
    }
    const seq = ++this.readSeq;
    this.latestScan = seq;
    const loaded = await Promise.all(scan.ids.map((id) => this.loadOne(id)));
    const fresh = (id: string) => seq > (this.appliedRead.get(id) ?? 0);
    if (this.latestScan !== seq) {
      // A newer scan decides which incidents exist; what this one read of known ones still counts.
      scan.ids.forEach((id, i) => {
        const entry = loaded[i];
        if (entry && this.entries.has(id) && fresh(id)) {
          this.entries.set(id, entry);
          this.appliedRead.set(id, seq);
        }
      });
      this.changed.fire();
      return;
    }
    const next = new Map<string, IncidentEntry>();
    scan.ids.forEach((id, i) => {
      // An incident re-read (and applied) since this scan started keeps its newer entry.
      let entry = this.entries.get(id);
      if (fresh(id)) {
        entry = loaded[i];
        this.appliedRead.set(id, seq);
      }
      if (entry) next.set(id, entry);
    });
    this.entries = next;
    this.loaded = true;
    this.changed.fire();
  }

  /** Re-reads one incident (after an external edit, or our own write). */
  async reload(id: string): Promise<void> {
    const seq = ++this.readSeq;
    const entry = await this.loadOne(id);
    if (seq < (this.appliedRead.get(id) ?? 0)) return; // a read that started later is in the entry already
    this.appliedRead.set(id, seq);
    if (entry) this.entries.set(id, entry);
    else this.entries.delete(id);
    this.changed.fire();
  }

  private async loadOne(id: string): Promise<IncidentEntry | undefined> {
    // The signature is taken before reading: a change during the read shows up on the next check.
    this.signatures.set(id, await this.signatureOf(id));
    const entry = await loadIncident(this.incidentsDir, id, isoNow(this.now()), (e) => this.log('warn', `could not copy damaged timeline lines of ${id} aside: ${String(e)}`));
    if (entry?.kind === 'incident' && entry.problems.length) {
      const fresh = entry.problems.filter((p) => !this.reportedDamage.has(`${id}:${p.offset}`));
      fresh.forEach((p) => this.reportedDamage.add(`${id}:${p.offset}`));
      if (fresh.length) {
        for (const p of fresh) this.log('warn', `${path.join(entry.dir, 'timeline.jsonl')}:${p.line}:${p.column}: ${p.message}`);
        this.damaged.fire({ id, problems: fresh });
      }
    }
    return entry;
  }

  /**
   * Re-reads what changed on disk since it was last read, by comparing stat signatures. File
   * watchers miss events (folders created in a burst by git, network file systems), so the
   * extension calls this on a timer as a safety net; it costs two stats per incident.
   */
  async checkForChanges(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      let scan;
      try {
        scan = await scanIncidentsFolder(this.incidentsDir);
      } catch {
        return; // loadAll reports an unreadable folder; the next check tries again
      }
      const known = [...this.entries.keys()].sort();
      if ((scan.error ?? '') !== (this.folderError ?? '') || scan.ids.join('\n') !== known.join('\n')) {
        await this.loadAll();
        return;
      }
      for (const id of scan.ids) {
        if ((await this.signatureOf(id)) !== this.signatures.get(id)) await this.reload(id);
      }
    } finally {
      this.checking = false;
    }
  }

  private async signatureOf(id: string): Promise<string> {
    const dir = path.join(this.incidentsDir, id);
    const parts = await Promise.all(['incident.yaml', 'timeline.jsonl', ''].map(async (f) => {
      try {
        const st = await fsp.lstat(f ? path.join(dir, f) : dir);
        return `${st.ino}:${st.size}:${st.mtimeMs}:${st.mode}`;
      } catch {
        return '-';
      }
    }));
    return parts.join('|');
  }

  /** Declares a new incident; returns it once its folder, event and record are on disk. */
  async declare(raw: Omit<DeclareInput, 'id'>, actor: string): Promise<Incident> {
    const ms = this.now();
    // Before the id is made from the title: a secret in a title must not reach a folder name either.
    const { texts: [title, service, summary], kinds } = await this.inOrder(() => redactTexts([raw.title, raw.service, raw.summary ?? ''], this.redaction()));
    const input = { ...raw, title: title!, service: service!, ...(raw.summary === undefined ? {} : { summary: summary! }) };
    const taken = new Set([...this.entries.keys(), ...this.pending.map((p) => p.id)]);
    let id = incidentId(utcDate(ms), input.title, taken);
    try {
      while (!(await folderIsFree(this.incidentsDir, id))) {
        taken.add(id);
        id = incidentId(utcDate(ms), input.title, taken);
      }
    } catch (e) {
      // incidents/ cannot even be listed: the write below will fail and queue with a clear error.
      this.log('warn', `checking ${id} is free: ${String(e)}`);
    }
    const change = declare({ ...input, id }, actor, isoNow(ms));
    if (kinds.length) change.event.data = { ...change.event.data, redacted: kinds };
    await this.enqueue({ id, change, eventWritten: false, create: true });
    return this.get(id)?.incident ?? change.apply(undefined)!;
  }

  /**
   * Records a change on an existing incident. Throws StoreError('recordInvalid') for a record that
   * cannot be read (nothing written); when the change stays queued, StoreError('writeFailed') for a
   * disk refusal, or the writer's own reason ('recordInvalid', 'unsafePath').
   */
  async record(id: string, change: Change): Promise<Incident | undefined> {
    const entry = this.entries.get(id);
    const queued = this.pending.some((p) => p.id === id);
    if (!entry && !queued) throw new StoreError('notFound', `No incident ${id} in incidents/.`);
    if (entry?.kind === 'broken' && !queued) {
      // Nothing can be applied to a record that cannot be read: refuse before appending anything.
      throw new StoreError('recordInvalid', `${entry.message} (${entry.file}${entry.line ? `:${entry.line}:${entry.column ?? 1}` : ''}). Fix it, then try again.`,
        { file: entry.file, line: entry.line, column: entry.column });
    }
    await this.enqueue({ id, change, eventWritten: false, create: false });
    return this.get(id)?.incident;
  }

  /** Tries every queued change again, in order; resolves to how many are still queued. */
  async retryPending(): Promise<number> {
    const ids = [...new Set(this.pending.map((p) => p.id))];
    await Promise.all(ids.map((id) => this.serial(id, () => this.flush(id)).catch(() => undefined)));
    return this.pending.length;
  }

  /** Runs `fn` after every redaction started before it (they take different times; the queue keeps the order of the calls). */
  private inOrder<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.redacting.then(fn, fn);
    this.redacting = run.catch(() => undefined);
    return run;
  }

  private async enqueue(raw: PendingOp): Promise<void> {
    stampEvent(raw.change.event, this.now());
    // Nothing unredacted is queued: not the timeline, the record, the unsaved-changes storage or the log.
    const op = { ...raw, change: await this.inOrder(() => redactChange(raw.id, raw.change, this.redaction())) };
    this.pending.push(op);
    await this.serial(op.id, () => this.flush(op.id));
    if (this.pending.includes(op)) {
      // Keep the writer's reason (a broken record, a symbolic link) so the caller can point at it;
      // only a refusal by the disk is 'writeFailed'. The change stays queued either way.
      if (StoreError.is(op.failure) && op.failure.reason !== 'writeFailed') throw op.failure;
      if (UnsafePathError.is(op.failure)) {
        throw new StoreError('unsafePath', `${op.failure.message}. The change is kept in memory; fix the folder, then retry.`, { file: op.failure.target });
      }
      // An op queued behind an earlier failed one was not tried: report the earlier failure.
      const why = op.lastError ?? this.pending.find((p) => p.id === op.id && p.lastError)?.lastError ?? 'an earlier change is still waiting';
      throw new StoreError('writeFailed', `Could not save to ${path.join(this.incidentsDir, op.id)}: ${why}. The change is kept in memory and retried; nothing already written was changed.`,
        { file: path.join(this.incidentsDir, op.id) });
    }
  }

  /** Runs `fn` after any earlier write of the same incident from this window. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    this.chains.set(id, run.catch(() => undefined));
    return run;
  }

  private async flush(id: string): Promise<void> {
    let wrote = false;
    try {
      for (const op of this.pending.filter((p) => p.id === id)) {
        try {
          await writeOp(this.incidentsDir, op, this.writeHooks);
          wrote = true;
          this.pending.splice(this.pending.indexOf(op), 1);
        } catch (e) {
          if (StoreError.is(e) && e.reason === 'notFound' && !op.create && op.change.event.type === 'escalation') {
            // The folder was removed (deleted, or another branch checked out). An escalation step is
            // derived from the clock, not written by anyone: it is recorded again if the incident
            // comes back, so it is dropped rather than left unsaved forever for an incident not shown.
            this.log('warn', `${id} is no longer in incidents/: its ${op.change.event.type} step is not recorded`);
            this.pending.splice(this.pending.indexOf(op), 1);
            continue;
          }
          op.lastError = describe(e);
          op.failure = e;
          this.log('error', `saving ${op.change.event.type} for ${id}: ${op.lastError}`);
          if (StoreError.is(e) || UnsafePathError.is(e) || isRetryable(e)) return;
          throw e;
        }
      }
    } finally {
      if (wrote || this.pending.some((p) => p.id === id)) await this.reload(id);
      await this.kept.sync(this.pending.map((p) => ({ id: p.id, event: p.change.event, create: p.create, eventWritten: p.eventWritten })));
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.damaged.dispose();
  }
}

function isRetryable(e: unknown): boolean {
  return RETRYABLE_CODES.has((e as NodeJS.ErrnoException)?.code ?? '');
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code && err.syscall) return `${err.code} (${err.syscall}${err.path ? ` ${err.path}` : ''})`;
  return err instanceof Error ? err.message : String(e);
}
