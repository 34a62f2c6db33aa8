// What the step's commands print, on its way to the CLI's stdout and stderr: through the same
// escape-sequence filter as the editor's terminals (no clipboard writes, links, shell-integration
// marks or device strings from a command or a host), and the end of it kept for the step's `expect`.
import { StringDecoder } from 'node:string_decoder';
import { MAX_EXPECT_OUTPUT } from '../core/runbooks/expectation';
import { TerminalOutputFilter } from '../core/terminal/terminalOutputFilter';

export type OutputStream = 'stdout' | 'stderr';

export class StepOutput {
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly filters = { stdout: new TerminalOutputFilter(), stderr: new TerminalOutputFilter() };
  private kept = '';
  /** Characters kept since the start, cut or not: a mark to take one command's output by. */
  private total = 0;

  constructor(private readonly write: (stream: OutputStream, text: string) => void) {}

  push(stream: OutputStream, chunk: Buffer): void {
    this.emit(stream, this.decoders[stream].write(chunk));
  }

  /** Flushes a character cut short at the very end (shown as U+FFFD, as a terminal would). */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) this.emit(stream, this.decoders[stream].end());
  }

  /** The end of everything printed so far (stdout and stderr, in arrival order), unfiltered. */
  get tail(): string {
    return this.kept.slice(-MAX_EXPECT_OUTPUT);
  }

  /** Where the output is now: `since(mark)` is what came after it. */
  get mark(): number {
    return this.total;
  }

  /** What was printed after `mark` (the end of it, when more came than is kept), unfiltered. */
  since(mark: number): string {
    const count = Math.min(this.total - mark, this.kept.length);
    return count <= 0 ? '' : this.kept.slice(-count);
  }

  /** Sequences the filter removed. */
  get dropped(): number {
    return this.filters.stdout.dropped + this.filters.stderr.dropped;
  }

  private emit(stream: OutputStream, text: string): void {
    if (text === '') return;
    this.keep(text);
    const shown = this.filters[stream].push(text);
    if (shown !== '') this.write(stream, shown);
  }

  private keep(text: string): void {
    this.kept += text;
    this.total += text.length;
    if (this.kept.length > MAX_EXPECT_OUTPUT * 2) this.kept = this.kept.slice(-MAX_EXPECT_OUTPUT);
  }
}
