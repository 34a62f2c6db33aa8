import { Terminal } from '@xterm/headless';

/** OSC commands no remote output may carry out (4 palette, 8 links, 10/11/12 colours, 52 clipboard, 133/633 shell integration, 1337 iTerm2…). */
const WATCHED_OSC = [...Array.from({ length: 1400 }, (_, i) => i + 3), 5113, 5522, 7777, 9001];
const TITLE_OSC = [0, 1, 2];
const DCS_PREFIXES = ['', '<', '=', '>', '?'];
const DCS_INTERMEDIATES = ['', ...Array.from({ length: 16 }, (_, i) => String.fromCharCode(0x20 + i))];

/**
 * xterm.js headless, the emulator VS Code's terminal runs, as the judge of what output does: a
 * handler on every OSC number that is not a title and on every DCS (each final byte with each
 * prefix and intermediate) records what reached it. SOS, PM and APC have no handler API in
 * xterm.js (it ignores them), so they cannot fire anything.
 */
export class TerminalOracle {
  readonly terminal: Terminal;
  /** What fired: `OSC 52: c;…`, `DCS q: …`. */
  readonly fired: string[] = [];
  /** Title payloads the OSC 0/1/2 handlers saw, and the titles the terminal set. */
  readonly titles: string[] = [];

  constructor() {
    this.terminal = new Terminal({ allowProposedApi: true, cols: 80, rows: 24, scrollback: 2000, logLevel: 'off' });
    const parser = this.terminal.parser;
    for (const id of WATCHED_OSC) {
      parser.registerOscHandler(id, (data) => {
        this.fired.push(`OSC ${id}: ${JSON.stringify(data)}`);
        return true;
      });
    }
    for (const id of TITLE_OSC) {
      parser.registerOscHandler(id, (data) => {
        this.titles.push(data);
        return false; // and let the terminal set it
      });
    }
    this.terminal.onTitleChange((title) => this.titles.push(title));
    for (const prefix of DCS_PREFIXES) {
      for (const intermediates of DCS_INTERMEDIATES) {
        for (let f = 0x40; f <= 0x7e; f++) {
          const final = String.fromCharCode(f);
          parser.registerDcsHandler({ prefix: prefix || undefined, intermediates: intermediates || undefined, final }, (data) => {
            this.fired.push(`DCS ${prefix}${intermediates}${final}: ${JSON.stringify(data)}`);
            return true;
          });
        }
      }
    }
  }

  write(data: string): Promise<void> {
    return new Promise((resolve) => this.terminal.write(data, resolve));
  }

  /** The screen and scrollback as text, one line per row (trailing blanks trimmed). */
  text(): string {
    const buffer = this.terminal.buffer.active;
    const rows: string[] = [];
    for (let y = 0; y < buffer.length; y++) rows.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return rows.join('\n');
  }

  /**
   * True when the emulator is reading plain text (not inside an unfinished sequence): a probe
   * written straight to it must be printed. Written after CR LF (which no sequence state turns
   * into text) and made of non-ASCII characters (no charset designation remaps them).
   */
  async inGroundState(): Promise<boolean> {
    const probe = '⟦✓⟧';
    await this.write(`\r\n${probe}`);
    const buffer = this.terminal.buffer.active;
    const line = buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '';
    return line.includes(probe);
  }

  /** Full reset (RIS) and a clean record, for the next case. */
  async reset(): Promise<void> {
    await this.write('\x18\x1bc');
    this.fired.length = 0;
    this.titles.length = 0;
  }

  dispose(): void {
    this.terminal.dispose();
  }
}
