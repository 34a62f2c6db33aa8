/** Longest output kept per step to check `expect` against (the end of it: where results are). */
export const MAX_EXPECT_OUTPUT = 256 * 1024;

// CSI, OSC (terminated by BEL or ST), and other two-byte escapes, as terminals emit them.
// eslint-disable-next-line no-control-regex -- matching control sequences is the point
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Terminal output as plain text: escape sequences and control characters removed, CRLF as LF. */
export function plainOutput(raw: string): string {
  return raw.replace(/\r\n/g, '\n').replace(ESCAPES, '');
}

export interface Expectation {
  /** As written in the runbook. */
  pattern: string;
  test(output: string): boolean;
}

/**
 * A YAML step's `expect`: `/regex/flags` is a regular expression, anything else is text that must
 * appear in the output. An invalid regex is reported, not thrown.
 */
export function parseExpectation(pattern: string): Expectation | { error: string } {
  const re = /^\/(.+)\/([imsu]*)$/s.exec(pattern);
  if (!re) return { pattern, test: (out) => out.includes(pattern) };
  try {
    const rx = new RegExp(re[1], re[2]);
    return { pattern, test: (out) => rx.test(out) };
  } catch (e) {
    return { error: `expect ${pattern} is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}` };
  }
}
