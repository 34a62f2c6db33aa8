// The post-mortem editor: a CustomTextEditorProvider for incidents/*.md whose only model is the
// text document. The webview shows a form over the text; a form change comes back as a request and
// is applied as the smallest WorkspaceEdit of that value or section (formEdits.ts), one at a time.
// Save, dirty state, undo/redo (Ctrl+Z in the webview is VS Code's own undo), hot exit and git
// then behave as for any text file, and opening or closing the editor never changes the document.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formEdits, regionEdits, type TextEdit } from '../../core/postmortem/formEdits';
import type { ComponentLog } from '../../log';
import { WebviewHost } from '../shared/webviewHost';
import { postmortemProtocol, type EditResult, type postmortemToHost, type postmortemToWebview } from './protocol';
import type { Infer } from '../shared/schema';
import type { formChange } from './protocol';

export const POSTMORTEM_EDITOR_VIEW_TYPE = 'incidentDesk.postmortem';

/** Rewrites the generated regions of a post-mortem's text from its incident's record (refreshDraft). */
export type RefreshFromRecord = (text: string, fileName: string) => Promise<{ text: string; problem?: string }>;

/** The open post-mortem editors, by document URI (the e2e and integration tests read them). */
export class PostmortemEditorProvider implements vscode.CustomTextEditorProvider {
  readonly open = new Map<string, PostmortemEditorSession>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: ComponentLog, private readonly refresh: RefreshFromRecord) {}

  static register(extensionUri: vscode.Uri, log: ComponentLog, refresh: RefreshFromRecord): { provider: PostmortemEditorProvider; registration: vscode.Disposable } {
    const provider = new PostmortemEditorProvider(extensionUri, log, refresh);
    // No retainContextWhenHidden: a hidden editor is sent the document again when it shows.
    const registration = vscode.window.registerCustomEditorProvider(POSTMORTEM_EDITOR_VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true });
    return { provider, registration };
  }

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const session = new PostmortemEditorSession(document, panel, this.extensionUri, this.log, this.refresh);
    const key = document.uri.toString();
    this.open.set(key, session);
    panel.onDidDispose(() => {
      session.dispose();
      if (this.open.get(key) === session) this.open.delete(key);
    });
  }
}

type FormChange = Infer<typeof formChange>;

/** One editor panel over one document. */
export class PostmortemEditorSession implements vscode.Disposable {
  private readonly host: WebviewHost<typeof postmortemToHost, typeof postmortemToWebview>;
  private readonly disposables: vscode.Disposable[] = [];
  /** Edits are applied one after the other: never two WorkspaceEdits of this document in flight. */
  private queue: Promise<unknown> = Promise.resolve();
  private sentVersion = -1;
  private sendScheduled = false;

  constructor(private readonly document: vscode.TextDocument, panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly log: ComponentLog, private readonly refresh: RefreshFromRecord) {
    this.host = new WebviewHost({
      panel,
      extensionUri,
      protocol: postmortemProtocol,
      log,
      title: `Post-mortem: ${path.basename(document.fileName)}`,
      onReady: () => this.send(true),
      handlers: {
        edit: (p) => this.enqueue(() => this.applyChange(p.baseVersion, p.change)),
        refresh: () => this.enqueue(() => this.refreshFromRecord()),
        openAsText: () => void vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default', vscode.ViewColumn.Beside),
      },
    });
    this.disposables.push(
      // Every change, whoever made it (this form, the text editor, undo, a git checkout reloading the
      // file): the form re-renders from the text. Our own edits come back here too; the app compares.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === document && e.contentChanges.length) this.scheduleSend();
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.send(true);
      }),
    );
  }

  /** The CSP violations the app reported (tests expect none). */
  get cspViolations(): readonly { directive: string }[] {
    return this.host.cspViolations;
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private scheduleSend(): void {
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    queueMicrotask(() => {
      this.sendScheduled = false;
      this.send(false);
    });
  }

  private send(force: boolean): void {
    if (!this.host.isReady && !force) return;
    if (!force && this.sentVersion === this.document.version) return;
    this.sentVersion = this.document.version;
    this.host.peer.notify('document', { version: this.document.version, text: this.document.getText(), fileName: path.basename(this.document.fileName) });
  }

  /**
   * A change based on an older version is checked against the value it replaces: if that value is
   * unchanged (someone edited another part), it applies; if it changed, it is a conflict the user
   * resolves in the form. Nothing is dropped silently.
   */
  private async applyChange(baseVersion: number, change: FormChange): Promise<EditResult> {
    const doc = this.document;
    const result = formEdits(doc.getText(), change);
    if (result.kind === 'conflict') {
      this.log.info(`post-mortem: ${change.kind} ${change.kind === 'field' ? change.key : change.id} based on version ${baseVersion} conflicts with version ${doc.version}`);
      return { outcome: 'conflict', version: doc.version, current: result.current };
    }
    if (result.kind === 'missing') return { outcome: 'failed', version: doc.version, message: `The file has no ${change.kind === 'field' ? `front matter field "${change.key}"` : `section "${change.id}"`} any more.` };
    if (!(await this.applyEdits(result.edits))) return { outcome: 'failed', version: doc.version, message: 'VS Code did not apply the edit (the file may be read-only).' };
    return { outcome: 'applied', version: doc.version };
  }

  private async applyEdits(edits: readonly TextEdit[]): Promise<boolean> {
    if (!edits.length) return true;
    const doc = this.document;
    const we = new vscode.WorkspaceEdit();
    for (const e of edits) we.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
    return vscode.workspace.applyEdit(we);
  }

  private async refreshFromRecord(): Promise<{ outcome: 'refreshed' | 'unchanged' | 'failed'; message?: string }> {
    const before = this.document.getText();
    const version = this.document.version;
    const next = await this.refresh(before, this.document.fileName);
    if (next.problem && next.text === before) return { outcome: 'failed', message: next.problem };
    if (next.text === before) return { outcome: 'unchanged' };
    // The record is read asynchronously: if the text changed meanwhile, refresh from the new text.
    if (this.document.version !== version) return this.refreshFromRecord();
    if (!(await this.applyEdits(regionEdits(before, next.text)))) return { outcome: 'failed', message: 'VS Code did not apply the edit.' };
    return next.problem ? { outcome: 'refreshed', message: next.problem } : { outcome: 'refreshed' };
  }

  dispose(): void {
    this.host.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
