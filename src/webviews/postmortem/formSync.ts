// What the post-mortem editor's form keeps between the document (the only model, owned by the host)
// and what the user is typing: one draft per field or section, sent one change at a time, and a
// conflict when the file's value moved away from the one a draft was based on. DOM-free and
// vscode-free: the app drives it, the unit tests too.
import { parsePostmortem, type ParsedPostmortem } from '../../core/postmortem/postmortemDocument';
import { normalizeBody, type FormChange } from '../../core/postmortem/formEdits';

/** `field:<key>` or `section:<id>`. */
export type FormKey = string;

interface Draft {
  /** The file's value the user started from. */
  base: string;
  /** What the form holds now. */
  value: string;
}

export interface Conflict {
  mine: string;
  current: string;
}

export type EditOutcome = { outcome: 'applied'; version: number } | { outcome: 'conflict'; version: number; current: string } | { outcome: 'failed'; version: number; message: string };

function norm(key: FormKey, value: string): string {
  return key.startsWith('section:') ? normalizeBody(value) : value;
}

export class FormSync {
  version = -1;
  text = '';
  parsed: ParsedPostmortem = parsePostmortem('');
  private readonly drafts = new Map<FormKey, Draft>();
  /**
   * What the user last typed, kept after it landed: the file holds it normalised (no trailing
   * blank), and showing the file's form would take the space just typed away from under the caret.
   */
  private readonly typed = new Map<FormKey, string>();
  readonly conflicts = new Map<FormKey, Conflict>();
  /** Failures to show (a section that disappeared, an edit VS Code refused). */
  readonly failures = new Map<FormKey, string>();
  private inFlight: FormKey | undefined;

  /** The file's value for `key` in the current document; undefined when it has no such field or section. */
  fileValue(key: FormKey): string | undefined {
    const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'field') return this.parsed.frontMatter?.fields.find((f) => f.key === name)?.value;
    return this.parsed.sections.find((s) => s.id === name)?.body;
  }

  /** What the form shows for `key`: the user's draft, else the file's value. */
  shown(key: FormKey): string {
    const draft = this.drafts.get(key)?.value;
    if (draft !== undefined) return draft;
    const file = this.fileValue(key) ?? '';
    const typed = this.typed.get(key);
    return typed !== undefined && norm(key, typed) === norm(key, file) ? typed : file;
  }

  /** The document changed (any source). Drafts that landed are dropped; drafts overtaken conflict. */
  setDocument(version: number, text: string): void {
    this.version = version;
    this.text = text;
    this.parsed = parsePostmortem(text);
    for (const [key, d] of this.drafts) {
      if (key === this.inFlight) continue;
      const file = this.fileValue(key);
      if (file === undefined) continue;
      if (norm(key, file) === norm(key, d.value)) {
        this.drafts.delete(key);
        this.conflicts.delete(key);
      } else if (norm(key, file) !== norm(key, d.base) && !this.conflicts.has(key)) {
        this.conflicts.set(key, { mine: d.value, current: file });
      }
    }
  }

  /** The user changed `key` in the form. */
  input(key: FormKey, value: string): void {
    const d = this.drafts.get(key);
    if (d) d.value = value;
    else this.drafts.set(key, { base: this.fileValue(key) ?? '', value });
    this.typed.set(key, value);
    this.failures.delete(key);
  }

  /** The next change to send (none while one is in flight, or for a key in conflict). */
  next(): { key: FormKey; baseVersion: number; change: FormChange } | undefined {
    if (this.inFlight !== undefined) return undefined;
    for (const [key, d] of this.drafts) {
      if (this.conflicts.has(key) || this.failures.has(key)) continue;
      if (norm(key, d.value) === norm(key, d.base)) {
        this.drafts.delete(key);
        continue;
      }
      this.inFlight = key;
      const name = key.slice(key.indexOf(':') + 1);
      const change: FormChange = key.startsWith('field:') ? { kind: 'field', key: name, expected: d.base, value: d.value } : { kind: 'section', id: name, expected: d.base, body: d.value };
      return { key, baseVersion: this.version, change };
    }
    return undefined;
  }

  /** The host's answer to the change sent for `key` with `sent` as its value. */
  settle(key: FormKey, sent: string, result: EditOutcome): void {
    this.inFlight = undefined;
    const d = this.drafts.get(key);
    if (!d) return;
    if (result.outcome === 'applied') {
      d.base = sent;
      if (norm(key, d.value) === norm(key, sent)) this.drafts.delete(key);
    } else if (result.outcome === 'conflict') {
      this.conflicts.set(key, { mine: d.value, current: result.current });
    } else {
      this.failures.set(key, result.message);
    }
  }

  /** The request failed on the way (the webview is closing): the draft stays and is sent again. */
  abort(): void {
    this.inFlight = undefined;
  }

  /** Conflict resolved by keeping the user's text: it replaces the file's value. */
  keepMine(key: FormKey): void {
    const c = this.conflicts.get(key);
    const d = this.drafts.get(key);
    if (!c || !d) return;
    d.base = this.fileValue(key) ?? c.current;
    this.conflicts.delete(key);
  }

  /** Conflict resolved by taking the file's value: the user's draft is discarded. */
  takeFile(key: FormKey): void {
    this.drafts.delete(key);
    this.conflicts.delete(key);
    this.failures.delete(key);
  }

  hasDraft(key: FormKey): boolean {
    return this.drafts.has(key);
  }
}
