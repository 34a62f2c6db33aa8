// What an interactive remote shell may not do to the user's terminal. A full-screen program needs
// cursor movement, colours and modes, so those pass; what reaches beyond the terminal goes: OSC 52
// (clipboard writes), other OSC commands except the window title (colour/palette queries whose
// answers are typed back as input, hyperlinks that can disguise their target, shell-integration
// marks a host could forge), and DCS/APC/PM/SOS strings (sixel, tmux passthrough, terminal-specific
// control). A streaming filter: sequences split across chunks are handled, memory stays bounded.

/** OSC numbers that pass: 0, 1, 2 set the window/icon title (shown as text, harmless). */
const ALLOWED_OSC = new Set(['0', '1', '2']);
/** Longest OSC kept while deciding; a longer one is dropped (titles are short). */
const MAX_OSC = 4096;

const ESC = '\x1b';
const BEL = '\x07';

type State =
  | { kind: 'text' }
  | { kind: 'esc' } // saw ESC
  | { kind: 'osc'; body: string; esc: boolean } // inside OSC, collecting
  | { kind: 'string'; esc: boolean }; // inside DCS/APC/PM/SOS, dropping

export class TerminalOutputFilter {
  private state: State = { kind: 'text' };
  /** Sequences removed so far (for a log line, never shown per sequence). */
  dropped = 0;

  /** Filters one chunk of decoded output; keeps partial sequences for the next chunk. */
  push(chunk: string): string {
    // Fast path: nothing that can start a sequence we filter, and no sequence open.
    // eslint-disable-next-line no-control-regex -- these control characters are what is looked for
    if (this.state.kind === 'text' && !/[\x1b\x90\x98\x9d\x9e\x9f]/.test(chunk)) return chunk;
    let out = '';
    let start = 0; // start of pending plain text
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      const st = this.state;
      switch (st.kind) {
        case 'text':
          if (c === ESC) {
            out += chunk.slice(start, i);
            this.state = { kind: 'esc' };
          } else if (c === '\x9d') {
            out += chunk.slice(start, i);
            this.state = { kind: 'osc', body: '', esc: false };
          } else if (c === '\x90' || c === '\x98' || c === '\x9e' || c === '\x9f') {
            out += chunk.slice(start, i);
            this.state = { kind: 'string', esc: false };
          } else continue;
          break;
        case 'esc':
          if (c === ']') this.state = { kind: 'osc', body: '', esc: false };
          else if (c === 'P' || c === 'X' || c === '^' || c === '_') this.state = { kind: 'string', esc: false };
          else {
            // Any other escape sequence passes untouched (CSI, charset, keypad modes...).
            out += ESC;
            this.state = { kind: 'text' };
            start = i;
            i--; // re-read c as text
            continue;
          }
          break;
        case 'osc': {
          if (st.esc) {
            if (c === '\\') { this.endOsc(st.body, `${ESC}\\`, (s) => (out += s)); start = i + 1; continue; }
            st.esc = false;
          }
          if (c === BEL || c === '\x9c') { this.endOsc(st.body, c, (s) => (out += s)); start = i + 1; continue; }
          if (c === ESC) { st.esc = true; continue; }
          if (st.body.length < MAX_OSC) st.body += c;
          else st.body = '\0'; // too long: never allowed
          continue;
        }
        case 'string':
          if ((st.esc && c === '\\') || c === '\x9c') {
            this.dropped++;
            this.state = { kind: 'text' };
            start = i + 1;
            continue;
          }
          st.esc = c === ESC;
          continue;
      }
      start = i + 1;
    }
    if (this.state.kind === 'text') out += chunk.slice(start);
    return out;
  }

  private endOsc(body: string, terminator: string, emit: (s: string) => void): void {
    const num = body.slice(0, body.indexOf(';') >= 0 ? body.indexOf(';') : body.length);
    if (ALLOWED_OSC.has(num) && !body.includes('\0')) emit(`${ESC}]${body}${terminator === '\x9c' ? `${ESC}\\` : terminator}`);
    else this.dropped++;
    this.state = { kind: 'text' };
  }
}
