/** Runbook files larger than this are refused rather than parsed (markdown and YAML alike). */
export const MAX_RUNBOOK_BYTES = 2 * 1024 * 1024;
