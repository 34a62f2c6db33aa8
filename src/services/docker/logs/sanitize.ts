// Log lines come from programs we do not control and are shown in a terminal-like view: anything a
// terminal would act on (cursor moves, screen clears, title changes, OSC 52 clipboard writes, OSC 8
// links, device control strings, mode switches) must not survive, only the colours.
//
// One pass of one regex: every control character starts some alternative, so whatever is not
// matched is plain text, and the output's only ESCs are the SGR sequences kept whole.

/** Any C0 control except TAB, DEL, any C1 control: the only characters that can start a sequence. */
// eslint-disable-next-line no-control-regex -- finding control characters is this module's job
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

const SEQUENCE = new RegExp(
  [
    // 1: SGR (colour and style), kept by sanitize(): ESC [ digits ; : m
    '(\\x1b\\[[0-9;:]*m)',
    // Any other CSI, 7-bit or 8-bit: parameters, intermediates, final byte (missing when cut short).
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?',
    // OSC up to BEL or ST, or to the end of the line when unterminated. An ESC that is not ST
    // ends it the way terminals do, and is then matched as a sequence of its own.
    '(?:\\x1b\\]|\\x9d)[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?',
    // DCS, SOS, PM, APC (ESC P/X/^/_ and their 8-bit forms) up to ST.
    '(?:\\x1b[PX^_]|[\\x90\\x98\\x9e\\x9f])[^\\x1b\\x9c]*(?:\\x1b\\\\|\\x9c)?',
    // Every other escape sequence (ESC c, ESC 7, ESC ( B, ESC # 8, ESC =, ...), or a lone ESC.
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]?',
    // The remaining single controls: C0 except TAB (NUL, BEL, BS, CR, ...), DEL, C1.
    '[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f]',
  ].join('|'),
  'g',
);

/**
 * Removes every terminal control sequence and control character except SGR colour/style sequences
 * (`ESC [ ... m`) and TAB. A line without control characters is returned as is.
 */
export function sanitize(line: string): string {
  return CONTROL.test(line) ? line.replace(SEQUENCE, '$1') : line;
}

/** Like sanitize, and removes SGR too: plain text, for the timeline or the clipboard. */
export function stripAll(line: string): string {
  return CONTROL.test(line) ? line.replace(SEQUENCE, '') : line;
}
