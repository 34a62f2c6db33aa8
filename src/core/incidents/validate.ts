export const MAX_TITLE_LENGTH = 120;
export const MAX_TEXT_LENGTH = 4000;

// Bidi embedding/override/isolate controls: they make text read differently from what it is.
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
// C0/C1 controls other than tab and newline; they have no place in a title or a note.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Problem with a one-line title, in words a user can act on; undefined when fine. */
export function validateTitle(raw: string): string | undefined {
  const title = raw.trim();
  if (!title) return 'Give the incident a short title, e.g. "Checkout returns 502".';
  if (/[\r\n]/.test(title)) return 'The title must be a single line.';
  const bidi = BIDI.exec(title);
  if (bidi) return `The title contains an invisible direction-control character (${codePoint(bidi[0])}); remove it.`;
  const ctl = CONTROL.exec(title);
  if (ctl) return `The title contains a control character (${codePoint(ctl[0])}); remove it.`;
  const length = [...title].length;
  if (length > MAX_TITLE_LENGTH) return `Keep the title to ${MAX_TITLE_LENGTH} characters or fewer (it has ${length}); details go in a note.`;
  return undefined;
}

/** Problem with free text (a note, a service name); undefined when fine. */
export function validateText(raw: string, what: string, { required = true, multiline = true, max = MAX_TEXT_LENGTH } = {}): string | undefined {
  const text = raw.trim();
  if (!text) return required ? `The ${what} is empty.` : undefined;
  if (!multiline && /[\r\n]/.test(text)) return `The ${what} must be a single line.`;
  const bidi = BIDI.exec(text);
  if (bidi) return `The ${what} contains an invisible direction-control character (${codePoint(bidi[0])}); remove it.`;
  const ctl = CONTROL.exec(text.replace(/[\r\n\t]/g, ''));
  if (ctl) return `The ${what} contains a control character (${codePoint(ctl[0])}); remove it.`;
  const length = [...text].length;
  if (length > max) return `Keep the ${what} to ${max} characters or fewer (it has ${length}).`;
  return undefined;
}
