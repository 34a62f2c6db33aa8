// The post-mortem editor's messages, imported by the host (postmortemEditor.ts) and the app
// (webview-ui/postmortem/main.ts). The text document is the only model: the host sends its text and
// version, the app parses it with the same pure reader, and every form change goes back as a
// request naming the document version it was based on and the value it replaces.
import { defineProtocol, notification, request } from '../shared/ipc';
import { num, obj, oneOf, optional, str, union, type Infer } from '../shared/schema';

const MAX_TEXT = 4 << 20;

/** A form change; `expected` is what the form showed, so a change made meanwhile is a conflict. */
export const formChange = union([
  obj({ kind: oneOf(['field'] as const), key: str(200), expected: str(100_000), value: str(100_000) }),
  obj({ kind: oneOf(['section'] as const), id: str(200), expected: str(MAX_TEXT), body: str(MAX_TEXT) }),
]);

export const editResult = union([
  /** Written (or nothing to write); `version` is the document's version now. */
  obj({ outcome: oneOf(['applied'] as const), version: num({ int: true, min: 0 }) }),
  /** The file no longer holds `expected`: `current` is its value; nothing was written. */
  obj({ outcome: oneOf(['conflict'] as const), version: num({ int: true, min: 0 }), current: str(MAX_TEXT) }),
  /** The field or section is gone from the file, or VS Code refused the edit. */
  obj({ outcome: oneOf(['failed'] as const), version: num({ int: true, min: 0 }), message: str(2000) }),
]);
export type EditResult = Infer<typeof editResult>;

/** What the app sends. */
export const postmortemToHost = {
  /** Applies one form change as a minimal edit of the document. */
  edit: request(obj({ baseVersion: num({ int: true, min: 0 }), change: formChange }), editResult),
  /** "Refresh from the record": rewrites the generated regions only. */
  refresh: request(obj({}), obj({ outcome: oneOf(['refreshed', 'unchanged', 'failed'] as const), message: optional(str(2000)) })),
  /** Reopens the file in the text editor. */
  openAsText: notification(obj({})),
};

/** What the host sends. */
export const postmortemToWebview = {
  /** The document as it is now: sent after `ready`, after every change, and when the panel shows again. */
  document: notification(obj({ version: num({ int: true, min: 0 }), text: str(MAX_TEXT), fileName: str(1000) })),
};

export const postmortemProtocol = defineProtocol('postmortem', postmortemToHost, postmortemToWebview);
