// What the rollback wizard probe (runs in the extension host, imports vscode) and its launcher
// (plain node, drives the page) share: the env var with the request, the handshake files, the result.

/** Env var with the JSON request; the server's environment reaches the extension host. */
export const WIZARD_ENV = 'INCIDENT_DESK_BENCH_WIZARD';
/** The command a user runs (Incident: Roll Back…). */
export const ROLLBACK_COMMAND = 'incidentDesk.incident.rollback';

export interface WizardProbeRequest {
  readonly incidentId: string;
  /** Opens per round: the first in a fresh window, then closed and opened again. */
  readonly opens: number;
  /**
   * Handshake folder: before open k the probe writes `open-<k>` (its command time); the launcher,
   * which watches the page, answers `painted-<k>` (a PaintReport) once the candidates are painted.
   */
  readonly flagDir: string;
  /** While this file exists, a round measures only the plain tool: a bare webview (timelineProbe's). */
  readonly bareFlag: string;
}

/** When the Target step's candidates were painted, read in the webview's frame (epoch ms). */
export interface PaintReport {
  /** The paint (a frame after the first `.choice` entered the app's shadow DOM). */
  readonly paintedAt: number;
  /** The webview page's performance.timeOrigin: when its document started loading. */
  readonly pageAt: number;
  /** When the app's element was created (its script ran; it says ready to the host then); null when not seen. */
  readonly appAt: number | null;
  /** `.choice` rows painted (the last stable commit and its candidates). */
  readonly choices: number;
  /**
   * Who timed it: 'app' (the app's own `data-candidates-painted-at` on <body>), 'observer' (the
   * launcher's init script: a MutationObserver on the app's shadow root, then one animation frame),
   * 'poll' (seen by polling only: an upper bound).
   */
  readonly via: 'app' | 'observer' | 'poll';
}

export interface WizardOpen {
  /** executeCommand(ROLLBACK_COMMAND) to the candidates painted (webview clock). */
  readonly paintMs: number;
  /** ms after the command: the panel existed (host), the page started, the app's script ran, the data was sent (host, lastTarget), painted. */
  readonly split: { readonly panelMs: number | null; readonly pageMs: number; readonly appMs: number | null; readonly sentMs: number | null; readonly paintedMs: number };
  readonly choices: number;
  readonly via: PaintReport['via'];
  /** What the host sent: the stable commit, candidates, commits passed over. */
  readonly stable: string | null;
  readonly candidates: number;
  readonly rejected: number;
}

export interface WizardProbeOk {
  readonly ok: true;
  readonly opens: readonly WizardOpen[];
}

export type WizardProbeResult = WizardProbeOk | { readonly ok: true; readonly bare: true; readonly scriptMs: number; readonly pageMs: number; readonly warmScriptMs: number } | { readonly ok: false; readonly error: string };
