// Reading one runbook file from disk: size cap, binary refusal, BOM strip, and the parser by extension.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { markDangers } from './dangerous';
import { MAX_RUNBOOK_BYTES } from './limits';
import { parseMarkdownRunbook } from './markdownRunbook';
import type { Runbook } from './model';
import { parseYamlRunbook, yamlRunbookOutline } from './yamlRunbook';
import type { YamlRunbookOptions } from './yamlRunbook';

export type RunbookFormat = Runbook['format'];

/** Why a file was not parsed. */
export type RunbookFileRefusal = 'tooLarge' | 'binary' | 'unsupported' | 'notFile';

/** A runbook file refused before parsing, with a reason to branch on (never match on the message). The message leaves out the file. */
export class RunbookFileError extends Error {
  constructor(readonly reason: RunbookFileRefusal, readonly file: string, message: string) {
    super(message);
    this.name = 'RunbookFileError';
  }
  static is(e: unknown, reason?: RunbookFileRefusal): e is RunbookFileError {
    return e instanceof RunbookFileError && (reason === undefined || e.reason === reason);
  }
}

export type ReadRunbookOptions = YamlRunbookOptions;

const FORMATS: Record<string, RunbookFormat> = { '.md': 'markdown', '.markdown': 'markdown', '.yaml': 'yaml', '.yml': 'yaml' };

/** The runbook format a file name says, or undefined for anything else. */
export function runbookFormat(file: string): RunbookFormat | undefined {
  return FORMATS[path.extname(file).toLowerCase()];
}

/** Parses runbook text by the file's extension (a leading BOM is dropped). Throws RunbookFileError('unsupported'). */
export function parseRunbookText(text: string, file: string, options: ReadRunbookOptions = {}): Runbook {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  switch (runbookFormat(file)) {
    case 'markdown':
      return markDangers(parseMarkdownRunbook(body, file));
    case 'yaml':
      return markDangers(parseYamlRunbook(body, file, options));
    default:
      throw new RunbookFileError('unsupported', file, 'not a runbook file: expected .md, .markdown, .yaml or .yml');
  }
}

/**
 * What an index lists before parsing a runbook: its title (and severity where it is written up
 * front), marked `partial`. A markdown file without a level-1 heading is parsed whole on the way
 * (its title is only settled at the end), and comes back complete.
 */
export function outlineRunbookText(text: string, file: string, options: { /** markdown: `text` is the file's first lines only */ prefix?: boolean } = {}): Runbook {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  switch (runbookFormat(file)) {
    case 'markdown':
      return parseMarkdownRunbook(body, file, { titleOnly: true, prefix: options.prefix });
    case 'yaml':
      return yamlRunbookOutline(body, file);
    default:
      throw new RunbookFileError('unsupported', file, 'not a runbook file: expected .md, .markdown, .yaml or .yml');
  }
}

/**
 * Decodes a runbook's bytes as UTF-8. A NUL byte means binary (or UTF-16, which runbooks are not
 * written in): refused, as is anything over MAX_RUNBOOK_BYTES.
 */
export function decodeRunbookBytes(bytes: Uint8Array, file: string, maxBytes = MAX_RUNBOOK_BYTES): string {
  checkRunbookBytes(bytes, file, maxBytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function checkRunbookBytes(bytes: Uint8Array, file: string, maxBytes: number): void {
  if (bytes.byteLength > maxBytes) throw tooLarge(file, bytes.byteLength, maxBytes);
  if (bytes.indexOf(0) !== -1) throw new RunbookFileError('binary', file, 'looks binary (it contains NUL bytes); a runbook is UTF-8 text, so it is not read');
}

/**
 * Reads and parses a runbook. Throws RunbookFileError for a refused file (too large, binary, not a
 * runbook extension, not a regular file) and the usual Node errors (ENOENT, EACCES) for I/O.
 * The size is checked before reading, so a huge file costs one fstat.
 */
export async function readRunbookFile(file: string, options: ReadRunbookOptions = {}, maxBytes = MAX_RUNBOOK_BYTES): Promise<Runbook> {
  return parseRunbookText(await readRunbookText(file, maxBytes), file, options);
}

/** Reads a runbook's text, with the same refusals as readRunbookFile, without parsing it. */
export async function readRunbookText(file: string, maxBytes = MAX_RUNBOOK_BYTES): Promise<string> {
  return (await readRunbookBytes(file, maxBytes)).bytes.toString('utf8');
}

/**
 * The bytes of a runbook, checked like readRunbookText's (size cap, not binary), and the stats of
 * the same open file (what an index keeps to notice a change). A symbolic link is refused by the
 * open itself (ELOOP), not by a separate lstat.
 */
export async function readRunbookBytes(file: string, maxBytes = MAX_RUNBOOK_BYTES): Promise<{ bytes: Buffer; stats: fs.Stats }> {
  if (!runbookFormat(file)) throw new RunbookFileError('unsupported', file, 'not a runbook file: expected .md, .markdown, .yaml or .yml');
  const read = await readCapped(file, maxBytes);
  checkRunbookBytes(read.bytes, file, maxBytes);
  return read;
}

/** Bytes an outline decodes first: the title is nearly always in the first few lines. */
const OUTLINE_HEAD_BYTES = 1024;

/**
 * outlineRunbookText from the file's bytes, decoding only the first few KiB when the title is
 * settled there (decoding whole files is most of what listing a thousand runbooks would cost).
 */
export function outlineRunbookBytes(bytes: Buffer, file: string): Runbook {
  if (bytes.byteLength > OUTLINE_HEAD_BYTES && runbookFormat(file) === 'markdown') {
    const head = bytes.subarray(0, OUTLINE_HEAD_BYTES).toString('utf8');
    const whole = head.lastIndexOf('\n'); // complete lines only: a cut character or line is never read
    if (whole > 0) {
      const outline = outlineRunbookText(head.slice(0, whole + 1), file, { prefix: true });
      if (outline.partial) return outline;
    }
  }
  return outlineRunbookText(bytes.toString('utf8'), file);
}

/**
 * open + fstat + read + close with the callback API, in one promise: the FileHandle API costs a
 * promise and a handle object per call, which shows when a thousand small files are read at once.
 * Reads one byte past the cap, so a file that grew since fstat is still refused; a short read of a
 * regular file is its end.
 */
function readCapped(file: string, maxBytes: number): Promise<{ bytes: Buffer; stats: fs.Stats }> {
  return new Promise((resolve, reject) => {
    fs.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW, (openError, fd) => {
      if (openError) return reject(openError);
      let stats: fs.Stats;
      const done = (error: unknown, bytes?: Buffer): void => {
        fs.close(fd, (closeError) => {
          if (error) reject(error);
          else if (closeError) reject(closeError);
          else resolve({ bytes: bytes as Buffer, stats });
        });
      };
      fs.fstat(fd, (statError, st) => {
        if (statError) return done(statError);
        stats = st;
        if (!st.isFile()) return done(new RunbookFileError('notFile', file, 'not a regular file'));
        if (st.size > maxBytes) return done(tooLarge(file, st.size, maxBytes));
        const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
        let n = 0;
        const next = (): void => {
          const want = buf.length - n;
          fs.read(fd, buf, n, want, n, (readError, bytesRead) => {
            if (readError) return done(readError);
            n += bytesRead;
            if (bytesRead === 0 || bytesRead < want || n === buf.length) {
              return n > maxBytes ? done(tooLarge(file, n, maxBytes)) : done(undefined, buf.subarray(0, n));
            }
            next();
          });
        };
        next();
      });
    });
  });
}

/** What the index and lint keep for a file that could not be parsed: no sections, one error at 1:1. */
export function unreadableRunbook(file: string, error: unknown): Runbook {
  const message = RunbookFileError.is(error)
    ? error.message
    : `cannot be read: ${(error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.message : String(error))}`;
  return {
    file,
    format: runbookFormat(file) ?? 'markdown',
    title: path.basename(file).replace(/\.(md|markdown|ya?ml)$/i, ''),
    services: [],
    symptoms: [],
    sections: [],
    diagnostics: [{ severity: 'error', message, line: 1, column: 1 }],
  };
}

function tooLarge(file: string, size: number, max: number): RunbookFileError {
  return new RunbookFileError('tooLarge', file, `${mib(size)}, over the ${mib(max)} limit for a runbook, so it is not read`);
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
