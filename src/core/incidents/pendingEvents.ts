import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isTimelineEvent, type TimelineEvent } from '../timeline/events';
import { writeFileAtomic } from '../util/fsSafe';

/** One change the disk refused, as kept outside the workspace until it is written. */
export interface PersistedEvent {
  /** The incident (its folder name). */
  id: string;
  event: TimelineEvent;
  /** A declaration: the incident's folder may not exist yet. */
  create: boolean;
  /** The event reached the timeline; only the record rewrite is left. */
  eventWritten: boolean;
}

/** Where the refused events are kept (the extension passes a file in its storage). */
export interface PendingPersistence {
  /** Everything kept; an empty list when nothing is (or the store cannot be read). */
  load(): Promise<PersistedEvent[]>;
  /** Replaces what is kept with `events` (empty: nothing is left to write). */
  save(events: readonly PersistedEvent[]): Promise<void>;
}

interface FileShape {
  version: 1;
  /** The workspace folder these belong to, for a person reading the file. */
  root: string;
  /** Keyed by incident, each in the order the changes were made. */
  incidents: Record<string, Array<Omit<PersistedEvent, 'id'>>>;
}

/** Refused events kept in one JSON file, replaced atomically (temp file, fsync, rename). */
export class FilePendingPersistence implements PendingPersistence {
  constructor(private readonly file: string, private readonly root: string) {}

  async load(): Promise<PersistedEvent[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const data = JSON.parse(text) as Partial<FileShape>;
    const out: PersistedEvent[] = [];
    for (const [id, list] of Object.entries(data.incidents ?? {})) {
      if (!Array.isArray(list)) continue;
      for (const p of list) {
        if (p && isTimelineEvent(p.event)) out.push({ id, event: p.event, create: p.create === true, eventWritten: p.eventWritten === true });
      }
    }
    return out;
  }

  async save(events: readonly PersistedEvent[]): Promise<void> {
    if (events.length === 0) {
      await fsp.unlink(this.file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      return;
    }
    const incidents: FileShape['incidents'] = {};
    for (const { id, ...rest } of events) (incidents[id] ??= []).push(rest);
    const shape: FileShape = { version: 1, root: this.root, incidents };
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify(shape, null, 1) + '\n');
  }
}

/** Keeps nothing: for a store without extension storage (tests, the CLI). */
export const NO_PERSISTENCE: PendingPersistence = {
  load: async () => [],
  save: async () => undefined,
};

/**
 * The refused events of one store, mirrored to its persistence after every attempt, so they
 * survive a window reload or close. Saves run one at a time, in order: the last one wins.
 */
export class PendingEvents {
  private saving: Promise<void> = Promise.resolve();
  private lastSaved = '[]';

  constructor(private readonly persistence: PendingPersistence, private readonly log: (message: string) => void = () => undefined) {}

  /** What was kept by an earlier session, in order; never throws (a bad store is logged, then ignored). */
  async restore(): Promise<PersistedEvent[]> {
    try {
      const events = await this.persistence.load();
      this.lastSaved = JSON.stringify(events);
      return events;
    } catch (e) {
      this.log(`refused events kept from an earlier session cannot be read: ${String(e)}`);
      return [];
    }
  }

  /** Records `events` as what is left to write; resolves once stored (a failure is logged, the events stay in memory). */
  sync(events: readonly PersistedEvent[]): Promise<void> {
    const snapshot = events.map((e) => ({ id: e.id, event: e.event, create: e.create, eventWritten: e.eventWritten }));
    const json = JSON.stringify(snapshot);
    this.saving = this.saving.then(async () => {
      if (json === this.lastSaved) return;
      try {
        await this.persistence.save(snapshot);
        this.lastSaved = json;
      } catch (e) {
        this.log(`could not keep ${snapshot.length} refused event(s) in the extension's storage: ${String(e)}`);
      }
    });
    return this.saving;
  }
}
