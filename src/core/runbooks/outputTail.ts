import { redactText, type RedactOptions } from '../redaction/redact';
import { plainOutput } from './expectation';

/** The most of a command's output kept on its `runbook_step_finished` event: the last lines… */
export const OUTPUT_TAIL_MAX_LINES = 40;
/** …and at most this many bytes of them (UTF-8): a timeline stays small enough to read and merge. */
export const OUTPUT_TAIL_MAX_BYTES = 4096;

/** `data.output` of a `runbook_step_finished` event. */
export interface OutputTail {
  /** The last lines the command printed, as plain text (no escape sequences), secrets redacted. */
  text: string;
  /** True when earlier output was left out. */
  truncated: boolean;
  /** Kinds of secret replaced by `[redacted: <kind>]` (never the values). */
  redacted?: string[];
}

/** A line as a terminal leaves it: after a lone carriage return (a progress bar) only what was written last shows. */
function shown(line: string): string {
  const cr = line.lastIndexOf('\r');
  return cr < 0 ? line : line.slice(cr + 1);
}

/** The end of `raw` (terminal output) as plain lines: a window several times the tail, so what is cut at its start is far from what is kept. */
function plainWindow(raw: string): { text: string; truncated: boolean } {
  // Only the end can be kept: cut before the work of stripping escapes from a long output.
  const window = raw.length > OUTPUT_TAIL_MAX_BYTES * 8 ? raw.slice(-OUTPUT_TAIL_MAX_BYTES * 8) : raw;
  const truncated = window.length < raw.length;
  const lines = plainOutput(window).split('\n').map(shown);
  if (truncated) lines.shift(); // the first line of a cut window is a partial one
  return { text: lines.join('\n'), truncated };
}

/** The last lines of `text`, at most OUTPUT_TAIL_MAX_LINES and OUTPUT_TAIL_MAX_BYTES; blank lines at either end dropped. */
function bounded(plain: string, cut: boolean): { text: string; truncated: boolean } {
  let truncated = cut;
  const lines = plain.split('\n');
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  while (lines.length && lines[0].trim() === '') lines.shift();
  if (lines.length > OUTPUT_TAIL_MAX_LINES) {
    lines.splice(0, lines.length - OUTPUT_TAIL_MAX_LINES);
    truncated = true;
  }
  let text = lines.join('\n');
  if (Buffer.byteLength(text, 'utf8') > OUTPUT_TAIL_MAX_BYTES) {
    truncated = true;
    const bytes = Buffer.from(text, 'utf8');
    let start = bytes.length - OUTPUT_TAIL_MAX_BYTES;
    while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++; // not inside a character
    text = bytes.toString('utf8', start);
    // Start on a whole line when there is more than one.
    const nl = text.indexOf('\n');
    if (nl >= 0 && nl < text.length - 1) text = text.slice(nl + 1);
  }
  return { text, truncated };
}

/** The bounded plain-text end of `raw` (terminal output), before redaction. */
export function plainTail(raw: string): { text: string; truncated: boolean } {
  const plain = plainWindow(raw);
  return bounded(plain.text, plain.truncated);
}

/**
 * What a finished command's event keeps of its output: the end of it, bounded, as plain text, with
 * secrets redacted (redactText) before it goes anywhere near a committed file. Redacted before it is
 * cut to size, so a secret that starts above the cut (the BEGIN line of a private key) is still
 * found. Undefined when the output could not be read (no shell integration) or was empty.
 */
export async function outputTail(raw: string | undefined, options?: RedactOptions): Promise<OutputTail | undefined> {
  if (raw === undefined) return undefined;
  const plain = plainWindow(raw);
  const redacted = await redactText(plain.text, options);
  const { text, truncated } = bounded(redacted.text, plain.truncated);
  if (text === '') return undefined;
  // Only the kinds still in what is kept: the rest went with the lines above the cut.
  const kinds = redacted.kinds.filter((k) => text.includes(`[redacted: ${k}]`));
  return { text, truncated, ...(kinds.length ? { redacted: kinds } : {}) };
}
