// The typed message pattern shared by every webview and its host (GitLens' src/webviews/ipc shape):
// requests carry an id and get one reply; notifications get none. Each webview's protocol.ts lists
// its messages per direction with a schema for each; `Peer` (used on both sides) validates every
// incoming message against that list, drops what does not fit (logged), and dispatches through a
// handler map keyed by the protocol's method names: no switch over strings from the wire.
import { bool, num, obj, oneOf, optional, str, union, validate, type Infer, type Schema } from './schema';

export interface RequestDef<P, R> {
  readonly kind: 'request';
  readonly params: Schema<P>;
  readonly result: Schema<R>;
}

export interface NotificationDef<P> {
  readonly kind: 'notification';
  readonly params: Schema<P>;
}

export function request<P, R>(params: Schema<P>, result: Schema<R>): RequestDef<P, R> {
  return { kind: 'request', params, result };
}

export function notification<P>(params: Schema<P>): NotificationDef<P> {
  return { kind: 'notification', params };
}

/** The messages one side may send to the other, by method name. */
export type Endpoint = Record<string, RequestDef<unknown, unknown> | NotificationDef<unknown>>;

export type RequestNames<E extends Endpoint> = { [K in keyof E]: E[K] extends RequestDef<unknown, unknown> ? K : never }[keyof E] & string;
export type NotificationNames<E extends Endpoint> = { [K in keyof E]: E[K] extends NotificationDef<unknown> ? K : never }[keyof E] & string;
export type ParamsOf<D> = D extends RequestDef<infer P, unknown> ? P : D extends NotificationDef<infer P> ? P : never;
export type ResultOf<D> = D extends RequestDef<unknown, infer R> ? R : never;

/** What a side does with each message it may receive. */
export type Handlers<E extends Endpoint> = {
  [K in keyof E]: E[K] extends RequestDef<infer P, infer R> ? (params: P) => R | Promise<R> : E[K] extends NotificationDef<infer P> ? (params: P) => void : never;
};

/** Sent by every webview app, whatever its protocol. */
export const cspViolationParams = obj({ directive: str(200), blockedURI: str(2000), sample: str(400), count: num({ int: true, min: 1 }) });
export type CspViolation = Infer<typeof cspViolationParams>;

/**
 * Messages every app sends: `ready` once it listens (the host then sends its first state; this is
 * the handshake), and `cspViolation` for each `securitypolicyviolation` event (tests count them).
 */
export const BASE_TO_HOST = {
  ready: notification(obj({})),
  cspViolation: notification(cspViolationParams),
} as const;

export interface Protocol<ToHost extends Endpoint, ToWebview extends Endpoint> {
  /** The webview's name: `webview-ui/<name>/main.ts`, `dist/webview/<name>.js`. */
  readonly name: string;
  readonly toHost: ToHost & typeof BASE_TO_HOST;
  readonly toWebview: ToWebview;
}

export function defineProtocol<ToHost extends Endpoint, ToWebview extends Endpoint>(name: string, toHost: ToHost, toWebview: ToWebview): Protocol<ToHost, ToWebview> {
  return { name, toHost: { ...BASE_TO_HOST, ...toHost }, toWebview };
}

/** The envelope on the wire. Method names and payloads inside are checked against the protocol. */
const wire = union([
  obj({ t: oneOf(['req'] as const), id: num({ int: true, min: 0 }), m: str(100), p: optional(unknownValue()) }),
  obj({ t: oneOf(['res'] as const), id: num({ int: true, min: 0 }), ok: bool(), r: optional(unknownValue()), e: optional(str(4000)) }),
  obj({ t: oneOf(['note'] as const), m: str(100), p: optional(unknownValue()) }),
]);
type Wire = Infer<typeof wire>;

function unknownValue(): Schema<unknown> {
  return { check: () => undefined };
}

export interface PeerLog {
  warn(message: string): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  result: Schema<unknown>;
}

/** A reply that says the other side refused or failed the request. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

/**
 * One end of a webview channel. `In` is what this side receives (its handlers), `Out` what it
 * sends. `post` delivers a message to the other side (webview.postMessage or vscode.postMessage).
 */
export class Peer<In extends Endpoint, Out extends Endpoint> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Messages dropped because they did not fit the protocol (read by tests). */
  dropped = 0;

  constructor(
    private readonly incoming: In,
    private readonly outgoing: Out,
    private readonly handlers: Handlers<In>,
    private readonly post: (message: unknown) => void,
    private readonly log: PeerLog,
  ) {}

  notify<K extends NotificationNames<Out>>(method: K, params: ParamsOf<Out[K]>): void {
    this.post({ t: 'note', m: method, p: params });
  }

  request<K extends RequestNames<Out>>(method: K, params: ParamsOf<Out[K]>): Promise<ResultOf<Out[K]>> {
    const id = this.nextId++;
    const def = this.outgoing[method] as RequestDef<unknown, unknown>;
    return new Promise<ResultOf<Out[K]>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, result: def.result });
      this.post({ t: 'req', id, m: method, p: params });
    });
  }

  /** Handles one raw message from the other side; malformed ones are logged and dropped. */
  receive(raw: unknown): void {
    const env = validate(wire, raw);
    if (!env.ok) return this.drop(env.error);
    const msg: Wire = env.value;
    if (msg.t === 'res') return this.settle(msg.id, msg.ok, msg.r, msg.e);
    const method = msg.m;
    if (!Object.hasOwn(this.incoming, method)) return this.drop(`unknown method ${JSON.stringify(method.slice(0, 60))}`);
    const def = this.incoming[method];
    if ((msg.t === 'req') !== (def.kind === 'request')) return this.drop(`${method}: sent as ${msg.t === 'req' ? 'a request' : 'a notification'}`);
    const params = validate(def.params, msg.p ?? {}, `${method}.params`);
    if (!params.ok) return this.drop(params.error);
    const handler = this.handlers[method] as (p: unknown) => unknown;
    if (msg.t === 'note') {
      try {
        handler(params.value);
      } catch (e) {
        this.log.warn(`${method}: ${String(e)}`);
      }
      return;
    }
    const id = msg.id;
    Promise.resolve()
      .then(() => handler(params.value))
      .then(
        (r) => this.post({ t: 'res', id, ok: true, r: r ?? {} }),
        (e: unknown) => this.post({ t: 'res', id, ok: false, e: e instanceof Error ? e.message : String(e) }),
      );
  }

  private settle(id: number, ok: boolean, result: unknown, error: string | undefined): void {
    const p = this.pending.get(id);
    if (!p) return this.drop(`reply to unknown request ${id}`);
    this.pending.delete(id);
    if (!ok) return p.reject(new RemoteError(error ?? 'failed'));
    const checked = validate(p.result, result ?? {}, 'result');
    if (!checked.ok) {
      this.drop(checked.error);
      return p.reject(new RemoteError(`malformed reply: ${checked.error}`));
    }
    p.resolve(checked.value);
  }

  private drop(why: string): void {
    this.dropped++;
    this.log.warn(`dropped a malformed message: ${why}`);
  }

  /** Rejects every request still waiting (the other side went away). */
  dispose(): void {
    for (const p of this.pending.values()) p.reject(new RemoteError('the webview closed'));
    this.pending.clear();
  }
}
