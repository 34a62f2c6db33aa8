// The timeline webview's messages, imported by the host (timelinePanel.ts) and the app
// (webview-ui/timeline/main.ts). Every message is validated on arrival against these schemas.
import { defineProtocol, notification, request } from '../shared/ipc';
import { arr, bool, empty, nullable, num, obj, oneOf, optional, str, type Infer } from '../shared/schema';

export const TIMELINE_VIEW_TYPE = 'incidentDesk.timeline';

const MILESTONE = oneOf(['declared', 'acknowledged', 'mitigated', 'resolved'] as const);
const TEXT = str(256 * 1024);
const SHORT = str(4096);

export const rowSchema = obj({
  key: str(300),
  seq: num({ int: true, min: 0 }),
  kind: oneOf(['event', 'damaged'] as const),
  ts: str(64),
  at: str(64),
  type: str(200),
  actor: SHORT,
  text: TEXT,
  backdated: bool(),
  starred: bool(),
  starrable: bool(),
  milestone: nullable(MILESTONE),
  details: arr(obj({ label: str(200), text: TEXT, mono: bool() }), 100),
  runbook: nullable(obj({ path: SHORT, line: num({ int: true, min: 1 }) })),
});

export const incidentInfoSchema = obj({
  id: str(300),
  title: SHORT,
  severity: str(100),
  status: str(100),
  declaredAt: str(64),
  /** Milestones reached, in order, with the time since the one before. */
  milestones: arr(obj({ kind: MILESTONE, at: str(64), afterMs: num(), sincePreviousMs: nullable(num()) }), 10),
  /** The severity's targets: acknowledgement, update cadence (met, missed or still open). */
  targets: arr(obj({ name: str(100), state: oneOf(['met', 'missed', 'pending'] as const), detail: SHORT }), 10),
});

export type WireRow = Infer<typeof rowSchema>;

/** Rows in the first message of a reset: the screenful the view opens on (its top), painted before the rest arrive. */
export const FIRST_ROWS = 200;
/** Rows the app asks for at a time after its first paint. */
export const MORE_ROWS = 2000;
export type IncidentInfo = Infer<typeof incidentInfoSchema>;

const toHost = {
    /** Star (or unstar) an event as a key moment: runs incidentDesk.incident.starEvent / unstarEvent. */
    star: request(obj({ ref: str(300), star: bool() }), obj({ ok: bool() })),
    /** Adds a note (incidentDesk.incident.addNote); `occurredAt` an ISO time with a zone, for a backdated note. */
    addNote: request(obj({ text: str(10_000), occurredAt: optional(str(64)) }), obj({ ok: bool() })),
    /** The shown rows as markdown, to the clipboard or into a new untitled document. */
    exportMarkdown: request(obj({ markdown: str(32 * 1024 * 1024), to: oneOf(['clipboard', 'document'] as const) }), empty()),
    /** Opens the runbook a step came from, at the step's line. */
    openRunbook: request(obj({ path: SHORT, line: num({ int: true, min: 1 }) }), empty()),
    /** Opens the raw timeline.jsonl. */
    openFile: notification(empty()),
    /**
     * The rows of reset `generation` from position `from` in the view's order (after its first rows): a
     * range of the rows as they were at that reset. `stale`: a newer reset was sent, ignore this.
     */
    rows: request(obj({ generation: num({ int: true, min: 0 }), from: num({ int: true, min: 0 }), count: num({ int: true, min: 1, max: MORE_ROWS }) }),
      obj({ rows: arr(rowSchema, MORE_ROWS), stale: bool() })),
    /**
     * After the first rows of a reset are on screen: when (epoch ms), how long since the command, how
     * many rows are in the DOM, when (epoch ms) the reset message arrived in the app, and when its
     * page started loading (performance.timeOrigin).
     */
    painted: notification(obj({ at: num(), sinceCommandMs: num(), renderedRows: num({ int: true, min: 0 }), totalRows: num({ int: true, min: 0 }), heapBytes: nullable(num()), receivedAt: num(), pageAt: num() })),
    /** A row with this key is on screen (tests and the benchmark wait for appended events). */
    shown: notification(obj({ key: str(300), at: num() })),
};

const toWebview = {
    /**
     * On ready and whenever the file was rewritten (git pull): the first rows in the view's order (at
     * most FIRST_ROWS) and how many there are in all (`total`); the app asks for the rest (`rows`,
     * with this `generation`) once these are painted.
     */
    reset: notification(obj({ incident: incidentInfoSchema, rows: arr(rowSchema, FIRST_ROWS), total: num({ int: true, min: 0 }), generation: num({ int: true, min: 0 }), commandAt: nullable(num()) })),
    /** Rows appended (or changed, by key) since the last message; `added`: the keys of those new to the timeline. */
    update: notification(obj({ incident: incidentInfoSchema, upsert: arr(rowSchema, 1_000_000), added: arr(str(300), 1_000_000) })),
};

export type TimelineToHost = typeof toHost;
export type TimelineToWebview = typeof toWebview;
export const timelineProtocol = defineProtocol('timeline', toHost, toWebview);

/** What the app keeps with vscode.setState: the serializer reopens the panel for this incident after a reload. */
export const savedStateSchema = obj({
  incidentId: str(300),
  utc: bool(),
});
export type SavedState = Infer<typeof savedStateSchema>;
