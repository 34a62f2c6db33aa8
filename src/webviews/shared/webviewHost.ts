import * as vscode from 'vscode';
import type { ComponentLog } from '../../log';
import { renderShell, webviewOptions, WEBVIEW_DIST } from './html';
import { Peer, type BASE_TO_HOST, type CspViolation, type Endpoint, type Handlers, type Protocol } from './ipc';

export interface WebviewHostOptions<ToHost extends Endpoint, ToWebview extends Endpoint> {
  panel: vscode.WebviewPanel;
  extensionUri: vscode.Uri;
  protocol: Protocol<ToHost, ToWebview>;
  /** What the host does with each message of the protocol (ready and cspViolation are handled here). */
  handlers: Handlers<ToHost>;
  /** Called on every `ready` (first load, and again whenever the webview was re-created): send the state. */
  onReady: () => void;
  log: ComponentLog;
  title: string;
}

/**
 * The host side of one webview (a panel, or a custom editor's panel): sets the options and the CSP
 * page, validates and dispatches every message through a `Peer`, runs the ready handshake and
 * records the CSP violations the app reports. Owns its listeners; disposed with the panel.
 */
export class WebviewHost<ToHost extends Endpoint, ToWebview extends Endpoint> implements vscode.Disposable {
  readonly peer: Peer<ToHost & typeof BASE_TO_HOST, ToWebview>;
  /** Every violation the app reported (tests expect none). */
  readonly cspViolations: CspViolation[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readyCount = 0;
  private readonly readyWaiters: (() => void)[] = [];

  constructor(o: WebviewHostOptions<ToHost, ToWebview>) {
    const webview = o.panel.webview;
    webview.options = webviewOptions(o.extensionUri, vscode.Uri.joinPath);
    const handlers = {
      ...o.handlers,
      ready: () => {
        this.readyCount++;
        o.onReady();
        for (const w of this.readyWaiters.splice(0)) w();
      },
      cspViolation: (v: CspViolation) => {
        this.cspViolations.push(v);
        o.log.warn(`${o.protocol.name}: content security policy violation: ${v.directive} ${v.blockedURI} ${JSON.stringify(v.sample)}`);
      },
    } as Handlers<ToHost & typeof BASE_TO_HOST>;
    this.peer = new Peer(o.protocol.toHost, o.protocol.toWebview, handlers, (m) => void webview.postMessage(m), { warn: (m) => o.log.warn(`${o.protocol.name}: ${m}`) });
    this.disposables.push(webview.onDidReceiveMessage((m: unknown) => this.peer.receive(m)));
    webview.html = renderShell({
      name: o.protocol.name,
      title: o.title,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(o.extensionUri, ...WEBVIEW_DIST, `${o.protocol.name}.js`)),
      cspSource: webview.cspSource,
    });
  }

  /** True once the app has said it listens (messages sent before are lost by VS Code). */
  get isReady(): boolean {
    return this.readyCount > 0;
  }

  /** Resolves at the next `ready` (or now, if the app already said it). */
  whenReady(): Promise<void> {
    return this.isReady ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  dispose(): void {
    this.peer.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
