// What an interactive remote shell may not do to the user's terminal. A full-screen program needs
// cursor movement, colours and modes, so those pass; what reaches beyond the terminal goes: OSC 52
// (clipboard writes), other OSC commands except the window title (colour/palette queries whose
// answers are typed back as input, hyperlinks that can disguise their target, shell-integration
// marks a host could forge), and DCS/APC/PM/SOS strings (sixel, tmux passthrough, terminal-specific
// control).
//
// How it stays right: the input is read with the state machine xterm.js (VS Code's terminal) uses,
// including its "anywhere" rules (ESC, CAN, SUB and every C1 control U+0080–U+009F act in every
// state, also inside an OSC or DCS body), and the output is built only from whole units that leave
// the emulator where they found it, in its ground state: plain text, C0 controls, complete CSI and
// ESC sequences, and a title rebuilt from its printable characters. A sequence is held until it is
// complete and then passed or dropped; nothing half-sent can make the emulator read later text as
// part of a sequence. 8-bit (C1) forms are acted on as xterm.js would and never passed on: a CSI
// comes out in its 7-bit form, other C1 controls are dropped. Remote bytes reach this as text
// decoded from UTF-8, where a C1 control is the two bytes C2 80–C2 9F (a raw 0x80–0x9F byte is
// invalid UTF-8 and decodes to U+FFFD). Memory stays bounded: a sequence longer than its bound is
// dropped whole.

/** OSC numbers that pass: 0, 1, 2 set the window/icon title (shown as text, harmless). */
const ALLOWED_OSC = /^[012];/;
/** Longest OSC body kept while deciding; a longer one is dropped (titles are short). */
const MAX_OSC = 4096;
/** Longest CSI or ESC sequence kept while deciding (an SGR with many true colours fits); a longer one is dropped. */
const MAX_SEQUENCE = 512;

const ESC = '\x1b';
const BEL = '\x07';

// eslint-disable-next-line no-control-regex -- these control characters are what is looked for
const STARTS_SEQUENCE = /[\x1b\x80-\x9f]/;

const enum Mode {
  Ground,
  /** After ESC: `seq` holds it. */
  Escape,
  /** ESC and intermediates (0x20–0x2F): `seq` holds them. */
  EscapeIntermediate,
  /** Inside a CSI, 7-bit or 8-bit: `seq` holds `ESC [` and what came after it. */
  Csi,
  /** Inside an OSC: `body` holds its printable characters. */
  Osc,
  /** A DCS before its final byte (xterm.js leaves it at a character from U+00A0 up). */
  DcsPrefix,
  /** Inside a DCS body, SOS, PM or APC string: dropped up to ST. */
  DroppedString,
  /** SOS, PM or APC (xterm.js leaves it at a character from U+00A0 up). */
  SosPmApc,
}

export class TerminalOutputFilter {
  private mode = Mode.Ground;
  private seq = '';
  private body = '';
  private tooLong = false;
  private out = '';
  /** Sequences removed so far (for a log line, never shown per sequence). */
  dropped = 0;

  /** Filters one chunk of decoded output; keeps a partial sequence for the next chunk. */
  push(chunk: string): string {
    // Fast path: nothing that can start a sequence, and no sequence open.
    if (this.mode === Mode.Ground && !STARTS_SEQUENCE.test(chunk)) return chunk;
    this.out = '';
    let run = 0; // start of the plain text not yet copied
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.mode === Mode.Ground) {
        if (c !== 0x1b && (c < 0x80 || c > 0x9f)) continue;
        this.out += chunk.slice(run, i);
      }
      this.step(c, chunk[i]);
      run = i + 1;
    }
    if (this.mode === Mode.Ground) this.out += chunk.slice(run);
    const out = this.out;
    this.out = '';
    return out;
  }

  private step(c: number, ch: string): void {
    // xterm.js's "anywhere" transitions: they apply in every state, string bodies included.
    if (c === 0x1b) {
      this.leave(true);
      this.enter(Mode.Escape, ESC);
      return;
    }
    if (c === 0x18 || c === 0x1a) {
      // CAN, SUB: abort the sequence (an OSC is not carried out).
      this.leave(false);
      this.mode = Mode.Ground;
      return;
    }
    if (c >= 0x80 && c <= 0x9f) {
      this.c1(c);
      return;
    }
    switch (this.mode) {
      case Mode.Ground:
        return; // not reached: push() copies plain text itself
      case Mode.Escape:
        return this.escape(c, ch);
      case Mode.EscapeIntermediate:
        if (c >= 0x20 && c <= 0x2f) this.collect(ch);
        else if (c >= 0x30 && c <= 0x7e) this.dispatch(ch);
        else this.other(c, ch);
        return;
      case Mode.Csi:
        if (c >= 0x20 && c <= 0x3f) this.collect(ch);
        else if (c >= 0x40 && c <= 0x7e) this.dispatch(ch);
        else this.other(c, ch);
        return;
      case Mode.Osc:
        if (c === 0x07) {
          this.endOsc(true);
          this.mode = Mode.Ground;
        } else if (c >= 0x20 && c !== 0x7f) {
          // Other C0 controls and DEL are ignored inside an OSC, as xterm.js does.
          if (this.body.length < MAX_OSC) this.body += ch;
          else this.tooLong = true;
        }
        return;
      case Mode.DcsPrefix:
        if (c >= 0x40 && c <= 0x7e) this.mode = Mode.DroppedString;
        else if (c >= 0xa0) this.mode = Mode.Ground; // xterm.js: an error, back to text after it
        return;
      case Mode.SosPmApc:
        if (c >= 0xa0) this.mode = Mode.Ground;
        return;
      case Mode.DroppedString:
        return;
    }
  }

  /** A C1 control: acted on as xterm.js does, in any state; only a CSI is passed on (as `ESC [`). */
  private c1(c: number): void {
    switch (c) {
      case 0x9c: // ST: ends an OSC (carried out) or a string
        this.leave(true);
        this.mode = Mode.Ground;
        return;
      case 0x9d: // OSC
        this.leave(false);
        this.enter(Mode.Osc, '');
        return;
      case 0x9b: // CSI
        this.leave(false);
        this.enter(Mode.Csi, `${ESC}[`);
        return;
      case 0x90: // DCS
        this.leave(false);
        this.startString(Mode.DcsPrefix);
        return;
      case 0x98: // SOS
      case 0x9e: // PM
      case 0x9f: // APC
        this.leave(false);
        this.startString(Mode.SosPmApc);
        return;
      default:
        // IND, NEL, HTS and the other C1 controls: they end any sequence; not passed on.
        this.leave(false);
        this.mode = Mode.Ground;
    }
  }

  private escape(c: number, ch: string): void {
    switch (ch) {
      case '[':
        this.collect(ch);
        this.mode = Mode.Csi;
        return;
      case ']':
        this.enter(Mode.Osc, '');
        return;
      case 'P':
        this.startString(Mode.DcsPrefix);
        return;
      case 'X':
      case '^':
      case '_':
        this.startString(Mode.SosPmApc);
        return;
      case '\\':
        // ST with nothing to end.
        this.mode = Mode.Ground;
        return;
    }
    if (c >= 0x20 && c <= 0x2f) {
      this.collect(ch);
      this.mode = Mode.EscapeIntermediate;
    } else if (c >= 0x30 && c <= 0x7e) {
      this.dispatch(ch);
    } else {
      this.other(c, ch);
    }
  }

  /** In an ESC or CSI sequence: a C0 control is carried out at once (as xterm.js does), DEL ignored, anything else ends it. */
  private other(c: number, ch: string): void {
    if (c < 0x20) this.out += ch;
    else if (c !== 0x7f) {
      // xterm.js: an error; the character is swallowed and the sequence forgotten.
      this.dropped++;
      this.mode = Mode.Ground;
    }
  }

  private enter(mode: Mode, seq: string): void {
    this.mode = mode;
    this.seq = seq;
    this.body = '';
    this.tooLong = false;
  }

  private startString(mode: Mode): void {
    this.dropped++;
    this.mode = mode;
  }

  private collect(ch: string): void {
    if (this.seq.length < MAX_SEQUENCE) this.seq += ch;
    else this.tooLong = true;
  }

  /** A complete ESC or CSI sequence: passed whole (a full-screen program needs them). */
  private dispatch(final: string): void {
    if (this.tooLong) this.dropped++;
    else this.out += this.seq + final;
    this.seq = '';
    this.mode = Mode.Ground;
  }

  /** Leaves the current state for another (an ESC, ST, CAN or a C1 control came): an open OSC ends, carried out or not. */
  private leave(carryOut: boolean): void {
    if (this.mode === Mode.Osc) this.endOsc(carryOut);
    else if (this.mode === Mode.Escape || this.mode === Mode.EscapeIntermediate || this.mode === Mode.Csi) this.seq = '';
  }

  private endOsc(carryOut: boolean): void {
    // The title is rebuilt from the printable characters the emulator would have taken, BEL-terminated.
    if (carryOut && !this.tooLong && ALLOWED_OSC.test(this.body)) this.out += `${ESC}]${this.body}${BEL}`;
    else this.dropped++;
    this.body = '';
    this.tooLong = false;
  }
}
