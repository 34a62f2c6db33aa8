// What a running (or resumed) rollback shows and records: the run's state sent to the app on every
// change, each command's output as plain text (through the log pipeline's LineSplitter, so a UTF-8
// character or an escape sequence cut across two chunks arrives whole, then the product's log
// sanitiser removes every control sequence), and each event put on the incident's timeline, kept
// in order for the Record step.
import type { HostLockHolder } from '../../services/ssh/hostLock';
import type { VerifyCheck } from '../../services/rollback/verify';
import { LineSplitter } from '../../services/docker/logs/lineSplitter';
import { stripAll } from '../../services/docker/logs/sanitize';
import type { RunState, WireOutcome } from './protocolRun';

/** Output kept per command on the host side (what tests read; the app keeps its own). */
const KEEP_OUTPUT = 64 * 1024;
const MAX_PROBES = 60;
/** A line longer than this is cut with a marker (a progress bar redrawn with CR without a newline). */
const MAX_LINE = 8192;
/** A line redrawn with CR (progress) shows its last state; then every control sequence goes. */
const plain = (line: string) => stripAll(line.replace(/^.*\r/s, ''));

export interface RunReportPorts {
  send(state: RunState): void;
  sendOutput(index: number, text: string): void;
  /** Puts an event on the incident's timeline (the actor and time are the extension's); rejects when the store refuses. */
  record(type: string, text: string, data: Record<string, unknown>): Promise<void>;
}

export class RunReport {
  readonly state: RunState;
  /** Each command's plain output (the last KEEP_OUTPUT characters). */
  readonly output: string[] = [];
  /** Per command and stream: the lines of the output so far (the unfinished one held until its end). */
  private readonly splitters = new Map<string, LineSplitter>();

  constructor(private ports: RunReportPorts, init: Pick<RunState, 'host' | 'strategy' | 'from' | 'to' | 'commands'> & { resumed?: boolean }) {
    this.state = { ...init, phase: 'locking', probes: [], probeFrom: null, outcome: null, recorded: [], resumed: init.resumed ?? false };
  }

  send(): void {
    this.ports.send(structuredClone(this.state));
  }

  /**
   * Shows the run in another panel (the wizard closed and opened again while it ran), or in none:
   * the run goes on and keeps recording on the timeline whether or not anything shows it.
   */
  attachView(view: Pick<RunReportPorts, 'send' | 'sendOutput'> | undefined): void {
    this.ports = { ...this.ports, send: view?.send ?? (() => undefined), sendOutput: view?.sendOutput ?? (() => undefined) };
    if (view) {
      for (const [i, text] of this.output.entries()) if (text) view.sendOutput(i, text.slice(-(1 << 16)));
    }
  }

  /** Records an event; a refusal is kept (shown at Record) and never stops the rollback. */
  async record(type: string, text: string, data: Record<string, unknown>): Promise<void> {
    this.state.recorded.push({ type, text: text.slice(0, 4096) });
    if (this.state.recorded.length > 500) this.state.recorded.splice(0, this.state.recorded.length - 500);
    this.send();
    await this.ports.record(type, text, data);
  }

  /** A chunk of a command's output: complete lines go out stripped; the rest waits for its end. */
  chunk(index: number, stream: 'stdout' | 'stderr', chunk: Buffer | string): void {
    const key = `${index}:${stream}`;
    let splitter = this.splitters.get(key);
    if (!splitter) {
      splitter = new LineSplitter({ maxLineLength: MAX_LINE, transform: plain }, (line) => this.lines.push(line));
      this.splitters.set(key, splitter);
    }
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    this.emit(index);
  }

  /** The rest of a command's output (its end arrived). */
  flush(index: number): void {
    for (const stream of ['stdout', 'stderr']) {
      const key = `${index}:${stream}`;
      this.splitters.get(key)?.flush();
      this.splitters.delete(key);
    }
    this.emit(index);
  }

  /** Lines the splitters delivered since the last emit. */
  private lines: string[] = [];

  private emit(index: number): void {
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.output[index] = ((this.output[index] ?? '') + text).slice(-KEEP_OUTPUT);
    this.ports.sendOutput(index, text.slice(-(1 << 16)));
  }

  setCommand(index: number, state: RunState['commands'][number]['state'], exitCode: number | null = null): void {
    const c = this.state.commands[index];
    if (!c) return;
    c.state = state;
    c.exitCode = exitCode;
    this.send();
  }

  probe(p: { ok: boolean; detail: string; streak: number }): void {
    this.state.probes.push({ ok: p.ok, detail: p.detail.slice(0, 4096), streak: p.streak });
    if (this.state.probes.length > MAX_PROBES) this.state.probes.splice(0, this.state.probes.length - MAX_PROBES);
    this.send();
  }

  done(outcome: WireOutcome): void {
    this.state.phase = 'done';
    this.state.outcome = outcome;
    for (const c of this.state.commands) if (c.state === 'running') c.state = 'unknown';
    this.send();
  }
}

export function wireHolder(h: HostLockHolder | undefined): WireOutcome['holder'] {
  return h ? { id: h.id.slice(0, 200), who: h.who.slice(0, 4096), at: h.at.slice(0, 64), incidentId: h.incidentId?.slice(0, 300) ?? null, ageSeconds: h.ageSeconds === undefined ? null : Math.max(0, Math.round(h.ageSeconds)) } : null;
}

export function wireChecks(checks: readonly VerifyCheck[] | undefined): WireOutcome['checks'] {
  return (checks ?? []).map((c) => ({ name: c.name, status: c.status, detail: c.detail.slice(0, 4096) }));
}

export function baseOutcome(kind: string, message: string): WireOutcome {
  return { kind, stage: null, message: message.slice(0, 4096), holder: null, stale: false, checks: [], ledgerLine: null, ledgerWhy: null, lockReleased: true, lockNote: null, recordErrors: [] };
}
