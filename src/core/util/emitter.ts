/** Something to undo a subscription with (shape-compatible with vscode.Disposable). */
export interface Subscription {
  dispose(): void;
}

/**
 * A minimal event emitter for core and services code, which cannot use vscode.EventEmitter (and
 * Node's EventEmitter is string-keyed and untyped). fire() walks the current listener array without
 * copying it, since it runs on hot paths (every log batch); subscribing and unsubscribing, which are
 * rare, replace the array, so a listener added or removed during fire() takes effect next time.
 */
export class Emitter<T> {
  private listeners: readonly ((value: T) => void)[] = [];

  /** Subscribes (the same function twice is one listener, as in a Set); returns a disposable that unsubscribes. */
  readonly event = (listener: (value: T) => void): Subscription => {
    if (!this.listeners.includes(listener)) this.listeners = [...this.listeners, listener];
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };

  fire(value: T): void {
    const list = this.listeners;
    for (let i = 0; i < list.length; i++) list[i](value);
  }

  dispose(): void {
    this.listeners = [];
  }
}
