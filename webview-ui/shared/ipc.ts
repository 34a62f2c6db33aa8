// The app side of a webview channel: one Peer over VS Code's postMessage, the ready handshake, and
// a securitypolicyviolation listener that reports every CSP violation to the host (the e2e tests
// count them; the count is also kept on <body data-csp-violations> for them to read).
import { Peer, type BASE_TO_HOST, type Endpoint, type Handlers, type NotificationNames, type ParamsOf, type Protocol, type RequestNames, type ResultOf } from '../../src/webviews/shared/ipc';

const vscodeApi = acquireVsCodeApi();

export class HostConnection<ToHost extends Endpoint, ToWebview extends Endpoint> {
  private readonly peer: Peer<ToWebview, ToHost & typeof BASE_TO_HOST>;
  /** The same peer, seen through the messages every protocol has. */
  private readonly base: Peer<Endpoint, typeof BASE_TO_HOST>;
  private violations = 0;

  constructor(protocol: Protocol<ToHost, ToWebview>, handlers: Handlers<ToWebview>) {
    this.peer = new Peer(protocol.toWebview, protocol.toHost, handlers, (m) => vscodeApi.postMessage(m), {
      warn: (m) => this.report(m),
    });
    this.base = this.peer as unknown as Peer<Endpoint, typeof BASE_TO_HOST>;
    document.addEventListener('securitypolicyviolation', (e) => {
      this.violations++;
      document.body.dataset.cspViolations = String(this.violations);
      this.base.notify('cspViolation', { directive: e.effectiveDirective.slice(0, 200), blockedURI: e.blockedURI.slice(0, 2000), sample: e.sample.slice(0, 400), count: this.violations });
    });
    document.body.dataset.cspViolations = '0';
    window.addEventListener('message', (e: MessageEvent<unknown>) => this.peer.receive(e.data));
  }

  /** Tells the host the app listens; it answers with its state (again after every re-creation). */
  ready(): void {
    this.base.notify('ready', {});
  }

  request<K extends RequestNames<ToHost & typeof BASE_TO_HOST>>(method: K, params: ParamsOf<(ToHost & typeof BASE_TO_HOST)[K]>): Promise<ResultOf<(ToHost & typeof BASE_TO_HOST)[K]>> {
    return this.peer.request(method, params);
  }

  notify<K extends NotificationNames<ToHost & typeof BASE_TO_HOST>>(method: K, params: ParamsOf<(ToHost & typeof BASE_TO_HOST)[K]>): void {
    this.peer.notify(method, params);
  }

  /** Messages from the host that did not fit the protocol (kept on <body data-dropped> for tests). */
  private report(message: string): void {
    document.body.dataset.dropped = String(this.peer.dropped);
    document.body.dataset.lastDropped = message.slice(0, 200);
  }
}

/** The webview's own saved state (survives hiding and, with a serializer, a window reload). */
export function getState<T>(check: (v: unknown) => v is T): T | undefined {
  const s = vscodeApi.getState();
  return check(s) ? s : undefined;
}

export function setState(state: unknown): void {
  vscodeApi.setState(state);
}
