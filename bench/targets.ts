// Every figure's bar in one place (issue 9's raised targets, and the ones kept from before). A ratio
// bounds ours / the plain tool (median over rounds); an absolute target bounds the value.

/** Timeline append + fsync, p50 and p99: ≤ 1.1× the plain tool, or within 0.2 ms of it. */
export const APPEND_TARGET_RATIO = 1.1;
export const APPEND_TOLERANCE_MS = 0.2;
/** Loading a 10,000-event incident: ≤ 1.2× a plain read + JSON.parse per line. */
export const LOAD_TARGET_RATIO = 1.2;
/** Time inside activate(), in the real extension host. */
export const ACTIVATION_TARGET_MS = 10;
/** SSH to an interactive prompt: no slower than OpenSSH's client. */
export const SSH_PROMPT_TARGET_RATIO = 1.0;
/** Docker logs of 1M lines through our pipeline: ≤ 1.1× the time of `docker logs` to /dev/null. */
export const DOCKER_LOGS_TARGET_RATIO = 1.1;
/** What the log pipeline (outside the extension host) retains while 1M lines pass: ≤ 50 MB. */
export const PIPELINE_MEMORY_TARGET_BYTES = 50_000_000;
/** A 1M-line burst into a log view in the real extension host: ≤ 50 MB retained by the host. */
export const HOST_LOG_VIEW_MEMORY_TARGET_BYTES = 50_000_000;
/** Runbook index, cold (the catalog: titles only): ≤ 2× plain reads of the same files, and ≤ 1 s. */
export const RUNBOOK_CATALOG_TARGET_RATIO = 2;
export const RUNBOOK_CATALOG_TARGET_MS = 1000;
/** Re-indexing one changed runbook. */
export const RUNBOOK_UPDATE_TARGET_MS = 20;
/** The .vsix users download (MB = 1,000,000 B). */
export const VSIX_TARGET_BYTES = 1_500_000;
/** A post-mortem draft from a 10,000-event incident (load, milestones, render). */
export const POSTMORTEM_DRAFT_TARGET_MS = 100;
/** Timeline of a 10,000-event incident, in the real host and webview: Open Timeline to the first rows painted. */
export const TIMELINE_FIRST_PAINT_TARGET_MS = 300;
/** Rows in the webview's DOM, whatever the number of events (the list is virtualised). */
export const TIMELINE_RENDERED_ROWS_TARGET = 200;
/** An event appended by another process, from its fsync to its row on screen, p95. */
export const TIMELINE_APPEND_SHOWN_P95_TARGET_MS = 250;
/** The last stable commit on a 100,000-commit repository with 2,000 tags and 5,000 ledger lines: ≤ 1 s and ≤ 1.5× the raw git reads. */
export const LAST_STABLE_TARGET_MS = 1000;
export const LAST_STABLE_TARGET_RATIO = 1.5;
/** A host command on an open connection against the same command through `ssh` reusing a ControlMaster (median over rounds). */
export const HOST_COMMAND_TARGET_RATIO = 1.2;
/** Incident: Roll Back… to the Target step's candidates painted, on a 1,000-commit repository. */
export const WIZARD_OPEN_TARGET_MS = 500;
