// Small validators for messages crossing the webview boundary. Both sides import them (no 'vscode',
// no DOM): a protocol names each message's shape once, its TypeScript type is inferred from it, and
// every message is checked on arrival. A failed check names the path, e.g. `params.ref: not a string`.

/** Checks a value; returns undefined when it fits, else why not. `T` is the type it then has. */
export interface Schema<T> {
  readonly check: (value: unknown, path: string) => string | undefined;
  /** Phantom: carries T for `Infer`; never set. */
  readonly __type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function schema<T>(check: (value: unknown, path: string) => string | undefined): Schema<T> {
  return { check };
}

/** A string of at most `max` UTF-16 units (default 1 MiB: nothing from the wire is unbounded). */
export function str(max = 1 << 20): Schema<string> {
  return schema((v, p) => (typeof v !== 'string' ? `${p}: not a string` : v.length > max ? `${p}: longer than ${max}` : undefined));
}

/** A finite number, optionally an integer within bounds. */
export function num(opts: { int?: boolean; min?: number; max?: number } = {}): Schema<number> {
  return schema((v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${p}: not a finite number`;
    if (opts.int && !Number.isInteger(v)) return `${p}: not an integer`;
    if (opts.min !== undefined && v < opts.min) return `${p}: below ${opts.min}`;
    if (opts.max !== undefined && v > opts.max) return `${p}: above ${opts.max}`;
    return undefined;
  });
}

export function bool(): Schema<boolean> {
  return schema((v, p) => (typeof v === 'boolean' ? undefined : `${p}: not a boolean`));
}

/** One of the given literal strings. */
export function oneOf<const L extends readonly string[]>(values: L): Schema<L[number]> {
  return schema((v, p) => (typeof v === 'string' && values.includes(v) ? undefined : `${p}: not one of ${values.join(', ')}`));
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return schema((v, p) => (v === undefined ? undefined : inner.check(v, p)));
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return schema((v, p) => (v === null ? undefined : inner.check(v, p)));
}

export function arr<T>(item: Schema<T>, max = 100_000): Schema<T[]> {
  return schema((v, p) => {
    if (!Array.isArray(v)) return `${p}: not an array`;
    if (v.length > max) return `${p}: more than ${max} items`;
    for (let i = 0; i < v.length; i++) {
      const e = item.check(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return undefined;
  });
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with exactly these keys (optional ones may be absent); any other key is refused. */
export function obj<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return schema((v, p) => {
    if (!isPlainObject(v)) return `${p}: not an object`;
    for (const k of Object.keys(v)) if (!Object.hasOwn(shape, k)) return `${p}.${k}: unexpected`;
    for (const [k, s] of Object.entries(shape)) {
      const e = s.check(v[k], `${p}.${k}`);
      if (e) return e;
    }
    return undefined;
  });
}

/** A map from string keys to values of one shape. */
export function record<T>(value: Schema<T>, maxKeys = 10_000): Schema<Record<string, T>> {
  return schema((v, p) => {
    if (!isPlainObject(v)) return `${p}: not an object`;
    const keys = Object.keys(v);
    if (keys.length > maxKeys) return `${p}: more than ${maxKeys} keys`;
    for (const k of keys) {
      const e = value.check(v[k], `${p}.${k}`);
      if (e) return e;
    }
    return undefined;
  });
}

/** The first alternative that fits (tagged unions: give each a distinct `oneOf` tag). */
export function union<const A extends readonly Schema<unknown>[]>(alternatives: A): Schema<Infer<A[number]>> {
  return schema((v, p) => {
    const errors: string[] = [];
    for (const a of alternatives) {
      const e = a.check(v, p);
      if (!e) return undefined;
      errors.push(e);
    }
    return errors.join(' | ');
  });
}

/** Nothing (a request without parameters, a reply without a value). */
export function empty(): Schema<Record<string, never>> {
  return obj({}) as Schema<Record<string, never>>;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export function validate<T>(s: Schema<T>, value: unknown, path = 'message'): Checked<T> {
  const error = s.check(value, path);
  return error === undefined ? { ok: true, value: value as T } : { ok: false, error };
}
